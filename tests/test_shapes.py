"""Shapes read off real spaCy parses (sentences written here): ages, partitive totals, verbless lines,
sentence-initial names, abbreviations inside a line, and the counted noun that is the asked event."""

from __future__ import annotations

from rag.answerer.candidates import Candidate, extract
from rag.answerer.evidence import Evidence, token_keys
from rag.answerer.features import candidate_features
from rag.answerer.question import analyse
from rag.answerer.shapes import age_fit, is_age, is_fragment, is_partitive_total
from rag.language import Sentence, parse, split_sentences
from rag.models import Chunk, Passage
from tests.conftest import span_of


def _evidence(text: str) -> Evidence:
    chunk = Chunk("c1", "d1", text, 0, len(text), "A title", "2024-02-19", None, "h")
    span = next(iter(parse(text).sents))
    return Evidence(Passage(chunk, 1.0), 0, Sentence(span.text, 0, len(span.text)), span, token_keys(span), set())


def test_an_age_is_told_from_a_count(embedder) -> None:  # type: ignore[no-untyped-def]
    assert is_age(span_of("The striker, Marco Venn, 23, scored twice.", "23"))
    assert is_age(span_of("The 32-year-old pilot had flown 4,000 hours.", "32"))
    assert not is_age(span_of("The pilot had flown 4,000 hours.", "4,000"))
    how_old = analyse("How old is the pilot?", embedder)
    how_many = analyse("How many goals did Marco Venn score?", embedder)
    age = span_of("The striker, Marco Venn, 23, scored twice.", "23")
    assert (age_fit(how_old, age), age_fit(how_many, age)) == (1.0, -1.0)


def test_the_whole_a_part_is_counted_out_of() -> None:
    text = "The court upheld five of the 11 sanctions, and the party won 201 out of 400 seats."
    assert is_partitive_total(span_of(text, "11"))
    assert not is_partitive_total(span_of(text, "five"))
    assert is_partitive_total(span_of(text, "400"))
    assert not is_partitive_total(span_of(text, "201"))


def test_a_line_without_a_verb_is_a_fragment() -> None:
    assert is_fragment(span_of("Home | World | Business | Sport", "Home | World | Business | Sport"))
    assert not is_fragment(
        span_of("The storm reached the coast on Tuesday.", "The storm reached the coast on Tuesday.")
    )


def test_a_sentence_may_start_with_a_two_word_name(embedder) -> None:  # type: ignore[no-untyped-def]
    question = analyse("Which firm advised the board?", embedder)
    found = {c.text for c in extract(question, [_evidence("Marrow Advisors advised the board on the sale.")])}
    assert "Marrow Advisors" in found  # the entity recogniser misses it; the parse has two proper nouns


def test_no_sentence_starts_with_a_lower_case_word_inside_a_line() -> None:
    text = "The quake hit at 4:10 a.m. but nobody was hurt."
    assert [s.text for s in split_sentences(text)] == [text]
    assert len(split_sentences("The quake hit at 4:10 a.m.\nbut nobody was hurt.")) == 2  # a line break still ends one


def test_the_counted_noun_that_is_the_asked_event_matches_it_fully(embedder) -> None:  # type: ignore[no-untyped-def]
    question = analyse("How many times has the minister visited the island?", embedder)
    item = _evidence("The minister arrived on Monday for his ninth visit to the island.")
    item.features = {}
    candidates: list[Candidate] = [c for c in extract(question, [item]) if c.text == "ninth"]
    assert candidates
    candidate_features(question, candidates, embedder)
    assert candidates[0].features["head_similarity"] == 1.0
    assert candidates[0].features["head_mismatch"] == 0.0


def test_two_answers_are_one_only_when_they_say_the_same(embedder) -> None:  # type: ignore[no-untyped-def]
    """An answer's value is what its mentions share: every number of a figure (not its scale word alone), the whole
    of a place's name (not its last word), a person's surname, a weekday's calendar day."""
    from rag.answerer.candidates import Candidate

    def value(text: str, words: str, label: str, date: str = "2024-02-19") -> str:
        chunk = Chunk("c1", "d1", text, 0, len(text), "A title", date, None, "h")
        span = span_of(text, words)
        sentence = Sentence(span.sent.text, 0, len(span.sent.text))
        item = Evidence(Passage(chunk, 1.0), 0, sentence, span.sent, token_keys(span.sent), set())
        return Candidate(item, span, label).value

    money = "Revenue rose to $1.5 billion, from $2 billion a year earlier."
    assert value(money, "$1.5 billion", "MONEY") != value(money, "$2 billion", "MONEY")
    share = "Turnout was 66 percent, against 70 percent in 2019."
    assert value(share, "66 percent", "PERCENT") != value(share, "70 percent", "PERCENT")
    assert value("The team won nine games.", "nine", "CARDINAL") == value("The team won 9 games.", "9", "CARDINAL")
    states = "Storms hit North Carolina and South Carolina."
    assert value(states, "North Carolina", "GPE") != value(states, "South Carolina", "GPE")
    assert value("Ada Byron spoke.", "Ada Byron", "PERSON") == value("Byron spoke.", "Byron", "PERSON")
    day = "The deal was approved on Tuesday."
    assert value(day, "Tuesday", "DATE", "2023-11-22") == value("It came on Nov. 21.", "Nov. 21", "DATE", "2023-11-22")


def test_a_hedged_length_of_time_is_still_a_duration() -> None:
    """ "roughly 21 hours" is a length of time, as "21 hours" is: no answer to "what time"."""
    from rag.answerer.shapes import is_duration

    text = "The visit lasted roughly 21 hours, and the plane landed at 2:22 a.m. after at least eight days of talks."
    assert is_duration(span_of(text, "roughly 21 hours"))
    assert is_duration(span_of(text, "at least eight days"))
    assert not is_duration(span_of(text, "2:22 a.m."))


def test_a_person_named_with_digits_is_the_recognisers_slip() -> None:
    from spacy.tokens import Span

    from rag.answerer.candidates import _misnamed

    text = "Ostrand had reached the final by beating Velmar 44-6 in Quarra."
    score, name = span_of(text, "Velmar 44-6"), span_of(text, "Velmar")
    assert _misnamed(Span(score.doc, score.start, score.end, label="PERSON"))
    assert not _misnamed(Span(name.doc, name.start, name.end, label="PERSON"))
    assert not _misnamed(Span(score.doc, score.start, score.end, label="ORG"))  # a team or a product may hold one
