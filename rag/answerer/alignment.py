"""Where the question's words sit around a candidate: the clause that holds it, how near each matched word
is in the parse, and whether the candidate plays the role the question's wh-word plays ("Who beat X?":
the subject of the asked verb). A near miss ("How many votes did A get?" over "B won with 17,062 votes")
states the asked thing in a clause that lacks the question's other words. And which of a sentence's candidates
each matched question word is bound to: the nearest one."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from rag.answerer.candidates import Candidate
from rag.answerer.evidence import Evidence
from rag.answerer.question import Question

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

_CLAUSE_HEAD_POS = frozenset({"VERB", "AUX"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "expl"})
_PARALLEL = frozenset({"conj", "parataxis"})  # a parallel clause says something of someone else


def alignment_features(question: Question, item: Evidence, span: Span) -> dict[str, float]:
    clause = clause_tokens(span)
    inside = {t.i for t in span}
    weights = item.term_weights
    covered = near = 0.0
    for term, positions in item.term_tokens.items():
        outside = [i for i in positions if i not in inside]
        if not outside:
            continue
        weight = weights.get(term, 0.0)
        if any(i in clause for i in outside):
            covered += weight
        near += weight / (1 + min(tree_distance(span.root, span.doc[i]) for i in outside))
    asked = sum(weights.get(t, 0.0) for t in question.terms) or 1.0
    names = list(question.names)
    in_clause = [n for n in names if any(i in clause and i not in inside for i in item.term_tokens.get(n, ()))]
    return {
        "clause_cover": covered / asked,
        "aligned_near": near / asked,
        "names_in_clause": len(in_clause) / len(names) if names else 1.0,
        "role_match": float(_role_matches(question, item, span)),
    }


def clause_tokens(span: Span) -> set[int]:
    """The smallest clause holding the span: the subtree of its nearest verb that has a subject of its own
    ("taking <n> seats" belongs to "The party ... had"), without parallel clauses."""
    head = span.root
    while head.head.i != head.i and not (head.pos_ in _CLAUSE_HEAD_POS and _has_subject(head)):
        head = head.head
    skip: set[int] = set()
    for child in head.children:
        if child.dep_ in _PARALLEL and not (child.left_edge.i <= span.root.i <= child.right_edge.i):
            skip.update(t.i for t in child.subtree)
    return {t.i for t in head.subtree if t.i not in skip}


def _has_subject(verb: Token) -> bool:
    return any(child.dep_ in _SUBJECTS for child in verb.children)


def candidate_role(span: Span) -> tuple[str | None, Token | None]:
    """The span's role toward the verb that governs it: subject ("X beat Y", "beaten by X") or object."""
    root = span.root
    if root.dep_ == "nsubj":
        return "subject", root.head
    if root.dep_ in ("dobj", "nsubjpass"):
        return "object", root.head
    if root.dep_ == "pobj" and root.head.dep_ == "agent":
        return "subject", root.head.head
    return None, None


def _role_matches(question: Question, item: Evidence, span: Span) -> bool:
    if question.wh_role is None:
        return False
    role, verb = candidate_role(span)
    return role == question.wh_role and verb is not None and verb.i in item.event_tokens


def tree_distance(a: Token, b: Token) -> int:
    """Arcs between two tokens of one parse, through their lowest common head (9 when none is found)."""
    up_a = [a, *a.ancestors]
    depth_a = {t.i: d for d, t in enumerate(up_a)}
    for depth_b, token in enumerate([b, *b.ancestors]):
        if token.i in depth_a:
            return depth_a[token.i] + depth_b
    return 9


def binding_features(candidates: list[Candidate]) -> None:
    """Which of a sentence's candidates each of the question's words there sits nearest to: in "gave A 412
    seats and B 121", A's number is the one beside A. The share of the matched words' weight bound to each."""
    by_sentence: dict[int, list[Candidate]] = defaultdict(list)
    for candidate in candidates:
        by_sentence[id(candidate.evidence)].append(candidate)
    for group in by_sentence.values():
        item = group[0].evidence
        inside = {t.i for c in group for t in c.span}
        for name, distance in (("bound_tokens", token_distance), ("bound_tree", _tree_distance_to)):
            bound = [0.0] * len(group)
            total = 0.0
            for term, positions in item.term_tokens.items():
                outside = [i for i in positions if i not in inside]
                if not outside:
                    continue
                weight = item.term_weights.get(term, 0.0)
                total += weight
                reach = [min(distance(c.span, item.span.doc[i]) for i in outside) for c in group]
                nearest = min(reach)
                winners = [k for k, r in enumerate(reach) if r == nearest]
                for k in winners:
                    bound[k] += weight / len(winners)
            for k, candidate in enumerate(group):
                candidate.features[name] = bound[k] / total if total else 0.0


def _tree_distance_to(span: Span, token: Token) -> int:
    return tree_distance(span.root, token)


def token_distance(span: Span, token: Token) -> int:
    return min(abs(token.i - span.start), abs(token.i - span.end + 1))
