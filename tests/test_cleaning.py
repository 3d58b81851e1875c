from __future__ import annotations

from rag.cleaning import clean_text, drop_near_duplicates, is_boilerplate
from tests.conftest import CORPUS


def test_14ymedio_clipping_loses_footer_caption_and_pull_quotes() -> None:
    text = clean_text((CORPUS / "000_4cf0f03d988b155e.txt").read_text())
    assert "COLLABORATE WITH OUR WORK" not in text
    assert "becoming a member" not in text
    assert "____" not in text
    assert "(Presidency of Cuba)" not in text
    assert "The statement does not refer to the issues" not in text
    assert "Cuba is not part of the war in Ukraine" not in text
    assert text.count("Cuba is not part of the military conflict in Ukraine") == 1
    assert "Although the brief announcement of Lavrov’s second trip" in text
    assert "This will be Lavrov’s ninth visit to the Island since his appointment" in text
    assert "Translated by Regina Anavy" in text


def test_second_clipping_loses_navigation_teasers_and_json() -> None:
    text = clean_text((CORPUS / "004_b56f509dea83f18f.txt").read_text())
    for noise in (
        "No time to read",
        "Get a summary",
        "Previous Article",
        "Next Article",
        '{"title"',
        "New Star Factory",
    ):
        assert noise not in text
    assert text.startswith("Lavrov in Cuba: High-level talks reinforce Moscow-Havana ties")
    assert "Lavrov traveled to Cuba on a Monday, February 19" in text
    assert text.endswith("despite broader geopolitical tensions.")


def test_pull_quote_without_final_stop_is_the_copy_dropped() -> None:
    full = "The ministry said the long talks covered trade, energy, tourism and the debt with Russia."
    pull = "The ministry said the long talks covered trade, energy, tourism and the debt with Russia"
    assert drop_near_duplicates([pull, "Other news about sugar harvests today in the east.", full]) == [
        "Other news about sugar harvests today in the east.",
        full,
    ]


def test_ordinary_paragraphs_are_not_boilerplate() -> None:
    assert not is_boilerplate("Russia is one of Cuba’s top ten trading partners.")
    assert is_boilerplate('{"title": "x"}')
    assert is_boilerplate("Support our journalism by becoming a member today.")


def test_near_duplicates_found_among_thousands_of_distinct_lines() -> None:
    words = "harbour office counted boats trucks pier crane cargo".split()
    lines = [" ".join(f"{word}{i}" for word in words) + f" on day {i}." for i in range(6000)]
    full = "The ministry said the long talks covered trade, energy, tourism and the debt with Russia."
    pull = "The ministry said the long talks covered trade, energy, tourism and the debt with Russia"
    kept = drop_near_duplicates([*lines[:3000], pull, *lines[3000:], full, lines[10]])
    assert kept.count(full) == 1
    assert pull not in kept
    assert kept.count(lines[10]) == 1  # an exact repeat goes, the first copy stays
    assert len(kept) == 6001


def test_hard_wrapped_prose_is_joined_but_lists_and_logs_stay_apart() -> None:
    prose = [
        "The firm said it would buy the rival yard for",
        "$820 million in cash, and its chief said",
        "the deal would close in May.",
    ]
    others = ["Home", "world", "00001 alpha beta gamma delta 17", "00002 alpha beta gamma delta 18"]
    assert clean_text("\n".join(prose + others)).split("\n\n") == [" ".join(prose), *others]
