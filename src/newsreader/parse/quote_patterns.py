"""The shapes of attribution, as regular expressions: speech verbs, speakers, descriptions.

`"…," Gerasimov said`, `"…," said Jane Doe`, `Haley told the council: "…"`, `"…",
according to RIA`, and the English, Portuguese, Spanish, French, German, Czech
and Italian verbs of reported speech they use. Every pattern is anchored or
bounded, so a search is linear in the text it reads. `quote_attribution` and
`quote_referents` read text with them.
"""

from __future__ import annotations

import re

from newsreader.parse.speakers import GROUP, NAME_TOKEN, PARTICLE, UPPER


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
    "dichiarato spiegato aggiunto "
    "respondió concluyó advirtió comentó insistió reconoció subrayó apuntó "
    "respondeu concluiu avaliou comentou observou argumentou afirma diz "
    "confie confié raconte raconté précise précisé assure assuré insiste poursuit "
    "detto affermato commentato sottolineato ribadito spiega aggiunge afferma sottolinea"
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
_CLITIC = r"(?:nos|nous|me|te|se|le|la|lo|les|las|los|lhe|lhes|mi|ti|ci|vi|si|sich|mu|jí)"
"""Object pronouns between a Romance (or German, Czech) subject and its verb (`nos la resumió`)."""
_AUX = rf"(?:{_ADVERB}\s+){{0,2}}(?:{_CLITIC}\s+){{0,2}}"
_NAME = rf"{NAME_TOKEN}(?:\s+(?:{NAME_TOKEN}|{PARTICLE}(?=\s+[{UPPER}]))){{0,5}}"
_PRONOUN = r"(?:he|she|they|He|She|They)"
_ARTICLE_WORDS = (
    "the a an one o os el la los las un una uno le les une der die das ein eine il lo gli"
)
ARTICLES = frozenset(_ARTICLE_WORDS.split())
"""Articles that open a description of a speaker (`the commander`, `o comandante`,
`la ministra`, `une source`), in the languages whose speech verbs are listed."""
_DEFINITE_WORDS = "the o os a el la los las le les der die das il lo gli"
DEFINITE = frozenset(_DEFINITE_WORDS.split())
"""Of those, the ones that point back at someone already in the story."""
_ARTICLE = "(?:" + "|".join(sorted(ARTICLES | {a.title() for a in ARTICLES}, key=len)[::-1]) + ")"
_DESCRIPTOR = (
    rf"{_ARTICLE}\s+(?:[A-Z][\w'’.&\-]*\s+){{0,2}}[a-z0-9][\w'’\-]*(?:\s+[a-z][\w'’\-]*){{0,3}}"
)
"""`the spokesperson`, `a NATO spokesperson`, `a White House official`: an article, up to two
capitalised words naming whose, and lower-case words."""
_SHORTEST_DESCRIPTOR = _DESCRIPTOR + "?"  # the last quantifier, `{0,3}`, made lazy
"""Before a verb, the fewest words that leave the rest to the verb's pronouns and adverbs
(`la ministra nos lo explicó`: the description is `la ministra`)."""
_ROLE_WORDS = r"(?:(?:[\w’'\-]+|[A-Z]\.(?:[A-Z]\.)*),?\s+){0,6}?"
"""Words before the name: a role (`chief forecaster`, `Seoul resident`, `Pakistan-based
developer`) or the rest of the clause the quotation ends in (`" in that law, Azzouz said`)."""
_WHO = rf"(?P<who>{_PRONOUN}|{_DESCRIPTOR}|{_ROLE_WORDS}(?:{PARTICLE}\s+)?{_NAME})"
"""A pronoun, a description (`the spokesperson`), or a name after some words."""
_WHO_BEFORE_VERB = (
    rf"(?P<who>{_PRONOUN}|{_SHORTEST_DESCRIPTOR}|{_ROLE_WORDS}(?:{PARTICLE}\s+)?{_NAME})"
)
"""`_WHO` where a verb follows: the shortest description, so that `a spokesperson said in an
emailed statement` is `a spokesperson`, not `a spokesperson said in an` before `emailed`."""

TAIL_SUBJECT_VERB = re.compile(
    rf"\s*,?\s*{_WHO_BEFORE_VERB}(?:,(?P<appos>[^,\"“”\n]{{1,80}}),)?\s+{_AUX}(?:{_VERBS})(?![\w’'])"
)
"""`"…," Gerasimov said` / `"…," he said` / `"…" Haley told …` / `"…," Doe, the mayor, said` /
`"…," the mayor, Jane Doe, said` (the name in `appos`)."""

TAIL_INVERTED_PRONOUN = re.compile(
    r"\s*,?\s*(?:[a-zà-ÿ]+)(?:-t)?-(?P<pronoun>il|elle|ils|elles)(?![\w’'-])"
)
"""French inversion after a quotation: `», confie-t-elle`, `», dit-il`, `», a-t-il affirmé`."""
FRENCH_PRONOUNS = {"il": "he", "elle": "she", "ils": "they", "elles": "they"}

TAIL_VERB = re.compile(rf"\s*,?\s*(?:(?:a|ha|hat|has|had)\s+)?(?:{_VERBS})(?![\w’'])")
"""The inversion `"…," said Jane Doe.` (the subject is read by `subject_after`)."""

CONTINUING = re.compile(
    r"(?:added|adds|continued|continues|went\s+on|goes\s+on|acrescentou|completou|añadió|"
    r"agregó|ajouté|ajoute|fügte|dodal|dodala|přidává|aggiunto)(?![\w’'])"
)
"""Verbs that say the speaker goes on speaking (`the coach added`): someone already quoted."""

TAIL_GESTURE = re.compile(
    rf"\s*(?:[^\W\d_A-Z{UPPER}][\w’'\-]*\s+){{1,3}}(?P<who>{_NAME})\s*[.!?](?=\s|$)"
)
"""`"…," shakes his head Lineker.`: a few lower-case words, then a name ending the sentence,
after a quotation closed with a comma (any verb, in any language, attributes it)."""

TAIL_ACCORDING = re.compile(rf"\s*,?\s*according\s+to\s+{_WHO}")
"""`"…", according to RIA.`"""

HEAD_WINDOW = 200
HEAD_VERB = re.compile(
    rf"(?<![\w’'])(?:{_VERBS})(?:\s+[^\"“”:;.!?\n]{{1,50}}?\s*[:,]|\s*[:,]?)\s*$"
)
"""The end of `X said: "`, `X said, "`, `X told reporters on Monday: "`, `X said "`."""

HEAD_WHO = re.compile(rf"(?<![\w’'])(?P<who>{_PRONOUN}|{_SHORTEST_DESCRIPTOR}|{_NAME}),?\s+{_AUX}$")
"""Who stands right before that verb (searched only once the verb is found: cheap)."""

HEAD_NAME_IN_APPOSITION = re.compile(
    rf"(?:^|(?<=[.!?…”\"]\s))(?P<who>{_NAME}),\s+[^\"“”]{{1,160}}$"
)
"""`Denise Harlow, the city's library director, said: "`: the sentence opens with the name
the description after it is set beside (matched on the text before that description)."""

HEAD_ACCORDING = re.compile(rf"\b[Aa]ccording\s+to\s+{_WHO}\s*,\s*$")

_LEAD_IN = r"(?:[A-Z][a-z]+(?:\s+[A-Za-z]+){0,2},\s+)"
"""`Earlier Saturday, `, `On Monday, `: a short opening phrase before the subject."""
_ROLE_LEAD = rf"{_ARTICLE}\s+[a-zà-ÿ][\w\-]*\s+(?:[a-zà-ÿ][\w\-]*\s+)?"
"""`La alcaldesa `, `The chief executive `: a role in front of the subject's name."""
SENTENCE_START = re.compile(
    rf"(?:^|(?<=[.!?…”\"]\s))(?:{_LEAD_IN})?(?:{_ROLE_LEAD})?(?P<who>{_NAME})(?:,(?P<appos>[^,\"“”\n]{{1,120}}),)?\s+"
    rf"(?:{_ADVERB}\s+)?[a-z]"
)
"""A sentence whose subject is a name (`Yoon apologized …`): who a later `he` is about."""

POSSESSIVE_APPOSITIVE = re.compile(rf"\s+[a-z][^,.\"“”\n]{{0,60}},\s*(?P<who>{_NAME}),")
"""After a possessive subject, the name it introduces (`X's chief executive, Jo Pryce,`)."""

ROLE_INTRODUCED = re.compile(rf",\s+(?P<name>{_NAME}),")
"""`The sports minister, Rhiannon Pugh, …`: a name set off by commas, after its role (the
word before the first comma, `ROLE_WORD`), so that a later `the minister said` is hers.
It starts at the comma: a search for a literal is far cheaper than one for a word."""
ROLE_WORD = re.compile(r"(?<![\w’'])[a-z][a-z\-]{2,}$")

ACCORDING_EVENT = re.compile(
    rf"(?<![\w’'])(?:[Aa]ccording\s+to|[Pp]ara|[Ss]egún|[Ss]elon|[Ss]econdo|[Ll]aut)\s+"
    rf"(?:[a-zà-ÿ'’\-]+\s+){{0,3}}(?P<who>{_NAME})\s*,"
)
"""`According to engineer Lucia Fenwright, …` / `Para o economista Henrique Lobato, …`:
someone whose view the sentence gives, whom a later `she said` may mean."""

GROUP_EVENT = re.compile(rf"(?<![\w’'])(?P<group>{GROUP})\s+(?:at|from)\s+(?P<who>{_NAME})")
"""`Economists at ING were less sure.`: people a later `they said` or `the note said` means."""

SPEECH_EVENT = re.compile(
    rf"(?<![\w'’.\-])(?P<who>{_NAME})(?:,(?P<appos>[^,\"“”\n]{{1,120}}),)?,?\s+{_AUX}(?:{_VERBS})\b"
)
"""Anyone named as speaking, quoted or not: the referent for a later "he said"."""

INVERTED_EVENT = re.compile(
    rf"(?<![\w’'])(?:said|says)\s+(?P<who>{_NAME})(?=\s*(?:[,;:]|\.(?:\s|$)|$))"
)
"""`…, says Jane Doe` outside any quotation: remembered for a later pronoun."""

_ABBREVIATION_WORDS = "mr mrs ms dr sen rep gov gen lt col sgt capt prof st jr sr rev adm maj"
ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())
_SUBJECT_STOP_WORDS = (
    "on in at who which that after before during when to for of from with while as and but "
    "because since about than"
)
SUBJECT_STOP = frozenset(_SUBJECT_STOP_WORDS.split())
PRONOUN_RE = re.compile(_PRONOUN)
DESCRIPTOR_RE = re.compile(_DESCRIPTOR)
HAS_VERB = re.compile(rf"\b(?:{_VERBS})\b")
MIN_CLAUSE_WORDS = 6
MIN_SHORT_QUOTE_WORDS = 3
SAME_SPEAKER_GAP = 300
ENDS_ATTRIBUTED = 80
QUOTE_BLOCK_RATIO = 0.55
