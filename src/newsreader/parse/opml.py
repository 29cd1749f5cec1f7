"""Read and write OPML subscription lists.

OPML files come from other readers and from strangers, so they are read with
defusedxml after `xmlguard.check_xml`, and every feed URL must be plain
http(s): an outline pointing at `file:///etc/passwd` or `javascript:` is skipped
with a warning rather than stored and later fetched or opened. Folder outlines
become tags (the folder path), so a subscription in News/Local is tagged
["News", "Local"]; a folder is named by its `text` (the attribute OPML
requires and other readers show), its `title` only when it has no text. Tags
from the OPML 2.0 `category` attribute follow the folder path. Writing nests
the tags back as folders, first tag outermost, so News/Local comes back as
News/Local and the tags survive a round trip in order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from newsreader.errors import ParseError
from newsreader.limits import MAX_DOCUMENT_BYTES
from newsreader.parse.decode import decode_document
from newsreader.parse.xmlguard import check_xml
from newsreader.sanitize import clean_line
from newsreader.urls import describe_url, is_safe_web_url

_ENCODING_DECL = re.compile(rb"""^(\s*<\?xml[^>]*?encoding\s*=\s*["'])([A-Za-z0-9_.:-]+)(["'])""")


@dataclass
class Subscription:
    """One feed to follow: its URL, a display title and tags (folder path first)."""

    url: str
    title: str
    tags: list[str] = field(default_factory=list)


def parse_opml(
    data: bytes, *, name: str, max_bytes: int = MAX_DOCUMENT_BYTES
) -> tuple[list[Subscription], list[str]]:
    """Return (subscriptions, warnings) from OPML bytes; `name` prefixes every message.

    Raises `ParseError` if the data is not OPML at all; individual bad outlines
    are skipped with a warning. The same URL listed twice is merged (first
    title kept, tags combined).
    """
    check_xml(data, name=name, max_bytes=max_bytes)
    root = _parse_xml(data, name=name)
    if _local(root.tag) != "opml":
        raise ParseError(f"{name}: not an OPML file (the root element is <{_local(root.tag)}>)")
    body = next((child for child in root if _local(child.tag) == "body"), None)
    if body is None:
        raise ParseError(f"{name}: not an OPML file (it has no <body>)")

    warnings: list[str] = []
    by_url: dict[str, Subscription] = {}
    # Iterative walk: a hostile file nested 100k deep must not hit the recursion limit.
    stack: list[tuple[Any, tuple[str, ...]]] = [(child, ()) for child in reversed(list(body))]
    while stack:
        element, path = stack.pop()
        if _local(element.tag) != "outline":
            continue
        attrs = {key.lower(): value for key, value in element.attrib.items()}
        children = [child for child in element if _local(child.tag) == "outline"]
        url = (attrs.get("xmlurl") or "").strip()
        label = clean_line(attrs.get("title") or attrs.get("text") or "")
        if not url:
            label = clean_line(attrs.get("text") or attrs.get("title") or "")
            if children:
                folder = (*path, label) if label else path
                stack.extend((child, folder) for child in reversed(children))
            else:
                warnings.append(f"{name}: skipped outline {_shown(label)}: it has no xmlUrl")
            continue
        if not is_safe_web_url(url):
            warnings.append(
                f"{name}: skipped {_shown(label)}: feed URL {describe_url(clean_line(url))} "
                "is not http(s)"
            )
            continue
        tags = [*path, *_categories(attrs.get("category", ""))]
        title = label or url
        existing = by_url.get(url)
        if existing is None:
            by_url[url] = Subscription(url=url, title=title, tags=_unique(tags))
        else:
            existing.tags = _unique([*existing.tags, *tags])
        if children:
            stack.extend((child, path) for child in reversed(children))
    return list(by_url.values()), warnings


def write_opml(subs: Iterable[Subscription], *, title: str = "newsreader subscriptions") -> str:
    """Serialise subscriptions as OPML 2.0 text (UTF-8 declaration included).

    Subscriptions are grouped into nested folder outlines by their tags (first
    tag outermost), folders in the order first seen, so `parse_opml` gives
    every subscription its tags back.
    """
    import xml.etree.ElementTree as ET
    from email.utils import formatdate

    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = clean_line(title)
    ET.SubElement(head, "dateCreated").text = formatdate(usegmt=True)
    body = ET.SubElement(root, "body")
    folders: dict[tuple[str, ...], Any] = {}
    for sub in subs:
        tags = [clean_line(tag) for tag in sub.tags if clean_line(tag)]
        parent = body
        for depth in range(1, len(tags) + 1):
            folder = folders.get(tuple(tags[:depth]))
            if folder is None:
                name = tags[depth - 1]
                folder = ET.SubElement(parent, "outline", text=name, title=name)
                folders[tuple(tags[:depth])] = folder
            parent = folder
        line_title = clean_line(sub.title) or sub.url
        ET.SubElement(
            parent, "outline", type="rss", text=line_title, title=line_title, xmlUrl=sub.url
        )
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _parse_xml(data: bytes, *, name: str) -> Any:
    """defusedxml parse; multi-byte legacy encodings are transcoded to UTF-8 first.

    expat refuses documents declaring e.g. gb2312 or euc-kr with a ValueError,
    so those are decoded by `decode` (the parsers' one decoding path) and
    re-declared as UTF-8.
    """
    import defusedxml.ElementTree as DET
    from defusedxml import DefusedXmlException

    try:
        return DET.fromstring(data)
    except DefusedXmlException:
        raise ParseError(
            f"{name}: refused, the document declares XML entities "
            "(possible entity-expansion attack)"
        ) from None
    except ValueError:
        pass  # multi-byte encoding expat cannot handle: transcode below
    except Exception as exc:
        raise ParseError(f"{name}: not valid XML ({clean_line(str(exc))[:160]})") from None
    match = _ENCODING_DECL.match(data)
    try:
        declared = match.group(2).decode("ascii") if match else None
        # Size already checked by `check_xml`, against the caller's own limit.
        text, _ = decode_document(data, name=name, declared=(declared,), max_bytes=len(data))
        fixed = _ENCODING_DECL.sub(rb"\g<1>utf-8\g<3>", text.encode("utf-8"), count=1)
        return DET.fromstring(fixed)
    except DefusedXmlException:
        raise ParseError(f"{name}: refused, the document declares XML entities") from None
    except Exception as exc:
        raise ParseError(f"{name}: not valid XML ({clean_line(str(exc))[:160]})") from None


def _local(tag: Any) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


def _categories(value: str) -> list[str]:
    tags = []
    for part in value.split(","):
        tag = clean_line(part.strip().strip("/"))
        if tag:
            tags.append(tag)
    return tags


def _unique(tags: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for tag in tags:
        if tag:
            seen.setdefault(tag, None)
    return list(seen)


def _shown(label: str) -> str:
    return f"'{label[:80]}'" if label else "an untitled outline"
