"""The XML guard refuses hostile or non-XML documents before any parser runs."""

from __future__ import annotations

import time

import pytest

from newsreader.errors import ParseError
from newsreader.parse.xmlguard import check_xml

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0"><channel><title>&lol9;</title></channel></rss>
"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<rss version="2.0"><channel><title>&xxe;</title></channel></rss>
"""


def quadratic_blowup() -> bytes:
    entity = b"A" * 50_000
    refs = b"&a;" * 20_000
    return (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "' + entity + b'">]>\n'
        b"<rss><channel><title>" + refs + b"</title></channel></rss>"
    )


GOOD = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'


def test_plain_feed_passes() -> None:
    check_xml(GOOD, name="good.xml")


def test_rss091_external_doctype_passes() -> None:
    data = (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC '
        b'"-//Netscape Communications//DTD RSS 0.91//EN"'
        b' "http://my.netscape.com/publish/formats/rss-0.91.dtd">\n<rss version="0.91"></rss>'
    )
    check_xml(data, name="old.rss")


def test_entity_mentioned_in_content_passes() -> None:
    data = (
        b"<rss><channel><item><description><![CDATA[ <!ENTITY x> ]]>"
        b"</description></item></channel></rss>"
    )
    check_xml(data, name="blog.xml")


@pytest.mark.parametrize(
    "data",
    [BILLION_LAUGHS, XXE, quadratic_blowup()],
    ids=["billion-laughs", "xxe", "quadratic"],
)
def test_entity_declarations_refused_quickly(data: bytes) -> None:
    started = time.monotonic()
    with pytest.raises(ParseError, match=r"evil\.xml: refused, the document declares XML entities"):
        check_xml(data, name="evil.xml")
    assert time.monotonic() - started < 0.5


@pytest.mark.parametrize(
    "data",
    [
        b'<!-- <a> --><!DOCTYPE x [<!ENTITY a "b">]><rss/>',
        b'junk before <!DOCTYPE x [<!ENTITY a "b">]><rss/>',
        b'<!doctype x [<!entity a "b">]><rss/>',
        '<?xml version="1.0" encoding="utf-16"?><!DOCTYPE x [<!ENTITY a "b">]><rss/>'.encode(
            "utf-16"
        ),
    ],
    ids=["comment-trick", "junk-prefix", "lowercase", "utf16"],
)
def test_entity_declarations_found_despite_tricks(data: bytes) -> None:
    with pytest.raises(ParseError, match="declares XML entities"):
        check_xml(data, name="evil.xml")


def test_utf16_feed_passes() -> None:
    check_xml('<?xml version="1.0" encoding="utf-16"?><rss/>'.encode("utf-16"), name="w.xml")


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"\x1f\x8b\x08\x00\x00\x00", "gzip"),
        (b"PK\x03\x04rest", "ZIP"),
        (b"%PDF-1.7\n", "PDF"),
    ],
)
def test_binary_refused(data: bytes, what: str) -> None:
    with pytest.raises(ParseError, match=rf"^image\.xml: not XML \(it looks like .*{what}"):
        check_xml(data, name="image.xml")


def test_nul_bytes_refused() -> None:
    with pytest.raises(ParseError, match="not XML"):
        check_xml(b"<rss>\x00\x00</rss>", name="nul.xml")


def test_empty_refused() -> None:
    with pytest.raises(ParseError, match="empty"):
        check_xml(b"  \n", name="empty.xml")


def test_size_checked_first_and_fast() -> None:
    data = b"<rss>" + b"a" * (50 * 1024 * 1024)
    started = time.monotonic()
    with pytest.raises(ParseError, match=r"big\.xml: document is 50\.0 MB, over the 10 MB limit"):
        check_xml(data, name="big.xml")
    assert time.monotonic() - started < 0.1


def test_custom_limit() -> None:
    with pytest.raises(ParseError, match="over the"):
        check_xml(GOOD, name="g.xml", max_bytes=10)


def _laughs_text() -> str:
    return BILLION_LAUGHS.decode("ascii").replace('<?xml version="1.0"?>\n', "")


@pytest.mark.parametrize(
    "data",
    [
        # UTF-7: every `<` written `+ADw-`, so the bytes hold no `<!DOCTYPE` at all
        b'<?xml version="1.0" encoding="utf-7"?>'
        + _laughs_text().replace("<", "+ADw-").replace(">", "+AD4-").encode("ascii"),
        # EBCDIC: the declaration itself is in EBCDIC
        ('<?xml version="1.0" encoding="cp037"?>' + _laughs_text()).encode("cp037"),
        ('<?xml version="1.0" encoding="cp500"?>' + _laughs_text()).encode("cp500"),
        # an ASCII document declaring a wide encoding it is not written in
        b'<?xml version="1.0" encoding="utf-16"?>' + _laughs_text().encode("ascii"),
    ],
    ids=["utf-7", "ebcdic-cp037", "ebcdic-cp500", "lying-utf-16"],
)
def test_entities_refused_in_encodings_that_hide_the_markup(data: bytes) -> None:
    with pytest.raises(ParseError, match="declares XML entities"):
        check_xml(data, name="feed.xml")


@pytest.mark.parametrize("encoding", ["utf-7", "cp037", "gb2312", "euc-kr", "shift_jis"])
def test_feeds_in_those_encodings_without_entities_pass(encoding: str) -> None:
    document = f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel>'
    document += "<title>News + more</title></channel></rss>"
    check_xml(document.encode(encoding), name="feed.xml")
