"""A page's main text through trafilatura, as blocks, with what it drops put back.

trafilatura finds the story in the clean tree `html_tree` built (after
`html_furniture` pruned it); its result is read as a tree by `html_blocks`'
converter. Around it, figure captions go back where their images were (or near
the top when trafilatura dropped the image) and a list it threw away from
between two paragraphs it kept is restored. trafilatura and lxml are imported
inside the functions, as in `html_page`.
"""

from __future__ import annotations

from typing import Any

from newsreader.model.article import Block, BlockKind
from newsreader.parse.html_blocks import convert
from newsreader.parse.html_lists import list_items
from newsreader.parse.html_tree import squash, tag_name, text_key, text_of
from newsreader.urls import is_safe_web_url


def trafilatura_blocks(
    doc: Any, *, url: str | None, figures: list[tuple[str | None, Block]]
) -> tuple[list[str], list[Block]] | None:
    """Main text via trafilatura, figure captions put back where their images were.

    trafilatura gets our clean tree (it copies it) rather than the markup, so the
    page is parsed once. Not `favor_precision`: it threw most of some articles away.
    """
    from trafilatura import bare_extraction

    try:
        # `bare_extraction`, not `extract`: extract also hashes the text for
        # trafilatura's duplicate detection, which we never use.
        document = bare_extraction(
            doc,
            url=url if is_safe_web_url(url) else None,
            output_format="html",
            include_comments=False,
            include_tables=True,
            include_images=True,
            include_formatting=True,  # bold-only paragraphs are subheadings (`_bold_only`)
            include_links=False,
            favor_precision=False,
            with_metadata=False,
        )
        if document is None or isinstance(document, dict) or document.body is None:
            return None
        root = _extracted_body(document.body)
    except Exception:  # trafilatura failing is a reason to fall back, not to fail
        return None
    pending = list(figures)
    for image in list(root.iter("img")):
        src = _image_key(image.get("src"))
        for index, (figure_src, block) in enumerate(pending):
            if figure_src is not None and _image_key(figure_src) == src:
                _replace_with_caption(image, block)
                del pending[index]
                break
    key_points, blocks = convert(root, page=True)
    if pending and blocks:
        blocks = _insert_orphan_captions(blocks, [block for _, block in pending])
    return key_points, blocks


def _extracted_body(body: Any) -> Any:
    """trafilatura's result tree as the HTML we read (`<p>`, `<h2>`, `<ul>`, `<img>`…), kept
    as a tree: serialising it to read it back was parsing the article a second time.

    Its text is ours, from the clean tree, so it stays clean; it is put in Unicode's
    composed form (NFC), as trafilatura's own output is. A one-line `<pre>` becomes
    `<code>` again: trafilatura writes inline code as `<pre>`, which ends the
    paragraph it sits in (the rest of the sentence went missing from blockquotes).
    """
    from unicodedata import is_normalized, normalize

    from trafilatura.htmlprocessing import convert_to_html

    root = convert_to_html(body)[0]
    for element in root.iter():
        text, tail = element.text, element.tail
        if text and not is_normalized("NFC", text):
            element.text = text = normalize("NFC", text)
        if tail and not is_normalized("NFC", tail):
            element.tail = normalize("NFC", tail)
        if element.tag == "pre" and not len(element) and _inline_code(text):
            element.tag = "code"
    return root


def _inline_code(text: str | None) -> bool:
    """One line of at most `_INLINE_CODE_CHARS` characters (as markup, `&` written `&amp;`)."""
    if not text or "\n" in text:
        return False
    escaped = len(text) + 4 * text.count("&") + 3 * (text.count("<") + text.count(">"))
    return escaped <= _INLINE_CODE_CHARS


_INLINE_CODE_CHARS = 80


def restore_dropped_lists(scope: Any, blocks: list[Block]) -> list[Block]:
    """Put back a list trafilatura dropped from between two paragraphs it kept.

    It sometimes throws away a story's lists (items that are quotations, lists in
    what was a layout table); a list whose neighbouring paragraphs are both in the
    story is part of it, while menus and link boxes sit apart from the text.
    """
    kept = {text_key(block.text): index for index, block in enumerate(blocks)}
    inserts: dict[int, list[Block]] = {}
    for element in scope.iter("ul", "ol"):
        if any(tag_name(up) in ("ul", "ol", "li") for up in element.iterancestors()):
            continue
        items = list_items(element)
        if not items or any(text_key(item) in kept for item in items[:1]):
            continue
        if text_key(f"• {items[0]}") in kept:
            continue
        before, after = _text_sibling(element, -1), _text_sibling(element, 1)
        if before is None or after is None or text_key(before) not in kept:
            continue
        if text_key(after) not in kept:
            continue
        inserts.setdefault(kept[text_key(before)], []).extend(
            Block(BlockKind.PARAGRAPH, f"• {item}") for item in items
        )
    if not inserts:
        return blocks
    out: list[Block] = []
    for index, block in enumerate(blocks):
        out.append(block)
        out.extend(inserts.get(index, ()))
    return out


def _text_sibling(element: Any, step: int) -> str | None:
    """The text of the nearest element before (`step` -1) or after (1) that holds any,
    climbing out of wrappers (a list that ends a table cell is followed by the next)."""
    node = element
    for _ in range(_SIBLING_CLIMB):
        for sibling in node.itersiblings(preceding=step < 0):
            text = squash(text_of(sibling)) if tag_name(sibling) is not None else ""
            if text:
                return text
        node = node.getparent()
        if node is None or tag_name(node) in ("body", "article", "main"):
            return None
    return None


_SIBLING_CLIMB = 4


def _image_key(src: str | None) -> str:
    """Compare image sources by path: trafilatura makes them absolute when given a URL."""
    from urllib.parse import urlsplit

    try:
        return urlsplit((src or "").strip()).path
    except ValueError:
        return src or ""


def _replace_with_caption(image: Any, block: Block) -> None:
    """Swap an `<img>` placeholder for a `<figcaption>` carrying the caption and credit."""
    caption = image.makeelement("figcaption", {})
    caption.text = block.text
    if block.credit:
        credit = image.makeelement("small", {})
        credit.set("class", "credit")
        credit.text = block.credit
        caption.append(credit)
    caption.tail = image.tail
    parent = image.getparent()
    if parent is not None:
        parent.replace(image, caption)


def _insert_orphan_captions(blocks: list[Block], captions: list[Block]) -> list[Block]:
    """Captions whose image trafilatura dropped go after the first paragraph (near the top)."""
    for index, block in enumerate(blocks):
        if block.kind is BlockKind.PARAGRAPH:
            return [*blocks[: index + 1], *captions, *blocks[index + 1 :]]
    return [*blocks, *captions]
