"""Who an attribution means: full names, pronouns by salience and gender, descriptions.

Walks the article in reading order remembering who was last named as speaking
or as a sentence's subject; `he` / `she` go to the most recent of them whose
gender, as the article shows it (`speakers.learn_genders`), fits. Also decides
which attributed quotations are pull quotes rather than scare quotes.
"""

from __future__ import annotations

from collections.abc import Iterator

from newsreader.model.article import Block
from newsreader.parse.quote_marks import BlockInfo, Span
from newsreader.parse.quote_patterns import (
    ACCORDING_EVENT,
    DEFINITE,
    GROUP_EVENT,
    HAS_VERB,
    INVERTED_EVENT,
    MIN_CLAUSE_WORDS,
    MIN_SHORT_QUOTE_WORDS,
    POSSESSIVE_APPOSITIVE,
    QUOTE_BLOCK_RATIO,
    ROLE_INTRODUCED,
    ROLE_WORD,
    SENTENCE_START,
    SPEECH_EVENT,
)
from newsreader.parse.speakers import GROUP_WORDS, NameIndex, learn_genders, trim_name


def resolve_speakers(blocks: list[Block], infos: list[BlockInfo | None], names: NameIndex) -> None:
    """Give each attributed quotation its full speaker name and decide if it is a pull quote.

    Walks the article in reading order, remembering who was last named as
    speaking or as a sentence's subject, quoted or not. A pronoun goes to the
    most recent of them whose gender (as the article shows it) fits, not simply
    to the last person quoted.
    """
    spans = [span for info in infos if info for span in info.spans]
    for span in spans:
        if span.kind == "name":
            span.speaker = _resolve_name(span.who or "", names)
    pronouns = any(span.kind == "pronoun" for span in spans)
    documents = any(span.kind == "descriptor" and _document(span.who or "") for span in spans)
    # Who was mentioned when matters only to a pronoun or to a name the index could
    # not make whole (`Lee` with two Lees): most articles need neither.
    needs_referent = (
        pronouns
        or documents
        or any(span.kind == "name" and span.speaker and " " not in span.speaker for span in spans)
    )
    if pronouns:
        names.genders = learn_genders((block.text for block in blocks), names)
    wanted = _blocks_needing_mentions(infos) if needs_referent else set()
    recent: list[str] = []  # people in order of mention, most recent last
    last_quoted: tuple[int, str] | None = None  # (block, name) of the latest named speaker
    quoted: set[str] = set()  # everyone quoted by name so far
    roles: dict[str, set[str]] | None = None  # role word -> who holds it, read when needed
    for number, (block, info) in enumerate(zip(blocks, infos, strict=True)):
        events = _mentions(block.text, names) if number in wanted else []
        if info is None:
            _remember(recent, events)
            continue
        cursor = 0
        attributed = sum(span.close_at - span.open_at + 1 for span in info.spans if span.kind)
        mostly_quoted = attributed >= QUOTE_BLOCK_RATIO * len(info.text.strip())
        for span in info.spans:
            while cursor < len(events) and events[cursor][0] < span.open_at:
                if not _quoted(events[cursor][0], info.spans):
                    recent.append(_salient(events[cursor][1], recent) or events[cursor][1])
                cursor += 1
            if span.kind == "name":
                span.speaker = _salient(span.speaker, recent)
                if span.speaker and needs_referent:
                    recent.append(span.speaker)
                if span.speaker:
                    last_quoted = (number, span.speaker)
                    quoted.add(span.speaker)
            elif span.kind == "pronoun":
                span.speaker = _referent(span.who or "", recent, names)
            elif span.kind == "descriptor" and _document(span.who or "") and recent:
                span.speaker = recent[-1]  # `the note said`: whoever was said to write it
            elif span.kind == "descriptor":
                span.speaker = _described(span, number, last_quoted, len(quoted) == 1)
                if span.speaker == span.who:
                    roles = roles if roles is not None else _roles(blocks, names)
                    span.speaker = _holder(span.who or "", roles) or span.speaker
            if span.kind:
                span.pull = (
                    span.pull
                    or _is_clause(info.text, span)
                    or (mostly_quoted and _words(info.text, span) >= MIN_SHORT_QUOTE_WORDS)
                )
        _remember(recent, [event for event in events[cursor:] if not _quoted(event[0], info.spans)])


def _resolve_name(who: str, names: NameIndex) -> str | None:
    """The fullest name for an attribution; two people (`Smith and Jones`) each in full."""
    parts = who.split(" and ")
    if len(parts) == 2:
        left, right = trim_name(parts[0].split()), trim_name(parts[1].split())
        if left and right and left[-1] == parts[0].split()[-1]:
            return f"{names.resolve(' '.join(left))} and {names.resolve(' '.join(right))}"
    return names.resolve(who)


_CONTINUED_WITHIN = 2
"""Blocks back that `the coach added` may point to the person last quoted by name."""


def _described(
    span: Span, number: int, last_quoted: tuple[int, str] | None, only_one: bool
) -> str | None:
    """A description is the speaker as written (`una fuente de los servicios`), except that
    `…, the coach added` / `acrescentou o comandante` goes on with the person last quoted
    by name: when that was a block or two ago, or when nobody else has been quoted."""
    who = span.who or ""
    definite = who.split()[0].lower() in DEFINITE if who.split() else False
    near = last_quoted is not None and number - last_quoted[0] <= _CONTINUED_WITHIN
    if span.continues and definite and last_quoted is not None and (near or only_one):
        return last_quoted[1]
    return who or None


def _roles(blocks: list[Block], names: NameIndex) -> dict[str, set[str]]:
    """Each role the article gives someone in apposition (`the minister, Rhiannon Pugh,`)."""
    found: dict[str, set[str]] = {}
    for block in blocks:
        for _, role, name in _role_names(block.text):
            found.setdefault(role, set()).add(names.resolve(name) or name)
    return found


def _role_names(text: str) -> Iterator[tuple[int, str, str]]:
    """(where, role, name) for each name set beside its role (`the minister, Rhiannon Pugh,`):
    a full name in commas right after a lower-case role word."""
    if ", " not in text:
        return
    for match in ROLE_INTRODUCED.finditer(text):
        role = ROLE_WORD.search(text, max(0, match.start() - 30), match.start())
        tokens = trim_name(match.group("name").split())
        if role is not None and len(tokens) >= 2:
            yield match.start("name"), role.group(), " ".join(tokens)


def _holder(who: str, roles: dict[str, set[str]]) -> str | None:
    """`the minister` is the one person the article introduced as its minister."""
    words = who.split()
    if len(words) < 2 or words[0].lower() not in DEFINITE:
        return None
    holders = roles.get(words[-1].lower(), set())
    return next(iter(holders)) if len(holders) == 1 else None


_REMEMBERED = 40
_LOOKBACK = 6


def _blocks_needing_mentions(infos: list[BlockInfo | None]) -> set[int]:
    """The blocks whose mentions can matter: the few before each quotation whose speaker
    depends on who was talked about (a pronoun, a name the index could not make whole).
    Salience is local, and reading every block of a long article for names is the
    costliest part of the pass."""
    wanted: set[int] = set()
    for number, info in enumerate(infos):
        if info is None:
            continue
        if any(
            span.kind == "pronoun"
            or (span.kind == "name" and span.speaker and " " not in span.speaker)
            or (span.kind == "descriptor" and _document(span.who or ""))
            for span in info.spans
        ):
            wanted.update(range(max(0, number - _LOOKBACK), number + 1))
    return wanted


_DOCUMENTS = frozenset(
    {"note", "report", "statement", "letter", "memo", "filing", "email", "release", "notice"}
)
"""What `the note said` may speak through: words written by someone the story has named."""


def _document(who: str) -> bool:
    words = who.split()
    return len(words) == 2 and words[0].lower() in DEFINITE and words[1].lower() in _DOCUMENTS


def _quoted(offset: int, spans: list[Span]) -> bool:
    """Whether `offset` lies inside a quotation: `"People told us …," she said` names
    nobody the writer speaks of (the speaker is talking)."""
    return any(span.open_at < offset < span.close_at for span in spans)


def _remember(recent: list[str], events: list[tuple[int, str]]) -> None:
    for _, person in events:
        recent.append(_salient(person, recent) or person)
    del recent[:-_REMEMBERED]


def _salient(name: str | None, recent: list[str]) -> str | None:
    """A name the index could not expand (`Lee` with two Lees in the article) is the
    person of that name mentioned most recently."""
    if not name or " " in name:
        return name
    for person in reversed(recent):
        if name in person.split():
            return person
    return name


def _referent(pronoun: str, recent: list[str], names: NameIndex) -> str | None:
    """The latest person mentioned whose gender fits `he` / `she` (`they`: the latest)."""
    wanted = {"he": "m", "she": "f"}.get(pronoun)
    for person in reversed(recent):
        gender = names.gender(person)
        if wanted is not None and gender is None and _organisation(person):
            continue  # `he` is never `Severnside Water`
        if wanted is None or gender is None or gender == wanted:
            return person
    return None


_ORGANISATION_WORDS = frozenset({
    "water", "systems", "ltd", "limited", "inc", "corp", "corporation", "group", "council",
    "bank", "company", "authority", "trust", "ministry", "department", "university", "agency",
    "party", "association", "union", "club", "news", "research", "services", "energy",
    "airlines", "airways", "holdings", "partners", "capital", "media", "press", "police",
    "government", "committee", "commission", "board", "foundation", "institute", "society",
    "federation", "league", "fc", "court", "hospital", "school", "college", "office",
    "network", "labs", "technologies", "motors", "insurance", "railways", "rail", "health",
    "plc", "llc", "gmbh", "ag", "sa", "co", "industries", "international", "resources",
})  # fmt: skip
"""Last words of an organisation's name: someone a `he` or `she` cannot be."""


def _organisation(name: str) -> bool:
    words = name.split()
    return len(words) > 1 and words[-1].lower().strip(".,") in _ORGANISATION_WORDS


_ACCORDING_WORDS = ("ccording to", "ara ", "egún ", "elon ", "econdo ", "aut ")
"""What `ACCORDING_EVENT` needs in a text: substring scans are far cheaper than its search."""


def _mentions(text: str, names: NameIndex) -> list[tuple[int, str]]:
    """Where each person is named as speaking or as a sentence's subject (offset, full name).

    These are the people a later "he said" can be about.
    """
    found: dict[int, str] = {}
    groups: set[int] = set()  # `analysts at Citi`: said as written, not resolved as a name
    if HAS_VERB.search(text):
        for match in SPEECH_EVENT.finditer(text):
            tokens = trim_name(match.group("who").split())
            if not tokens and match.group("appos"):
                tokens = trim_name(match.group("appos").split())  # `the UN, Nikki Hailey, said`
            if tokens:
                found[match.start()] = " ".join(tokens)
        for match in INVERTED_EVENT.finditer(text):
            who = match.group("who")
            tokens = trim_name(who.split())
            if tokens and not who.endswith(("'s", "’s")):  # `said Yoon’s order` names no speaker
                found[match.start()] = " ".join(tokens)
    if "," in text and any(word in text for word in _ACCORDING_WORDS):
        for match in ACCORDING_EVENT.finditer(text):
            tokens = trim_name(match.group("who").split())
            if len(tokens) >= 2:
                found.setdefault(match.start("who"), " ".join(tokens))
    if any(word in text for word in GROUP_WORDS):
        for match in GROUP_EVENT.finditer(text):
            tokens = trim_name(match.group("who").split()) or match.group("who").split()[:3]
            if tokens and match.start() not in found:
                found.pop(match.start("who"), None)  # `analysts at Citi said`: not Citi
                found[match.start()] = f"{match['group']} at {' '.join(tokens)}"
                groups.add(match.start())
    subjects: set[int] = set()
    for match in SENTENCE_START.finditer(text):
        who = match.group("who")
        if who.endswith(("'s", "’s")):  # `Severnside's chief executive, Jo Pryce, apologised`
            possessed = POSSESSIVE_APPOSITIVE.match(text, match.end("who"))
            if possessed is None:
                continue
            who = possessed.group("who")
        tokens = trim_name(who.split())
        if tokens and match.start() not in found:
            found[match.start()] = " ".join(tokens)
            subjects.add(match.start())
    _appositions(text, found)
    events: list[tuple[int, str]] = []
    for offset in sorted(found):
        person = found[offset] if offset in groups else names.resolve(found[offset])
        if person and (offset not in subjects or " " in person):
            events.append((offset, person))  # a lone capitalised word opening a sentence
    return events  # (`Opposition lawmakers said`) is a person only if named in full


def _appositions(text: str, found: dict[int, str]) -> None:
    """Add the names set beside a role (`…, the company's chief executive, Lauren Whitfield,
    apologised`) in sentences where nobody else is named before them: the subject of
    `Karl Brenner and his son, Jonas Brenner, run the mill` is still Karl."""
    for offset, _, name in _role_names(text):
        sentence = max(text.rfind(". ", 0, offset), text.rfind("? ", 0, offset))
        if not any(sentence < earlier < offset for earlier in found):
            found.setdefault(offset, name)


def _words(text: str, span: Span) -> int:
    return len(text[span.open_at + 1 : span.close_at].split())


def _is_clause(text: str, span: Span) -> bool:
    """A statement rather than a scare-quoted phrase: long enough, a finished sentence, or
    a short one the writer attributes right beside it (`"We won," said Ana Ruiz`)."""
    inner = text[span.open_at + 1 : span.close_at].strip()
    words = len(inner.split())
    if not span.closed:
        return words >= 3
    if words >= MIN_CLAUSE_WORDS or inner[-1:] in (".", "!", "?", "…"):
        return True
    return span.adjacent and words >= MIN_SHORT_QUOTE_WORDS and inner[-1:] in (",", "!", "?")
