"""Pull-quote extraction: attribution forms, speakers, scare quotes, offsets."""

from __future__ import annotations

import pytest

from newsreader.model.article import Block, BlockKind, Quote
from newsreader.parse.quotes import extract_quotes


def _run(
    *paragraphs: str, title: str = "", key_points: tuple[str, ...] = ()
) -> tuple[list[Block], list[Quote]]:
    blocks = [Block(BlockKind.PARAGRAPH, text) for text in paragraphs]
    return extract_quotes(blocks, title=title, key_points=key_points)


def _speakers(quotes: list[Quote]) -> list[str | None]:
    return [quote.speaker for quote in quotes]


CONTEXT = "Mayor Jane Doe said the bridge was nearly finished."


@pytest.mark.parametrize(
    "paragraph",
    [
        '"We will finish the bridge before the winter storms arrive," Doe said.',
        '"We will finish the bridge before the winter storms arrive," Doe said, according to ANSA.',
        '"We will finish the bridge before the winter storms arrive," she said.',
        '"We will finish the bridge before the winter storms arrive," she added.',
        '"We will finish the bridge before the winter storms arrive," they said.',
        '"We will finish the bridge before the winter storms arrive" Doe told the council today.',
        'Doe said: "We will finish the bridge before the winter storms arrive."',
        'Doe said, "We will finish the bridge before the winter storms arrive."',
        'Doe told reporters: "We will finish the bridge before the winter storms arrive."',
        '"We will finish the bridge before the winter storms arrive", according to Doe.',
        'According to Doe, "we will finish the bridge before the winter storms arrive."',
        '"We will finish the bridge before the winter storms arrive," said Jane Doe.',
        '"We will finish the bridge before the winter storms arrive," said Mayor Jane Doe.',
        "“We will finish the bridge before the winter storms arrive,” Doe said.",
        '"We will finish the bridge before the winter storms arrive," Doe, the mayor, said.',
        '"We will finish the bridge before the winter storms arrive," Doe later said.',
        '"We will finish the bridge before the winter storms arrive," mayor Jane Doe warned.',
    ],
)
def test_attribution_forms(paragraph: str) -> None:
    blocks, quotes = _run(CONTEXT, paragraph)
    assert len(quotes) == 1
    quote = quotes[0]
    assert quote.speaker == "Jane Doe"
    assert quote.block == 1
    assert quote.text.lower().startswith("we will finish the bridge")
    assert blocks[1].text[quote.start : quote.end] == quote.text
    assert blocks[1].kind is BlockKind.QUOTE
    assert blocks[1].speaker == "Jane Doe"


def test_descriptor_speaker() -> None:
    _, quotes = _run(
        '"No decision has been taken and none will be before June," a spokesperson said.'
    )
    assert _speakers(quotes) == ["a spokesperson"]


def test_quote_inside_an_ordinary_paragraph() -> None:
    text = (
        'The mayor arrived late. Doe said: "The bridge will open in spring, whatever happens." '
        "She then left the building through a side door and did not answer further questions."
    )
    blocks, quotes = _run(CONTEXT, text)
    assert blocks[1].kind is BlockKind.PARAGRAPH
    assert len(quotes) == 1 and quotes[0].speaker == "Jane Doe"
    assert quotes[0].text == "The bridge will open in spring, whatever happens."


def test_two_quotes_around_one_attribution() -> None:
    blocks, quotes = _run(CONTEXT, '"It is done," she said. "Now we rest for a while."')
    assert [q.text for q in quotes] == ["It is done", "Now we rest for a while."]
    assert _speakers(quotes) == ["Jane Doe", "Jane Doe"]
    assert blocks[1].kind is BlockKind.QUOTE


@pytest.mark.parametrize(
    "paragraph",
    [
        'The ministry urged the board to "stop moving the goalposts" and "decide if it can".',
        'Inspectors said they had "credible evidence" about the leak.',
        'She courted "independent" traders during the "harvest rush," analysts said.',
        'The board drafted a rule with "no loophole left open" and warned it would apply.',
        'Doe called the plan "a tram to nowhere" during the debate.',
        'Doe said the plan was "reckless".',
        'The fans sang "we are the champions of the whole wide world" all night long.',
    ],
)
def test_scare_quotes_are_not_pull_quotes(paragraph: str) -> None:
    blocks, quotes = _run(CONTEXT, paragraph)
    assert quotes == []
    assert blocks[1].kind is BlockKind.PARAGRAPH
    assert blocks[1].text == paragraph


def test_pronoun_resolves_to_last_named_speaker() -> None:
    _, quotes = _run(
        "Oskar Lindahl, the harbour master, spoke first.",
        '"We are ready to close the port if the storm turns north," Lindahl said.',
        "Later, Anna Kowal said the talks were over.",
        '"There will be no more meetings this year, none at all," she said.',
    )
    assert _speakers(quotes) == ["Oskar Lindahl", "Anna Kowal"]


def test_pronoun_without_any_name_has_no_speaker() -> None:
    _, quotes = _run('"We are ready to close the port if the storm turns north," he said.')
    assert _speakers(quotes) == [None]


def test_fullest_name_from_title_and_key_points() -> None:
    _, quotes = _run(
        '"The harvest was the best in a decade, and prices will fall," Okafor said.',
        title="Farm minister Chidi Okafor hails record harvest",
    )
    assert _speakers(quotes) == ["Chidi Okafor"]
    _, quotes = _run(
        '"The harvest was the best in a decade, and prices will fall," Okafor said.',
        key_points=("Agriculture Minister Chidi Okafor said prices would fall.",),
    )
    assert _speakers(quotes) == ["Chidi Okafor"]


def test_roles_are_not_part_of_the_name() -> None:
    _, quotes = _run(
        "U.K. Ambassador to the WTO, Nadia Bramley, said Friday that a deal was near.",
        '"We have signed harder deals than this one and will sign this," Bramly told the board.',
        '"If the talks stall again, we are ready to walk away from them," she added.',
    )
    assert len(quotes) == 2
    assert all(q.speaker is not None and "Nadia" in q.speaker for q in quotes)
    assert all("Ambassador" not in (q.speaker or "") for q in quotes)


def test_misspelling_needs_same_first_letter_and_one_edit() -> None:
    _, quotes = _run(
        "Officials named Ivo Pardew and Lena Yardew as the two negotiators.",
        '"We have nothing more to say about the talks tonight," Hardew said.',
    )
    assert _speakers(quotes) == ["Hardew"]


def test_possessive_and_sentence_end_names_are_indexed() -> None:
    _, quotes = _run(
        "The report was written by Professor Ines Carvalho.",
        '"Carbon levels rose faster than any model had predicted," Carvalho said.',
    )
    assert _speakers(quotes) == ["Ines Carvalho"]


def test_multi_paragraph_quotation() -> None:
    blocks, quotes = _run(
        CONTEXT,
        '"The first part of the statement runs on without a closing mark.',
        '"The second part carries on in the same voice for a while.',
        '"And the last part ends it," Doe said.',
    )
    assert [q.block for q in quotes] == [1]  # one quotation, reported once, by its start
    assert _speakers(quotes) == ["Jane Doe"]
    assert [b.kind for b in blocks[1:]] == [BlockKind.QUOTE] * 3
    assert [b.speaker for b in blocks[1:]] == ["Jane Doe"] * 3
    assert quotes[0].text == "The first part of the statement runs on without a closing mark."


def test_multi_paragraph_quotation_attributed_first() -> None:
    blocks, quotes = _run(
        "Doe said: “The first part of the statement runs on and on.",
        "“The second part finishes the thought.”",
    )
    assert _speakers(quotes) == ["Doe"]
    assert blocks[1].kind is BlockKind.QUOTE


def test_stray_space_before_closing_mark_is_removed() -> None:
    blocks, quotes = _run(CONTEXT, '"The boats were moved to the inner basin, " Doe said.')
    assert blocks[1].text == '"The boats were moved to the inner basin," Doe said.'
    assert quotes[0].text == "The boats were moved to the inner basin"
    assert blocks[1].text[quotes[0].start : quotes[0].end] == quotes[0].text


def test_offsets_with_several_quotes() -> None:
    text = '"First statement is right here, friends," Doe said. Then "it is over," she added.'
    blocks, quotes = _run(CONTEXT, text)
    for quote in quotes:
        assert blocks[quote.block].text[quote.start : quote.end] == quote.text


def test_other_blocks_untouched_and_input_not_mutated() -> None:
    blocks = [
        Block(BlockKind.HEADING, '"We will win this election outright," Doe said'),
        Block(BlockKind.CAPTION, '"We will win this election outright," Doe said.', credit="X | Y"),
        Block(BlockKind.PARAGRAPH, '"We will win this election outright, " Doe said.'),
    ]
    before = [Block(b.kind, b.text, b.credit, b.speaker) for b in blocks]
    out, quotes = extract_quotes(blocks)
    assert blocks == before
    assert out[:2] == blocks[:2]
    assert [q.block for q in quotes] == [2]
    assert out[2].kind is BlockKind.QUOTE


def test_unbalanced_marks_do_not_crash() -> None:
    blocks, quotes = _run('He said "', '" she', "”“”“", '"""', 'A 12" screen and "more" text.')
    assert len(blocks) == 5
    for quote in quotes:
        assert 0 <= quote.start <= quote.end <= len(blocks[quote.block].text)


def test_empty_input() -> None:
    assert extract_quotes([]) == ([], [])


def test_head_attribution_with_complement() -> None:
    _, quotes = _run(
        'Doe told reporters on Monday: "The bridge opens in spring, and the tolls go away."'
    )
    assert _speakers(quotes) == ["Doe"]
    assert quotes[0].text == "The bridge opens in spring, and the tolls go away."


# -- real-world attribution shapes (issue 13), each in sentences of our own ----------------


@pytest.mark.parametrize(
    ("paragraph", "speaker"),
    [
        ('"We got lucky this time," said Omar Lindqvist.', "Omar Lindqvist"),
        ('"The harbour is closed," Lindqvist declared.', "Omar Lindqvist"),
        ('"Keep the gates shut!" Lindqvist instructed.', "Omar Lindqvist"),
        ("‘The harbour is closed,’ Lindqvist said.", "Omar Lindqvist"),
    ],
)
def test_short_quote_with_explicit_attribution(paragraph: str, speaker: str) -> None:
    _, quotes = _run("Omar Lindqvist runs the port.", paragraph)
    assert _speakers(quotes) == [speaker]


@pytest.mark.parametrize(
    "paragraph",
    [
        '"Expect the rain to last into the weekend, at least," radio forecaster Ida Berg said.',
        '"Expect the rain to last into the weekend, at least," city hall press officer Ida Berg '
        "told reporters.",
        '"Expect the rain to last into the weekend, at least," Oslo resident Ida Berg said.',
        '"Expect the rain to last into the weekend, at least," Bergen-based Ida Berg said.',
        '"Expect the rain to last into the weekend, at least," said city hall press officer Ida '
        "Berg on Monday.",
    ],
)
def test_roles_in_front_of_the_name(paragraph: str) -> None:
    _, quotes = _run(paragraph)
    assert _speakers(quotes) == ["Ida Berg"]


@pytest.mark.parametrize(
    "verb", ["had written", "summed up", "instructed", "has said", "would later recall"]
)
def test_broad_speech_verbs(verb: str) -> None:
    _, quotes = _run(f'"The river has never risen this fast in living memory," Ida Berg {verb}.')
    assert _speakers(quotes) == ["Ida Berg"]


def test_attribution_one_clause_away() -> None:
    _, quotes = _run(
        'The council wrote "no exemption for small farms of any kind" in that rule, Berg said.',
        context := "Ida Berg chairs the farmers' union.",
    )
    assert context
    assert _speakers(quotes) == ["Ida Berg"]


def test_speaker_named_in_the_paragraph_before() -> None:
    _, quotes = _run(
        "Ida Berg put the union's case this way:",
        '"Small farms cannot absorb another year of rising costs without help."',
    )
    assert _speakers(quotes) == ["Ida Berg"]


def test_quote_paragraph_continues_the_previous_speaker() -> None:
    _, quotes = _run(
        '"We have asked for a meeting three times this spring," Berg said.',
        '"Nobody has answered us yet."',
        title="Ida Berg asks for talks",
    )
    assert _speakers(quotes) == ["Ida Berg", "Ida Berg"]


def test_pronoun_follows_the_subject_and_gender_not_the_last_quoted() -> None:
    _, quotes = _run(
        "Tomas Varga, who leads the rescue team, said his crew had worked all night.",
        '"We reached the last cabin at dawn and everyone inside was safe," Varga said.',
        "Elin Dahl, the regional governor, thanked the crews and said her office would pay.",
        '"The money will be there before the end of the month, I promise," she said.',
        '"I have never seen snow like it in thirty years on the mountain," he said.',
    )
    assert _speakers(quotes) == ["Tomas Varga", "Elin Dahl", "Tomas Varga"]


def test_inverted_attribution_is_remembered_for_a_pronoun() -> None:
    _, quotes = _run(
        "The dam will hold through the spring floods, says Ines Moreau.",
        '"We checked every gate and every pump twice this week," she said.',
    )
    assert _speakers(quotes) == ["Ines Moreau"]


def test_name_expansion_never_picks_a_wrong_longer_name() -> None:
    _, quotes = _run(
        "Both Lumacorp and its rival bid for the site.",
        '"We will bid again next year with a better offer," Lumacorp said.',
    )
    assert _speakers(quotes) == ["Lumacorp"]
    _, quotes = _run(
        "Karl Brenner and his son, Jonas Brenner, run the mill together.",
        '"The mill has been in the family for four generations," Brenner said.',
    )
    assert _speakers(quotes) == ["Karl Brenner"]  # the subject, not the son named after him
    _, quotes = _run(
        "Harbour-based Dana K. Ruel owns the yard.",
        '"The yard will stay open through the winter months," Ruel said.',
    )
    assert _speakers(quotes) == ["Dana K. Ruel"]


@pytest.mark.parametrize(
    "context",
    [
        "Rising Seas Says Marta Quell In A New Report",
        "Enter Marta Quell, the new chair of the board.",
    ],
)
def test_no_junk_words_in_a_name(context: str) -> None:
    _, quotes = _run(context, '"The sea will not wait for our committees to agree," Quell said.')
    assert _speakers(quotes) == ["Marta Quell"]


def test_quotation_over_two_paragraphs_is_one_quote() -> None:
    blocks, quotes = _run(
        '"The first half of the plan rebuilds the pier and the old fish market.',
        '"The second half pays for it with a small harbour fee," Berg said.',
    )
    assert len(quotes) == 1
    assert quotes[0].block == 0 and quotes[0].speaker == "Berg"
    assert [b.kind for b in blocks] == [BlockKind.QUOTE, BlockKind.QUOTE]


@pytest.mark.parametrize(
    "paragraph",
    [
        "‘We will rebuild the pier before the summer season begins,’ Ida Berg said.",
        "„Wir bauen den Steg vor dem Sommer wieder auf“, sagte Ida Berg.",
        "« Nous reconstruirons la jetée avant l’été », a déclaré Ida Berg.",
        "«Nous reconstruirons la jetée avant l’été», déclare Ida Berg.",
    ],
)
def test_single_german_and_french_quotation_marks(paragraph: str) -> None:
    _, quotes = _run(paragraph)
    assert _speakers(quotes) == ["Ida Berg"]


@pytest.mark.parametrize(
    "paragraph",
    [
        "The union called the offer ‘an insult’ and walked out.",
        "Die Gewerkschaft nannte das Angebot „eine Frechheit“ und ging.",
        "Le syndicat a jugé l’offre « insultante » et il est parti.",
        "The farmers’ union rejected the board’s offer, the members’ vote showed.",
    ],
)
def test_scare_quotes_in_other_styles_are_not_pull_quotes(paragraph: str) -> None:
    _, quotes = _run(paragraph)
    assert quotes == []


@pytest.mark.parametrize(
    "paragraph",
    [
        '"The harbour wall will hold through the winter," the port\'s chief engineer, Dr Ines'
        " Navarro, said.",
        '"The harbour wall will hold through the winter," said the port\'s chief engineer,'
        " Ines Navarro.",
        '"The harbour wall will hold through the winter," said the chief engineer Ines Navarro'
        " after the inspection.",
        'Engineer Ines Navarro of Seaward Consulting said: "The harbour wall will hold through'
        ' the winter."',
        '"The harbour wall will hold through the winter," Ines Navarro of Seaward Consulting said.',
    ],
)
def test_a_name_beside_a_role_or_an_employer_is_the_speaker(paragraph: str) -> None:
    _, quotes = _run("Repairs to the harbour wall began in May.", paragraph)
    assert _speakers(quotes) == ["Ines Navarro"]


def test_a_description_without_a_name_stays_the_speaker() -> None:
    _, quotes = _run(
        '"The harbour wall will hold through the winter," said the chief engineer, who asked'
        " not to be named."
    )
    assert _speakers(quotes) == ["the chief engineer"]


def test_he_is_the_person_named_beside_a_company_not_the_company() -> None:
    _, quotes = _run(
        "Harrow Water's chief executive, Martin Keble, apologised to customers on Monday.",
        '"We let down every household on the estuary and we will pay for the clean-up," he said.',
    )
    assert _speakers(quotes) == ["Martin Keble"]


def test_he_never_resolves_to_an_organisation() -> None:
    _, quotes = _run(
        "The contract had been cancelled by the clinic, said Brindle Systems.",
        '"Nobody phoned me to say my appointment had gone," he said.',
    )
    assert _speakers(quotes) == [None]


def test_a_plural_possessive_does_not_end_a_british_quotation() -> None:
    _, quotes = _run(
        "‘We met the growers’ union before anyone else, because they lose most,’ Ada Venn said."
        " ‘Everyone has been paid.’"
    )
    assert [quote.text for quote in quotes] == [
        "We met the growers’ union before anyone else, because they lose most",
        "Everyone has been paid.",
    ]
    assert _speakers(quotes) == ["Ada Venn", "Ada Venn"]


def test_an_inch_mark_does_not_open_a_quotation() -> None:
    _, quotes = _run(
        'Ada Venn sold her 55" television to pay for the trip. "If that is not commitment,'
        ' nothing is," she said.'
    )
    assert [quote.text for quote in quotes] == ["If that is not commitment, nothing is"]
    assert _speakers(quotes) == ["Ada Venn"]


def test_the_role_said_is_the_person_introduced_in_that_role() -> None:
    _, quotes = _run(
        "The transport minister, Odile Farrant, who visited the depot in June, backed the plan.",
        '"Every town on this line deserves a train an hour," the minister said.',
    )
    assert _speakers(quotes) == ["Odile Farrant"]


def test_a_role_two_people_held_stays_a_description() -> None:
    _, quotes = _run(
        "The former minister, Odile Farrant, and the current minister, Hugo Brel, met twice.",
        '"Every town on this line deserves a train an hour," the minister said.',
    )
    assert _speakers(quotes) == ["the minister"]


@pytest.mark.parametrize(
    ("paragraphs", "speaker"),
    [
        (
            (
                "La alcaldesa Nuria Olmedo presentó el plan el lunes.",
                "«Hemos hecho todo lo que estaba en nuestra mano para los vecinos», aseguró.",
            ),
            "Nuria Olmedo",
        ),
        (
            (
                "Le maire Étienne Vasseur a inauguré la halle samedi.",
                "« Le marché reviendra chaque semaine, quoi qu'il arrive », confie-t-il.",
            ),
            "Étienne Vasseur",
        ),
        (
            (
                "O prefeito Renato Albuquerque anunciou a obra na sexta-feira.",
                '"A ponte fica pronta antes das chuvas de verão", explicou ele.',
            ),
            "Renato Albuquerque",
        ),
        (
            (
                "Ines Moss chairs the residents' group. According to engineer Lucia Brandt,"
                " the pumps were never serviced.",
                '"Every winter makes the job bigger and the bill higher," she said.',
            ),
            "Lucia Brandt",
        ),
    ],
)
def test_speakers_the_verb_or_a_pronoun_points_back_to(
    paragraphs: tuple[str, ...], speaker: str
) -> None:
    _, quotes = _run(*paragraphs)
    assert _speakers(quotes) == [speaker]


def test_a_description_runs_to_its_end() -> None:
    _, quotes = _run(
        '"She never once raised her voice at rehearsal," said a former member of the brass'
        " section, who asked not to be named."
    )
    assert _speakers(quotes) == ["a former member of the brass section"]


def test_the_person_a_description_is_set_beside_before_the_colon() -> None:
    _, quotes = _run(
        "Marta Quell, president of the regional nurses' union, said: \"We back the plan, but"
        ' nobody has hired the nurses for it."'
    )
    assert _speakers(quotes) == ["Marta Quell"]


def test_a_name_in_apposition_is_who_a_later_pronoun_means() -> None:
    _, quotes = _run(
        "Brightcell said on Monday that its servers had been breached.",
        "In a call with reporters on Tuesday, the company's chief executive, Lena Marsh,"
        " apologised to customers.",
        '"We failed the people who trusted us with their data," she said.',
    )
    assert _speakers(quotes) == ["Lena Marsh"]


def test_a_word_inside_the_quotation_is_not_who_she_is() -> None:
    _, quotes = _run(
        "Councilmember Nadia Rahn won the vote by 212 ballots.",
        '"People told us this town was not ready," she said. "Tonight it answered them."',
    )
    assert _speakers(quotes) == ["Nadia Rahn", "Nadia Rahn"]


_SAID = '"We will read every one of them," he said. '


@pytest.mark.parametrize(
    "text",
    [
        _SAID + "A" * 100_000,  # one capitalised "word" of 100k letters
        _SAID + "A-" * 50_000,
        _SAID + "A'" * 50_000,
        " ".join(f"Name{i} Surname{i} said his" for i in range(3000)) + " " + _SAID,
        " ".join(f"Name{i} Surname{i} said" for i in range(60_000)) + " " + _SAID,
    ],
    ids=["long-word", "hyphens", "apostrophes", "3000-names", "60000-speakers"],
)
@pytest.mark.timeout(30)
def test_hostile_names_are_read_in_linear_time(text: str) -> None:
    """Each of these took minutes to hours (quadratic regex backtracking, every mention
    compared with every surname, the text before every mention copied); pytest-timeout
    fails the test if one comes back."""
    _, quotes = _run(text)
    assert [quote.text for quote in quotes] == ["We will read every one of them"]


@pytest.mark.timeout(30)
def test_an_article_of_millions_of_quotation_marks_is_read_without_quotations() -> None:
    """3.5 MB of `" said` took 10 s (every pair's attribution searched), 10 MB half a
    minute; past 100,000 marks the rest of an article is read as plain paragraphs."""
    blocks, quotes = _run(_SAID, '" said ' * 3_000_000)
    assert [quote.text for quote in quotes] == ["We will read every one of them"]
    assert blocks[1].kind is BlockKind.PARAGRAPH


def test_a_quotation_after_reported_speech_is_that_persons() -> None:
    _, quotes = _run(
        "Marine biologist Ren Okada said the corals had done better than anyone hoped.",
        "“When the heat came, we expected to lose most of them. Instead they held on.",
        "“But a few plots are not a reef, and I want to be careful about that.”",
    )
    assert [(quote.speaker, quote.text[:20]) for quote in quotes] == [
        ("Ren Okada", "When the heat came, ")
    ]


def test_a_quotation_after_two_people_reported_is_nobodys() -> None:
    _, quotes = _run(
        "Ren Okada said the corals had done well, and Ana Salo said the same of the sponges.",
        "“When the heat came, we expected to lose most of them. Instead they held on.”",
    )
    assert _speakers(quotes) in ([], [None])


@pytest.mark.parametrize(
    ("paragraphs", "speakers"),
    [
        (
            (
                '"Margins will recover by next year," Dana Ferro told CNBC\'s "Money Hour" on'
                ' Monday. "The cuts are already showing."',
            ),
            ["Dana Ferro", "Dana Ferro"],
        ),
        (
            (
                "Ivo Marsh, an analyst at Tern Securities, said in a note on Tuesday that the"
                ' outlook was better than feared. "Investors were braced for far worse, and'
                ' they got a path back to growth."',
            ),
            ["Ivo Marsh"],
        ),
        (
            (
                '"We stand ready to help our allies in every way they ask," a NATO spokesperson'
                " said in an emailed statement.",
            ),
            ["a NATO spokesperson"],
        ),
        (
            (
                '"A year ago it wrote a line or two of code," said co-founder and CEO Maya'
                ' Chen. "Now it writes most of what ships."',
            ),
            ["Maya Chen", "Maya Chen"],
        ),
        (
            (
                "Economists at Kestrel were less sure, and said so in a note to clients.",
                '"The bank is comfortable waiting, and the market should be too," the note said.',
                '"A cut in December is far from certain and rests on the wage data," they wrote.',
            ),
            ["Economists at Kestrel", "Economists at Kestrel"],
        ),
    ],
    ids=["show-name", "reported-speech", "capitalised-description", "roles-joined", "group"],
)
def test_financial_news_attributions(paragraphs: tuple[str, ...], speakers: list[str]) -> None:
    _, quotes = _run(*paragraphs)
    assert _speakers(quotes) == speakers
