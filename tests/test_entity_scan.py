"""No rule in rag/ names a person, place, organisation or thing of any corpus the project has seen."""

from __future__ import annotations

import re

from eval.splits import ARTICLES_DIR
from rag.documents import doc_id_for_path, iter_article_files, load_file
from rag.language import parse
from tests.conftest import CORPUS, ROOT

NAMED = {"PERSON", "NORP", "ORG", "GPE", "LOC", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW"}


def corpus_entities() -> set[str]:
    found, plain_words = set(), set()
    for root in (CORPUS, ARTICLES_DIR):
        for path in iter_article_files(root):
            article = load_file(path, doc_id_for_path(path, root))
            for text in (article.title, article.text):
                doc = parse(text)
                found.update(ent.text.strip() for ent in doc.ents if ent.label_ in NAMED)
                plain_words.update(t.text for t in doc if t.is_lower)
    # A one-word "entity" the articles also use as a plain word ("Print", "Port") is the recogniser's slip.
    return {name for name in found if len(name) > 2 and not (" " not in name and name.lower() in plain_words)}


def test_no_named_entity_of_any_corpus_appears_in_the_library_code() -> None:
    names = corpus_entities()
    assert len(names) > 100  # the scan really read the articles
    source = {path: path.read_text(encoding="utf-8") for path in (ROOT / "rag").rglob("*.py")}
    hits = [
        f"{path.relative_to(ROOT)}: {name!r}"
        for name in sorted(names)
        for path, text in source.items()
        if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text)
    ]
    assert hits == []


def test_the_scan_finds_the_names_it_is_meant_to() -> None:
    names = corpus_entities()
    assert {"Havana", "Sergey Lavrov"} <= names
