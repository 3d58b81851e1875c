"""The extractive answerer: evidence sentences, the short answer, abstention and citations."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from rag import clauses, extract
from rag.embedding import Embedder
from rag.evidence import Evidence, Lexicon
from rag.matching import covers, is_known, term_coverage
from rag.models import Citation, Passage
from rag.phrasing import accounts_agree, accounts_by_document, as_of, finish_sentence, phrase_answer
from rag.picking import (
    asked_numbers,
    find_candidates,
    number_verdict,
    pick_candidate,
    prefer_fullest_list,
    prefer_prospective,
    prefer_running_total,
)  # fmt: skip
from rag.question import Question
from rag.retrieval import CorpusIndex
from rag.support import asked_verb, name_only_in_side_clause, names_another_entity, object_nouns, tolerable
from rag.text import (
    NUMBER_PATTERN,
    content_terms,
    fold,
    number_value,
    split_sentences,
)

NOT_IN_CORPUS = "The corpus does not say."
MIN_SIMILARITY = 0.2


@dataclass(frozen=True)
class Draft:
    answer: str
    answered: bool
    citations: list[Citation]


class ExtractiveAnswerer:
    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder
        self._lexicons: dict[tuple[tuple[str, str], ...], Lexicon] = {}

    def answer(self, question: Question, passages: list[Passage], corpus: CorpusIndex) -> Draft:
        evidence = self._gather(question, passages, corpus)
        if not evidence:
            return Draft(NOT_IN_CORPUS, False, [])
        missing = [t for t in question.terms if not is_known(t, corpus)]
        if not tolerable(missing, question):
            return self._abstain(question, evidence, missing)
        lexicon = self._lexicon(corpus)
        nouns = object_nouns(question)
        if question.kind == "yesno" and asked_numbers(question):
            # "Is this his first visit?": only sentences that count visits can say yes or no.
            evidence = [e for e in evidence if number_verdict(question, e.sentence.text) is not None]
            for item in evidence:  # the stated number is what is checked, not a term the sentence must share
                item.uncovered = [t for t in item.uncovered if number_value(t) is None]
        verb = asked_verb(question) if question.kind in ("date", "description", "person") else None
        if verb and question.kind != "date" and (not is_known(verb, corpus) or verb in extract.ROLE_WORDS):
            # A description or a "who" may paraphrase ("offer" for "provide", "heads" for "the president of").
            verb = None
        supported = [
            e for e in evidence
            if tolerable(e.uncovered, question) and e.similarity >= MIN_SIMILARITY
            # A noun the corpus knows but this sentence lacks ("the debt") means the sentence is about something else.
            and not any(t in nouns and t not in missing for t in e.uncovered)
            and not names_another_entity(question, e, lexicon)
            # The asked event in the sentence or what it refers back to; the headline's "visit" is another one.
            and (verb is None or covers(verb, e.own_terms | e.referent_terms))
        ]  # fmt: skip
        for item in supported:
            item.candidates = find_candidates(question, item.sentence.text, lexicon)
            item.best = pick_candidate(question, item)
            if item.best and name_only_in_side_clause(question, item):
                item.best = None
        usable = prefer_prospective(
            [e for e in supported if e.best or question.kind in ("yesno", "description")], question
        )
        if not usable:
            return self._abstain(question, evidence, [])
        return self._compose(question, sorted(usable, key=lambda e: -e.score), corpus)

    def _gather(self, question: Question, passages: list[Passage], corpus: CorpusIndex) -> list[Evidence]:
        seen: set[tuple[str, int]] = set()
        evidence: list[Evidence] = []
        for rank, passage in enumerate(passages):
            title_terms = set(content_terms(passage.chunk.title))
            for sentence in split_sentences(passage.chunk.text, offset=passage.chunk.start):
                key = (passage.chunk.doc_id, sentence.start)
                if key in seen:
                    continue
                seen.add(key)
                terms = set(content_terms(sentence.text))
                earlier = corpus.sentences_before(passage.chunk.doc_id, sentence.start)
                referents = clauses.referents(sentence.text, earlier)
                context = title_terms | referents.terms
                coverage, uncovered = term_coverage(question.terms, terms, context, corpus)
                evidence.append(
                    Evidence(
                        sentence,
                        passage,
                        rank,
                        coverage,
                        uncovered,
                        question_terms=question.terms,
                        context_terms=context,
                        referent_phrases=referents.phrases,
                        own_terms=terms,
                        referent_terms=referents.terms,
                    )
                )
        if evidence:
            vectors = self._embedder.embed([question.retrieval_text] + [e.sentence.text for e in evidence])
            similarities = np.asarray(vectors[1:] @ vectors[0])
            for item, similarity in zip(evidence, similarities, strict=True):
                item.similarity = float(similarity)
        return evidence

    def _lexicon(self, corpus: CorpusIndex) -> Lexicon:
        if corpus.fingerprint not in self._lexicons:
            texts = [c.text for c in corpus.chunks]
            common = {w for text in texts for w in re.findall(r"\b[a-z][a-z'-]+\b", text)}
            self._lexicons = {corpus.fingerprint: Lexicon(extract.known_place_names(texts), common)}
        return self._lexicons[corpus.fingerprint]

    def _abstain(self, question: Question, evidence: list[Evidence], missing: list[str]) -> Draft:
        reason = f" No article mentions {', '.join(repr(t) for t in missing)}." if missing else ""
        closest: list[Evidence] = []
        for item in sorted(evidence, key=lambda e: -e.score):
            if all(item.passage.chunk.chunk_id != c.passage.chunk.chunk_id for c in closest):
                closest.append(item)
        return Draft(NOT_IN_CORPUS + reason, False, [_cite(i + 1, e) for i, e in enumerate(closest[:3])])

    def _compose(self, question: Question, usable: list[Evidence], corpus: CorpusIndex) -> Draft:
        usable = prefer_running_total(question, usable)
        usable = prefer_fullest_list(question, usable)
        accounts = accounts_by_document(usable)
        lead = accounts[0]
        agreeing = [e for e in accounts if e is not lead and accounts_agree(question, e, lead)]
        differing: list[Evidence] = []
        if question.kind in ("count", "date"):
            differing = [e for e in accounts if not accounts_agree(question, e, lead)]
            # Articles that disagree on a fact: the newest dated account leads.
            if differing and all(e.passage.chunk.date for e in accounts):
                lead = max(accounts, key=lambda e: e.passage.chunk.date or "")
                agreeing = [e for e in accounts if e is not lead and accounts_agree(question, e, lead)]
                differing = [e for e in accounts if not accounts_agree(question, e, lead)]
            differing = differing[:1]
        cited = [lead, *agreeing, *differing]
        citations = [_cite(i + 1, e) for i, e in enumerate(cited)]
        refs = "".join(f"[{c.ref}]" for c in citations[: 1 + len(agreeing)])
        text = f"{finish_sentence(phrase_answer(question, lead) + as_of(question, lead))} {refs}"
        if differing:
            other = differing[0]
            when = f" ({other.passage.chunk.date})" if other.passage.chunk.date else ""
            text += (
                f" The articles differ; this is the newest account. \u201c{other.passage.chunk.title}\u201d{when}"
                f" says: {finish_sentence(phrase_answer(question, other))} [{len(citations)}]"
            )
        if not is_grounded(text, citations):
            return self._abstain(question, usable, [])
        return Draft(text, True, citations)


def _cite(ref: int, item: Evidence) -> Citation:
    chunk = item.passage.chunk
    span_start = item.sentence.start + item.best.start if item.best else None
    span_end = span_start + len(item.best.text) if item.best and span_start is not None else None
    return Citation(
        ref=ref, doc_id=chunk.doc_id, title=chunk.title, date=chunk.date, source=chunk.source,
        quote=item.sentence.text, start=item.sentence.start, end=item.sentence.end,
        passage=chunk.text, score=round(item.score, 4), answer_start=span_start, answer_end=span_end,
    )  # fmt: skip


def is_grounded(text: str, citations: list[Citation]) -> bool:
    """Every number and name in the answer appears in a cited quote (the as-of date in its citation)."""
    body = re.sub(r", as of \d{1,2} \w+ \d{4}", "", re.sub(r"\[\d+\]", "", text))
    quotes = (
        " ".join(c.quote for c in citations) + " " + " ".join(f"\u201c{c.title}\u201d ({c.date})" for c in citations)
    )
    quote_values = {number_value(m.group()) for m in NUMBER_PATTERN.finditer(quotes)}
    for match in NUMBER_PATTERN.finditer(body):
        if number_value(match.group()) not in quote_values:
            return False
    folded_quotes = fold(quotes)
    for name in re.findall(r"(?<![.!?]\s)(?<!^)\b[A-Z\u00c0-\u00de][\w\u00c0-\u024f-]+", body):
        if fold(name) not in folded_quotes and number_value(name) is None and name not in _PHRASING_WORDS:
            return False
    return True


_PHRASING_WORDS = frozenset({"Yes", "No", "On", "In", "At", "The", "More", "About", "Last", "Next"})
