"""The language layer: spaCy sentences with exact offsets, number words, dates read against an article."""

from __future__ import annotations

import datetime as dt

import pytest

from rag.answerer.question import analyse
from rag.entity_spans import scorelines
from rag.language import number_value, numbers_in, parse, pipeline, resolve_date, split_sentences
from rag.text import content_terms, fold


def test_sentences_keep_exact_offsets_and_end_at_line_breaks() -> None:
    text = "Floods Hit Town\n\nMr. Smith said 12 people died. Rescuers (Photo: A. Lee) worked all night.\nMore soon"
    sentences = split_sentences(text, offset=100)
    assert sentences[0].text == "Floods Hit Town"
    assert "Mr. Smith said 12 people died." in [s.text for s in sentences]
    assert sentences[-1].text == "More soon"
    for sentence in sentences:
        assert text[sentence.start - 100 : sentence.end - 100] == sentence.text


@pytest.mark.parametrize(
    ("word", "value"),
    [("nine", 9), ("ninth", 9), ("twenty-four", 24), ("1,500", 1500), ("2.3", 2.3), ("3rd", 3), ("Once", None)],
)
def test_number_words(word: str, value: float | None) -> None:
    assert number_value(word) == value


def test_numbers_in_text() -> None:
    assert numbers_in("the ninth visit, 1,500 homes and twenty-four hours") == {9, 1500, 24}
    assert numbers_in("the four-count indictment of the seven-time champion") == {4, 7}


@pytest.mark.parametrize(
    ("phrase", "article_date", "day"),
    [
        ("on Monday", "2024-02-19", dt.date(2024, 2, 19)),  # the article's own Monday
        ("Tuesday", "2024-03-14", dt.date(2024, 3, 12)),
        ("Jan. 5, 2024", None, dt.date(2024, 1, 5)),
        ("19 February 2024", None, dt.date(2024, 2, 19)),
        ("April 2023", None, None),  # a month, not a day
        ("2004", "2024-02-19", None),
        ("Nov. 5", "2024-07-01", dt.date(2024, 11, 5)),  # no year: the nearest, here ahead of the article
        ("Dec. 28", "2025-01-02", dt.date(2024, 12, 28)),  # and here behind it, across a new year
        ("yesterday", "2024-12-30", dt.date(2024, 12, 29)),  # the day before the article, not its own day
        ("today", "2024-12-30", dt.date(2024, 12, 30)),
        ("2:07 p.m.", "2024-12-30", dt.date(2024, 12, 30)),  # a clock time: the article's own day
        ("Monday, February 19", None, None),  # an undated article: no year to give it, so no day
        ("yesterday", None, None),
    ],
)
def test_dates_are_read_against_the_article(phrase: str, article_date: str | None, day: dt.date | None) -> None:
    assert resolve_date(phrase, article_date) == day


def test_terms_are_stems_the_index_shares() -> None:
    assert content_terms("The invitation: he was invited, 1,500 visits") == ["invit", "invit", "1,500", "visit"]


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many people died?", "count"),
        ("How much did the deal cost?", "amount"),
        ("how long did the meeting last", "amount"),
        ("When did the quake strike?", "date"),
        ("Who won the race?", "person"),
        ("Where did the ship sink?", "place"),
        ("Which city hosted the summit?", "place"),
        ("Which company bought the airline?", "organisation"),
        ("Which countries sent rescue teams?", "list"),
        ("Did the team win the final?", "yesno"),
        ("According to the report, did the mayor resign?", "yesno"),
        ("according to the log was the ferry cleared to leave", "yesno"),
        ("According to the police, how many people died?", "count"),
        ("In which town did the talks take place?", "place"),
        ("Why did the talks collapse?", "description"),
        ("Who is Ada Byron?", "role"),
        ("What was the final score?", "score"),
    ],
)
def test_question_kinds_come_from_the_parse(embedder, question: str, kind: str) -> None:  # type: ignore[no-untyped-def]
    assert analyse(question, embedder).kind == kind


def test_question_focus_and_event(embedder) -> None:  # type: ignore[no-untyped-def]
    question = analyse("How many times has the minister visited the island?", embedder)
    assert (question.kind, question.focus, question.event) == ("count", "time", "visit")
    assert analyse("How many peple were killed?", embedder).event == "kill"


def test_a_hyphenated_name_is_one_entity() -> None:
    text = "Acting President Han Sang-mok ordered an all-out rescue effort."
    nlp = pipeline()
    with nlp.select_pipes(disable=["join_hyphenated_names"]):
        assert [e.text for e in nlp(text).ents] == ["Han Sang"]  # what the recogniser alone gives
    assert [e.text for e in parse(text).ents] == ["Han Sang-mok"]


@pytest.mark.parametrize(
    ("text", "scores"),
    [
        ("Marrow United beat Tidewater 2-1 in the final on Sunday.", ["2-1"]),
        ("She won 6-4, 3-6, 7-6 (7-3) on the main court.", ["6-4, 3-6, 7-6 (7-3)"]),
        ("The court ruled 6-3 that the law stands.", ["6-3"]),
        ("Prosecutors sought 40-50 years in prison.", []),  # a range that counts years
        ("The 2019-2020 season was cut short.", []),  # years
    ],
)
def test_scorelines_are_read_whole(text: str, scores: list[str]) -> None:
    assert [span.text for sentence in parse(text).sents for span in scorelines(sentence)] == scores


def test_a_who_question_asks_for_the_holder_of_its_role(embedder) -> None:  # type: ignore[no-untyped-def]
    assert analyse("Who is the country's acting president?", embedder).focus == "presid"
    assert analyse("Who refereed the final?", embedder).focus is None


def test_folding_decomposes_only_what_is_not_ascii() -> None:
    """`fold` decomposes runs of non-ASCII characters only; the result is that of the whole text decomposed."""
    import random
    import unicodedata

    def whole(text: str) -> str:
        text = unicodedata.normalize("NFKD", text)
        return (
            "".join(ch for ch in text if not unicodedata.combining(ch))
            .replace("\u2019", "'")
            .replace("\u2018", "'")
            .lower()
        )

    rng = random.Random(7)
    alphabet = [
        chr(c)
        for c in [
            *range(32, 127),
            *range(0xA0, 0x250),
            0x301,
            0x308,
            0x327,
            0x2018,
            0x2019,
            0x2014,
            0xFB01,
            0x2163,
            0x130,
        ]
    ]
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(3000)]
    texts += ["Zo\u00eb M\u00fcller\u2019s caf\u00e9", "e\u0301te\u0301", "\ufb01nal \u2163"]
    assert [fold(t) for t in texts] == [whole(t) for t in texts]


@pytest.mark.parametrize(
    ("question", "dimension"),
    [
        ("How tall was the new tower?", "[length]"),
        ("What was the height of the wave?", "[length]"),
        ("How fast was the train going?", "[length] / [time]"),
        ("How heavy was the payload?", "[mass]"),
        ("how long did the hearing go on for", "[time]"),
        ("How long is the bridge?", None),  # a length or a duration: left open
        ("How old is the coach?", "age"),
        ("How much did the stadium cost?", "money"),
        ("how much prize money did the winner get", "money"),
        ("How much rain fell overnight?", None),
        ("How many people were hurt?", None),
    ],
)
def test_the_dimension_a_question_asks_for(embedder, question: str, dimension: str | None) -> None:  # type: ignore[no-untyped-def]
    assert analyse(question, embedder).dimension == dimension


@pytest.mark.parametrize(
    ("text", "figure", "dimension"),
    [
        ("The wave was 5 metres high.", "5 metres", "[length]"),
        ("The fire covered 75,781 acres.", "75,781 acres", "[length] ** 2"),
        ("The probe flew at 28,000 km/h.", "28,000 km/h", "[length] / [time]"),
        ("The final lasted 2 hours and 27 minutes.", "2 hours and 27 minutes", "[time]"),
        ("The winner took home $3.1 million.", "$3.1 million", "money"),
        ("Some 40 people were hurt.", "Some 40", None),
    ],
)
def test_the_dimension_a_figure_states(text: str, figure: str, dimension: str | None) -> None:
    from rag.answerer.measures import stated_dimension

    spans = [ent for ent in parse(text).ents if ent.text.startswith(figure)]
    assert [stated_dimension(span) for span in spans] == [dimension]


def test_a_measure_is_answered_only_by_a_figure_of_its_dimension() -> None:
    from rag.answerer.measures import AGE, fits

    doc = parse(
        "The dam was 45 metres high, held 2 million cubic metres and cost $40 million; its keeper, 61, retired."
    )
    figures = {ent.text: ent for ent in doc.ents}
    assert [fits(figures[text], "[length]") for text in ("45 metres", "2 million cubic metres", "$40 million")] == [
        True, False, False,
    ]  # fmt: skip
    assert fits(figures["$40 million"], "money")
    assert fits(figures["2 million cubic metres"], None)
    assert fits(figures["61"], AGE)
    assert not fits(figures["61"], "[time]")
