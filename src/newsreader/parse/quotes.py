"""Find pull quotes (attributed direct speech) in an article body.

News prose quotes people in a handful of fixed shapes: `"…," Gerasimov said`,
`"…," she added`, `Haley told the council: "…"`, `"…", according to RIA`,
`"…," said Jane Doe`. A quotation in one of those shapes that is a real clause
is a pull quote; a short phrase in quote marks with no speech verb beside it
("reliable information", urged Russia to "stop creating distractions") is a
scare quote and is left alone. A paragraph that is mostly one attributed
quotation becomes a `QUOTE` block so the reader can style it.

Speakers are reported by the fullest name the article gives anywhere
("Gerasimov" → "Valery Gerasimov", found by `speakers`), and pronouns ("he
said") resolve to the latest person spoken of whose gender, as the article shows
it, fits. A quotation running over several paragraphs is one quote.
Every pattern here is anchored or bounded, so the whole pass is linear in the
text length.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from newsreader.model.article import Block, BlockKind, Quote
from newsreader.parse.speakers import (
    NAME_TOKEN,
    PARTICLE,
    UPPER,
    NameIndex,
    learn_genders,
    trim_name,
)

_OPEN_ONLY = "“«„"
_STRAIGHT = '"'
_MARKS = re.compile(r'["“”«»„]')
_CLOSERS = {"„": "“”", "«": "»", "“": '”"', '"': '"”'}
"""What may close each opener: „German“ closes with the mark English opens with."""
_SINGLE_OPEN = re.compile(r"(?:^|(?<=[\s(\[—–-]))‘")
_SINGLE_CLOSE = re.compile(r"’(?=[\s,.;:!?)\]—–-]|$)")


def _verb_forms(stems: str) -> list[str]:
    """The -s and past forms of regular speech verbs (`instruct` → instructs, instructed).

    Not the base form: `would respond to a strike` is not speech; the few base forms
    that follow an auxiliary as speech (`would say`) are listed by hand.
    """
    forms: list[str] = []
    for stem in stems.split():
        if stem.endswith("e"):
            forms += [stem + "s", stem + "d"]
        elif stem.endswith("y") and stem[-2:-1] not in "aeiou":
            forms += [stem[:-1] + "ies", stem[:-1] + "ied"]
        elif stem.endswith(("sh", "ch", "ss", "x")):
            forms += [stem + "es", stem + "ed"]
        else:
            forms += [stem + "s", stem + "ed"]
    return forms


_REGULAR = (
    "add ask explain warn note continue state argue insist reply declare claim recall admit "
    "urge tweet post remark recount acknowledge concede announce caution suggest observe stress "
    "emphasise emphasize joke laugh shout predict promise vow counter respond agree confirm "
    "conclude instruct demand testify wonder muse complain boast lament reflect exclaim whisper "
    "answer protest object advise reiterate maintain contend assure elaborate summarise "
    "summarize comment text email message blog opine scoff sigh plead order report disclose "
    "reveal mention recommend repeat yell scream murmur mutter interject counsel reason "
    "concur retort affirm assert allege point explain cry"
)
_IRREGULAR = (
    "said says say told tells tell wrote writes write written spoke speaks put puts add ask "
    "explain warn insist argue recall "
    "quipped quips snapped snaps begged begs admitted committed chimed chimes went goes "
    "summed sums pointed"
)
_ENGLISH_VERBS = sorted(set(_verb_forms(_REGULAR)) | set(_IRREGULAR.split()), key=len)[::-1]
_FOREIGN_VERBS = (
    # pt / es / fr / de / cs / it: the common verbs of reported speech, past and present
    "disse afirmou falou acrescentou declarou explicou contou completou ressaltou destacou "
    "dijo afirmó señaló explicó añadió agregó declaró aseguró indicó sostuvo resumió "
    "déclare déclaré affirme affirmé explique expliqué ajoute ajouté souligne souligné estime "
    "sagte sagt erklärte erklärt betonte betont meinte meint fügte schrieb schreibt "
    "řekl řekla uvedl uvedla píše napsal napsala dodal dodala tvrdí hodnotí zdůrazňuje "
    "zdůraznil přidává přirovnává míní říká prohlásil prohlásila vysvětlil vysvětlila "
    "dichiarato spiegato aggiunto"
)


_Trie = dict[str, "_Trie"]


def _trie_pattern(words: list[str]) -> str:
    """One regular expression for many words, shared prefixes factored out (`sa(?:id|ys)`):
    a flat alternation of hundreds of verbs made every attribution search several times
    slower."""
    trie: _Trie = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: _Trie) -> str:
        ends = "" in node
        branches = [re.escape(char) + render(child) for char, child in node.items() if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return f"(?:{body})?"
        return body

    return render(trie)


_VERBS = (
    _trie_pattern(sorted({*_ENGLISH_VERBS, *_FOREIGN_VERBS.split()} - {"summed", "sums"}))
    + r"|summed\s+up|sums\s+up|went\s+on|goes\s+on|pointed\s+out|chimed\s+in|put\s+it"
)
_ADVERB = (
    r"(?:also|later|then|once|previously|recently|again|simply|had|has|have|would|will|did|"
    r"does|could|might|was|is|[a-z]+ly)"
)
_AUX = rf"(?:{_ADVERB}\s+){{0,2}}"
_NAME = rf"{NAME_TOKEN}(?:\s+(?:{NAME_TOKEN}|{PARTICLE}(?=\s+[{UPPER}]))){{0,5}}"
_PRONOUN = r"(?:he|she|they|He|She|They)"
_DESCRIPTOR = r"(?:[Tt]he|[Aa]n?|[Oo]ne)\s+[a-z0-9][\w'’\-]*(?:\s+[a-z][\w'’\-]*){0,3}"
_ROLE_WORDS = r"(?:(?:[\w’'\-]+|[A-Z]\.(?:[A-Z]\.)*),?\s+){0,6}?"
"""Words before the name: a role (`chief forecaster`, `Seoul resident`, `Pakistan-based
developer`) or the rest of the clause the quotation ends in (`" in that law, Azzouz said`)."""
_WHO = rf"(?P<who>{_PRONOUN}|{_DESCRIPTOR}|{_ROLE_WORDS}(?:{PARTICLE}\s+)?{_NAME})"
"""A pronoun, a description (`the spokesperson`), or a name after some words."""

_TAIL_SUBJECT_VERB = re.compile(
    rf"\s*,?\s*{_WHO}(?:,[^,\"“”\n]{{1,80}},)?\s+{_AUX}(?:{_VERBS})(?![\w’'])"
)
"""`"…," Gerasimov said` / `"…," he said` / `"…" Haley told …` / `"…," Doe, the mayor, said`."""

_TAIL_VERB = re.compile(rf"\s*,?\s*(?:(?:a|ha|hat|has|had)\s+)?(?:{_VERBS})(?![\w’'])")
"""The inversion `"…," said Jane Doe.` (the subject is read by `_subject_after`)."""

_TAIL_ACCORDING = re.compile(rf"\s*,?\s*according\s+to\s+{_WHO}")
"""`"…", according to RIA.`"""

_HEAD_WINDOW = 200
_HEAD_VERB = re.compile(
    rf"(?<![\w’'])(?:{_VERBS})(?:\s+[^\"“”:;.!?\n]{{1,50}}?\s*[:,]|\s*[:,]?)\s*$"
)
"""The end of `X said: "`, `X said, "`, `X told reporters on Monday: "`, `X said "`."""

_HEAD_WHO = re.compile(rf"(?<![\w’'])(?P<who>{_PRONOUN}|{_DESCRIPTOR}|{_NAME}),?\s+{_AUX}$")
"""Who stands right before that verb (searched only once the verb is found: cheap)."""

_HEAD_ACCORDING = re.compile(rf"\b[Aa]ccording\s+to\s+{_WHO}\s*,\s*$")

_LEAD_IN = r"(?:[A-Z][a-z]+(?:\s+[A-Za-z]+){0,2},\s+)"
"""`Earlier Saturday, `, `On Monday, `: a short opening phrase before the subject."""
_SENTENCE_START = re.compile(
    rf"(?:^|(?<=[.!?…”\"]\s))(?:{_LEAD_IN})?(?P<who>{_NAME})(?:,(?P<appos>[^,\"“”\n]{{1,120}}),)?\s+"
    rf"(?:{_ADVERB}\s+)?[a-z]"
)
"""A sentence whose subject is a name (`Yoon apologized …`): who a later `he` is about."""

_SPEECH_EVENT = re.compile(
    rf"(?P<who>{_NAME})(?:,(?P<appos>[^,\"“”\n]{{1,120}}),)?,?\s+{_AUX}(?:{_VERBS})\b"
)
"""Anyone named as speaking, quoted or not: the referent for a later "he said"."""

_INVERTED_EVENT = re.compile(
    rf"(?<![\w’'])(?:said|says)\s+(?P<who>{_NAME})(?=\s*(?:[,;:]|\.(?:\s|$)|$))"
)
"""`…, says Jane Doe` outside any quotation: remembered for a later pronoun."""

_ABBREVIATION_WORDS = "mr mrs ms dr sen rep gov gen lt col sgt capt prof st jr sr rev adm maj"
_ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())
_SUBJECT_STOP_WORDS = (
    "on in at who which that after before during when to for of from with while as and but "
    "because since about than"
)
_SUBJECT_STOP = frozenset(_SUBJECT_STOP_WORDS.split())
_PRONOUN_RE = re.compile(_PRONOUN)
_DESCRIPTOR_RE = re.compile(_DESCRIPTOR)
_HAS_VERB = re.compile(rf"\b(?:{_VERBS})\b")
_MIN_CLAUSE_WORDS = 6
_MIN_SHORT_QUOTE_WORDS = 3
_SAME_SPEAKER_GAP = 300
_ENDS_ATTRIBUTED = 80
_QUOTE_BLOCK_RATIO = 0.55


@dataclass(slots=True)
class _Span:
    """One quotation in a block: positions of its marks, and what we learned about it."""

    open_at: int
    close_at: int  # index of the closing mark, or len(text) when unclosed
    closed: bool
    who: str | None = None
    kind: str = ""  # "name" | "pronoun" | "descriptor" | "" (unattributed)
    speaker: str | None = None
    pull: bool = False
    adjacent: bool = False  # the attribution touches the quotation: `"…," X said`
    continued: bool = False  # a later paragraph of a quotation spanning several


@dataclass(slots=True)
class _BlockInfo:
    text: str
    spans: list[_Span] = field(default_factory=list)


def extract_quotes(
    blocks: list[Block], *, title: str = "", key_points: Sequence[str] = ()
) -> tuple[list[Block], list[Quote]]:
    """Return `blocks` with quotation paragraphs typed as QUOTE, and every pull quote found.

    The input list is not modified. `title` and `key_points` are only used to
    find the fullest form of each speaker's name.
    """
    names = NameIndex([title, *key_points, *(block.text for block in blocks)])
    infos: list[_BlockInfo | None] = []
    for block in blocks:
        if block.kind in (BlockKind.PARAGRAPH, BlockKind.QUOTE) and _has_marks(block.text):
            infos.append(_analyse(block.text))
        else:
            infos.append(None)
    _link_continuations(infos)
    _from_previous_paragraph(blocks, infos)
    _resolve_speakers(blocks, infos, names)

    out: list[Block] = []
    quotes: list[Quote] = []
    for index, (block, info) in enumerate(zip(blocks, infos, strict=True)):
        if info is None:
            out.append(block)
            continue
        pulls = [span for span in info.spans if span.pull]
        text, pulls = _normalise(info.text, pulls)
        out.append(_typed_block(block, text, pulls))
        for span in pulls:
            start, end = _inner_bounds(text, span)
            if end > start and not span.continued:
                quotes.append(Quote(text[start:end], span.speaker, index, start, end))
    return out, quotes


def apply_quotes(
    blocks: list[Block], *, title: str, key_points: Sequence[str], warnings: list[str]
) -> tuple[list[Block], list[Quote]]:
    """`extract_quotes` for parsers that must not fail because of it (feeds, web pages).

    Quotes are a nicety: a bug here must not make a feed unreadable, so its
    failures become a warning and the blocks come back untyped.
    """
    try:
        return extract_quotes(blocks, title=title, key_points=key_points)
    except Exception as exc:  # deliberately broad: see docstring
        warnings.append(f"quote detection failed ({type(exc).__name__}: {exc})")
        return blocks, []


def _analyse(text: str) -> _BlockInfo:
    """Pair the quote marks of one block and read any attribution beside each quotation."""
    info = _BlockInfo(text, _pair_marks(text))
    previous: _Span | None = None
    for span in info.spans:
        _attribute(text, span)
        if not span.kind and previous is not None and previous.kind and previous.adjacent:
            between = text[previous.close_at + 1 : span.open_at]
            if len(between) <= _SAME_SPEAKER_GAP and _tail_speaker(between) is not None:
                # `"A," she said. "B."`: the second part is the same person's
                span.who, span.kind, span.adjacent = previous.who, previous.kind, True
        previous = span
    return info


def _pair_marks(text: str) -> list[_Span]:
    """Quotation spans from the marks in order: curly marks say which side they are,
    straight ones alternate, „German“ and «French» close with their own partner. A
    quotation still open at the end runs to the end of the block (a quotation
    continued in the next paragraph). A block with no double marks is read for
    British ‘single’ quotation marks instead."""
    spans: list[_Span] = []
    opener = ""
    open_at: int | None = None
    for match in _MARKS.finditer(text):
        mark, pos = match.group(), match.start()
        if open_at is not None and mark in _CLOSERS.get(opener, ""):
            spans.append(_Span(open_at, pos, closed=True))
            open_at, opener = None, ""
        elif mark in _OPEN_ONLY or (mark == _STRAIGHT and open_at is None):
            open_at, opener = pos, mark  # a second opener means the first was never closed
    if open_at is not None:
        spans.append(_Span(open_at, len(text), closed=False))
    if not spans and "‘" in text:
        spans = _pair_single(text)
    return spans


def _pair_single(text: str) -> list[_Span]:
    """‘…’ quotations: an opening mark at a word start, closed by the first ’ that ends
    a word (the apostrophe in `don’t` is inside a word and is skipped)."""
    spans: list[_Span] = []
    pos = 0
    while (opening := _SINGLE_OPEN.search(text, pos)) is not None:
        closing = _SINGLE_CLOSE.search(text, opening.end())
        if closing is None:
            break
        nested = text.find("‘", opening.end(), closing.start())
        if nested != -1:
            pos = nested
            continue
        spans.append(_Span(opening.start(), closing.start(), closed=True))
        pos = closing.end()
    return spans


def _has_marks(text: str) -> bool:
    """Any quote mark at all: substring scans run far faster than one regex search."""
    return '"' in text or "“" in text or "”" in text or "«" in text or "„" in text or "‘" in text


def _attribute(text: str, span: _Span) -> None:
    """Look right after the closing mark, then right before the opening one, for a speaker."""
    if span.closed:
        tail = text[span.close_at + 1 : span.close_at + 200]
        who = _tail_speaker(tail)
        if who is not None:
            span.who, span.kind = _classify(who[0])
            span.adjacent = who[1]
            return
    head = text[max(0, span.open_at - _HEAD_WINDOW) : span.open_at]
    who_head = _head_speaker(head)
    if who_head is not None:
        span.who, span.kind = _classify(who_head)
        span.adjacent = head.rstrip().endswith((":", ","))


def _tail_speaker(tail: str) -> tuple[str, bool] | None:
    """(subject, adjacent) of the attribution after a closing mark, if there is one."""
    verb = _TAIL_VERB.match(tail)
    if verb is not None:
        who = _subject_after(tail[verb.end() :])
        if who is not None:
            return who, True
    for pattern in (_TAIL_SUBJECT_VERB, _TAIL_ACCORDING):
        match = pattern.match(tail)
        if match and _accept_who(match.group("who")):
            who = match.group("who")
            clause = "," in who or len(who.split()) > 6 or _CLAUSE_WORDS.search(who + " ")
            return who, not clause
    return None


_CLAUSE_WORDS = re.compile(r"\b(?:in|that|this|is|was|the|to|of|and|with)\s")


def _subject_after(text: str) -> str | None:
    """Who follows an inverted verb (`said White House press secretary Josh Earnest on
    Monday`): the words up to a comma, a sentence end or a preposition, and the name
    at their end (roles in front are cut by `trim_name`)."""
    words: list[str] = []
    raws = text.split()[:10]
    for index, raw in enumerate(raws):
        bare = raw.rstrip(",;:!?)")
        lower = bare.lower()
        if not words and lower in ("the", "a", "an", "one"):
            return _descriptor_after(text)
        if lower in _SUBJECT_STOP or _MARKS.search(raw):
            break
        named = any(word[:1].isupper() for word in words)
        following = raws[index + 1] if index + 1 < len(raws) else ""
        if named and bare.islower() and len(bare) <= 3 and not following[:1].isupper():
            break  # `Tite ao programa`: a short function word ends the name
        words.append(bare)
        if bare != raw:
            break
        if bare.endswith(".") and len(bare) > 2 and lower.rstrip(".") not in _ABBREVIATIONS:
            break  # the sentence ends
    if words and _PRONOUN_RE.fullmatch(words[0]):
        return words[0]
    name = trim_name(words)
    return " ".join(name) if name else None


def _descriptor_after(text: str) -> str | None:
    match = _DESCRIPTOR_RE.match(text.strip())
    return " ".join(match.group().split()) if match else None


def _head_speaker(head: str) -> str | None:
    """Who is named before an opening mark: `X said: "`, `According to X, "` or a
    sentence that names its subject and ends in a colon (`Doe put it plainly: "`)."""
    verb = _HEAD_VERB.search(head)
    match = _HEAD_WHO.search(head, max(0, verb.start() - 120), verb.start()) if verb else None
    if match is None:
        match = _HEAD_ACCORDING.search(head)
    if match and _accept_who(match.group("who")):
        return match.group("who")
    if head.rstrip().endswith(":"):
        start = max(head.rfind(". "), head.rfind("? "), head.rfind("! "))
        sentence = head[start + 2 if start >= 0 else 0 :].lstrip()
        subject = _SENTENCE_START.match(sentence)
        if subject is not None and len(trim_name(subject.group("who").split())) >= 2:
            return subject.group("who")
    return None


def _accept_who(who: str) -> bool:
    """A subject is usable when it is a pronoun, holds a real name, or is a description
    (`the spokesperson`); a bare acronym or sentence word (`UN`, `Meanwhile`) is not."""
    if _PRONOUN_RE.fullmatch(who) or trim_name(who.split()):
        return True
    return _DESCRIPTOR_RE.fullmatch(who) is not None


def _classify(who: str) -> tuple[str, str]:
    """(subject, kind): a pronoun to resolve later, a person's name, or a description."""
    if _PRONOUN_RE.fullmatch(who):
        return who.lower(), "pronoun"
    if trim_name(who.split()):
        return who, "name"
    return " ".join(who.split()), "descriptor"


def _link_continuations(infos: list[_BlockInfo | None]) -> None:
    """Share attribution along a quotation continued over several paragraphs.

    Paragraph n ends with its quotation still open and paragraph n+1 opens with a
    quote mark: they are one statement, so whichever part names the speaker
    names it for all.
    """
    chain: list[_Span] = []
    for info in infos:
        spans = info.spans if info else []
        opens_quoted = info is not None and bool(spans)
        opens_quoted = opens_quoted and spans[0].open_at == _first_char(info.text if info else "")
        if chain and opens_quoted:
            chain.append(spans[0])
            if not spans[0].closed:
                continue  # the whole paragraph is still the same quotation
        _share(chain)
        chain = [spans[-1]] if spans and not spans[-1].closed else []
    _share(chain)


def _first_char(text: str) -> int:
    return len(text) - len(text.lstrip())


def _share(chain: list[_Span]) -> None:
    if len(chain) < 2:
        return
    source = next((span for span in chain if span.kind), None)
    if source is None:
        return
    for number, span in enumerate(chain):
        if not span.kind:
            span.who, span.kind = source.who, source.kind
        span.pull = True  # a statement spanning paragraphs is never a scare quote
        span.continued = number > 0  # one quotation, reported once, by its first part


def _from_previous_paragraph(blocks: list[Block], infos: list[_BlockInfo | None]) -> None:
    """A paragraph that is one unattributed quotation takes its speaker from the paragraph
    before: the one that introduces it (`Doe put it this way:`) or the one whose
    attributed quotation it carries on (`"…," Doe said.` then `"…"`)."""
    before: _BlockInfo | None = None
    for block, info in zip(blocks, infos, strict=True):
        if info is not None and info.spans and _whole_paragraph(info):
            span = info.spans[0]
            if not span.kind and before is not None:
                _inherit(span, before)
        if block.kind in (BlockKind.PARAGRAPH, BlockKind.QUOTE):
            before = info if info is not None else _BlockInfo(block.text)
        else:
            before = None


def _whole_paragraph(info: _BlockInfo) -> bool:
    first = info.spans[0]
    stripped = info.text.rstrip()
    return first.open_at == _first_char(info.text) and first.close_at >= len(stripped) - 2


def _inherit(span: _Span, before: _BlockInfo) -> None:
    text = before.text.rstrip()
    if text.endswith(":"):
        who = _head_speaker(text)
        if who is not None and _accept_who(who):
            span.who, span.kind = _classify(who)
            span.adjacent = True
        return
    last = before.spans[-1] if before.spans else None
    if last is None or last.kind not in ("name", "pronoun") or not last.closed:
        return
    if len(text) - last.close_at <= _ENDS_ATTRIBUTED and last.adjacent:
        span.who, span.kind, span.adjacent = last.who, last.kind, True


def _resolve_speakers(
    blocks: list[Block], infos: list[_BlockInfo | None], names: NameIndex
) -> None:
    """Give each attributed quotation its full speaker name and decide if it is a pull quote.

    Walks the article in reading order, remembering who was last named as
    speaking or as a sentence's subject, quoted or not. A pronoun goes to the
    most recent of them whose gender (as the article shows it) fits, not simply
    to the last person quoted.
    """
    spans = [span for info in infos if info for span in info.spans]
    for span in spans:
        if span.kind == "name":
            span.speaker = names.resolve(span.who)
    pronouns = any(span.kind == "pronoun" for span in spans)
    # Who was mentioned when matters only to a pronoun or to a name the index could
    # not make whole (`Lee` with two Lees): most articles need neither.
    needs_referent = pronouns or any(
        span.kind == "name" and span.speaker and " " not in span.speaker for span in spans
    )
    if pronouns:
        names.genders = learn_genders((block.text for block in blocks), names)
    wanted = _blocks_needing_mentions(infos) if needs_referent else set()
    recent: list[str] = []  # people in order of mention, most recent last
    for number, (block, info) in enumerate(zip(blocks, infos, strict=True)):
        events = _mentions(block.text, names) if number in wanted else []
        if info is None:
            _remember(recent, events)
            continue
        cursor = 0
        attributed = sum(span.close_at - span.open_at + 1 for span in info.spans if span.kind)
        mostly_quoted = attributed >= _QUOTE_BLOCK_RATIO * len(info.text.strip())
        for span in info.spans:
            while cursor < len(events) and events[cursor][0] < span.open_at:
                recent.append(_salient(events[cursor][1], recent) or events[cursor][1])
                cursor += 1
            if span.kind == "name":
                span.speaker = _salient(span.speaker, recent)
                if span.speaker and needs_referent:
                    recent.append(span.speaker)
            elif span.kind == "pronoun":
                span.speaker = _referent(span.who or "", recent, names)
            elif span.kind == "descriptor":
                span.speaker = span.who
            if span.kind:
                span.pull = (
                    span.pull
                    or _is_clause(info.text, span)
                    or (mostly_quoted and _words(info.text, span) >= _MIN_SHORT_QUOTE_WORDS)
                )
        _remember(recent, events[cursor:])


_REMEMBERED = 40
_LOOKBACK = 6


def _blocks_needing_mentions(infos: list[_BlockInfo | None]) -> set[int]:
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
            for span in info.spans
        ):
            wanted.update(range(max(0, number - _LOOKBACK), number + 1))
    return wanted


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
        if wanted is None or gender is None or gender == wanted:
            return person
    return None


def _mentions(text: str, names: NameIndex) -> list[tuple[int, str]]:
    """Where each person is named as speaking or as a sentence's subject (offset, full name).

    These are the people a later "he said" can be about.
    """
    found: dict[int, str] = {}
    if _HAS_VERB.search(text):
        for match in _SPEECH_EVENT.finditer(text):
            tokens = trim_name(match.group("who").split())
            if not tokens and match.group("appos"):
                tokens = trim_name(match.group("appos").split())  # `the UN, Nikki Hailey, said`
            if tokens:
                found[match.start()] = " ".join(tokens)
        for match in _INVERTED_EVENT.finditer(text):
            who = match.group("who")
            tokens = trim_name(who.split())
            if tokens and not who.endswith(("'s", "’s")):  # `said Yoon’s order` names no speaker
                found[match.start()] = " ".join(tokens)
    subjects: set[int] = set()
    for match in _SENTENCE_START.finditer(text):
        tokens = trim_name(match.group("who").split())
        if tokens and match.start() not in found:
            found[match.start()] = " ".join(tokens)
            subjects.add(match.start())
    events: list[tuple[int, str]] = []
    for offset in sorted(found):
        person = names.resolve(found[offset])
        if person and (offset not in subjects or " " in person):
            events.append((offset, person))  # a lone capitalised word opening a sentence
    return events  # (`Opposition lawmakers said`) is a person only if named in full


def _words(text: str, span: _Span) -> int:
    return len(text[span.open_at + 1 : span.close_at].split())


def _is_clause(text: str, span: _Span) -> bool:
    """A statement rather than a scare-quoted phrase: long enough, a finished sentence, or
    a short one the writer attributes right beside it (`"We won," said Ana Ruiz`)."""
    inner = text[span.open_at + 1 : span.close_at].strip()
    words = len(inner.split())
    if not span.closed:
        return words >= 3
    if words >= _MIN_CLAUSE_WORDS or inner[-1:] in (".", "!", "?", "…"):
        return True
    return span.adjacent and words >= _MIN_SHORT_QUOTE_WORDS and inner[-1:] in (",", "!", "?")


def _normalise(text: str, pulls: list[_Span]) -> tuple[str, list[_Span]]:
    """Drop stray spaces inside the marks of pull quotes (`incident, "` → `incident,"`).

    Returns the new text and the spans moved to match it. Only pull quotes are
    touched: an unpaired straight mark elsewhere must not glue words together.
    """
    if not pulls:
        return text, pulls
    parts: list[str] = []
    moved: list[_Span] = []
    cursor = 0
    shift = 0
    for span in pulls:
        open_end = span.open_at + 1
        inner = text[open_end : span.close_at]
        stripped_left = inner.lstrip(" ")
        stripped = stripped_left.rstrip(" ") if span.closed else stripped_left
        parts.append(text[cursor:open_end])
        parts.append(stripped)
        new_open = span.open_at - shift
        shift += len(inner) - len(stripped)
        new_close = span.close_at - shift
        cursor = span.close_at
        moved.append(replace(span, open_at=new_open, close_at=new_close))
    parts.append(text[cursor:])
    return "".join(parts), moved


def _inner_bounds(text: str, span: _Span) -> tuple[int, int]:
    """Offsets of the quoted words: marks, edge spaces and a trailing comma left out."""
    start, end = span.open_at + 1, span.close_at
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    return start, end


def _typed_block(block: Block, text: str, pulls: list[_Span]) -> Block:
    """QUOTE when the block is mostly one speaker's quotation, else the block as it was."""
    quoted = sum(span.close_at - span.open_at + 1 for span in pulls)
    speakers = {span.speaker for span in pulls}
    if pulls and len(speakers) == 1 and quoted >= _QUOTE_BLOCK_RATIO * len(text.strip()):
        return Block(BlockKind.QUOTE, text, credit=block.credit, speaker=speakers.pop())
    return Block(block.kind, text, credit=block.credit, speaker=block.speaker)
