from __future__ import annotations

from pathlib import Path

import pytest

from rag.documents import load_file
from rag.errors import InvalidInputError, UnsupportedDocumentError
from rag.ingest import content_hash
from tests.conftest import DOC_14YMEDIO, DOC_OTHER


def test_ingest_then_reingest_writes_nothing(make_pipeline, corpus_copy: Path) -> None:
    pipeline = make_pipeline()
    first = pipeline.ingest([corpus_copy]).to_dict()
    assert first["added"] == 2
    assert first["chunks_written"] == pipeline.store.count_chunks() > 4
    second = pipeline.ingest([corpus_copy]).to_dict()
    assert second == {"added": 0, "updated": 0, "unchanged": 2, "removed": 0, "chunks_written": 0}


def test_documents_carry_title_date_source(make_pipeline, corpus_copy: Path) -> None:
    pipeline = make_pipeline()
    pipeline.ingest([corpus_copy])
    record = pipeline.document(DOC_14YMEDIO)
    assert record.title == "Russian Foreign Minister Sergey Lavrov Begins His Ninth Visit to Cuba in 20 Years"
    assert record.date == "2024-02-19"
    assert record.source == "14ymedio"
    assert pipeline.document(DOC_OTHER).title.startswith("Lavrov in Cuba")


def test_changed_file_replaces_its_chunks_without_orphans(make_pipeline, corpus_copy: Path, tmp_path: Path) -> None:
    pipeline = make_pipeline()
    pipeline.ingest([corpus_copy])
    article = corpus_copy / f"{DOC_OTHER}.txt"
    article.write_text(article.read_text() + "\n\nThe visit ended with a joint statement on sugar exports.\n")
    report = pipeline.ingest([corpus_copy]).to_dict()
    assert report["updated"] == 1
    assert report["unchanged"] == 1
    clean = make_pipeline("clean")
    clean.ingest([corpus_copy])
    assert pipeline.store.count_chunks() == clean.store.count_chunks()
    hashes = {chash for _cid, chash in pipeline.store.chunk_ids(DOC_OTHER)}
    assert hashes == {pipeline.document(DOC_OTHER).content_hash}
    assert "sugar exports" in pipeline.document(DOC_OTHER).text


def test_prune_and_delete(make_pipeline, corpus_copy: Path) -> None:
    pipeline = make_pipeline()
    pipeline.ingest([corpus_copy])
    (corpus_copy / f"{DOC_OTHER}.txt").unlink()
    assert pipeline.ingest([corpus_copy]).removed == 0
    assert pipeline.ingest([corpus_copy], prune=True).removed == 1
    assert [r.doc_id for r in pipeline.documents()] == [DOC_14YMEDIO]
    pipeline.delete(DOC_14YMEDIO)
    assert pipeline.documents() == []
    assert pipeline.store.count_chunks() == 0


def test_interrupted_write_is_invisible_then_swept(make_pipeline, corpus_copy: Path) -> None:
    """A crash after writing a new version's chunks but before its record: old version stays whole."""
    pipeline = make_pipeline()
    pipeline.ingest([corpus_copy])
    before = pipeline.store.count_chunks()
    path = corpus_copy / f"{DOC_OTHER}.txt"
    path.write_text(path.read_text().replace("Lavrov traveled", "Lavrov flew"))
    article = load_file(path, DOC_OTHER)
    ingestor = pipeline._ingestor
    chunks = ingestor.split(article, content_hash(article))
    pipeline.store.write_chunks(chunks, pipeline.embedder.embed([c.text for c in chunks]))  # crash here
    passages = pipeline.retrieve("Lavrov flew to Cuba", top_k=20)
    assert all("Lavrov flew" not in p.chunk.text for p in passages)
    report = pipeline.ingest([corpus_copy])
    assert report.updated == 1
    assert pipeline.store.count_chunks() == before
    assert {h for _c, h in pipeline.store.chunk_ids(DOC_OTHER)} == {pipeline.document(DOC_OTHER).content_hash}


def test_bad_inputs_write_nothing(make_pipeline, corpus_copy: Path, tmp_path: Path) -> None:
    pipeline = make_pipeline()
    with pytest.raises(InvalidInputError, match="no such file"):
        pipeline.ingest([tmp_path / "missing"])
    (corpus_copy / "photo.txt").write_bytes(b"\x89PNG\x00\x01\x02")
    with pytest.raises(UnsupportedDocumentError, match="binary"):
        pipeline.ingest([corpus_copy])
    (corpus_copy / "photo.txt").write_bytes("caf\xe9".encode("latin-1"))
    with pytest.raises(UnsupportedDocumentError, match="UTF-8"):
        pipeline.ingest([corpus_copy])
    assert pipeline.documents() == []
    assert pipeline.store.count_chunks() == 0


def test_markdown_and_html_articles(make_pipeline, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.md").write_text(
        "---\ntitle: Sugar harvest\ndate: 2024-03-02\nsource: Test Wire\n---\n# Sugar harvest\n\n"
        "The harvest reached 350,000 tonnes, the ministry said.\n"
    )
    (folder / "b.html").write_text(
        "<html><head><title>Port news</title></head><body><nav>Home | World</nav>"
        "<p>Mariel port handled 12 ships on 3 March 2024.</p><script>alert(1)</script></body></html>"
    )
    pipeline = make_pipeline()
    pipeline.ingest([folder])
    md = pipeline.document("a")
    assert (md.title, md.date, md.source) == ("Sugar harvest", "2024-03-02", "Test Wire")
    html = pipeline.document("b")
    assert html.title == "Port news"
    assert html.date == "2024-03-03"
    assert "alert" not in html.text
    assert "Home | World" not in html.text


def test_the_vector_index_is_warmed_without_error(corpus_pipeline, make_pipeline, caplog) -> None:  # type: ignore[no-untyped-def]
    """At start the store loads its vector index on a thread of its own (it overlaps the model's import)."""
    import logging

    caplog.set_level(logging.INFO, logger="rag.store")
    for store in (corpus_pipeline.store, make_pipeline("empty").store):
        thread = store.warm_vector_index()
        thread.join(timeout=30)
        assert not thread.is_alive()
    assert "not warmed" not in caplog.text


def test_a_late_clean_up_never_deletes_a_write_that_finished_while_it_ran(make_pipeline) -> None:  # type: ignore[no-untyped-def]
    """Writer B cleans up after its write; writer A's whole write of the same document lands just as B starts
    reading. B must leave A's chunks: they are the committed copy (this interleaving once left a record with no
    chunks, found by the two-replica test under load)."""
    pipeline = make_pipeline()
    pipeline.add_document(b"The harbour's east wing reopened on Monday after repairs.", "harbour.txt", title="H")
    store, ingestor = pipeline.store, pipeline._ingestor
    read_chunk_versions = store.chunk_versions
    fired = []

    def writer_a_lands_first(doc_ids):  # type: ignore[no-untyped-def]
        if not fired:
            fired.append(True)
            later = b"The harbour's west wing reopened on Tuesday."
            pipeline.add_document(later, "harbour.txt", title="H", replace=True)
        return read_chunk_versions(doc_ids)

    store.chunk_versions = writer_a_lands_first  # type: ignore[method-assign]
    try:
        ingestor._clean_up(["harbour"])  # writer B's clean-up, late
    finally:
        store.chunk_versions = read_chunk_versions  # type: ignore[method-assign]
    record = store.records(["harbour"])["harbour"]
    chunks = store.committed_chunks(record)
    assert fired
    assert record.chunks == len(chunks) > 0
    assert "west wing" in " ".join(c.text for c in chunks)


def test_chunk_text_is_kept_in_the_metadata_and_older_stores_still_read(tmp_path: Path) -> None:
    """Chunks keep their text in Chroma's metadata (its local full-text index over documents, which nothing
    queries, was half the cost of a write); a store written when the text was the document still reads."""
    import numpy as np

    from rag.models import Chunk, DocumentRecord
    from rag.store import ChromaStore, connect

    store = ChromaStore(connect(tmp_path / "data", None))
    new = Chunk("n:w1:0", "n", "A new chunk.", 0, 12, "New", "2024-05-01", "src", "h1", "w1")
    store.write_chunks([new], np.array([[1.0, 0.0]], dtype=np.float32))
    stored = store._chunks.get(ids=["n:w1:0"], include=["documents", "metadatas"])
    assert (stored["documents"][0], stored["metadatas"][0]["text"]) == (None, "A new chunk.")
    store._chunks.upsert(  # the layout an earlier version wrote
        ids=["o:w2:0"], embeddings=[[0.0, 1.0]], documents=["An older chunk."],
        metadatas=[{"doc_id": "o", "start": 0, "end": 15, "title": "Old", "content_hash": "h2", "write_id": "w2"}],
    )  # fmt: skip
    for chunk, doc_id, write_id in ((new, "n", "w1"), (None, "o", "w2")):
        record = DocumentRecord(doc_id, "t", None, None, None, None, "h", 1, "", write_id)
        texts = [c.text for c in store.committed_chunks(record)]
        assert texts == [chunk.text if chunk else "An older chunk."]
    assert sorted(c.text for c in store.chunk_page(0, 10)) == ["A new chunk.", "An older chunk."]
