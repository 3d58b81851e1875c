"""The lexical index: updated per write, persisted, loaded at start, rebuilt only when the analyser changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.index.follower import IndexFollower
from rag.index.lexical import LexicalIndex, analyser_version
from rag.models import Chunk
from rag.text import content_terms
from tests.conftest import DOC_14YMEDIO

FERRY = "How many boats a day does the Havana ferry run?"
FERRY_TERM = content_terms("ferry")[0]  # the analyser's form of the word


def _no_rebuild(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: IndexFollower) -> None:
        raise AssertionError("the index was rebuilt")

    monkeypatch.setattr(IndexFollower, "rebuild", refuse)


def test_add_replace_delete_update_retrieval_and_stats_without_rebuild(
    make_pipeline, corpus_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline = make_pipeline()
    pipeline.ingest([corpus_copy])
    _no_rebuild(monkeypatch)
    chunks_before = pipeline.index.chunk_count()
    stats = pipeline._retriever.stats()
    assert stats.chunks_containing(FERRY_TERM) == 0

    pipeline.add_document(b"The Havana ferry now runs 6 boats a day.", "ferry.txt", title="Ferry")
    top = pipeline.retrieve(FERRY, top_k=1, mode="bm25")[0].chunk
    assert (top.doc_id, "6 boats" in top.text) == ("ferry", True)
    assert stats.chunks_containing(FERRY_TERM) == 1
    assert stats.chunk_count() == chunks_before + 1
    boats = content_terms("boats")[0]
    assert stats.document_terms("ferry", [FERRY_TERM, boats, "nowhere"]) == {FERRY_TERM, boats}
    havana = content_terms("Havana")[0]  # in both articles; the ferry only in its own
    assert stats.document_terms(DOC_14YMEDIO, [FERRY_TERM, havana]) == {havana}
    assert pipeline.counts() == (3, chunks_before + 1)

    pipeline.add_document(b"The Havana ferry now runs 9 boats a day.", "ferry.txt", title="Ferry", replace=True)
    texts = [p.chunk.text for p in pipeline.retrieve(FERRY, top_k=20)]
    assert any("9 boats" in t for t in texts)
    assert not any("6 boats" in t for t in texts)
    assert stats.chunks_containing(FERRY_TERM) == 1

    pipeline.delete("ferry")
    assert stats.document_terms("ferry", [FERRY_TERM]) == set()
    assert not any("ferry" in p.chunk.text.lower() for p in pipeline.retrieve(FERRY, top_k=20))
    assert stats.chunks_containing(FERRY_TERM) == 0
    assert FERRY_TERM not in stats.similar_terms(FERRY_TERM)
    assert stats.chunk_count() == chunks_before


def test_index_is_persisted_and_loaded_at_start(
    make_pipeline, corpus_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = make_pipeline()
    first.ingest([corpus_copy])
    expected = (first.counts(), first.index.chunks_containing(content_terms("Lavrov")[0]))
    assert expected[1] > 0
    _no_rebuild(monkeypatch)
    again = make_pipeline()  # the same data folder: the index file is loaded as it is
    assert (again.counts(), again.index.chunks_containing(content_terms("Lavrov")[0])) == expected
    query = "Lavrov ninth visit Cuba"
    assert again.retrieve(query, top_k=3, mode="bm25") == first.retrieve(query, top_k=3, mode="bm25")


def test_a_changed_analyser_rebuilds_the_index_at_start(make_pipeline, corpus_copy: Path) -> None:
    first = make_pipeline()
    first.ingest([corpus_copy])
    counts = first.counts()
    first.index.set_meta("analyser", "an older stemmer")
    first.index.remove_document(DOC_14YMEDIO)  # what the older index held no longer matters
    again = make_pipeline()
    assert again.index.meta("analyser") == analyser_version()
    assert again.counts() == counts
    assert again.index.versions([DOC_14YMEDIO])


def test_similar_terms_ranks_close_spellings(tmp_path: Path) -> None:
    index = LexicalIndex(tmp_path / "lexical.sqlite3")
    words = "Lavrov visited Havana and Caracas; the ministers signed agreements on havens and harbours."
    chunk = Chunk("d:w:0", "d", words, 0, len(words), "t", None, None, "h", "w")
    index.replace_document("d", "w", [chunk])
    assert index.similar_terms("lavorv")[:1] == ["lavrov"]
    assert index.similar_terms("havanna")[0] == "havana"
    assert index.chunks_containing(content_terms("agreements")[0]) == 1
    assert index.similar_terms("") == []


def test_chunks_by_id_are_the_committed_ones_only(tmp_path: Path) -> None:
    """Dense hits come from Chroma as ids; their texts come from here, and a superseded write's are gone."""
    index = LexicalIndex(tmp_path / "lexical.sqlite3")
    old = Chunk("d:w1:0", "d", "The old text.", 0, 13, "t", "2024-01-01", None, "h1", "w1")
    new = Chunk("d:w2:0", "d", "The new text.", 0, 13, "t", "2024-01-02", "src", "h2", "w2")
    index.replace_document("d", "w1", [old])
    assert index.chunks(["d:w1:0", "d:w2:0"]) == {"d:w1:0": old}
    index.replace_document("d", "w2", [new])
    assert index.chunks(["d:w1:0", "d:w2:0", "other:w:0"]) == {"d:w2:0": new}
    assert index.chunks([]) == {}


def test_a_batch_of_documents_leaves_the_index_as_one_write_each(tmp_path: Path) -> None:
    """Ingest commits a batch in one transaction; the terms' counts and totals match writing them one by one,
    also when the batch replaces a document it already holds and names one document twice."""

    def chunk(doc: str, write: str, text: str) -> Chunk:
        return Chunk(f"{doc}:{write}:0", doc, text, 0, len(text), "t", None, None, "h", write)

    first = [("a", "w1", [chunk("a", "w1", "Ferries sail from the harbour at dawn.")])]
    batch = [
        ("a", "w2", [chunk("a", "w2", "The harbour ferries sail at noon.")]),
        ("b", "w3", [chunk("b", "w3", "Harbour pilots guide the ferries.")]),
        ("b", "w4", [chunk("b", "w4", "Pilots guide ships into port.")]),
    ]
    one_by_one, batched = LexicalIndex(tmp_path / "one.sqlite3"), LexicalIndex(tmp_path / "batch.sqlite3")
    for doc, write, chunks in first + batch:
        one_by_one.replace_document(doc, write, chunks)
    batched.replace_documents(first)
    batched.replace_documents(batch)
    words = content_terms("ferries harbour pilots sail dawn noon ships port guide")
    assert [batched.chunks_containing(w) for w in words] == [one_by_one.chunks_containing(w) for w in words]
    assert [one_by_one.chunks_containing(w) for w in words] == [1, 1, 1, 1, 0, 1, 1, 1, 1]
    assert (batched.chunk_count(), batched.versions(["a", "b"])) == (2, {"a": "w2", "b": "w4"})
