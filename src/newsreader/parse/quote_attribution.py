"""Who a quotation is attributed to, as the text writes it (`Gerasimov`, `she`, `the mayor`).

Looks right after the closing mark, then right before the opening one, then at
the paragraph before (a quotation introduced by `Doe put it this way:` or one
continuing the previous paragraph's). Full names and pronouns are settled later
by `quote_referents`.
"""

from __future__ import annotations

import re

from newsreader.model.article import Block, BlockKind
from newsreader.parse.quote_marks import (
    MARKS,
    BlockInfo,
    Span,
    first_char,
    pair_marks,
)
from newsreader.parse.quote_patterns import (
    ABBREVIATIONS,
    ARTICLES,
    CONTINUING,
    DESCRIPTOR_RE,
    ENDS_ATTRIBUTED,
    FRENCH_PRONOUNS,
    HAS_VERB,
    HEAD_ACCORDING,
    HEAD_NAME_IN_APPOSITION,
    HEAD_VERB,
    HEAD_WHO,
    HEAD_WINDOW,
    PRONOUN_RE,
    SAME_SPEAKER_GAP,
    SENTENCE_START,
    SPEECH_EVENT,
    SUBJECT_STOP,
    TAIL_ACCORDING,
    TAIL_GESTURE,
    TAIL_INVERTED_PRONOUN,
    TAIL_SUBJECT_VERB,
    TAIL_VERB,
)
from newsreader.parse.speakers import group_at, trim_name


def analyse(text: str) -> BlockInfo:
    """Pair the quote marks of one block and read any attribution beside each quotation."""
    info = BlockInfo(text, [span for span in pair_marks(text) if not _title_of_work(text, span)])
    previous: Span | None = None
    for number, span in enumerate(info.spans):
        _attribute(text, span, first=number == 0)
        if not span.kind and previous is not None and previous.kind and previous.adjacent:
            between = text[previous.close_at + 1 : span.open_at]
            if len(between) <= SAME_SPEAKER_GAP and _tail_speaker(between) is not None:
                # `"A," she said. "B."`: the second part is the same person's
                span.who, span.kind, span.adjacent = previous.who, previous.kind, True
        previous = span
    return info


def _attribute(text: str, span: Span, *, first: bool) -> None:
    """Look right after the closing mark, then right before the opening one, for a speaker."""
    if span.closed:
        tail = text[span.close_at + 1 : span.close_at + 200]
        who = _tail_speaker(tail)
        if who is None and (text[span.close_at - 1 : span.close_at] == "," or tail[:1] == ","):
            who = _gesture_speaker(tail.lstrip(","))
        if who is not None:
            span.who, span.kind = _classify(who[0])
            span.adjacent = who[1]
            span.continues = CONTINUING.search(tail, 0, _CONTINUING_WINDOW) is not None
            return
    head = text[max(0, span.open_at - HEAD_WINDOW) : span.open_at]
    who_head = _head_speaker(head)
    if who_head is not None:
        span.who, span.kind = _classify(who_head)
        span.adjacent = head.rstrip().endswith((":", ","))
    elif first and span.open_at <= _REPORTED_SPEECH_CHARS and head.rstrip()[-1:] in (".", "!", "?"):
        # `Feld said in a note that the guidance was better than feared. "Investors …"`
        # (after a quotation earlier in the paragraph it is that one's speaker: `analyse`)
        reported = _reported_speaker(text[: span.open_at])
        if reported is not None:
            span.who, span.kind = reported, "name"


def _tail_speaker(tail: str) -> tuple[str, bool] | None:
    """(subject, adjacent) of the attribution after a closing mark, if there is one."""
    inverted = TAIL_INVERTED_PRONOUN.match(tail)
    if inverted is not None:
        return FRENCH_PRONOUNS[inverted.group("pronoun")], True
    verb = TAIL_VERB.match(tail)
    if verb is not None:
        rest = tail[verb.end() :]
        who = subject_after(rest)
        if who is not None:
            return who, True
        if _SENTENCE_ENDS.match(rest):
            return "they", True  # `», aseguró.`: no subject, the person spoken of (es, pt, it)
    for pattern in (TAIL_SUBJECT_VERB, TAIL_ACCORDING):
        match = pattern.match(tail)
        if match and _accept_who(match.group("who")):
            who = match.group("who")
            named = _named_in_apposition(who, match.groupdict().get("appos"))
            if named is not None:
                return named, True
            org = trim_name(who.split())
            if org and who.endswith(org[-1]):
                start = who.rfind(org[0])
                person = _person_of(who[:start]) if start > 0 else None
                if person is not None:
                    return person, True
                group = group_at(who[:start], " ".join(org)) if start > 0 else None
                if group is not None:
                    return group, True  # `analysts at Barclays said`
            clause = "," in who or len(who.split()) > 6 or _CLAUSE_WORDS.search(who + " ")
            return who, not clause
    return None


_CONTINUING_WINDOW = 60
_SENTENCE_ENDS = re.compile(r"\s*(?:[.!?;]|$)")


def _gesture_speaker(tail: str) -> tuple[str, bool] | None:
    """`"…," shakes his head Lineker.`: after a quotation closed with a comma, a name that
    ends the sentence a few words on is its speaker, whatever the verb."""
    match = TAIL_GESTURE.match(tail)
    if match is None or not trim_name(match.group("who").split()):
        return None
    return match.group("who"), True


_CLAUSE_WORDS = re.compile(r"\b(?:in|that|this|is|was|the|to|of|and|with)\s")


def subject_after(text: str) -> str | None:
    """Who follows an inverted verb (`said White House press secretary Josh Earnest on
    Monday`): the words up to a comma, a sentence end or a preposition, and the name
    at their end (roles in front are cut by `trim_name`). Two names joined by `and`
    are both the speaker (`said Smith and Jones.`); a few lower-case words ending the
    sentence describe the speaker (`tvrdí mladá superstar.`, in a language without
    articles)."""
    words: list[str] = []
    raws = text.split()[:10]
    ended = False
    for index, raw in enumerate(raws):
        bare = raw.rstrip(",;:!?)")
        lower = bare.lower()
        if not words and lower in ARTICLES:
            return _descriptor_after(text)
        if lower in _AND and words and words[-1][:1].isupper():
            joint = _joint_name(words, raws[index + 1 :])
            if joint is not None:
                return joint
        if (
            lower == "and"
            and words
            and words[-1].islower()
            and not any(word[:1].isupper() for word in words)
        ):
            continue  # `said co-founder and CEO Maya Chen`: roles joined, the name to come
        if lower in SUBJECT_STOP or MARKS.search(raw):
            break
        named = any(word[:1].isupper() for word in words)
        following = raws[index + 1] if index + 1 < len(raws) else ""
        if named and bare.islower() and len(bare) <= 3 and not following[:1].isupper():
            break  # `Tite ao programa`: a short function word ends the name
        words.append(bare)
        if bare != raw:
            ended = raw[len(bare) : len(bare) + 1] in ("!", "?")
            break
        if bare.endswith(".") and len(bare) > 2 and lower.rstrip(".") not in ABBREVIATIONS:
            ended = True
            break  # the sentence ends
    if words and PRONOUN_RE.fullmatch(words[0]):
        return words[0]
    if len(words) == 1 and words[0].rstrip(".").lower() in _PRONOUNS_ABROAD:
        return _PRONOUNS_ABROAD[words[0].rstrip(".").lower()]  # `explicou ele.`
    name = trim_name(words)
    if name:
        return " ".join(name)
    if ended and len(words) <= _MAX_BARE_DESCRIPTION and all(w.islower() for w in words):
        return " ".join(words).rstrip(".")
    return None


_PRONOUNS_ABROAD = {"ele": "he", "ela": "she", "él": "he", "ella": "she", "lui": "he", "lei": "she"}
"""Subject pronouns after an inverted verb (pt, es, it), read as `he` / `she`."""
_AND = frozenset({"and", "a", "y", "e", "und", "et", "&"})
"""`and` in the languages whose verbs are listed (Czech `a`, Spanish `y`, Portuguese `e`)."""
_MAX_BARE_DESCRIPTION = 4


def _joint_name(first: list[str], rest: list[str]) -> str | None:
    """`Claret and Hugh.` after an inverted verb: both names, when the second one ends
    the sentence (`said Smith and then left` names one speaker)."""
    left = trim_name(first)
    second: list[str] = []
    for raw in rest[:4]:
        bare = raw.rstrip(",;:!?).")
        if not bare[:1].isupper():
            return None
        second.append(bare)
        if bare != raw:
            break
    else:
        return None
    right = trim_name(second)
    if not left or not right or left[-1] != first[-1].strip(",;:()[]"):
        return None
    return f"{' '.join(left)} and {' '.join(right)}"


def _descriptor_after(text: str) -> str | None:
    """The description after an inverted verb (`said the mayor.`), or the name it is put
    beside (`said the group's chair, Ben Adeyemi.` is Ben Adeyemi's)."""
    text = text.strip()
    match = DESCRIPTOR_RE.match(text)
    if match is None:
        return None
    described = " ".join(match.group().split())
    longer = _DESCRIPTION_GOES_ON.match(text, match.end())
    if longer is not None:  # `said a former member of the cello section.`
        described = f"{described} {' '.join(longer.group('more').split())}"
    appositive = _APPOSITIVE_NAME.match(text, match.end())
    if appositive is not None and described.split()[-1] not in _LINKING:
        named = _named_in_apposition(described, appositive.group("name"))
        if named is not None:
            return named
    return described


_LINKING = frozenset({"of", "for", "in", "at", "from", "with", "on", "de", "da", "do", "del", "di"})
"""A description ending in one of these goes on into the name (`the mayor of New York`)."""
_DESCRIPTION_GOES_ON = re.compile(r"(?P<more>(?:\s+[a-z][\w'’\-]*){1,4})\s*[.!?;,]")
"""Lower-case words that run on from a description to the end of the sentence."""
_APPOSITIVE_NAME = re.compile(r",?\s+(?P<name>[^,.;:!?\"“”\n]{2,60})(?:[,.;:!?]|$)")
"""`, Ben Adeyemi.` after a description: the name it gives, up to the next stop."""


def _named_in_apposition(who: str, appositive: str | None) -> str | None:
    """The name beside a description (`the trust's medical director, Dr Helena Voss`),
    when `who` describes and `appositive` is a name: a description says what someone
    is, the name who, and the name is the speaker to show."""
    if not appositive or not DESCRIPTOR_RE.fullmatch(" ".join(who.split())):
        return None
    words: list[str] = []
    for word in appositive.split():
        if not word[:1].isupper():
            break  # `a prefeita Juliana Macedo durante o anúncio`: the name ends
        words.append(word)
    name = trim_name(words)
    if len(name) < 2 or name[-1] != words[-1]:
        return None  # a clause (`, who runs the trust,`) or a single word: keep the description
    return " ".join(name)


def _head_speaker(head: str) -> str | None:
    """Who is named before an opening mark: `X said: "`, `According to X, "` or a
    sentence that names its subject and ends in a colon (`Doe put it plainly: "`)."""
    verb = HEAD_VERB.search(head)
    match = HEAD_WHO.search(head, max(0, verb.start() - 120), verb.start()) if verb else None
    if match is None:
        match = HEAD_ACCORDING.search(head)
    if match and _accept_who(match.group("who")):
        who = match.group("who")
        if verb is not None and "," in head[match.end("who") : verb.start()]:
            named = _named_before(head[: match.end("who")], who)
            if named is not None:
                return named
        return _person_of(head[: match.start("who")]) or who
    if head.rstrip().endswith(":"):
        sentence = _last_sentence(head).lstrip()
        subject = SENTENCE_START.match(sentence)
        if subject is not None and len(trim_name(subject.group("who").split())) >= 2:
            return subject.group("who")
    return None


def _named_before(before: str, who: str) -> str | None:
    """The name a sentence opens with when `who`, the words right before the verb, only
    close an apposition set beside it (`Isabelle Gagnon, president of the nurses’ union,
    said: "`): the speaker is the named person, not `the nurses’ union`."""
    if PRONOUN_RE.fullmatch(who):
        return None
    found = HEAD_NAME_IN_APPOSITION.match(_last_sentence(before).lstrip())
    if found is None:
        return None
    words = found.group("who").split()
    name = trim_name(words)
    return " ".join(name) if len(name) >= 2 and name[-1] == words[-1] else None


def _last_sentence(text: str) -> str:
    """What follows the last `. `, `? ` or `! ` of `text` (all of it when there is none)."""
    start = max(text.rfind(". "), text.rfind("? "), text.rfind("! "))
    return text[start + 2 if start >= 0 else 0 :]


_OF_ORGANISATION = re.compile(r"\s(?:of|at|from)\s+(?:the\s+)?$")


def _person_of(before: str) -> str | None:
    """The person a name follows with `of` (`Ruth Okonjo of Brightline Research said`):
    the text before a speaker's name ends `<Full Name> of `, so the name is where the
    person works and the person is the speaker. A single word before `of` is part of
    the name (`Bank of England`, `University of Leeds`)."""
    found = _OF_ORGANISATION.search(before)
    if found is None:
        return None
    words = before[: found.start()].split()[-5:]
    name = trim_name(words)
    if len(name) < 2 or not words or name[-1] != words[-1].strip(",;:()[]"):
        return None
    return " ".join(name)


def _accept_who(who: str) -> bool:
    """A subject is usable when it is a pronoun, holds a real name, or is a description
    (`the spokesperson`); a bare acronym or sentence word (`UN`, `Meanwhile`) is not."""
    if PRONOUN_RE.fullmatch(who) or trim_name(who.split()):
        return True
    return DESCRIPTOR_RE.fullmatch(who) is not None


def _classify(who: str) -> tuple[str, str]:
    """(subject, kind): a pronoun to resolve later, a person's name, or a description."""
    if PRONOUN_RE.fullmatch(who):
        return who.lower(), "pronoun"
    if trim_name(who.split()):
        return who, "name"
    return " ".join(who.split()), "descriptor"


def from_previous_paragraph(blocks: list[Block], infos: list[BlockInfo | None]) -> None:
    """A paragraph that is one unattributed quotation takes its speaker from the paragraph
    before: the one that introduces it (`Doe put it this way:`) or the one whose
    attributed quotation it carries on (`"…," Doe said.` then `"…"`)."""
    before: BlockInfo | None = None
    for block, info in zip(blocks, infos, strict=True):
        if info is not None and info.spans and _whole_paragraph(info):
            span = info.spans[0]
            if not span.kind and before is not None:
                _inherit(span, before)
        if block.kind in (BlockKind.PARAGRAPH, BlockKind.QUOTE):
            before = info if info is not None else BlockInfo(block.text)
        else:
            before = None


def _inherit_reported_speech(span: Span, before: str) -> None:
    """`Tanaka said the results were better than hoped.` and then a paragraph that is all
    quotation, attributed nowhere: the words are the person just reported as speaking."""
    reported = _reported_speaker(before)
    if reported is not None:
        span.who, span.kind = reported, "name"


def _reported_speaker(before: str) -> str | None:
    """The one person a short text reports as speaking (`Feld said in a note that …`), if one."""
    if len(before) > _REPORTED_SPEECH_CHARS or not HAS_VERB.search(before):
        return None
    speaking = [match for match in SPEECH_EVENT.finditer(before) if _accept_who(match["who"])]
    if len(speaking) == 1 and trim_name(speaking[0]["who"].split()):
        return str(speaking[0]["who"])
    return None


def _title_of_work(text: str, span: Span) -> bool:
    """`told CNBC's "Squawk Box Asia"`: marks around a programme's or a book's name after a
    possessive are its title, not anyone's words (and would break the pairs around them)."""
    if not span.closed or text[max(0, span.open_at - 3) : span.open_at] not in ("'s ", "’s "):
        return False
    words = text[span.open_at + 1 : span.close_at].split()
    return 0 < len(words) <= _TITLE_WORDS and all(
        word[:1].isupper() or word in _TITLE_SMALL_WORDS for word in words
    )


_TITLE_WORDS = 6
_TITLE_SMALL_WORDS = frozenset({"a", "an", "the", "of", "and", "in", "on", "for", "to", "with"})


_REPORTED_SPEECH_CHARS = 400
"""A short paragraph only: in a long one the person reported may not be the last word."""


def _whole_paragraph(info: BlockInfo) -> bool:
    first = info.spans[0]
    stripped = info.text.rstrip()
    return first.open_at == first_char(info.text) and first.close_at >= len(stripped) - 2


def _inherit(span: Span, before: BlockInfo) -> None:
    text = before.text.rstrip()
    if text.endswith(":"):
        who = _head_speaker(text)
        if who is not None and _accept_who(who):
            span.who, span.kind = _classify(who)
            span.adjacent = True
        return
    last = before.spans[-1] if before.spans else None
    if last is None:
        _inherit_reported_speech(span, text)
        return
    if last.kind not in ("name", "pronoun") or not last.closed:
        return
    if len(text) - last.close_at <= ENDS_ATTRIBUTED and last.adjacent:
        span.who, span.kind, span.adjacent = last.who, last.kind, True
