"""Where the question's words sit around a candidate (real spaCy parses of sentences written here)."""

from __future__ import annotations

from rag.answerer.alignment import candidate_role, clause_tokens
from tests.conftest import span_of


def test_a_clause_leaves_out_a_parallel_clause() -> None:
    text = "Kell won 18,204 votes, and his rival Ines Marlo took 9,877 votes in the second round."
    second = span_of(text, "9,877")
    clause = {second.doc[i].text for i in clause_tokens(second)}
    assert {"Marlo", "took", "votes"} <= clause
    assert "Kell" not in clause
    first = span_of(text, "18,204")
    assert "Marlo" not in {first.doc[i].text for i in clause_tokens(first)}


def test_roles_toward_the_governing_verb() -> None:
    role, verb = candidate_role(span_of("Spain beat England in the final in Berlin.", "Spain"))
    assert (role, verb.lemma_ if verb is not None else None) == ("subject", "beat")
    role, verb = candidate_role(span_of("England were beaten by Spain in the final.", "Spain"))
    assert (role, verb.lemma_ if verb is not None else None) == ("subject", "beat")
    assert candidate_role(span_of("Spain beat England in the final in Berlin.", "England"))[0] == "object"
