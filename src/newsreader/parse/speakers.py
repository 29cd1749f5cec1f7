"""Who said it: the names a quotation's speaker can be given, and their fullest form.

`quotes` finds a quotation's attribution as written ("Gerasimov", "the UN's
Nikki Haley"); this module cuts a person's name out of such a run of words
(roles, possessives and acronyms dropped) and looks up the fullest name the
article gives anywhere, tolerating a one-letter misspelling of the surname.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĒĘĚĞĪİŁŃŇŌŐŒŘŚŞŠŢŤŪŮŰŹŻŽ"
NAME_TOKEN = rf"[{UPPER}][\w'’.\-]*"
PARTICLE = r"(?:de|van|von|der|den|da|di|del|la|le|bin|ibn|al|el)"

_NAME_RUN = re.compile(
    rf"(?<![\w'’.\-]){NAME_TOKEN}(?:\s+(?:{NAME_TOKEN}|{PARTICLE}(?=\s+[{UPPER}])))+"
)
"""Runs of two or more capitalised words: a lone word never names anyone more fully
than the mention being resolved, and skipping them halves the index's cost. A run starts
where a word starts: tried inside `A-A-A-…` at every letter it took quadratic time."""
_PARTICLE_RE = re.compile(PARTICLE)


_NOT_NAME_WORDS = (
    "ambassador president minister general chief staff secretary senator representative rep "
    "mayor governor councillor councilor chancellor premier director chair chairman "
    "chairwoman chairperson ceo cfo coo cto founder cofounder co-founder professor prof dr "
    "doctor mr mrs ms miss mx sir dame lord lady judge justice captain capt coach manager "
    "officer inspector detective sergeant sgt lieutenant lt colonel col major admiral "
    "commander spokesman spokeswoman spokesperson deputy vice prime foreign defence defense "
    "first head executive leader speaker superintendent commissioner councilwoman "
    "councilman alderman sen gov pres king queen prince princess pope father rev reverend "
    "bishop rabbi imam sheikh editor analyst economist scientist researcher author striker "
    "midfielder defender goalkeeper keeper forward player skipper curator conductor state "
    "city council department ministry armed forces army navy police university institute "
    "committee board agency office company group party the a an and but or nor of in on at "
    "for with by to from as if when while after before meanwhile however still also then "
    "yet so monday tuesday wednesday thursday friday saturday sunday january february march "
    "april may june july august september october november december today yesterday "
    "tomorrow earlier later last next this that these those it he she they we i you his her "
    "their our my its asked speaking according there here what why how where who dear hello "
    "thanks yes no not both enter exit says said say tells told writes wrote adds added asks "
    "warns warned notes noted claims claimed insists insisted explains explained "
    "galaxy iphone ipad android windows twitter facebook instagram youtube linkedin tiktok "
    "landlady landlord resident teacher engineer lawyer attorney student publican vicar "
    "pastor priest chef shopkeeper owner campaigner activist entrepreneur architect "
    "historian novelist journalist reporter photographer physician surgeon pharmacist "
    "geschäftsführer geschäftsführerin bürgermeister bürgermeisterin oberbürgermeister "
    "oberbürgermeisterin sprecher sprecherin councilmember councilmembers councillors "
    "assemblymember assemblywoman assemblyman congressman congresswoman challenger "
    "incumbent candidate nominee"
)
_NOT_NAME = frozenset(_NOT_NAME_WORDS.split())
"""Words that are roles, places in a sentence or time, never part of a person's name."""

_KEEP_DOTTED = frozenset({"jr.", "sr.", "st."})
_NOT_NAME_SUFFIXES = ("-based", "-born", "-bred", "-raised", "-led", "-owned", "-run", "-area")
"""`Island-based`, `Texas-born`: a capitalised word that says where someone is from."""


def trim_name(tokens: list[str]) -> list[str]:
    """The person's name at the end of a run of capitalised words, roles and debris cut off.

    Reading from the right, stop at a role (`General`, `Ambassador`), a
    possessive (`Russia's`), an acronym (`UN`, `U.S.`) or a word ending an
    earlier sentence; at most four words are kept.
    """
    name: list[str] = []
    for raw in reversed(tokens):
        token = raw.strip(",;:()[]")
        if not token or len(name) == 4:
            break
        lower = token.lower()
        if not name:
            if lower.endswith(("'s", "’s")):
                token, lower = token[:-2], lower[:-2]
            if token.endswith(".") and len(token) > 2 and lower not in _KEEP_DOTTED:
                token, lower = token[:-1], lower[:-1]  # the full stop of this sentence
        if not token or lower.endswith(("'s", "’s")) or lower.rstrip(".") in _NOT_NAME:
            break
        if lower.endswith(_NOT_NAME_SUFFIXES):
            break
        if token.endswith(".") and len(token) > 2 and lower not in _KEEP_DOTTED:
            break
        letters = token.replace(".", "").replace("-", "")
        if len(letters) >= 2 and letters.isupper():
            break
        if not token[0].isupper() and not _PARTICLE_RE.fullmatch(token):
            break
        name.append(token)
    while name and not name[-1][0].isupper():
        name.pop()  # a particle cannot start a name
    while len(name) > 2 and len(name[-1]) == 1:
        name.pop()  # `S Declanem Ricem`: a one-letter word opening a sentence, not an initial
    name.reverse()
    if not name or len(name[-1].rstrip(".")) < 2:
        return []
    return name


_GROUP_NOUNS = (
    "analysts", "economists", "strategists", "researchers", "scientists", "experts",
    "officials", "executives", "lawyers",
)  # fmt: skip
"""People who speak as a group for where they work (`analysts at Citi said`)."""
GROUP = "(?:" + "|".join(f"[{noun[0].upper()}{noun[0]}]{noun[1:]}" for noun in _GROUP_NOUNS) + ")"
"""One of `_GROUP_NOUNS`, capitalised or not, as a regular expression."""
GROUP_WORDS = tuple(noun[1:] for noun in _GROUP_NOUNS)
"""What a text holding a group must contain: substring scans are far cheaper than a search."""
_GROUP_AT = re.compile(rf"(?<![\w’'])(?P<group>{GROUP})\s+(?:at|from)\s+$")


def group_at(before: str, organisation: str) -> str | None:
    """`analysts at Citi` when the text before an organisation's name ends in a group of
    people at it: they, not the bank, are who speaks (and whom a later `they` means)."""
    found = _GROUP_AT.search(before[-40:])
    return f"{found['group']} at {organisation}" if found else None


class NameIndex:
    """Every name the article mentions, indexed by surname, to expand short mentions.

    Built on first use only (most paragraphs quote nobody), from runs of
    capitalised words whose name parts are cached across articles. Surnames are
    also grouped by first letter and length, so a misspelt mention ("Haley" for
    "Hailey") is compared only with the few surnames it could be.
    """

    def __init__(self, texts: Iterable[str]) -> None:
        self._texts = list(texts)
        self._names: dict[str, dict[tuple[str, ...], int]] | None = None
        self._near: dict[tuple[str, int], list[str]] = {}
        self._cache: dict[str, str | None] = {}
        self._first: dict[str, dict[tuple[str, ...], int]] = {}
        self.genders: dict[str, str] = {}

    def _build(self) -> dict[str, dict[tuple[str, ...], int]]:
        names: dict[str, dict[tuple[str, ...], int]] = {}
        lower_words = _LowerWords("\n".join(self._texts))
        for text in self._texts:
            for match in _NAME_RUN.finditer(text):
                for found in _run_names(match.group()):
                    candidate = _drop_sentence_words(found, lower_words)
                    if not candidate:
                        continue
                    surname = candidate[-1].lower()
                    bucket = names.get(surname)
                    if bucket is None:
                        bucket = names[surname] = {}
                        self._near.setdefault((surname[:1], len(surname)), []).append(surname)
                    bucket[candidate] = bucket.get(candidate, 0) + 1
                    if len(candidate) > 1:
                        first = self._first.setdefault(candidate[0].lower(), {})
                        first[candidate] = first.get(candidate, 0) + 1
        return names

    def resolve(self, surface: str | None) -> str | None:
        """The fullest known name for `surface` (cached: articles repeat their speakers)."""
        if not surface:
            return None
        if surface not in self._cache:
            self._cache[surface] = self._resolve(surface)
        return self._cache[surface]

    def _resolve(self, surface: str) -> str | None:
        tokens = trim_name(surface.split())
        if not tokens:
            return None
        if self._names is None:
            self._names = self._build()
        surname = tokens[-1].lower()
        known: list[str] = []
        if len(self._names) > _MOST_SURNAMES_COMPARED:
            known = [surname] if surname in self._names else []  # a list of names, not a story
        else:
            for size in range(len(surname) - 1, len(surname) + _LONGEST_ENDING + 1):
                known += self._near.get((surname[:1], size), ())
        found: list[tuple[tuple[int, int, int], tuple[str, ...]]] = []
        for other in known:
            exact = other == surname
            if not exact and not _close(other, surname) and _shared_stem({other, surname}) is None:
                continue
            for candidate, count in self._names[other].items():
                if _contains(candidate, tokens[:-1]):
                    found.append(((len(candidate), int(exact), count), candidate))
        if len(tokens) == 1 and all(len(candidate) == 1 for _, candidate in found):
            # Family name first (`Lee` for `Lee Jae-myung`, `Yoon` for `Yoon Suk Yeol`):
            # only when no fuller name ends with the word.
            found += [((len(c), 1, n), c) for c, n in self._first.get(surname, {}).items()]
        if not found and len(tokens) > 2:
            return self._resolve(" ".join(tokens[1:]))  # `Twitter Gary Lineker`: debris first
        if not found:
            return " ".join(tokens)
        found.sort(reverse=True)
        best = found[0][1]
        if any(not _nested(candidate, best) for _, candidate in found[1:]):
            merged = _inflected_forms([candidate for _, candidate in found], tokens)
            # two different people could be meant: say only what is sure
            return merged if merged is not None else " ".join(tokens)
        return " ".join(best)

    def gender(self, name: str) -> str | None:
        """ "m", "f" or None, as the article itself shows it (see `learn_genders`)."""
        return self.genders.get(name)


def _nested(short: tuple[str, ...], full: tuple[str, ...]) -> bool:
    """`short` is a shorter form of `full` (`Forrest Jones` in `Michael Forrest Jones`):
    its given names are all in the fuller one, so both name one person."""
    if short[-1].lower() != full[-1].lower():
        return [t.lower() for t in short] == [t.lower() for t in full[: len(short)]]
    return _contains(full, list(short[:-1]))


_ENDINGS = frozenset(
    ["", "a", "e", "u", "y", "i", "o", "é", "á", "em", "om", "ou", "ovi", "ům", "ech", "ách",
     "ami", "ho", "mu"]
)  # fmt: skip
"""Case endings a name takes in Czech and its neighbours (`Declan` → Declana, Declanem)."""
_LONGEST_ENDING = 3
_MOST_SURNAMES_COMPARED = 150
"""Beyond this many different surnames in one text (a story names a few dozen; a roll of
names or a hostile file thousands), a mention is matched by its exact surname only:
comparing every mention with every surname for spellings and case endings grows with
the square of their number (1,000 names took 17 s)."""
_MIN_STEM = 3


def _inflected_forms(candidates: list[tuple[str, ...]], mention: list[str]) -> str | None:
    """One person written in several grammatical cases (`Declana Rice`, `Declanem Ricem`):
    the name with each word as the mention writes it, or else as the stem the forms share
    (`Declan Rice`). None when the forms are not all one name's inflections."""
    size = min(len(candidate) for candidate in candidates)
    if size < 2:
        return None
    aligned = [candidate[-size:] for candidate in candidates]  # `Podle Jana Nováka`: a
    words: list[str] = []  # capitalised sentence word in front is not part of the name
    for position in range(size):
        forms = {candidate[position] for candidate in aligned}
        offset = position - size + len(mention)
        said = mention[offset] if 0 <= offset < len(mention) else None
        stem = _shared_stem(forms)
        if stem is None:
            return None
        words.append(said if said in forms or (said and said.startswith(stem)) else stem)
    return " ".join(words)


def _shared_stem(forms: set[str]) -> str | None:
    """The longest stem every form is, plus one of `_ENDINGS`; None if there is none."""
    if len(forms) == 1:
        return next(iter(forms))
    shortest = min(forms, key=len)
    for cut in range(len(shortest), _MIN_STEM - 1, -1):
        stem = shortest[:cut]
        if all(form.startswith(stem) and form[cut:] in _ENDINGS for form in forms):
            return stem
    return None


_HIS = re.compile(r"\b(?:he|him|his|himself|Mr\.?)\b", re.I)
_HER = re.compile(r"\b(?:she|her|hers|herself|Mrs\.?|Ms\.?)\b", re.I)
_SENTENCE = re.compile(r"[^.!?]+[.!?]*")


def learn_genders(texts: Iterable[str], names: NameIndex) -> dict[str, str]:
    """Each person's gender as the article shows it: the pronouns (`his`, `her`, `Mr`) of
    a sentence that names one person, or follows a sentence that does, counted per person.

    Learned from the text itself rather than a list of first names, so "Jordan"
    or "Andrea" is read the way this article uses it.
    """
    votes: dict[str, list[int]] = {}
    for text in texts:
        previous = ""
        for sentence in _SENTENCE.findall(text):
            male, female = len(_HIS.findall(sentence)), len(_HER.findall(sentence))
            if male or female:  # only sentences with a pronoun say anything: read names there
                people = _people(sentence, names) or _people(previous, names)
                if len(people) == 1:
                    tally = votes.setdefault(people.pop(), [0, 0])
                    tally[0] += male
                    tally[1] += female
            previous = sentence
    genders: dict[str, str] = {}
    for person, (male, female) in votes.items():
        if male > 2 * female:
            genders[person] = "m"
        elif female > 2 * male:
            genders[person] = "f"
    return genders


def _people(sentence: str, names: NameIndex) -> set[str]:
    """The people named in full (after expansion) in one sentence."""
    people: set[str] = set()
    for run in _MENTION.finditer(sentence):
        person = names.resolve(run.group())
        if person and " " in person:
            people.add(person)
    return people


_MENTION = re.compile(rf"{NAME_TOKEN}(?:\s+(?:{NAME_TOKEN}|{PARTICLE}(?=\s+[{UPPER}])))*")


_LOWER_WORD = re.compile(r"(?<![\w’'])[a-z][a-z’'\-]+")
"""A word the article writes in lower case: what `_LowerWords` answers for."""
_LOWER_WORD_SHAPE = re.compile(r"[a-z][a-z’'\-]+")
_WORD_BEFORE = re.compile(r"[\w’']")
_LOWER_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
_WORD_GOES_ON = _LOWER_LETTERS | frozenset("’'-")


class _LowerWords:
    """Whether a word is one of `_LOWER_WORD`'s matches in a text, asked word by word.

    Only the first words of multi-word names are ever asked about, a handful per
    article, so each is looked for with `str.find` and its surroundings checked,
    instead of collecting every lower-case word of the article (which cost more
    than the rest of the name index). A word found right after a hyphen may sit
    inside an earlier match (`well-known`); only then is the full set collected.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._known: dict[str, bool] = {}
        self._all: set[str] | None = None

    def __contains__(self, word: str) -> bool:
        known = self._known.get(word)
        if known is None:
            known = self._known[word] = self._find(word)
        return known

    def _find(self, word: str) -> bool:
        if not _LOWER_WORD_SHAPE.fullmatch(word):
            return False
        text = self._text
        at = text.find(word)
        while at >= 0:
            before = text[at - 1] if at else " "
            if before not in _LOWER_LETTERS:  # most finds are inside a longer word
                end = at + len(word)
                if end >= len(text) or text[end] not in _WORD_GOES_ON:
                    if before == "-":
                        return word in self._every_word()
                    if not _WORD_BEFORE.match(before):
                        return True
            at = text.find(word, at + 1)
        return False

    def _every_word(self) -> set[str]:
        if self._all is None:
            self._all = set(_LOWER_WORD.findall(self._text))
        return self._all


def _drop_sentence_words(name: tuple[str, ...], lower_words: _LowerWords) -> tuple[str, ...]:
    """`Even de Miranda` → `Miranda`: a leading word the article also writes in lower
    case is an ordinary word capitalised by a sentence start, not a given name."""
    start = 0
    while start < len(name) - 1 and (
        name[start].lower() in lower_words or _PARTICLE_RE.fullmatch(name[start])
    ):
        start += 1
    return name[start:] if start else name


@lru_cache(maxsize=32768)
def _run_names(run: str) -> tuple[tuple[str, ...], ...]:
    """The names in one run of capitalised words (cached: "The", "U.S." recur everywhere)."""
    return tuple(_candidates(run.split()))


def _candidates(tokens: list[str]) -> Iterable[tuple[str, ...]]:
    """Names inside one capitalised run, split at roles and other non-name words."""
    segment: list[str] = []
    for token in tokens:
        bare = token.strip(",;:()[]").lower()
        possessive = bare.endswith(("'s", "’s"))
        root = (bare[:-2] if possessive else bare).rstrip(".")
        if root and root not in _NOT_NAME and not root.endswith(_NOT_NAME_SUFFIXES):
            segment.append(token)
            if not possessive and not token.endswith((",", ";", ":")):
                continue
        name = trim_name(segment)
        if name:
            yield tuple(name)
        segment = []
    name = trim_name(segment)
    if name:
        yield tuple(name)


def _contains(candidate: tuple[str, ...], given: list[str]) -> bool:
    """True when every given first/middle name (or its initial) appears in the candidate."""
    lowered = [part.lower().rstrip(".") for part in candidate[:-1]]
    for part in given:
        part = part.lower().rstrip(".")
        if part not in lowered and not (len(part) == 1 and any(x[:1] == part for x in lowered)):
            return False
    return True


def _close(known: str, surname: str) -> bool:
    """Surnames one edit apart with the same first letter ("Haley" / "Hailey")."""
    if known[:1] != surname[:1] or min(len(known), len(surname)) < 4:
        return False
    if abs(len(known) - len(surname)) > 1:
        return False
    return _within_one_edit(known, surname)


def _within_one_edit(a: str, b: str) -> bool:
    if len(a) > len(b):
        a, b = b, a
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    for index, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return a[index:] == b[index + 1 :]
    return True
