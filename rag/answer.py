"""The extractive answerer: evidence sentences, the short answer, abstention and citations."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

import numpy as np

from rag import clauses, extract
from rag.embedding import CachedEmbedder, Embedder
from rag.extract import Candidate
from rag.models import Citation, Passage
from rag.question import SYNONYMS, Question, asked_name, negated
from rag.retrieval import CorpusIndex
from rag.text import (
    NUMBER_PATTERN,
    STOPWORDS,
    Sentence,
    content_terms,
    fold,
    is_ordinal,
    number_value,
    split_sentences,
    stem,
)

NOT_IN_CORPUS = "The corpus does not say."
CONTEXT_WEIGHT = 0.6  # a term found only in the title or the previous sentence counts for less
MIN_SIMILARITY = 0.2
_PRESENT = re.compile(r"\b(is|are|has|have|does|do|currently|now|still|so far)\b", re.I)
_PROSPECTIVE_QUESTION = re.compile(r"\b(will|going to|next|after)\b", re.I)
_RETROSPECTIVE = re.compile(r"\b(previous|previously|last|earlier|ago|former|formerly|past)\b", re.I)
_PROSPECTIVE = re.compile(r"\b(will|would|later|next|then|upcoming|plans?|planned|scheduled)\b", re.I)


@dataclass
class Evidence:
    sentence: Sentence
    passage: Passage
    rank: int
    coverage: float
    uncovered: list[str]
    similarity: float = 0.0
    candidates: list[Candidate] = field(default_factory=list)
    best: Candidate | None = None
    question_terms: tuple[str, ...] = ()
    context_terms: set[str] = field(default_factory=set)  # the title's and those the sentence refers back to
    referent_phrases: list[str] = field(default_factory=list)  # "Russian Foreign Ministry" for "the ministry"
    own_terms: set[str] = field(default_factory=set)  # the sentence's own terms
    referent_terms: set[str] = field(default_factory=set)  # the terms of what it refers back to

    @property
    def is_headline(self) -> bool:
        return self.sentence.text == self.passage.chunk.title

    @property
    def score(self) -> float:
        # A headline restates the article; the body sentence is the better quote.
        penalty = 0.5 if self.is_headline else 0.0
        local = 0.25 * min(2, self.best_local) if self.best else 0.0
        return self.coverage + self.similarity + local + 0.05 / (1 + self.rank) - penalty

    @property
    def best_local(self) -> int:
        return _local_matches(self.best, self.sentence.text, self.question_terms) if self.best else 0


@dataclass(frozen=True)
class Lexicon:
    places: set[str]
    common_words: set[str]


@dataclass(frozen=True)
class Draft:
    answer: str
    answered: bool
    citations: list[Citation]


class ExtractiveAnswerer:
    def __init__(self, embedder: Embedder) -> None:
        self._embedder = CachedEmbedder(embedder)
        self._lexicons: dict[tuple[tuple[str, str], ...], Lexicon] = {}

    def forget_vectors(self) -> None:
        """Drop the cached sentence vectors (the eval starts each retriever mode cold)."""
        self._embedder.clear()

    def answer(self, question: Question, passages: list[Passage], corpus: CorpusIndex) -> Draft:
        evidence = self._gather(question, passages, corpus)
        if not evidence:
            return Draft(NOT_IN_CORPUS, False, [])
        missing = [t for t in question.terms if not _known(t, corpus)]
        if not _tolerable(missing, question):
            return self._abstain(question, evidence, missing)
        lexicon = self._lexicon(corpus)
        nouns = _object_nouns(question)
        if question.kind == "yesno" and _asked_numbers(question):
            # "Is this his first visit?": only sentences that count visits can say yes or no.
            evidence = [e for e in evidence if _number_verdict(question, e.sentence.text) is not None]
            for item in evidence:  # the stated number is what is checked, not a term the sentence must share
                item.uncovered = [t for t in item.uncovered if number_value(t) is None]
        verb = _asked_verb(question) if question.kind in ("date", "description", "person") else None
        if verb and question.kind != "date" and (not _known(verb, corpus) or verb in extract.ROLE_WORDS):
            # A description or a "who" may paraphrase ("offer" for "provide", "heads" for "the president of").
            verb = None
        supported = [
            e for e in evidence
            if _tolerable(e.uncovered, question) and e.similarity >= MIN_SIMILARITY
            # A noun the corpus knows but this sentence lacks ("the debt") means the sentence is about something else.
            and not any(t in nouns and t not in missing for t in e.uncovered)
            and not _names_another_entity(question, e, lexicon)
            # The asked event in the sentence or what it refers back to; the headline's "visit" is another one.
            and (verb is None or _covers(verb, e.own_terms | e.referent_terms))
        ]  # fmt: skip
        for item in supported:
            item.candidates = _candidates(question, item.sentence.text, lexicon)
            item.best = _pick(question, item)
            if item.best and _name_only_in_side_clause(question, item):
                item.best = None
        usable = _prefer_prospective(
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
                coverage, uncovered = _coverage(question.terms, terms, context, corpus)
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
        usable = _prefer_running_total(question, usable)
        usable = _prefer_fullest_list(question, usable)
        accounts = _accounts_by_document(usable)
        lead = accounts[0]
        agreeing = [e for e in accounts if e is not lead and _agree(question, e, lead)]
        differing: list[Evidence] = []
        if question.kind in ("count", "date"):
            differing = [e for e in accounts if not _agree(question, e, lead)]
            # Articles that disagree on a fact: the newest dated account leads.
            if differing and all(e.passage.chunk.date for e in accounts):
                lead = max(accounts, key=lambda e: e.passage.chunk.date or "")
                agreeing = [e for e in accounts if e is not lead and _agree(question, e, lead)]
                differing = [e for e in accounts if not _agree(question, e, lead)]
            differing = differing[:1]
        cited = [lead, *agreeing, *differing]
        citations = [_cite(i + 1, e) for i, e in enumerate(cited)]
        refs = "".join(f"[{c.ref}]" for c in citations[: 1 + len(agreeing)])
        text = f"{_finish(_phrase(question, lead) + _as_of(question, lead))} {refs}"
        if differing:
            other = differing[0]
            when = f" ({other.passage.chunk.date})" if other.passage.chunk.date else ""
            text += (
                f" The articles differ; this is the newest account. \u201c{other.passage.chunk.title}\u201d{when}"
                f" says: {_finish(_phrase(question, other))} [{len(citations)}]"
            )
        if not is_grounded(text, citations):
            return self._abstain(question, usable, [])
        return Draft(text, True, citations)


def _prefer_running_total(question: Question, usable: list[Evidence]) -> list[Evidence]:
    """'How many times...': of strong ordinals ('second trip', 'ninth visit'), the highest is the total so far."""
    if question.kind != "count" or not re.search(r"\btimes\b", fold(question.text)):
        return usable
    strong = [e for e in usable if e.best and e.score >= 0.85 * usable[0].score and is_ordinal(e.best.text.split()[0])]
    if len(strong) < 2:
        return usable
    top = max(strong, key=lambda e: int(e.best.value) if e.best else 0)
    return [top, *(e for e in usable if e is not top)]


def _prefer_fullest_list(question: Question, usable: list[Evidence]) -> list[Evidence]:
    """'Which countries...': of nearly as strong accounts, the one naming the most answers leads."""
    if question.kind not in ("place", "person") or not _asks_plural(question):
        return usable
    strong = [e for e in usable if e.best and e.score >= 0.9 * usable[0].score]
    if not strong:
        return usable
    top = max(strong, key=lambda e: len(_coordinated(e.best, e)) if e.best else 0)
    return [top, *(e for e in usable if e is not top)]


def _prefer_prospective(usable: list[Evidence], question: Question) -> list[Evidence]:
    """'Where is he going next?': when some evidence names a place or person after 'will', 'would'
    or 'later', the accounts of where he went are not the answer."""
    if question.kind not in ("place", "person") or not _PROSPECTIVE_QUESTION.search(question.text):
        return usable
    marked = [
        e for e in usable
        if e.best and _PROSPECTIVE.search(_around(e.sentence.text, e.best, before=6, after=0))
    ]  # fmt: skip
    return marked or usable


def _tolerable(uncovered: list[str], question: Question) -> bool:
    """One unsupported term may be a loose verb ('face') or a typo, never a name, nor the role a
    named answer must fill ('ambassador'), and not in a short question."""
    if not uncovered:
        return True
    if len(uncovered) > 1 or len(question.terms) < 3:
        return False
    if question.kind in ("person", "organisation") and _asks_role(question):
        return False  # "Who is the ambassador...": the role itself must be in the evidence
    if uncovered[0] == _asked_head(question):
        return False  # "What is the name of the president's wife?": the wife must be in the evidence
    if question.kind == "date" and uncovered[0] == _asked_verb(question):
        return False  # "When did Russia invade Ukraine?": a date of something else is no answer
    return uncovered[0] not in _question_names(question)


_ASKED_PHRASE = re.compile(
    r"^(?:who|what|which)(?:'s|\s+is|\s+was|\s+are|\s+were)\s+(?:the\s+)?(?:name\s+of\s+(?:the\s+)?)?([^?]*)"
)
_PHRASE_END = re.compile(r"\s(?:for|of|to|in|at|from|with|who|that|which|on|by|after|before|since|during)\s")


_VERBAL_QUESTION = re.compile(
    r"^(?:when|what|in what year|in which year|what year|which year|on what date)\s+(?:did|does|do|will|would)\s+(.+)",
    re.I,
)


_WHO_VERB = re.compile(
    r"^who\s+(?!(?:is|was|are|were|did|does|do|will|would|has|have|had|can|could)\b)([a-z]+)\b", re.I
)


def _asked_verb(question: Question) -> str | None:
    """The event a "when did / what did <Subject> <verb>" question asks about: the first word after
    the capitalised subject ("visit" in "When did Putin visit Cuba?"); or the verb of "who <verb>"
    ("invited" in "Who invited Lavrov to Venezuela?")."""
    who = _WHO_VERB.match(question.text.strip())
    if who:
        terms = content_terms(who.group(1))
        return terms[0] if terms else None
    match = _VERBAL_QUESTION.match(question.text.strip())
    if not match:
        return None
    words = re.findall(r"[\w\u00c0-\u024f'\u2019-]+", match.group(1))
    while words and (words[0][0].isupper() or fold(words[0]) in ("the", "and", "a", "an")):
        words = words[1:]
    terms = content_terms(words[0]) if words else []
    return terms[0] if terms else None


_DETERMINERS = frozenset("the a an of on in to for about with from his her its their this that these those".split())


def _object_nouns(question: Question) -> set[str]:
    """The question's terms that follow a determiner or preposition ("the debt", "of Ukraine"): nouns
    the answer must be about, unlike a loose verb ("does the program last")."""
    words = re.findall(r"[\w\u00c0-\u024f'\u2019-]+", fold(question.text))
    nouns = set()
    for previous, word in itertools.pairwise(words):
        if previous in _DETERMINERS and word not in _DETERMINERS:
            nouns.update(content_terms(word))
    return nouns & set(question.terms)


def _asked_head(question: Question) -> str | None:
    """The noun a "what/who is the ..." question asks about: "wife" in "What is the name of the
    Cuban president's wife?", "spokesperson" in "Who is the spokesperson for the ministry?"."""
    match = _ASKED_PHRASE.match(fold(question.text).strip())
    if not match:
        return None
    phrase = _PHRASE_END.split(f" {match.group(1)} ")[0]
    terms = content_terms(phrase)
    return terms[-1] if terms else None


def _finish(text: str) -> str:
    return text if text.endswith((".", "!", "?", "\u201d", '"')) else text + "."


def _accounts_by_document(usable: list[Evidence]) -> list[Evidence]:
    """The best evidence of each document that is nearly as strong as the best overall."""
    found: dict[str, Evidence] = {}
    for item in usable:
        doc_id = item.passage.chunk.doc_id
        if doc_id not in found and item.score >= 0.85 * usable[0].score:
            found[doc_id] = item
    return list(found.values())


def _coverage(
    terms: tuple[str, ...], sentence_terms: set[str], context_terms: set[str], corpus: CorpusIndex
) -> tuple[float, list[str]]:
    total = covered = 0.0
    uncovered = []
    for term in terms:
        weight = corpus.idf(term)
        total += weight
        if _covers(term, sentence_terms):
            covered += weight
        elif _covers(term, context_terms):
            covered += CONTEXT_WEIGHT * weight
        else:
            uncovered.append(term)
    return (covered / total if total else 0.0), uncovered


def _covers(term: str, terms: set[str]) -> bool:
    if term in terms or SYNONYMS.get(term, frozenset()) & terms:
        return True
    if f"{term}n" in terms or (term.endswith("n") and term[:-1] in terms):
        return True  # Cuba / Cuban, Russia / Russian
    if len(term) >= 7 and any(len(t) >= 7 and t[:7] == term[:7] for t in terms):
        return True
    # One word family: "invite" / "invitation", "recruit" / "recruitment" (not "minister" / "ministry").
    return len(term) >= 5 and any(_same_family(term, t) for t in terms)


def _same_family(first: str, second: str) -> bool:
    shorter = min(len(first), len(second))
    if shorter >= 4 and {first, second} == {first[:shorter], first[:shorter] + "e"}:
        return True  # "valu" (valued) / "value", "invit" (invited) / "invite"
    if shorter < 5:
        return False
    common = next((i for i, (a, b) in enumerate(zip(first, second, strict=False)) if a != b), shorter)
    return common >= 5 and common >= shorter - 1


def _names_another_entity(question: Question, item: Evidence, lexicon: Lexicon) -> bool:
    """The evidence names a different one of what the question asks about: the question's "Cuban
    Foreign Ministry" against the sentence's (or its referent's) "Russian Foreign Ministry"."""
    phrases = clauses.capitalised_phrases(item.sentence.text) + item.referent_phrases
    for asked in clauses.capitalised_phrases(question.text):
        *asked_modifiers, head = [fold(w) for w in asked.split()]
        for phrase in phrases:
            words = [fold(w) for w in phrase.split()]
            if head not in words:
                continue
            modifiers = set(words[: words.index(head)]) - STOPWORDS
            only_asked = set(asked_modifiers) - modifiers
            only_found = modifiers - set(asked_modifiers)
            if any(_is_nationality(w, lexicon) for w in only_asked) and any(
                _is_nationality(w, lexicon) for w in only_found
            ):
                return True
    return False


def _is_nationality(word: str, lexicon: Lexicon) -> bool:
    return word in lexicon.places or word.endswith(("an", "ese", "ish"))


def _question_names(question: Question) -> set[str]:
    """The question's capitalised words (not its first), as terms: the names it asks about."""
    return {stem(fold(word)) for word in re.findall(r"\b[A-Z\u00c0-\u00de][\w-]+", question.text[1:])}


def _name_only_in_side_clause(question: Question, item: Evidence) -> bool:
    """A name the question asks about, found in this sentence only inside a relative clause that
    does not hold the answer, is about someone else: "Lavrov's ninth visit to the Island ...,
    who will later travel to Venezuela and Brazil" does not count visits to Brazil."""
    best = item.best
    spans = clauses.relative_clauses(item.sentence.text)
    if best is None or not spans:
        return False
    main_terms = set(content_terms(clauses.outside(spans, item.sentence.text, best.start)))
    sentence_terms = set(content_terms(item.sentence.text))
    return any(
        _covers(name, sentence_terms) and not _covers(name, main_terms) and not _covers(name, item.context_terms)
        for name in _question_names(question)
        if name in question.terms
    )


def _known(term: str, corpus: CorpusIndex) -> bool:
    """Some article uses the term, a synonym, or a word of its family ("invite" / "invitation")."""
    vocabulary = corpus.document_frequency
    if term in vocabulary or any(s in vocabulary for s in SYNONYMS.get(term, ())):
        return True
    return _covers(term, {t for t in vocabulary if t[:4] == term[:4]})


def _candidates(question: Question, sentence: str, lexicon: Lexicon) -> list[Candidate]:
    kind = question.kind
    if kind == "count":
        found = extract.counts(sentence, wants_times=bool(re.search(r"\btimes?\b", fold(question.text))))
        found = [c for c in found if _counts_what_is_asked(question, c)]
    elif kind == "date":
        found = extract.dates(sentence)
        if re.search(r"\bwill\b", fold(question.text)):
            # A future date is told as one ("will", "is expected"); "continues through February 22" is not.
            found = [c for c in found if not _is_past(c, sentence)] if _FUTURE.search(sentence) else []
    elif kind == "person":
        found = extract.people(sentence, lexicon.places, lexicon.common_words)
        if not _asks_role(question):
            # "Who said...?", "Who backs...?": a ministry, or the agent after "by" ("backed by Havana"), can be who.
            agents = [c for c in extract.names(sentence) if re.search(r"\bby\s+$", sentence[: c.start])]
            for extra in [*extract.organisations(sentence), *agents]:
                overlaps = any(
                    c.start < extra.start + len(extra.text) and extra.start < c.start + len(c.text) for c in found
                )
                if not overlaps and extra.value not in extract.PLACE_EPITHETS:
                    found.append(extra)
    elif kind == "role":
        return extract.roles(sentence, asked_name(question.text) or "")
    elif kind == "place":
        found = extract.places(sentence, lexicon.places)
    elif kind == "organisation":
        found = extract.organisations(sentence)
    elif kind == "list":
        found = extract.enumerations(sentence)
    else:
        return []
    if kind in ("place", "person") and _PROSPECTIVE_QUESTION.search(question.text):
        # "Where will he go after Cuba?" is not answered by "his previous stay in Havana".
        found = [c for c in found if not _RETROSPECTIVE.search(_around(sentence, c, before=6, after=4))]
    asked = fold(question.text)
    # The answer is what the question does not already name ("which ministry" may name a ministry).
    kind_word = re.search(r"\b(?:which|what)\s+(\w+)", asked)
    terms = tuple(t for t in question.terms if not kind_word or t != stem(kind_word.group(1)))
    return [c for c in found if not _named_in_question(c, asked, terms)]


def _counts_what_is_asked(question: Question, candidate: Candidate) -> bool:
    """'How many Cuban mercenaries...' is not answered by '17 people': a count's noun must be one
    the question counts. For 'how many times has he visited', an ordinal's noun must be the event
    asked about: 'ninth visit', 'second trip', not 'the first leg'."""
    asked = re.search(r"\b(?:how many|what number|which number)\s+((?:\S+\s*){1,3})", fold(question.text))
    unit = set(content_terms(candidate.text)) - {
        t for t in content_terms(candidate.text) if number_value(t) is not None
    }
    if not asked or not unit:
        return True
    if re.match(r"times?\b", asked.group(1)):
        return not is_ordinal(candidate.text.split()[0]) or any(_covers(term, unit) for term in question.terms)
    # The counted noun is the first plural after "how many": "tourists" in "how many Russian tourists visit".
    plural = next((w for w in asked.group(1).split() if w.endswith("s") or w in _IRREGULAR_PLURALS), None)
    counted = content_terms(plural) if plural else content_terms(asked.group(1))
    return any(_covers(term, unit) for term in counted)


_FUTURE = re.compile(r"\b(will|would|shall|expected|scheduled|due to|set to|plans?|planned|upcoming|next)\b", re.I)
_IRREGULAR_PLURALS = frozenset({"people", "men", "women", "children", "police", "staff", "personnel"})
_PAST_VERB = re.compile(r"\b(\w{3,}ed|went|made|met|took|came|began|said|held|left|saw|gave)\b", re.I)


def _asks_role(question: Question) -> bool:
    """ "Who is the ambassador?", "Which official was ...": the answer fills a named role."""
    return bool(re.match(r"(who|which \w+|what \w+) (is|was|are|were)\b", fold(question.text)))


def _asked_numbers(question: Question) -> set[int]:
    """Numbers a yes/no question states ("Is this his first visit?" -> {1}); 'one of' is no number."""
    found = {number_value(m.group()) for m in NUMBER_PATTERN.finditer(question.text) if fold(m.group()) != "one"}
    return {v for v in found if v is not None}


def _number_verdict(question: Question, sentence: str) -> bool | None:
    """Whether a sentence's count of what the question counts matches the question's number: True,
    False ("ninth visit" against "his first"), or None when it counts nothing the question asks about
    ("the first leg")."""
    relevant = [
        c for c in extract.counts(sentence, wants_times=False)
        if any(_covers(t, set(content_terms(c.text)) - {c.value}) for t in question.terms if number_value(t) is None)
    ]  # fmt: skip
    if not relevant:
        return None
    return any(int(c.value) in _asked_numbers(question) for c in relevant)


def _is_past(candidate: Candidate, sentence: str) -> bool:
    """No answer to 'when will': a date with a year (history by the time an article reports it),
    'last May', or a date told in the past tense ("traveled to Cuba on a Monday, February 19")."""
    if re.search(r"\b(19|20)\d{2}\b", candidate.text) or fold(candidate.text).startswith("last "):
        return True
    before = _around(sentence, candidate, before=6, after=0)
    return bool(_PAST_VERB.search(before)) and not _PROSPECTIVE.search(before)


def _named_in_question(candidate: Candidate, asked: str, terms: tuple[str, ...]) -> bool:
    if fold(candidate.text) in asked:
        return True
    words = set(content_terms(candidate.text))
    if candidate.value.isdigit():
        return False
    return bool(words & (set(terms) | {w for t in terms for w in SYNONYMS.get(t, ())}))


def _pick(question: Question, item: Evidence) -> Candidate | None:
    """The candidate tied to the question's words: one of them must stand close by."""
    text = fold(item.sentence.text)
    anchors = [m.start() for t in question.terms for m in re.finditer(re.escape(t[:5]), text)] or [0]

    def rank(candidate: Candidate) -> float:
        distance = min(abs(candidate.start - a) for a in anchors) / 40
        # Words right next to the candidate ("presidential adviser Maxim Oreshkin") count twice.
        near = _local_matches(candidate, item.sentence.text, question.terms, window=3)
        bonus = 2.0 * (near + _local_matches(candidate, item.sentence.text, question.terms))
        if question.kind == "date":
            bonus += extract.date_specificity(candidate) + 2.0 * _marks_asked_boundary(
                question, item.sentence.text, candidate
            )
        if question.kind in ("place", "person") and _PROSPECTIVE_QUESTION.search(question.text):
            bonus += 1.5 * bool(_PROSPECTIVE.search(_around(item.sentence.text, candidate, before=6, after=0)))
        return bonus - distance

    tied = [c for c in item.candidates if _local_matches(c, item.sentence.text, question.terms)]
    return max(tied, key=rank) if tied else None


_ASKS_END = re.compile(r"\b(end|ends|ending|finish|finishes|conclude|concludes|until when|till when|last until)\b")
_ASKS_START = re.compile(r"\b(start|starts|begin|begins|began|since when)\b")
_END_MARK = re.compile(r"\b(through|until|till|ending|ends|ended|concluding)\s+(?:on\s+)?$")
_START_MARK = re.compile(r"\b(from|since|starting|beginning|begins|began|starts|started)\s+(?:on\s+)?$")


def _marks_asked_boundary(question: Question, sentence: str, candidate: Candidate) -> bool:
    """'When does the tour end?' wants the date after 'through'/'until'; 'when did it start?' the
    one after 'from'/'since'."""
    asked, before = fold(question.text), sentence[: candidate.start]
    if _ASKS_END.search(asked):
        return bool(_END_MARK.search(before))
    if _ASKS_START.search(asked):
        return bool(_START_MARK.search(before))
    return False


def _around(sentence: str, candidate: Candidate, before: int, after: int) -> str:
    """The words just before and after a candidate."""
    words_before = re.findall(r"\S+", sentence[: candidate.start])[-before:] if before else []
    words_after = re.findall(r"\S+", sentence[candidate.start + len(candidate.text) :])[:after] if after else []
    return " ".join([*words_before, *words_after])


def _local_matches(candidate: Candidate, sentence: str, terms: tuple[str, ...], window: int = 7) -> int:
    """Question terms among the words right around the candidate."""
    before = re.findall(r"\S+", sentence[: candidate.start])[-window:]
    after = re.findall(r"\S+", sentence[candidate.start + len(candidate.text) :])[:window]
    nearby = set(content_terms(" ".join([*before, candidate.text, *after])))
    own = set() if candidate.value.isdigit() else set(content_terms(candidate.text))
    return sum(1 for t in terms if _covers(t, nearby) and t not in own)


def _agree(question: Question, first: Evidence, second: Evidence) -> bool:
    if question.kind == "date" and first.best and second.best:
        dates = (first.best, first.passage.chunk.date, second.best, second.passage.chunk.date)
        return extract.dates_agree(*dates)
    return _value(first) == _value(second)


def _value(item: Evidence) -> str:
    return item.best.value if item.best else fold(item.sentence.text)


def _phrase(question: Question, item: Evidence) -> str:
    if question.kind == "yesno":
        if _asked_numbers(question) and _number_verdict(question, item.sentence.text) is False:
            return "No."
        clause = _predicate_clause(question, item.sentence.text)
        return "No." if negated(clause) != negated(question.text) else "Yes."
    if question.kind == "description" or item.best is None:
        return item.sentence.text
    if question.kind == "role":
        return f"{asked_name(question.text)} is {item.best.phrase}"
    if question.kind in ("place", "person") and _asks_plural(question):
        names = list(dict.fromkeys(c.phrase for c in _coordinated(item.best, item)))
        phrase = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    else:
        phrase = item.best.phrase
    return phrase[0].upper() + phrase[1:]


def _predicate_clause(question: Question, sentence: str) -> str:
    """The clause that says what a yes/no question asks of its subject: in "The Ministry stated that
    'Cuba is not part of the conflict' and rejected 'mercenarism'", the 'not' does not answer
    "Did the Ministry reject mercenarism?"."""
    subject = re.match(r"\W*\w+\s+(?:the\s+)?((?:[A-Z\u00c0-\u00de][\w\u00c0-\u024f'-]*\s*)+)", question.text)
    subject_terms = set(content_terms(subject.group(1))) if subject else set()
    predicate = [t for t in question.terms if t not in subject_terms] or list(question.terms)
    parts = clauses.clauses(sentence)
    if len(parts) < 2:
        return sentence
    return max(parts, key=lambda part: sum(_covers(t, set(content_terms(part))) for t in predicate))


def _coordinated(best: Candidate, item: Evidence) -> list[Candidate]:
    """The best candidate and those listed with it, joined by commas or 'and', maybe with each one's
    role between ("Venezuela and Brazil"; "Volodin, the presidential adviser Maxim Oreshkin and ...")."""
    ordered = sorted(item.candidates, key=lambda c: c.start)
    index = next(i for i, c in enumerate(ordered) if c is best)
    first = last = index
    while first > 0 and _joined(item.sentence.text, ordered[first - 1], ordered[first]):
        first -= 1
    while last + 1 < len(ordered) and _joined(item.sentence.text, ordered[last], ordered[last + 1]):
        last += 1
    return ordered[first : last + 1]


def _joined(sentence: str, left: Candidate, right: Candidate) -> bool:
    gap = sentence[left.start + len(left.text) : right.start]
    match = re.fullmatch(r",?\s*(?:and\s+)?((?:[a-z-]+\s+){0,4})", gap)
    return match is not None and all(w in extract.ROLE_WORDS for w in match.group(1).split())


def _asks_plural(question: Question) -> bool:
    return bool(
        re.search(r"\b(countries|cities|places|people|officials|ministers|leaders|who else)\b", fold(question.text))
    )


def _as_of(question: Question, item: Evidence) -> str:
    """Counts and present-tense facts change over time: say when the article said so."""
    date = item.passage.chunk.date
    timely = question.kind == "count" or _PRESENT.search(question.text)
    if not date or not timely or question.kind in ("date", "description", "yesno"):
        return ""
    year, month, day = date.split("-")
    months = "January February March April May June July August September October November December".split()
    return f", as of {int(day)} {months[int(month) - 1]} {year}"


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
