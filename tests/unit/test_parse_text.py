"""Plain-text parsing: the bundled samples, decoding, and awkward inputs."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from newsreader.errors import ParseError
from newsreader.limits import MAX_DOCUMENT_BYTES
from newsreader.model.article import Article, BlockKind
from newsreader.parse import text as text_module
from newsreader.parse.text import decode_text, parse_text, parse_text_file
from newsreader.sanitize import has_unsafe


@dataclass(frozen=True)
class Expected:
    """What one sample article must parse into."""

    title: str
    key_points: int
    quotes: list[tuple[str, str]]  # (speaker, start of quoted text), in order
    captions: list[tuple[str, str]] = field(default_factory=list)  # (caption start, credit)
    headings: list[str] = field(default_factory=list)
    quote_blocks: int = 0


SAMPLES: dict[str, Expected] = {
    "01_harbour_tram_vote.txt": Expected(
        title="Lindqvist Bay council approves harbour tram line after late-night vote",
        key_points=3,
        quotes=[
            ("Ilse Varnholt", "People on the hill"),
            ("Ilse Varnholt", "We will build it carefully"),
            ("Henrik Aasmundsen", "Every crown we pour"),
            ("Ragna Olsby", "I want the tram"),
        ],
        captions=[
            ("Mayor Ilse Varnholt at the council", "Tomas Brevik | Harbour Post | Getty Images")
        ],
        headings=["How the money adds up", "What happens next"],
        quote_blocks=4,
    ),
    "02_glacier_microbes.txt": Expected(
        title="Microbes under a melting glacier may be slowing its retreat, study finds",
        key_points=2,
        quotes=[
            ("Priya Ramaswamy", "We went in looking"),
            ("Mateus Coelho", "It is a genuinely interesting result"),
        ],
        captions=[("Field camp on the lower tongue", "Jonas Ekwall | Varkan Polar Institute")],
        headings=["How the measurements were made"],
        quote_blocks=4,
    ),
    "03_cup_final.txt": Expected(
        title="Port Ardley win first cup final in club history with stoppage-time header",
        key_points=4,
        quotes=[
            ("Sian Moreland", "I just kept running"),
            ("Kwame Asante-Lloyd", "My legs were gone"),
            ("Kwame Asante-Lloyd", "I have played for this club"),
            ("Kwame Asante-Lloyd", "Nobody here will forget"),
            ("Odile Ferrand", "This team was built by volunteers"),
            ("Lukas Brandt", "We stopped doing the simple things"),
        ],
        headings=["A nervous first half", "The decisive moment"],
        quote_blocks=4,
    ),
    "04_chip_startup.txt": Expected(
        title="Tessel chip startup Lumenfold raises 40 million to build light-based processors",
        key_points=1,
        quotes=[
            ("Marguerite Lindqvist", "We could have sold the company"),
            ("Arjun Mehta", "They were the only company"),
            ("Marguerite Lindqvist", "A working prototype"),
            ("Marguerite Lindqvist", "We know that"),
        ],
        captions=[
            ("Chief executive Marguerite Lindqvist", "Anneke Vos | Tessel Daily | Getty Images")
        ],
        headings=["Why investors are interested"],
        quote_blocks=3,
    ),
    "05_storm_warning.txt": Expected(
        title="Red warning issued as Storm Halvard heads for the western isles",
        key_points=0,
        quotes=[
            ("Nkechi Okonkwo", "This is the kind of storm"),
            ("Fenella Mackintosh", "You learn to respect"),
            ("Nkechi Okonkwo", "Once Halvard moves inland"),
        ],
        headings=["Preparing for the worst", "What forecasters expect"],
        quote_blocks=2,
    ),
    "06_museum_reopening.txt": Expected(
        title="Brennsund maritime museum reopens with rediscovered shipbuilder's sketchbooks",
        key_points=3,
        quotes=[
            ("Halvor Stenersen", "We suspected for years"),
            ("Ingrid Tollefsen", "My grandmother used to say"),
            ("Ingrid Tollefsen", "Today, finally"),
        ],
        captions=[("A page from one of Ottilie", "Sofie Lindahl | Brennsund Maritime Museum")],
        headings=["A gallery of her own"],
        quote_blocks=1,
    ),
    "07_clinic_trial.txt": Expected(
        title="Walking programme halves hospital readmissions for heart patients, trial shows",
        key_points=2,
        quotes=[
            ("Amara Quist", "We expected some benefit"),
            ("Amara Quist", "Heart failure is a condition"),
            ("Leonie Marchetti", "It is a strong trial"),
            ("the spokesperson", "No decision has been taken"),
        ],
        headings=["Costs and concerns"],
        quote_blocks=5,
    ),
    "08_payments_outage.txt": Expected(
        title="Payments app Kestrel restores service after nine-hour outage left shoppers stranded",
        key_points=2,
        quotes=[
            ("Benedikt Aurell", "We pushed a change"),
            ("Jonna Pihl", "I had a shop full of bread"),
            ("Aurelio Santangelo", "When a single app becomes"),
        ],
        captions=[("Queues at a supermarket checkout", "Photograph: Kasia Wren/Tessel Daily")],
        headings=["A growing dependence"],
        quote_blocks=3,
    ),
}

SCARE_QUOTES = {
    "01_harbour_tram_vote.txt": ["temporary", "a tram to nowhere"],
    "02_glacier_microbes.txt": ["dark ice"],
    "03_cup_final.txt": ["park the bus", "just happy to be here"],
    "05_storm_warning.txt": ["grim routine"],
    "06_museum_reopening.txt": ["talented amateur", "fixing"],
    "07_clinic_trial.txt": ["Tuesday Hearts"],
    "08_payments_outage.txt": ["minor disruption", "wake-up call", "offline fallback", "canary"],
}


DATA_DIR = Path(__file__).resolve().parents[2] / "data"


def _parse_sample(name: str) -> Article:
    return parse_text_file(DATA_DIR / name)


def test_samples_are_all_listed(data_dir: Path) -> None:
    names = sorted(path.name for path in data_dir.glob("*.txt"))
    assert names == sorted(SAMPLES)
    assert len(names) >= 8


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_structure(name: str) -> None:
    article = _parse_sample(name)
    expected = SAMPLES[name]
    assert article.title == expected.title
    assert len(article.key_points) == expected.key_points
    assert [
        (q.speaker, q.text[: len(start)])
        for q, (_, start) in zip(article.quotes, expected.quotes, strict=False)
    ] == expected.quotes
    assert len(article.quotes) == len(expected.quotes)
    captions = [block for block in article.blocks if block.kind is BlockKind.CAPTION]
    assert [
        (c.text[: len(start)], c.credit)
        for c, (start, _) in zip(captions, expected.captions, strict=False)
    ] == expected.captions
    assert len(captions) == len(expected.captions)
    headings = [block.text for block in article.blocks if block.kind is BlockKind.HEADING]
    assert headings == expected.headings
    quote_blocks = [block for block in article.blocks if block.kind is BlockKind.QUOTE]
    assert len(quote_blocks) == expected.quote_blocks
    assert all(block.speaker for block in quote_blocks)
    assert 300 <= article.words <= 900
    assert article.reading_minutes >= 2
    assert article.warnings == []


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_invariants(name: str) -> None:
    article = _parse_sample(name)
    body = "\n".join(block.text for block in article.blocks)
    for caption in (block for block in article.blocks if block.kind is BlockKind.CAPTION):
        assert caption.credit and caption.credit not in body
        assert body.count(caption.text) == 1
    for quote in article.quotes:
        assert article.blocks[quote.block].text[quote.start : quote.end] == quote.text
    assert not has_unsafe(body)
    assert article.title and not has_unsafe(article.title)


@pytest.mark.parametrize("name", sorted(SCARE_QUOTES))
def test_sample_scare_quotes_are_not_quotes(name: str) -> None:
    article = _parse_sample(name)
    for phrase in SCARE_QUOTES[name]:
        assert any(phrase in block.text for block in article.blocks), phrase
        assert all(phrase not in quote.text for quote in article.quotes), phrase


def test_sample_layout_features_are_present() -> None:
    raw = {name: (DATA_DIR / name).read_bytes() for name in SAMPLES}
    assert any(data.startswith(b"\xef\xbb\xbf") for data in raw.values())
    assert any(b"\r\n" in data for data in raw.values())
    assert any(data.lstrip(b"\xef\xbb\xbf").startswith("×".encode()) for data in raw.values())
    assert any("“".encode() in data for data in raw.values())


# -- decoding ---------------------------------------------------------------------------


def test_crlf_is_normalised() -> None:
    article = parse_text("Headline here\r\n\r\n  • A point\r\n\r\nBody text.\r\n")
    assert article.title == "Headline here"
    assert article.key_points == ["A point"]
    assert [block.text for block in article.blocks] == ["Body text."]


def test_utf8_bom_is_dropped() -> None:
    text, warnings = decode_text(b"\xef\xbb\xbfHeadline\n\nBody.", name="a.txt")
    assert text == "Headline\n\nBody." and warnings == []
    assert parse_text(text).title == "Headline"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec: str) -> None:
    bom = b"\xff\xfe" if codec.endswith("le") else b"\xfe\xff"
    data = bom + "Café headline\n\nBody.".encode(codec)
    text, warnings = decode_text(data, name="a.txt")
    assert text.startswith("Café headline") and warnings == []


def test_cp1252_fallback_warns_and_decodes() -> None:
    data = "Caf\u00e9 opens \u201cnew\u201d menu\n\nIt\u2019s open.".encode("cp1252")
    text, warnings = decode_text(data, name="menu.txt")
    assert text.startswith("Café opens “new” menu")
    assert "It’s open." in text
    assert warnings == ["menu.txt: not valid UTF-8, decoded as cp1252"]


def test_cp1252_file_carries_warning(tmp_path: Path) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes("Résumé of the week\n\nA quiet week.".encode("cp1252"))
    article = parse_text_file(path)
    assert article.title == "Résumé of the week"
    assert article.warnings == ["legacy.txt: not valid UTF-8, decoded as cp1252"]
    assert article.source == "legacy.txt"


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
        b"PK\x03\x04\x14\x00\x06\x00",
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00",
        b"Headline\n\x00\x00\x00binary",
        bytes(range(1, 9)) * 50,
    ],
)
def test_binary_is_refused_with_file_name(data: bytes) -> None:
    with pytest.raises(ParseError, match=r"^photo\.png: binary file, not text$"):
        decode_text(data, name="photo.png")


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    with pytest.raises(ParseError, match=r"image\.png: binary file"):
        parse_text_file(path)


def test_oversize_data_is_refused() -> None:
    with pytest.raises(ParseError, match=r"^big\.txt: document is 10\.0 MB, over the 10 MB limit$"):
        decode_text(b"a" * (MAX_DOCUMENT_BYTES + 1), name="big.txt")


def test_oversize_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(MAX_DOCUMENT_BYTES + 10)  # sparse: cheap to create
    with pytest.raises(ParseError, match=r"huge\.txt: document is .* MB, over the 10 MB limit"):
        parse_text_file(path)


def _seven_megabyte_article(path: Path) -> Path:
    paragraph = "The harbour board met on Tuesday to discuss the cranes arriving in spring. " * 4
    path.write_text("Harbour cranes arrive\n\n" + "\n\n".join([paragraph] * 24_000))
    assert 7_000_000 < path.stat().st_size < MAX_DOCUMENT_BYTES
    return path


def test_seven_megabyte_text_file_parses(tmp_path: Path) -> None:
    """Regression: the text parser had a 5 MiB cap of its own, below everyone else's 10 MiB."""
    article = parse_text_file(_seven_megabyte_article(tmp_path / "long.txt"))
    assert article.title == "Harbour cranes arrive"
    assert len(article.blocks) == 24_000


def test_seven_megabyte_text_file_passes_the_importer(tmp_path: Path) -> None:
    """The importer's size check and the parser's agree: what one accepts the other reads."""
    from newsreader.services.importer import parse_file

    kind, articles, _ = parse_file(_seven_megabyte_article(tmp_path / "long.txt"))
    assert kind == "text"
    assert [article.title for article in articles] == ["Harbour cranes arrive"]


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match=r"nope\.txt: no such file$"):
        parse_text_file(tmp_path / "nope.txt")


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="is a directory"):
        parse_text_file(tmp_path)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("Title\n\nBody.")
    path.chmod(0)
    with pytest.raises(ParseError, match=r"secret\.txt: permission denied"):
        parse_text_file(path)


def test_permission_error_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.txt"
    path.write_text("Title\n\nBody.")

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(text_module.Path, "open", refuse)
    with pytest.raises(ParseError, match=r"locked\.txt: permission denied$"):
        parse_text_file(path)


# -- empty and odd text -----------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\t\n", "×\n\n—\n  •  \n", "\x1b[31m\x00\u202e"])
def test_text_without_words_is_an_error(text: str) -> None:
    with pytest.raises(ParseError, match=r"^empty\.txt: empty file"):
        parse_text(text, source="empty.txt")


def test_empty_error_without_source() -> None:
    with pytest.raises(ParseError, match="empty file"):
        parse_text("")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(b"")
    with pytest.raises(ParseError, match=r"^blank\.txt: empty file"):
        parse_text_file(path)


def test_no_key_points() -> None:
    article = parse_text("A headline\n\nFirst paragraph.\n\nSecond paragraph.")
    assert article.key_points == []
    assert [block.text for block in article.blocks] == ["First paragraph.", "Second paragraph."]


@pytest.mark.parametrize("bullet", ["•", "-", "*", "–"])
def test_bullet_styles(bullet: str) -> None:
    article = parse_text(f"Headline\n\n{bullet} One point\n  {bullet} Two point\n\nBody.")
    assert article.key_points == ["One point", "Two point"]


def test_key_points_directly_under_headline_and_wrapped() -> None:
    article = parse_text("Headline\n  • First point\n    continues here\n  • Second\n\nBody.")
    assert article.title == "Headline"
    assert article.key_points == ["First point continues here", "Second"]


def test_no_title_looking_line_keeps_the_paragraph() -> None:
    first = (
        "The committee met on a rainy Thursday afternoon to consider the budget for the new "
        "library, which has been delayed three times since the original plans were drawn up."
    )
    article = parse_text(f"{first}\n\nA second paragraph.", source="notes.txt")
    assert article.blocks[0].text == first
    assert article.title.startswith("The committee met on a rainy Thursday")
    assert len(article.title) <= 81 and article.title.endswith("…")


def test_only_bullets() -> None:
    article = parse_text("  • Just one point here")
    assert article.key_points == ["Just one point here"]
    assert article.title == "Just one point here"


def test_title_only() -> None:
    article = parse_text("Just a headline")
    assert article.title == "Just a headline"
    assert article.blocks == []
    assert article.words == 0 and article.reading_minutes == 0


def test_heading_rules() -> None:
    article = parse_text(
        "Title\n\nIntro paragraph.\n\nA real heading\n\nMore text.\n\nnot a heading\n\n"
        "Ends with a colon:\n\nText.\n\nTrailing short line"
    )
    kinds = [(block.kind, block.text) for block in article.blocks]
    assert (BlockKind.HEADING, "A real heading") in kinds
    assert (BlockKind.PARAGRAPH, "not a heading") in kinds
    assert (BlockKind.PARAGRAPH, "Ends with a colon:") in kinds
    assert (BlockKind.PARAGRAPH, "Trailing short line") in kinds


def test_caption_before_only_and_after_only() -> None:
    article = parse_text(
        "Title\n\nIntro.\n\nA photo caption.\nJane Roe | Daily Bugle\n\nMiddle.\n\n"
        "Jane Roe | Daily Bugle\nAnother caption.\n\nEnd."
    )
    captions = [(b.text, b.credit) for b in article.blocks if b.kind is BlockKind.CAPTION]
    assert captions == [
        ("A photo caption.", "Jane Roe | Daily Bugle"),
        ("Another caption.", "Jane Roe | Daily Bugle"),
    ]


def test_caption_repeated_across_blank_lines() -> None:
    article = parse_text(
        "Title\n\nIntro.\n\nThe caption.\n\nJane Roe | Daily Bugle | Getty Images\n\n"
        "The caption.\n\nEnd."
    )
    assert [(b.kind, b.text, b.credit) for b in article.blocks] == [
        (BlockKind.PARAGRAPH, "Intro.", None),
        (BlockKind.CAPTION, "The caption.", "Jane Roe | Daily Bugle | Getty Images"),
        (BlockKind.PARAGRAPH, "End.", None),
    ]


def test_caption_glued_to_paragraph() -> None:
    article = parse_text(
        "Title\n\nBody sentence here.\nThe caption.\nPhoto: Jo Bloggs/AFP\nThe caption.\n\nEnd."
    )
    assert [(b.kind, b.text, b.credit) for b in article.blocks] == [
        (BlockKind.PARAGRAPH, "Body sentence here.", None),
        (BlockKind.CAPTION, "The caption.", "Photo: Jo Bloggs/AFP"),
        (BlockKind.PARAGRAPH, "End.", None),
    ]


def test_agency_word_alone_is_not_a_credit() -> None:
    article = parse_text("Title\n\nIntro.\n\nWhat we learned from Reuters\n\nEnd.")
    assert article.blocks[1].kind is BlockKind.HEADING


def test_hard_wrapped_paragraph_is_joined() -> None:
    article = parse_text("Title\n\nThis paragraph was\nwrapped at a narrow\nwidth.")
    assert article.blocks[0].text == "This paragraph was wrapped at a narrow width."


def test_control_escape_and_bidi_characters_are_stripped() -> None:
    article = parse_text(
        "\x1b]0;pwned\x07Head\x1b[2Jline\u202e here\n\n  • Po\x9bint\u200b\n\n"
        "Body \x1b]52;c;Zm9v\x07text\x00 with\u2066 bidi.\x7f"
    )
    assert article.title == "Headline here"
    assert article.key_points == ["Point"]
    assert article.blocks[0].text == "Body text with bidi."
    for value in (article.title, *article.key_points, *(b.text for b in article.blocks)):
        assert not has_unsafe(value) and "\x1b" not in value


def test_markup_is_kept_literally() -> None:
    article = parse_text("[@click=app.quit]hi[/]\n\nBody [bold]x[/bold] and [link=x]y[/link].")
    assert article.title == "[@click=app.quit]hi[/]"
    assert article.blocks[0].text == "Body [bold]x[/bold] and [link=x]y[/link]."


def test_large_text_parses_fast() -> None:
    import time

    paragraph = (
        '"We will keep building, and we will not stop until the job is done," Jane Doe said. '
        'Critics called the plan "reckless" and said it cost too much money for too little. '
    )
    text = "Headline\n\n" + "\n\n".join([paragraph * 3] * 2000)
    start = time.perf_counter()
    article = parse_text(text)
    elapsed = time.perf_counter() - start
    assert len(article.quotes) == 6000
    assert elapsed < 2.0, elapsed  # well under a second locally; slack for slow CI


def test_word_ending_in_agency_letters_is_not_a_credit() -> None:
    """`gap` ends in the letters of `AP`; a credit names the agency as a word of its own."""
    article = parse_text("Title\n\nCranes stood idle at dawn\nall along the harbour gap\n\nEnd.")
    assert [(b.kind, b.credit) for b in article.blocks] == [
        (BlockKind.PARAGRAPH, None),
        (BlockKind.PARAGRAPH, None),
    ]
    assert article.blocks[0].text == "Cranes stood idle at dawn all along the harbour gap"
