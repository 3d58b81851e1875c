from __future__ import annotations

import pytest

from rag.text import cardinal_word, iso_date, number_value, split_sentences


@pytest.mark.parametrize(
    ("word", "value"), [("nine", 9), ("ninth", 9), ("17", 17), ("twenty-four", 24), ("1,500", 1500), ("3rd", 3)]
)
def test_number_values(word: str, value: int) -> None:
    assert number_value(word) == value


def test_cardinal_words() -> None:
    assert cardinal_word(9) == "Nine"
    assert cardinal_word(150) == "150"


@pytest.mark.parametrize(
    ("text", "iso"),
    [("Havana, 19 February 2024 —", "2024-02-19"), ("on February 19, 2024", "2024-02-19"), ("in April 2023", None)],
)
def test_iso_dates(text: str, iso: str | None) -> None:
    assert iso_date(text) == iso


def test_sentence_offsets_reproduce_the_text() -> None:
    text = "Title line\n\nMr. Smith arrived. He said “yes.” Then he left!\nSame paragraph."
    sentences = split_sentences(text, offset=0)
    assert [s.text for s in sentences] == [
        "Title line", "Mr. Smith arrived.", "He said “yes.”", "Then he left!", "Same paragraph.",
    ]  # fmt: skip
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text
