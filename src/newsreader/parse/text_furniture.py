"""Page furniture in plain-text dumps: the lines a scraper copied that are not the story.

Why: a dump of a web page carries what sat around the story as lines of its
own ("Advertisement", "Share this article", "Skip to main content", "Sign up
for our newsletter", "Read more: …", "3 min read", "Updated 10:04 GMT",
"© 2026 …"). Left in, they become false headings, push the headline out of
the first line and end up in the search index. Each pattern matches a whole
line and is written so prose cannot match it: the wording is furniture's own,
the lines are short, and the ones that could start a sentence ("By …",
"Updated …") must look like a byline or a time stamp all the way through.
"""

from __future__ import annotations

import re

_MAX_WORDS = 16
"""Furniture is short; a longer line is prose whatever it starts with."""

_FURNITURE = re.compile(
    r"(?:"
    # advertising
    r"(?:skip |report this )?(?:advertisement|advert|ad|ads)(?:\s*[·•|-]\s*scroll to continue)?"
    r"|ad feedback|sponsored(?: content)?|scroll to continue(?: with content)?"
    r"|story continues below(?: advertisement)?|continue reading(?: the main story| below)?"
    # sharing, saving, printing
    r"|share(?: this)?(?: article| story| page| on \w+(?: \w+)?| via \w+)?"
    r"|(?:copy|share) (?:the )?link(?: to clipboard)?|save (?:article|story|for later)"
    r"|print this (?:article|page)|(?:email|whatsapp|facebook|twitter|x|linkedin|reddit)"
    r"(?:\s*[·•|,]?\s*(?:email|whatsapp|facebook|twitter|x|linkedin|reddit|share))+"
    r"|\d+ comments?|view comments|show comments|leave a comment"
    # navigation
    r"|skip to (?:main )?(?:content|navigation|article|search)|jump to (?:content|navigation)"
    r"|back to top"
    # newsletters and subscriptions
    r"|subscribe(?: now| today)?|sign up(?: now)?"
    r"|(?:sign up|subscribe) (?:for|to) (?:our|the|a) .{0,80}"
    r"(?:newsletter|briefing|alerts?)\b.{0,60}"
    r"|get (?:our|the) .{0,60}newsletter\b.{0,60}|newsletter sign[- ]?up.{0,60}"
    # links to other stories
    r"|(?:read|see) (?:more|also|next)|related(?: articles| stories| coverage| content| topics)?"
    r"|more (?:from|stories from) .{1,60}|most (?:read|popular|viewed)|trending(?: now)?"
    r"|recommended(?: for you)?|up next|you (?:may|might) also like|more stories|top stories"
    r"|(?:read more|see also|related|watch|listen|more|read next|also read|must read)"
    r"\s*:\s*.{1,140}"
    r"|listen to (?:this )?(?:article|story)(?:\s*[·•|-]?\s*\d+ min(?:ute)?s?)?"
    # reading time and stamps
    r"|(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten) min(?:ute)?s?\.? read"
    r"|.{1,80}\s[·•|]\s\d+ min(?:ute)?s?\.? read"
    # footers
    r"|all rights reserved\.?"
    r"|purchase licensing rights.{0,40}|our standards:.{0,120}"
    r")",
    re.IGNORECASE,
)
"""Whole lines that are furniture (matched with `fullmatch`, case-blind)."""
_COPYRIGHT = re.compile(
    r"(?=.*(?:\b\d{4}\b|rights reserved))(?:©|\(c\)|copyright\s*(?:©|\(c\)|\d{4})).{0,300}",
    re.IGNORECASE,
)
"""A copyright footer (`© 2026 The Agency. All rights reserved. This material may not …`):
a year or "rights reserved" tells it from a photo credit (`© Jane Doe`)."""
_MAX_COPYRIGHT_WORDS = 45
_COPYRIGHT_FIRST = "©(Cc"
"""How a copyright footer starts (`©`, `(c)`, `Copyright`): other lines skip its search."""

_NAME = r"(?:[A-Z\u00c0-\u00de][\w'’.\-]*|(?:de|da|del|van|von|der|den|la|le|di|du|bin|al)\b)"
_BYLINE = re.compile(
    rf"(?:[Bb]y|BY|[Pp]ar|[Pp]or|[Vv]on|[Dd]i|[Dd]oor|[Aa]v)\s+(?!The\b)({_NAME}(?:\s+{_NAME}){{0,4}}"
    rf"(?:\s*(?:,|and|&|y|et|und|e)\s*{_NAME}(?:\s+{_NAME}){{0,4}}){{0,3}})"
    r"(?:\s*(?:,|\||-|–|—|/)\s*(?:[A-Z][\w&'’.\-]*(?:\s+[A-Za-z&][\w&'’.\-]*){0,5}))?\s*"
)
"""A byline: "By" and names (capitalised words and their particles), perhaps an agency after
a comma or bar (`By Jane Doe and Sam Roe, Reuters`); "By Monday, officials had …" has lower-case
words after the names and so never matches."""

_DATE_WORDS = frozenset({
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday", "mon", "tue", "tues", "wed", "thu", "thurs", "fri", "sat", "sun",
    "am", "pm", "a", "m", "p", "et", "gmt", "utc", "bst", "cet", "cest", "eet", "edt", "est",
    "cdt", "cst", "pdt", "pst", "ist", "jst", "aest", "mdt", "mst", "akdt", "akst", "hst",
    "aedt", "acst", "awst", "nzst", "nzdt", "wet", "west", "msk", "sgt", "hkt", "kst", "pt",
    "ct", "mt", "updated", "published", "posted", "last", "modified", "first", "ago", "hour",
    "hours", "minute", "minutes", "min", "mins", "day", "days", "at", "on", "of", "the", "and",
    "th", "st", "nd", "rd", "janvier", "février", "mars", "avril", "mai", "juin", "juillet",
    "août", "septembre", "octobre", "novembre", "décembre", "lundi", "mardi", "mercredi",
    "jeudi", "vendredi", "samedi", "dimanche", "le", "à", "mis", "jour", "publié", "h", "enero",
    "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
    "noviembre", "diciembre", "actualizado", "publicado", "de", "del", "januar", "februar",
    "märz", "juni", "juli", "oktober", "dezember", "stand", "uhr", "aktualisiert", "um",
    "gennaio", "febbraio", "aprile", "maggio", "giugno", "luglio", "settembre", "ottobre",
    "dicembre", "aggiornato", "alle", "janeiro", "fevereiro", "março", "maio", "junho", "julho",
    "setembro", "outubro", "novembro", "dezembro", "atualizado", "em",
})  # fmt: skip
"""The words of a date line (`Published 3:04 PM ET Mon, 2 Nov 2026`, `Stand: 21.05.2026`)."""
_MONTH_OR_YEAR = re.compile(
    r"\b(?:\d{4}|\d{1,2}[./]\d{1,2}[./]\d{2,4}|ago|updated|published|posted|publié|stand"
    r"|actualizado|aktualisiert|aggiornato|atualizado)\b",
    re.IGNORECASE,
)
_LETTER_WORDS = re.compile(r"[^\W\d_]+")
_DIGIT = re.compile(r"\d")

_KEY_POINTS_LABEL = re.compile(
    r"(?:key (?:points|takeaways|facts)|takeaways|summary|in brief|at a glance|highlights"
    r"|in short|the big picture|what you need to know|what we know|the essentials|tl;? ?dr"
    r"|(?:les )?points clés|en bref|l'essentiel|puntos clave|resumen|en resumen|lo esencial"
    r"|das wichtigste(?: in kürze)?|in kürze|resumo|pontos-chave|in sintesi|in breve"
    r"|punti chiave)\s*:?",
    re.IGNORECASE,
)
"""A label that may head the key-point bullets ("Key points", "Summary:")."""


def is_furniture(line: str) -> bool:
    """True when a squashed line is page furniture, never the story."""
    words = len(line.split())
    if (
        line[:1] in _COPYRIGHT_FIRST
        and words <= _MAX_COPYRIGHT_WORDS
        and _COPYRIGHT.fullmatch(line)
    ):
        return True
    if words > _MAX_WORDS:
        return False
    if _is_date_line(line):
        return True
    return _FURNITURE.fullmatch(line) is not None


def _is_date_line(line: str) -> bool:
    """A line of nothing but a date or time stamp: a day, a year or "updated", and date words.

    A time alone (`11:48 p.m. ET`) is left: live blogs head each entry with one.
    """
    if not _DIGIT.search(line) or not _MONTH_OR_YEAR.search(line):
        return False  # both scans in C: a generator over the characters cost 10 us a line
    return all(word.lower() in _DATE_WORDS for word in _LETTER_WORDS.findall(line))


def byline_author(line: str) -> str | None:
    """The names of a squashed byline line (`By Jane Doe, Reuters` gives "Jane Doe"), else None."""
    if len(line.split()) > _MAX_WORDS:
        return None
    found = _BYLINE.fullmatch(line)
    return found.group(1).strip() if found else None


_PAGE_TOP = re.compile(
    r"(?:(?:open |main |close )?menu|navigation|sections|search|home|close|log ?in|sign ?in"
    r"|register|(?:my )?account|toggle navigation)",
    re.IGNORECASE,
)
"""Words of a page's top bar: furniture only when they open the text (a heading may say "Home")."""


def is_page_top(line: str) -> bool:
    """True for a squashed line that is the page's top bar or a section kicker (`WORLD NEWS`),
    when it opens the text and a headline follows it."""
    if _PAGE_TOP.fullmatch(line):
        return True
    words = line.split()
    return len(words) <= 3 and line.isupper() and line.rstrip()[-1:] not in ".!?:;,"


_RELATED_LABEL = re.compile(
    r"(?:read next|related(?: articles| stories| coverage| content)?|more from .{1,60}"
    r"|more stories(?: from .{1,60})?|most (?:read|popular|viewed)|see also|also read|read more"
    r"|you (?:may|might) also like|recommended(?: for you)?|top stories|up next"
    r"|mehr zum thema|lesen sie auch|das könnte sie auch interessieren|(?:à )?lire aussi"
    r"|sur le même sujet|lee también|te puede interesar|leia também|leggi anche)\s*:?",
    re.IGNORECASE,
)


def is_related_label(line: str) -> bool:
    """True for a squashed line heading a list of links to other stories ("Read next")."""
    return len(line) <= 80 and _RELATED_LABEL.fullmatch(line) is not None


def is_key_points_label(line: str) -> bool:
    """True for a squashed line that only labels the key points below it."""
    return len(line) <= 40 and _KEY_POINTS_LABEL.fullmatch(line) is not None
