"""Markup into an lxml tree whose text can be trusted, and the helpers that read it.

This is where HTML crosses the trust boundary (see `sanitize`), in two steps,
each needed for its own reason:

1. the markup string is cleaned before lxml sees it, so escape sequences go
   whole: lxml drops a lone ESC byte and would leave the rest (`]52;c;…`)
   behind as visible text;
2. the tree's text and attribute values are cleaned once right after parsing,
   because character references (`&#27;`, `&#x202e;`) only become control and
   bidi characters there; lxml also refuses to store such characters back, so
   a tree that is edited later (dropped elements keep their tail text) must
   hold none.

Everything read from a tree built here is clean, so the converters only
collapse whitespace. lxml is imported inside the functions: the TUI's startup
path imports the parsers' names and must not pay for it.

libxml2 silently truncates HTML nested deeper than 256 levels, and every walk
here is iterative (`iter`, `itertext`), so hostile nesting cannot recurse.
"""

from __future__ import annotations

import re
import sys
from functools import lru_cache
from itertools import islice
from typing import Any

from newsreader.sanitize import clean_text

DROP_TAGS = frozenset({
    "script", "style", "nav", "aside", "noscript", "template", "iframe", "object", "embed",
    "form", "button", "select", "input", "textarea", "svg", "canvas", "head",
    "title", "meta", "link", "video", "audio", "map", "dialog",
})  # fmt: skip
"""Never article text: code, navigation, widgets and media."""

INLINE_TAGS = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "font", "i",
    "img", "ins", "kbd", "label", "mark", "q", "s", "samp", "small", "span", "strike",
    "strong", "sub", "sup", "time", "tt", "u", "var", "wbr", "hi", "ref",
})  # fmt: skip
"""Elements whose text flows into the surrounding paragraph (`hi`, `ref`: trafilatura's)."""

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)


def prepare_markup(html: str) -> str:
    """Step 1 of the boundary: no XML declaration (lxml refuses one in a str), no escapes."""
    return clean_text(_XML_DECL.sub("", html, count=1))


def parse_fragment(html: str) -> Any | None:
    """A fragment (feed entry content) as a clean `<body>`; None when lxml recovers nothing."""
    doc = parse_document(f"<html><body>{prepare_markup(html)}</body></html>")
    if doc is None:
        return None
    body = doc.find("body")
    return body if body is not None else doc


def parse_document(markup: str) -> Any | None:
    """A whole page (already through `prepare_markup`) as a clean tree; None if not HTML."""
    import lxml.etree
    import lxml.html

    parser = lxml.html.HTMLParser(
        remove_comments=True, remove_pis=True, recover=True, collect_ids=False
    )
    # lxml.html picks each element's class in Python, called whenever an element is
    # first touched from Python (here and in trafilatura, for every element of the page);
    # a C-level default gives the same `HtmlElement`s, bar the form-control subclasses
    # that nothing here uses.
    parser.set_element_class_lookup(_html_lookup())
    markup = _bounded(markup)
    try:
        doc = lxml.html.document_fromstring(markup, parser=parser)
    except (lxml.etree.ParserError, ValueError, lxml.etree.XMLSyntaxError):
        return None
    if _references_unsafe(markup):
        _clean_tree(doc)
    flatten_math(doc)
    return doc


_MAX_ELEMENTS = 150_000
"""Most elements of a page read: a long real page has tens of thousands; a 10 MB table of
a million cells took 1.9 GB to read, so the page is cut after this many."""
_ELEMENT = re.compile(r"<[A-Za-z]")
_LONG_TAG = re.compile(r"<([A-Za-z][\w:-]*+)[^<>]{16384,}+>")
_MOST_ATTRIBUTES = 1000
"""A tag with more attributes than this loses them all: libxml2 checks each new attribute
against the others, so 200,000 of them took 110 s in C code no signal could stop."""


def _bounded(markup: str) -> str:
    """`markup` cut after `_MAX_ELEMENTS` elements, its monstrous tags stripped of attributes.

    Both checks cost a scan only when the page could need them: counting `<` and `=`
    is far cheaper than any parse (a feed entry seldom has a thousand attributes in
    all), and a long tag is one of 16 KB without a `<` or `>`.
    """
    if markup.count("<") > _MAX_ELEMENTS:
        for number, element in enumerate(_ELEMENT.finditer(markup), start=1):
            if number > _MAX_ELEMENTS:
                markup = markup[: element.start()]
                break
    if markup.count("=") > _MOST_ATTRIBUTES and _LONG_TAG.search(markup):
        markup = _LONG_TAG.sub(_fewer_attributes, markup)
    return markup


def _fewer_attributes(tag: re.Match[str]) -> str:
    text = tag.group()
    return f"<{tag.group(1)}>" if text.count("=") > _MOST_ATTRIBUTES else text


@lru_cache(maxsize=1)
def _html_lookup() -> Any:
    """One `ElementDefaultClassLookup` making `lxml.html` element, comment and PI classes."""
    import lxml.etree
    import lxml.html

    return lxml.etree.ElementDefaultClassLookup(
        element=lxml.html.HtmlElement,
        comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction,
    )


def flatten_math(root: Any) -> None:
    """MathML as its plain text in a `<span>` (`x = -b ± …`), so formulas are read, not lost.

    Extractors drop `<math>` as markup they do not know; the symbols are the
    text a reader needs (a TeX `<annotation>` would only repeat them).
    """
    for math in list(root.iter("math", "{http://www.w3.org/1998/Math/MathML}math")):
        for note in list(math.iter("annotation", "annotation-xml")):
            remove_keep_tail(note)
        text = squash(" ".join(part for part in math.itertext() if part))
        # MathJax wraps the MathML in custom elements (`<mjx-container>`) that
        # extractors drop whole: the outermost one becomes the span instead.
        target, parent = math, math.getparent()
        while parent is not None and "-" in (tag_name(parent) or ""):
            target, parent = parent, parent.getparent()
        tail = target.tail
        target.clear()
        target.tag = "span"
        target.text = f" {text} " if text else None
        target.tail = tail


_REFERENCE = re.compile(
    r"&(?:#(?:x0*([0-9a-f]+)|0*([0-9]+))|lrm|rlm|zwn?j|zerowidth|nobreak|negative)", re.I
)
"""A numeric character reference, or the start of a named one whose character `clean_text`
removes (`&lrm;`, `&zwj;`, `&ZeroWidthSpace;`, `&NegativeThinSpace;`, `&NoBreak;`…: all
of HTML5's), with or without its `;`: parsers accept both."""
_MAX_DIGITS = 7
"""More digits than this (leading zeros aside) name no Unicode character."""


def _references_unsafe(markup: str) -> bool:
    """Whether parsing `markup` may put into the tree a character `clean_text` would change.

    The markup is clean (step 1), so such a character can only come from a character
    reference the parser decodes. Scanning the markup for those is much cheaper than
    reading the whole tree back, and most pages hold none, or only harmless ones
    (`&#8217;`, `&#160;`).
    """
    for match in _REFERENCE.finditer(markup):
        hex_digits, digits = match.groups()
        number = hex_digits or digits
        if number is None or len(number) > _MAX_DIGITS:
            return True  # a named one from the list, or no character at all
        if _unsafe_code_point(int(number, 16 if hex_digits else 10)):
            return True
    return False


@lru_cache(maxsize=1024)
def _unsafe_code_point(value: int) -> bool:
    """Whether `clean_text` changes the character `value` (or there is no such character)."""
    if value > sys.maxunicode:
        return True
    character = chr(value)
    return clean_text(character) != character


def _clean_tree(root: Any) -> None:
    """Step 2 of the boundary: every text, tail and attribute value of `root`, cleaned once.

    Run only when the markup holds a character reference that may decode to an
    unsafe character (`_references_unsafe`).
    """
    for element in root.iter():
        text, tail = element.text, element.tail
        if text and (cleaned := clean_text(text)) is not text:  # clean input comes back as is
            element.text = cleaned
        if tail and (cleaned := clean_text(tail)) is not tail:
            element.tail = cleaned
        for key, value in element.attrib.items():
            if (cleaned := clean_text(value)) is not value:
                element.set(key, cleaned)


def squash(text: str) -> str:
    """Whitespace runs as one space: all the cleaning text from a clean tree still needs."""
    return " ".join(text.split())


def text_key(text: str, words: int = 12) -> str:
    """The first `words` words of `text`, lower-cased, punctuation aside: to compare texts."""
    return " ".join([match.group() for match in islice(_WORD.finditer(text.lower()), words)])


_WORD = re.compile(r"\w+")


def tag_name(element: Any) -> str | None:
    """Lower-case local tag name; None for comments, PIs and entities."""
    tag = element.tag
    if not isinstance(tag, str):
        return None
    if "}" in tag:
        tag = tag.rsplit("}", 1)[1]
    return tag.lower()


def drop_junk(root: Any) -> None:
    """Remove script/style/nav/... subtrees (keeping their tail text) before walking."""
    doomed = [el for el in root.iter() if tag_name(el) in DROP_TAGS]
    for element in doomed:
        remove_keep_tail(element)


_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_SCREEN_READER_ONLY = re.compile(
    r"(?<![\w-])(?:off-?screen|visually-?hidden|sr-only|screen-?reader-?(?:text|only))(?![\w-])",
    re.I,
)
"""Labels for screen readers only (BBC's "Media caption"): a sighted reader never sees them."""


def is_hidden(element: Any) -> bool:
    """True for an element the page hides from its readers: `hidden`, inline
    `display:none` / `visibility:hidden`, `aria-hidden="true"` (screen readers skip
    it too), or a screen-reader-only label class."""
    get = element.get  # not `.attrib`: it builds a mapping object on every call
    if get("hidden") is not None:
        return True
    aria = get("aria-hidden")
    if aria and aria.strip().lower() == "true":
        return True
    style = get("style")
    if style and _hidden_style(style):
        return True
    classes = get("class")
    return bool(classes and _screen_reader_only(classes))


@lru_cache(maxsize=4096)
def _hidden_style(style: str) -> bool:
    return _HIDDEN_STYLE.search(style) is not None


@lru_cache(maxsize=4096)
def _screen_reader_only(classes: str) -> bool:
    """Cached: pages repeat a few class strings on thousands of elements."""
    return _SCREEN_READER_ONLY.search(classes) is not None


def drop_hidden(root: Any) -> None:
    """Remove the subtrees the page hides (keeping their tail text, which is visible)."""
    doomed = [el for el in root.iter() if tag_name(el) is not None and is_hidden(el)]
    for element in doomed:
        if element is not root:
            remove_keep_tail(element)


def remove_keep_tail(element: Any) -> None:
    """Detach `element`, leaving its tail text where it was (lxml's `drop_tree` for any tree)."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail or ""
    previous = element.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def has_block_child(element: Any) -> bool:
    """True when any child of `element` is a block-level element."""
    for child in element:
        tag = tag_name(child)
        if tag is not None and tag not in INLINE_TAGS:
            return True
    return False


def text_of(element: Any) -> str:
    """All text inside `element` (not its tail), iteratively, so depth cannot hurt."""
    return " ".join(part for part in element.itertext() if part)


def inline_text(element: Any) -> str:
    """Text of an inline run; `<q>` gets curly quotes, `<br>` becomes a space."""
    if tag_name(element) == "q":
        return f"“{text_of(element)}”"
    parts: list[str] = []
    if element.text:
        parts.append(element.text)
    for child in element:
        tag = tag_name(child)
        if tag == "q":
            parts.append(f"“{text_of(child)}”")
        elif tag == "br":
            parts.append(" ")
        elif tag is not None:
            parts.append(text_of(child))
        if child.tail:
            parts.append(child.tail)
    return "".join(parts)
