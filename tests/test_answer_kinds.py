"""Answers of the asked kind: a name the recogniser and the name's other mentions both give another kind is no
answer ("who" answered by a county), and a name the question types in lower case or misspelt is the question's
own, not its answer. Real spaCy parses of sentences written here, with invented names."""

from __future__ import annotations

from rag.answerer.candidates import extract
from rag.answerer.evidence import Evidence, token_keys
from rag.answerer.labels import clashes, mention_labels, of_asked_kind, usual_label
from rag.answerer.names import typed_names, with_typed_names
from rag.answerer.question import analyse
from rag.language import Sentence, parse
from rag.models import Chunk, Passage


def _passage(text: str, title: str = "A title") -> Passage:
    return Passage(Chunk("c1", "d1", text, 0, len(text), title, "2024-02-19", None, "h"), 1.0)


def _evidence(text: str) -> list[Evidence]:
    passage = _passage(text)
    found = []
    for span in parse(text).sents:
        sentence = Sentence(span.text, span.start_char, span.end_char)
        found.append(Evidence(passage, 0, sentence, span, token_keys(span), set()))
    return found


def test_a_who_question_takes_no_place(embedder) -> None:  # type: ignore[no-untyped-def]
    question = analyse("Who opened the new bridge?", embedder)
    evidence = _evidence(
        "The new bridge in Carrowmore County was opened on Monday by Ellen Voss, the regional governor."
    )
    found = extract(question, evidence)
    typed = {c.text for c in of_asked_kind(question, found, mention_labels(evidence))}
    assert "Ellen Voss" in typed
    assert "Carrowmore County" not in typed
    assert "Carrowmore County" in {c.text for c in found}  # a name of any label is a candidate before the check


def test_a_name_is_judged_by_its_usual_label() -> None:
    evidence = _evidence("Ellen Voss spoke first. Then Voss left for Tessaly. Voss said she was glad.")
    mentions = mention_labels(evidence)
    tessaly = next(e for item in evidence for e in item.span.ents if e.text == "Tessaly")
    assert usual_label(tessaly, "GPE", mentions) == "GPE"
    assert clashes("person", tessaly, "GPE", mentions)
    assert not clashes("place", tessaly, "GPE", mentions)
    voss = next(e for item in evidence for e in item.span.ents if e.text == "Ellen Voss")
    assert not clashes("person", voss, "PERSON", mentions)
    # One mention labelled a place among several labelled a person: the usual label decides.
    assert usual_label(voss, "GPE", mentions) == "PERSON"
    assert not clashes("person", voss, "GPE", mentions)


def test_a_lower_case_or_misspelt_name_is_found_in_the_passages(embedder) -> None:  # type: ignore[no-untyped-def]
    passages = [_passage("Marrowco said on Monday that Marrowco's chief executive, Ana Ruiz, would stay on.")]
    question = analyse("who is marrowcos ceo", embedder)
    assert typed_names(question, passages) == {"marrowcos": "marrowco"}
    assert typed_names(analyse("who runs marowco", embedder), passages) == {"marowco": "marrowco"}
    assert typed_names(analyse("who said it on monday", embedder), []) == {}
    # A word the passages also write in lower case is no name ("chief" in "Chief Justice" and "its chief").
    assert typed_names(analyse("who is the chief executive", embedder), passages) == {}
    named = with_typed_names(question, passages)
    assert "marrowco" in named.surface


def test_a_name_the_question_types_in_lower_case_is_no_answer(embedder) -> None:  # type: ignore[no-untyped-def]
    text = "Ana Ruiz, the chief executive of Marrowco, said the deal was done. Marrowco shares rose."
    typed = analyse("who runs marowco", embedder)
    evidence = _evidence(text)
    assert "Marrowco" in {c.text for c in extract(typed, evidence)}  # the misspelling alone does not name it
    found = {c.text for c in extract(with_typed_names(typed, [_passage(text)]), evidence)}
    assert "Marrowco" not in found
    assert "Ana Ruiz" in found


def test_a_name_modifying_a_noun_names_that_thing_whatever_its_label(embedder) -> None:  # type: ignore[no-untyped-def]
    question = analyse("Which nuclear site did Kim offer to dismantle?", embedder)
    evidence = _evidence("Kim offered to dismantle the Dunmore nuclear complex, the country's main nuclear facility.")
    found = extract(question, evidence)
    assert ("Dunmore", "PERSON") in {(c.text, c.label) for c in found}  # the recogniser's guess from the bare word
    kept = {c.text for c in of_asked_kind(question, found, mention_labels(evidence))}
    assert "Dunmore" in kept
    assert "Kim" not in kept


def test_a_nationality_said_as_an_adjective_is_no_one(embedder) -> None:  # type: ignore[no-untyped-def]
    question = analyse("Who met the Ostrandian president?", embedder)
    evidence = _evidence("Velmarian Foreign Minister Ana Ruiz met the Ostrandian president. The Velmarians were glad.")
    found = extract(question, evidence)
    typed = {c.text for c in of_asked_kind(question, found, mention_labels(evidence))}
    assert "Ana Ruiz" in typed
    assert {"Velmarian", "Ostrandian"} & {c.text for c in found}  # candidates before the check
    assert not {"Velmarian", "Ostrandian"} & typed
    assert "Velmarians" in typed  # a noun: the people


def test_a_bare_what_asks_for_what_was_done_not_for_the_doer(embedder) -> None:  # type: ignore[no-untyped-def]
    """ "What did the ministry reject?" asks for the thing rejected, told in a sentence: the ministry is who acted,
    and its kind (a body) is not the answer's. A noun joined to "what" by "be" is the asked one, in any spelling of
    "is"."""
    assert analyse("What did the ministry reject?", embedder).kind == "description"
    assert analyse("What did media outlets report last summer?", embedder).kind == "description"
    toll = analyse("What is the death toll?", embedder)
    assert toll.kind != "description", toll.kind
    assert toll.focus_text == "toll", toll.focus_text
    assert analyse("whats the record date for the dividend", embedder).kind == "date"
    assert analyse("What's the record date for the dividend?", embedder).kind == "date"
