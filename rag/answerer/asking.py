"""What a question's parse says it asks: its question word, the noun it asks about, the name in "Who is
<name>?", the wh-word's role toward its verb, whether it asks for a precedent, whether several are asked for.
Read off spaCy's tags and arcs only (the embedding-based typing of the asked noun is in `question`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rag.language import number_value

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


def wh_word(doc: Doc) -> Token | None:
    """The question word: near the start, or right after a leading phrase ("According to the agency, how many
    ..."); not one that opens a relative clause later on."""
    for token in doc:
        if token.tag_ in ("WDT", "WP", "WP$", "WRB") and (token.i < 4 or doc[token.i - 1].text == ","):
            return token
    return None


def after_leading_phrase(doc: Doc) -> int:
    """Where the question proper starts after a leading phrase ("According to the report, did ..."): the end of
    the first token's subtree when that token opens a prepositional phrase, and of the comma after it; else 0."""
    first = doc[0] if len(doc) else None
    if first is None or first.dep_ != "prep" or first.head.i <= first.i:
        return 0
    end = max(t.i for t in first.subtree) + 1
    while end < len(doc) and doc[end].is_punct:
        end += 1
    return end if end < len(doc) else 0


def asked_count(noun: Token | None) -> int:
    """How many the question asks for, when it says ("which two cities", "the four parts"); 0 when it does not."""
    for child in noun.children if noun is not None else ():
        if child.dep_ == "nummod" and (value := number_value(child.text)) is not None and 1 < value <= 20:
            return int(value)
    return 0


# "is" cut to a clitic, with or without its apostrophe ("what's", "whats"): the parser lemmatises the bare "s" as
# itself, not as "be".
_IS_CLITICS = frozenset({"'s", "\u2019s", "s"})


def asked_noun(doc: Doc, wh: Token) -> Token | None:
    """The noun a which/what asks about: "which city", "which of the dams", "what is the name of the airline";
    a noun beside a bare "what" only when "be" joins them ("What is the death toll?")."""
    if wh.dep_ == "det" and wh.head.pos_ in ("NOUN", "PROPN"):
        return wh.head
    following = doc[wh.i + 1] if wh.i + 1 < len(doc) else None
    if wh.tag_ == "WDT" and following is not None and following.pos_ in ("NOUN", "ADJ", "PROPN"):
        return next_noun(doc, wh.i)  # a misparsed "which countries soft-landed ..."
    partitive = [g for c in wh.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children]
    if partitive and partitive[0].pos_ in ("NOUN", "PROPN"):
        return partitive[0]  # "which of the dams"
    if wh.head.lemma_.lower() != "be" and wh.head.lower_ not in _IS_CLITICS:
        return None  # "What did the ministry reject?": the subject is who acted, not what is asked
    for token in wh.head.children:
        if token.dep_ in ("attr", "nsubj", "nsubjpass") and token.i != wh.i and token.pos_ == "NOUN":
            if token.lemma_.lower() == "name":
                of_object = [g for c in token.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
                return of_object[0] if of_object else token
            return token
    return None


def next_noun(doc: Doc, index: int) -> Token | None:
    for token in doc[index + 1 : index + 4]:
        if token.pos_ in ("NOUN", "PROPN"):
            return token
    return None


def asked_name(doc: Doc) -> str | None:
    """The name in "Who is <name>?", when nothing else is asked."""
    words = [t for t in doc if not t.is_punct]
    if len(words) < 3 or words[0].lower_ != "who" or words[1].lemma_ != "be":
        return None
    rest = words[2:]
    if all(t.pos_ == "PROPN" or (t.ent_type_ and t.pos_ != "NOUN") for t in rest):
        return " ".join(t.text for t in rest)
    return None


def role_noun(doc: Doc) -> Token | None:
    """The role a "Who is ...?" question asks the holder of: "Who is the country's acting president?" -> president."""
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or root.lemma_ != "be":
        return None
    return next(
        (t for t in root.children if t.dep_ in ("attr", "nsubj") and t.pos_ == "NOUN" and t.tag_ not in ("WP",)), None
    )


def wh_role(doc: Doc) -> str | None:
    """The asked thing's role toward its verb: the wh-word's, or its noun's ("which company made ...")."""
    wh = wh_word(doc)
    if wh is None:
        return None
    asked = wh.head if wh.dep_ == "det" else wh
    if asked.head.lemma_.lower() == "be":
        return None
    if asked.dep_ == "nsubj":
        return "subject"
    if asked.dep_ in ("dobj", "nsubjpass"):
        return "object"
    return None


def asks_precedent(doc: Doc) -> bool:
    """ "... before?" or "... before this?": whether it had happened earlier than the event itself."""
    for token in doc:
        if token.lower_ == "before":
            objects = [c for c in token.children if c.dep_ == "pobj"]
            if all(o.pos_ in ("PRON", "DET") for o in objects):
                return True
    return False


def plural_subject(doc: Doc) -> bool:
    return any(t.tag_ == "VBP" or (t.lemma_ == "be" and t.lower_ in ("are", "were")) for t in doc[:3])
