"""The extractive reader: evidence sentences, fitted candidate scores, abstention, citations."""

from __future__ import annotations

from dataclasses import dataclass, field

from rag.answerer.accounts import (
    enumerated_lead,
    fullest_statement,
    newest_account,
    other_documents,
    rival_accounts,
    siblings,
)
from rag.answerer.candidates import Candidate, extract
from rag.answerer.evidence import WORD_MATCH, Evidence, ParseCache, gather
from rag.answerer.features import candidate_features, confidence_features, sentence_features
from rag.answerer.labels import mention_labels, of_asked_kind
from rag.answerer.names import with_typed_names
from rag.answerer.phrasing import NOT_IN_CORPUS, finish, is_grounded, phrase_candidate
from rag.answerer.polarity import addressing_evidence, yes_or_no
from rag.answerer.question import Question, analyse
from rag.answerer.roles import describe
from rag.answerer.scoring import LinearModel, Scorer
from rag.answerer.shapes import disagrees_in_type, is_duration
from rag.answerer.terms import correct_typo, spells_out
from rag.embedding import Embedder
from rag.index import CorpusStats
from rag.language import numbers_in
from rag.models import Citation, Passage
from rag.text import content_terms

CANDIDATE_SENTENCES = 8  # the best-supported sentences whose entities are candidates


@dataclass(frozen=True)
class Draft:
    answer: str
    answered: bool
    citations: list[Citation]


@dataclass
class Reading:
    """Everything the reader saw for one question (the fit reads it too)."""

    question: Question
    evidence: list[Evidence] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


class ExtractiveAnswerer:
    def __init__(self, embedder: Embedder, scorer: Scorer | None = None) -> None:
        self._embedder = embedder
        self.scorer = scorer or Scorer.load()
        self._parses = ParseCache()

    def analyse(self, text: str, stats: CorpusStats, history: list[str] | None = None) -> Question:
        question = analyse(text, self._embedder, history)
        words = dict(question.words)  # a name's term is its folded word
        fix = {
            t: correct_typo(t, stats, words.get(t, t))
            for t in (*question.terms, *question.name_terms)
            if t not in question.hyphen_parts  # the index counts "ruiz-soto", never "soto": no typo then
        }
        return _with_terms(question, fix)

    def read(self, question: Question, passages: list[Passage], stats: CorpusStats) -> Reading:
        reading = Reading(with_typed_names(question, passages))
        question = reading.question
        reading.missing = _missing_names(question, stats, passages)
        reading.evidence = gather(question, passages, self._parses, stats, self._embedder)
        for item in reading.evidence:
            item.features = sentence_features(question, item)
            item.support = self.scorer.sentence.probability(item.features)
        reading.evidence.sort(key=lambda e: -e.support)
        found = extract(question, reading.evidence[:CANDIDATE_SENTENCES])
        candidate_features(question, found, self._embedder)  # among all names of its sentences, as the weights were fit
        typed = of_asked_kind(question, found, mention_labels(reading.evidence))
        reading.candidates = [c for c in typed if not (question.kind == "date" and is_duration(c.span))]
        rank_candidates(reading.candidates, self.scorer)
        return reading

    def answer(self, question: Question, passages: list[Passage], stats: CorpusStats) -> Draft:
        reading = self.read(question, passages, stats)
        question = reading.question
        if reading.missing:
            names = ", ".join(repr(n) for n in reading.missing)
            return _abstain(reading, f" No article mentions {names}.")
        if question.kind in ("yesno", "description", "role"):
            return self._from_sentence(reading)
        if not reading.candidates or reading.candidates[0].probability < self.scorer.confidence.threshold:
            return _abstain(reading)
        top = reading.candidates[0]
        if (
            disagrees_in_type(question, top.span)
            or self._about_something_else(question, top)
            or _of_another_year(question, top, stats)
        ):
            return _abstain(reading)
        return _compose(reading, self.scorer.confidence.threshold)

    def _about_something_else(self, question: Question, candidate: Candidate) -> bool:
        """The question names things, and neither the answer's sentence nor the one before it nor its headline
        mentions any of them, in their words or in others ("the Ostrandian capital" for a city): "Who is the mayor of
        A?" answered by "Mayor B of C"."""
        if not question.names or candidate.evidence.names_covered > 0:
            return False
        words = sorted({t.lemma_.lower() for t in candidate.evidence.span if t.pos_ in ("PROPN", "NOUN", "ADJ")})
        if not words:
            return True
        vectors = self._embedder.embed([*question.names, *words])
        names, said = vectors[: len(question.names)], vectors[len(question.names) :]
        return float((names @ said.T).max()) < WORD_MATCH

    def forget(self) -> None:
        self._parses.clear()

    def _from_sentence(self, reading: Reading) -> Draft:
        question = reading.question
        if not reading.evidence or reading.evidence[0].support < self.scorer.sentence.threshold:
            return _abstain(reading)
        best = reading.evidence[0]
        if question.kind == "yesno":
            best = addressing_evidence(question, reading.evidence, self.scorer.sentence.threshold)
            text = yes_or_no(question, best)
        elif question.kind == "role" and question.asked_name:
            text = describe(question.asked_name, best) or best.sentence.text
        else:
            text = best.sentence.text
        citation = cite(1, best)
        answer = finish(text, "[1]")
        if not is_grounded(answer, [citation]):
            return _abstain(reading)
        return Draft(answer, True, [citation])


def _of_another_year(question: Question, candidate: Candidate, stats: CorpusStats) -> bool:
    """The question names a year ("Who won the 2022 final?") that the answer's article never gives, in its text, its
    headline or its date: a final of another year answers it no more than another country's would."""
    years = {f"{n:g}" for n in numbers_in(question.text) if n == int(n) and 1900 <= n <= 2100}
    if not years:
        return False
    item = candidate.evidence
    said = item.keys | item.context_keys
    dated = (item.passage.chunk.date or "")[:4]
    if dated.isdigit():
        said.add(dated)
    return not years & said and not stats.document_terms(item.passage.chunk.doc_id, years)


def _missing_names(question: Question, stats: CorpusStats, passages: list[Passage]) -> list[str]:
    """Names of the question no article uses, in whole or in any hyphen part ("trump-kim"), nor spelled out
    in a retrieved passage or its headline when the name is an acronym ("NRA": "the Northern Rail Authority")."""
    missing = []
    for term in question.name_terms:
        parts = content_terms(term.replace("-", " "))
        unused = len(term) > 2 and all(stats.chunks_containing(t) == 0 for t in {term, *parts})
        if unused and not any(spells_out(term, f"{p.chunk.title}\n{p.chunk.text}") for p in passages):
            missing.append(term)
    return missing


def confidence_inputs(candidates: list[Candidate], ranker: LinearModel) -> list[tuple[float, dict[str, float]]]:
    """Each candidate's rank score and the confidence features it would have if chosen."""
    scores = [ranker.score(c.features) for c in candidates]
    inputs = []
    for i, candidate in enumerate(candidates):
        others = [s for j, s in enumerate(scores) if j != i and candidates[j].value != candidate.value]
        inputs.append((scores[i], confidence_features(candidate.features, scores[i], max(others) if others else None)))
    return inputs


def rank_candidates(candidates: list[Candidate], scorer: Scorer) -> None:
    """Order by the ranker; each candidate's probability is the confidence it would have if chosen."""
    for candidate, (score, values) in zip(candidates, confidence_inputs(candidates, scorer.ranker), strict=True):
        candidate.features["rank_score"] = score
        candidate.probability = scorer.confidence.probability(values)
    candidates.sort(key=lambda c: -c.features["rank_score"])


def _compose(reading: Reading, threshold: float) -> Draft:
    question = reading.question
    ranked = [c for c in reading.candidates if c.probability >= threshold]
    lead = fullest_statement(ranked[0], ranked)
    if question.kind in ("count", "date"):
        lead = newest_account(ranked, lead)
    if question.kind == "list" and not question.asked_count:
        lead = enumerated_lead(lead, ranked)
    listing = question.kind == "list" or question.plural
    listed = siblings(question, lead, reading.candidates) if listing else []
    agreeing = other_documents([c for c in ranked if c.value == lead.value and c is not lead], lead)[:2]
    differing = []
    if question.kind in ("count", "date"):
        differing = other_documents(rival_accounts(ranked, lead), lead)[:1]
    elsewhere = list({id(s.evidence): s for s in listed if s.evidence is not lead.evidence}.values())
    cited = [lead, *elsewhere, *agreeing, *differing]
    citations = [cite(i + 1, c.evidence, c) for i, c in enumerate(cited)]
    refs = "".join(f"[{c.ref}]" for c in citations[: 1 + len(elsewhere) + len(agreeing)])
    text = finish(phrase_candidate(question, lead, listed), refs)
    if differing:
        other = differing[0]
        when = f" ({other.evidence.passage.chunk.date})" if other.evidence.passage.chunk.date else ""
        said = finish(phrase_candidate(question, other, []), f"[{len(citations)}]")
        text += (f" The articles differ; this is the newest account. \u201c{other.evidence.passage.chunk.title}\u201d"
                 f"{when} says: {said}")  # fmt: skip
    if not is_grounded(text, citations):
        return _abstain(reading)
    return Draft(text, True, citations)


def _abstain(reading: Reading, reason: str = "") -> Draft:
    closest: list[Evidence] = []
    for item in reading.evidence:
        if all(item.passage.chunk.chunk_id != c.passage.chunk.chunk_id for c in closest):
            closest.append(item)
    return Draft(NOT_IN_CORPUS + reason, False, [cite(i + 1, e) for i, e in enumerate(closest[:3])])


def cite(ref: int, item: Evidence, candidate: Candidate | None = None) -> Citation:
    chunk = item.passage.chunk
    return Citation(
        ref=ref, doc_id=chunk.doc_id, title=chunk.title, date=chunk.date, source=chunk.source,
        quote=item.sentence.text, start=item.sentence.start, end=item.sentence.end, passage=chunk.text,
        score=round(candidate.probability if candidate else item.support, 4),
        answer_start=candidate.start if candidate else None, answer_end=candidate.end if candidate else None,
    )  # fmt: skip


def _with_terms(question: Question, fix: dict[str, str]) -> Question:
    from dataclasses import replace

    if all(k == v for k, v in fix.items()):
        return question
    return replace(
        question,
        terms=tuple(fix.get(t, t) for t in question.terms),
        names=tuple(fix.get(n, n) for n in question.names),
        name_terms=tuple(fix.get(n, n) for n in question.name_terms),
        focus=fix.get(question.focus, question.focus) if question.focus else None,
        event=fix.get(question.event, question.event) if question.event else None,
    )
