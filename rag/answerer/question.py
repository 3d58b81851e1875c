"""Question analysis from the parse: the expected answer type, its focus noun, the event verb, key terms."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rag.answerer import asking, measures
from rag.answerer.kinds import AnswerKind, kind_of_noun
from rag.answerer.terms import term_key
from rag.language import numbers_in, parse
from rag.text import content_terms, fold

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from rag.embedding import Embedder

# Entity labels that can answer each kind, in tiers of preference: the ranker weighs a candidate's tier
# (feature label_rank). "NAME" is a run of proper nouns the recogniser left unlabelled.
# The small model's names are often mislabelled (a nuclear site's name as a person), so every name is a candidate of
# a name question, in a last tier: the fitted ranker weighs the label against the other evidence.
_ANY_NAME = ("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW", "NAME")


def _with_any_name(*tiers: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    named = {label for tier in tiers for label in tier}
    return (*tiers, tuple(label for label in _ANY_NAME if label not in named))


TIERS: dict[AnswerKind, tuple[tuple[str, ...], ...]] = {
    "count": (("CARDINAL", "QUANTITY", "DATE", "TIME", "ORDINAL"),),
    "amount": (("MONEY", "PERCENT", "QUANTITY"), ("CARDINAL",)),
    "score": (("SCORE",), ("CARDINAL",)),  # "won 2-1": see `entity_spans.scorelines`
    "date": (("DATE", "TIME"), ("ORDINAL",)),
    "person": _with_any_name(("PERSON",), ("ORG", "NORP"), ("NAME",)),
    "place": _with_any_name(("GPE", "LOC", "FAC"), ("ORG", "NAME")),
    "organisation": _with_any_name(("ORG",), ("NORP", "FAC", "PRODUCT", "PERSON", "NAME")),
    "entity": (
        ("PRODUCT", "WORK_OF_ART", "EVENT", "LAW", "ORG", "FAC"),
        ("NAME", "PERSON", "GPE", "LOC", "NORP"),
        ("PHRASE",),  # what the sentence says the asked noun is: see `phrases.focus_phrases`
    ),
    "list": (),
    "yesno": (),
    "description": (),
    "role": (),
}
_DURATION = (("DATE", "TIME", "QUANTITY"), ("CARDINAL",))  # "how long / how old": durations, ages
_MEASURE = (("QUANTITY", "PERCENT", "MONEY"), ("CARDINAL", "DATE", "TIME"))  # "how far / high / fast"
_FIGURES = ("MONEY", "PERCENT", "QUANTITY", "CARDINAL")
_CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "NUM", "ADV"})


@dataclass(frozen=True)
class Question:
    text: str
    kind: AnswerKind
    terms: tuple[str, ...]  # term keys of the content words
    words: tuple[tuple[str, str], ...] = ()  # (term key, lemma) of each content word, for meaning-level matching
    tiers: tuple[tuple[str, ...], ...] = ()
    names: tuple[str, ...] = ()  # term keys of proper names: evidence must be about them
    name_terms: tuple[str, ...] = ()  # the names as the lexical index counts them (`content_terms`)
    focus: str | None = None  # the counted or asked-for noun ("people" in "how many people")
    event: str | None = None  # the event verb's key ("visit")
    focus_text: str | None = None  # the focus noun's lemma, for meaning-level comparison
    event_text: str | None = None  # the event verb's lemma ("die" meets "kill" in meaning)
    negated: bool = False
    plural: bool = False
    stated_numbers: frozenset[float] = field(default_factory=frozenset)
    asked_name: str | None = None  # "Who is <name>?"
    retrieval_text: str = ""
    surface: frozenset[str] = field(default_factory=frozenset)  # its words (and a followed question's), folded
    wh_role: str | None = None  # "subject" ("Who beat X?") or "object" ("Whom did X beat?") of the event verb
    asks_precedent: bool = False  # "Had anyone done it before?": answered by "the first to do it"
    asked_count: int = 0  # "Which two cities ...?": how many to list, when the question says
    dimension: str | None = None  # what a measure must be ("how tall": a length; `measures`)
    hyphen_parts: frozenset[str] = field(default_factory=frozenset)  # term keys of parts of hyphened words

    @property
    def labels(self) -> tuple[str, ...]:
        """Every entity label that can answer, most preferred first."""
        return tuple(label for tier in self.tiers for label in tier)


def analyse(text: str, embedder: Embedder, history: list[str] | None = None) -> Question:
    doc = parse(text)
    kind, focus_token, plural = _answer_kind(doc, embedder)
    tiers = _tiers(kind, focus_token, embedder)
    event = _event_verb(doc)
    terms = [term_key(t.lemma_) for t in doc if _is_content(t)]
    words = {term_key(t.lemma_): t.lemma_.lower() for t in doc if _is_content(t) and t.pos_ != "PROPN"}
    names = [term_key(t.lemma_) for t in doc if _is_name(t)]
    name_terms = [term for t in doc if _is_name(t) for term in _index_terms(t)]
    retrieval_text = text
    surface = {fold(t.text) for t in doc}
    if history and _needs_history(doc, terms):
        earlier = parse(history[-1])
        surface |= {fold(t.text) for t in earlier}  # what the conversation already named is no answer
        terms += [term_key(t.lemma_) for t in earlier if _is_content(t)]
        names += [term_key(t.lemma_) for t in earlier if _is_name(t)]
        retrieval_text = f"{history[-1]} {text}"
    return Question(
        text=text, kind=kind, tiers=tiers, terms=tuple(dict.fromkeys(t for t in terms if t)),
        words=tuple((k, w) for k, w in words.items() if k),
        names=tuple(dict.fromkeys(n for n in names if n)), name_terms=tuple(dict.fromkeys(name_terms)),
        focus=term_key(focus_token.lemma_) if focus_token is not None else None,
        focus_text=focus_token.lemma_.lower() if focus_token is not None and focus_token.pos_ == "NOUN" else None,
        event=term_key(event.lemma_) if event is not None else None,
        event_text=event.lemma_.lower() if event is not None else None,
        negated=any(t.dep_ == "neg" for t in doc), plural=plural,
        stated_numbers=frozenset(numbers_in(text)) if kind == "yesno" else frozenset(),
        asked_name=asking.asked_name(doc) if kind == "role" else None, retrieval_text=retrieval_text,
        surface=frozenset(surface), wh_role=asking.wh_role(doc), asks_precedent=asking.asks_precedent(doc),
        asked_count=asking.asked_count(focus_token) if plural else 0,
        dimension=measures.asked_dimension(doc, focus_token, embedder) if kind == "amount" else None,
        hyphen_parts=frozenset(term_key(t.lemma_) for t in doc if _in_hyphened_word(t)),
    )  # fmt: skip


def _is_name(token: Token) -> bool:
    """A proper noun the evidence must be about; not a day or a month ("on Sunday", "in March"): the asked
    day's sentence may say "on Sunday" or give the date, or say nothing of the day at all."""
    return token.pos_ == "PROPN" and not token.is_stop and token.ent_type_ not in ("DATE", "TIME")


def _tiers(kind: AnswerKind, focus: Token | None, embedder: Embedder) -> tuple[tuple[str, ...], ...]:
    if kind == "amount" and focus is not None and focus.pos_ in ("ADJ", "ADV"):
        return _DURATION if _kind_word(focus, embedder) == "date" else _MEASURE
    if kind == "date" and focus is not None and focus.lemma_.lower() in ("time", "hour"):
        return (("TIME",),)  # "what time": the clock or the part of the day; a day alone tells neither
    if kind == "entity" and focus is not None and _noun_kind(focus, embedder)[0] == "description":
        # A noun of no known category ("what premium", "the death toll"): a named thing or a figure; the fitted
        # ranker weighs whether the noun governs the figure ("a premium of 26.6 per cent").
        return (*TIERS["entity"], _FIGURES)
    if kind == "list":
        sub_kind = _noun_kind(focus, embedder)[0] if focus is not None else "description"
        if sub_kind == "description" and focus is not None:
            # A noun of no known category ("which shortages", "which spheres"): what the sentence says it is
            # ranks with the names, not below them.
            return (TIERS["entity"][0] + ("PHRASE",), TIERS["entity"][1])
        first = TIERS.get(sub_kind, ()) or TIERS["entity"]
        rest = tuple(label for tier in TIERS["entity"][:-1] for label in tier if label not in first[0])
        return (first[0], rest, ("PHRASE",))
    return TIERS[kind]


def _kind_word(token: Token, embedder: Embedder) -> AnswerKind:
    """ "how long" / "how old" ask for a duration or an age: near the date words in meaning."""
    return kind_of_noun(f"how {token.lower_}", embedder)[0]


def _answer_kind(doc: Doc, embedder: Embedder) -> tuple[AnswerKind, Token | None, bool]:
    """The kind of answer asked for, the noun it is about, and whether several are asked for."""
    first = next((t for t in doc if not t.is_punct), None)
    if first is not None and first.pos_ in ("AUX", "VERB") and first.tag_ not in ("VB", "VBG"):
        return "yesno", None, False  # "Is this the first time the WHO ...": an organisation, not a wh-word
    wh = asking.wh_word(doc)
    opener = doc[asking.after_leading_phrase(doc)]
    if wh is None and opener.i > 0 and opener.pos_ == "AUX" and opener.tag_ not in ("VB", "VBG"):
        return "yesno", None, False  # "According to the transcript, was the plane cleared ...?"
    if wh is None:
        return "description", None, False
    word = wh.lower_
    if word == "how":
        return _how_kind(doc, wh)
    if word == "when":
        return "date", None, False
    if word == "where":
        return "place", None, False
    if word == "why":
        return "description", None, False
    if word in ("who", "whom", "whose"):
        if asking.asked_name(doc):
            return "role", None, False
        return "person", asking.role_noun(doc), asking.plural_subject(doc)
    noun = asking.asked_noun(doc, wh)
    if noun is None:
        return "description", None, False
    while noun.dep_ == "compound" and noun.head.pos_ in ("NOUN", "PROPN"):
        noun = noun.head  # "which polling stations": the stations
    kind, plural, _ = _noun_kind(noun, embedder)
    if kind == "description":
        kind = "entity"  # "which rocket", "what film": a named thing of no listed category
    if plural and kind in ("person", "place", "organisation", "description"):
        return "list", noun, True
    return kind, noun, plural


def _how_kind(doc: Doc, how: Token) -> tuple[AnswerKind, Token | None, bool]:
    following = doc[how.i + 1] if how.i + 1 < len(doc) else None
    if following is None:
        return "description", None, False
    if following.lower_ == "many":
        noun = following.head if following.head.pos_ in ("NOUN", "PROPN") else asking.next_noun(doc, following.i)
        return "count", noun, False
    if following.lower_ == "much":
        after = doc[following.i + 1] if following.i + 1 < len(doc) else None
        return "amount", after if after is not None and after.pos_ == "NOUN" else None, False
    if following.lower_ == "often":
        return "count", None, False
    if following.pos_ in ("ADJ", "ADV"):
        return "amount", following, False
    return "description", None, False


def _noun_kind(noun: Token, embedder: Embedder) -> tuple[AnswerKind, bool, float]:
    kind, similarity = kind_of_noun(noun.lemma_.lower(), embedder)
    return kind, noun.tag_ in ("NNS", "NNPS"), similarity


def _event_verb(doc: Doc) -> Token | None:
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None:
        return None
    if root.pos_ == "VERB" and root.lemma_.lower() not in ("be", "have", "do"):
        return root
    start = asking.after_leading_phrase(doc)  # "according" in "According to X, did ..." is no event
    for token in root.subtree:
        if token.i >= start and token.pos_ == "VERB" and token.lemma_.lower() not in ("be", "have", "do"):
            return token
    return None


def _is_content(token: Token) -> bool:
    if token.tag_ in ("WDT", "WP", "WP$", "WRB") or token.is_punct:
        return False
    if token.pos_ in ("AUX", "DET", "PRON", "ADP", "CCONJ", "SCONJ", "PART"):
        return False
    return token.pos_ in _CONTENT_POS and not (token.is_stop and token.pos_ != "NUM")


def _in_hyphened_word(token: Token) -> bool:
    """ "Soto" in "Ruiz-Soto": the lexical index counts the whole word, never its parts."""
    text = token.doc.text
    start, end = token.idx, token.idx + len(token.text)
    return (start > 0 and text[start - 1] == "-") or (end < len(text) and text[end] == "-")


def _index_terms(token: Token) -> list[str]:
    """The name as the lexical index counts it: the whole word ("rees-mogg")."""
    text = token.doc.text
    start, end = token.idx, token.idx + len(token.text)
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    word = text[start:end]
    return content_terms(word)


def _needs_history(doc: Doc, terms: list[str]) -> bool:
    pronoun = any(t.pos_ == "PRON" and t.dep_ in ("nsubj", "dobj", "pobj", "poss") for t in doc)
    return pronoun or len(terms) <= 2
