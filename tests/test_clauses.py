"""Pure logic: anaphora, relative clauses, clause splitting, roles and place epithets."""

from __future__ import annotations

from rag import clauses, extract, roles
from rag.extract import Candidate

MINISTRY = "Earlier in February, the Russian Foreign Ministry announced Lavrov would also visit Venezuela."
SPOKESPERSON = (
    "An official statement from Maria Zakharova, spokesperson for the ministry, indicated that talks would go on."
)
DUMA = (
    "In recent months, the president of the State Duma Vyacheslav Volodin, the presidential adviser Maxim Oreshkin "
    "and the deputy prime minister Dmitry Chernyshenko have visited the Cuban capital."
)


def test_a_definite_description_refers_to_the_named_phrase_before_it() -> None:
    found = clauses.referents(SPOKESPERSON, [MINISTRY])
    assert found.phrases == ["Russian Foreign Ministry"]
    assert found.previous is None
    assert {"russian", "foreign", "ministry"} <= found.terms


def test_an_opening_anaphor_takes_in_the_previous_sentence() -> None:
    found = clauses.referents("At that time a forum took place in Havana.", ["The commitments were endorsed last May."])
    assert found.previous == "The commitments were endorsed last May."
    assert {"commitment", "endors"} <= found.terms
    assert (
        clauses.referents("A forum took place in Havana.", ["The commitments were endorsed last May."]).terms == set()
    )


def test_no_referent_without_earlier_sentences() -> None:
    assert clauses.referents(SPOKESPERSON, []).terms == set()


def test_relative_clauses_and_what_lies_outside_them() -> None:
    sentence = "This is his ninth visit to the Island, who will later travel to Venezuela and Brazil."
    spans = clauses.relative_clauses(sentence)
    assert [sentence[s:e] for s, e in spans] == [", who will later travel to Venezuela and Brazil."]
    assert "Brazil" not in clauses.outside(spans, sentence, keep=sentence.index("ninth"))
    assert "Brazil" in clauses.outside(spans, sentence, keep=sentence.index("Venezuela"))


def test_clauses_split_at_punctuation_and_joined_verbs() -> None:
    sentence = (
        "The Ministry stated that \u201cCuba is not part of the conflict,\u201d and rejected \u201cmercenarism\u201d."
    )
    parts = clauses.clauses(sentence)
    assert any("not part" in p for p in parts)
    assert any("rejected" in p and "not" not in p for p in parts)


def test_capitalised_phrases_drop_leading_question_words() -> None:
    assert clauses.capitalised_phrases("Who is the spokesperson for the Cuban Foreign Ministry?") == [
        "Cuban Foreign Ministry"
    ]


def test_roles_before_and_after_a_name() -> None:
    assert [c.phrase for c in roles.roles(DUMA, "Vyacheslav Volodin")] == ["the president of the State Duma"]
    assert [c.phrase for c in roles.roles(DUMA, "Dmitry Chernyshenko")] == ["the deputy prime minister"]
    assert [c.phrase for c in roles.roles(SPOKESPERSON, "Maria Zakharova")] == ["the spokesperson for the ministry"]
    lavrov = "Russian Foreign Minister Sergei Lavrov met with Cuban President Miguel Diaz-Canel in Havana."
    assert [c.phrase for c in roles.roles(lavrov, "Lavrov")] == ["the Russian Foreign Minister"]
    assert [c.phrase for c in roles.roles(lavrov, "Miguel Diaz-Canel")] == ["the Cuban President"]
    assert roles.roles("Translated by Regina Anavy", "Regina Anavy") == []


def test_a_role_beside_a_name_makes_it_a_person_not_a_place() -> None:
    assert [c.text for c in extract.people(SPOKESPERSON, set(), set())] == ["Maria Zakharova"]
    assert extract.places(SPOKESPERSON, set()) == []


def test_a_capitalised_epithet_is_not_a_place_name() -> None:
    sentence = "It is his ninth visit to the Island; he will later travel to Venezuela and Brazil."
    assert [c.text for c in extract.places(sentence, set())] == ["Venezuela", "Brazil"]
    assert extract.known_place_names([sentence]) == {"venezuela", "brazil"}


def _date(text: str) -> Candidate:
    return extract.dates(text)[0]


def test_dates_agree_when_they_can_name_the_same_day() -> None:
    assert extract.dates_agree(_date("on February 19"), None, _date("on Monday"), "2024-02-19")
    assert extract.dates_agree(_date("19 February 2024"), None, _date("February 19"), None)
    assert not extract.dates_agree(_date("19 February 2024"), None, _date("February 20"), None)
    assert not extract.dates_agree(
        _date("on Monday"), "2024-02-21", _date("February 21"), None
    )  # that Monday was the 19th
    assert not extract.dates_agree(_date("April 2023"), None, _date("last May"), "2024-02-19")
