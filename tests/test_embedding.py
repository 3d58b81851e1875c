"""The light question encoder against sentence-transformers, and the sentence-vector cache in front of both."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from tokenizers import Tokenizer

from rag.embedding import CachedEmbedder, SentenceTransformerEmbedder, bundled_model_dir, cpu_has_bf16, resolve_dtype
from rag.encoder import QueryEncoder, UnsupportedModelError, check_architecture
from tests.conftest import CORPUS, HEADLINE

EVAL_QUESTIONS = [HEADLINE, "Who met Lavrov in Havana?", "When did the visit end?"]
MODEL = Path(bundled_model_dir())


@pytest.fixture(scope="module")
def embedders() -> dict[str, SentenceTransformerEmbedder]:
    """One embedder per precision: questions on the light encoder, `urgent=False` on sentence-transformers."""
    return {dtype: SentenceTransformerEmbedder(dtype=dtype) for dtype in ("fp32", "bf16")}


@pytest.fixture(scope="module")
def agreement_texts(corpus_pipeline) -> list[str]:
    """The corpus chunks, questions, single words, and whole articles longer than the model reads."""
    chunks, _terms = corpus_pipeline.index.snapshot()
    articles = [path.read_text() for path in sorted(CORPUS.glob("*.txt"))]
    return [c.text for c in chunks] + EVAL_QUESTIONS + ["Havana", "", "  spaces around  "] + articles


def test_a_whole_article_is_longer_than_the_model_reads() -> None:
    """So the agreement tests below cover truncation."""
    untruncated = Tokenizer.from_file(str(MODEL / "tokenizer.json"))
    untruncated.no_truncation()
    article = (CORPUS / "000_4cf0f03d988b155e.txt").read_text()
    assert len(untruncated.encode(article).ids) > 2 * 256


@pytest.mark.parametrize(("dtype", "least"), [("fp32", 0.9999), ("bf16", 0.995)])
def test_question_vectors_are_sentence_transformers_vectors(embedders, agreement_texts, dtype, least) -> None:
    embedder = embedders[dtype]
    assert embedder.query_encoder is not None
    light = embedder.embed(agreement_texts)
    reference = embedder.embed(agreement_texts, urgent=False)  # sentence-transformers, batches of 64
    cosines = np.sum(light * reference, axis=1)
    assert len(agreement_texts) > 10
    assert cosines.min() >= least, (cosines.min(), agreement_texts[int(cosines.argmin())][:80])
    assert np.allclose(np.linalg.norm(light, axis=1), 1.0, atol=1e-3)


def test_padding_and_truncation_leave_a_vector_as_it_is_alone(embedders, agreement_texts) -> None:
    """A text's vector in a batch of mixed lengths is its vector alone; words past the limit change nothing."""
    embedder = embedders["fp32"]
    batch = embedder.embed(agreement_texts)
    alone = np.concatenate([embedder.embed([text]) for text in agreement_texts])
    assert np.allclose(batch, alone, atol=1e-5)
    article = agreement_texts[-1]
    assert np.allclose(embedder.embed([article + " Further words past the limit."]), batch[-1:], atol=1e-6)


def _unsupported_copy(tmp_path: Path, change: str) -> Path:
    """The bundled model folder (weights linked, not copied) with one config file changed."""
    folder = tmp_path / "model"
    shutil.copytree(MODEL, folder, ignore=shutil.ignore_patterns("model.safetensors"))
    (folder / "model.safetensors").symlink_to(MODEL / "model.safetensors")

    def edit(name: str, **values: object) -> None:
        (folder / name).write_text(json.dumps({**json.loads((folder / name).read_text()), **values}))

    if change == "cls pooling":
        edit("1_Pooling/config.json", pooling_mode_cls_token=True, pooling_mode_mean_tokens=False)
    elif change == "no normalize":
        modules = json.loads((folder / "modules.json").read_text())
        (folder / "modules.json").write_text(json.dumps(modules[:2]))
    elif change == "another architecture":
        edit("config.json", model_type="roberta")
    elif change == "lower-casing":
        edit("sentence_bert_config.json", do_lower_case=True)
    return folder


@pytest.mark.parametrize("change", ["cls pooling", "no normalize", "another architecture", "lower-casing"])
def test_a_folder_of_another_architecture_is_refused(tmp_path, change) -> None:
    folder = _unsupported_copy(tmp_path, change)
    with pytest.raises(UnsupportedModelError):
        check_architecture(folder)
    with pytest.raises(UnsupportedModelError):
        QueryEncoder(folder)


def test_the_bundled_folder_is_the_supported_architecture() -> None:
    config, max_length = check_architecture(MODEL)
    assert (config["num_hidden_layers"], config["hidden_size"], max_length) == (6, 384, 256)


def test_questions_fall_back_to_sentence_transformers_for_another_architecture(tmp_path, embedders) -> None:
    """Questions are then embedded by sentence-transformers, as the folder says (here: CLS pooling)."""
    embedder = SentenceTransformerEmbedder(str(_unsupported_copy(tmp_path, "cls pooling")), dtype="fp32")
    assert embedder.query_encoder is None
    questions = [*EVAL_QUESTIONS, "Havana"]
    fallback = embedder.embed(questions)
    assert np.allclose(fallback, embedder.embed(questions, urgent=False), atol=1e-5)
    mean_pooled = embedders["fp32"].embed(questions)
    assert np.sum(fallback * mean_pooled, axis=1).max() < 0.99


class CountingEmbedder:
    """Pure-logic stand-in: a text's vector is its length, so order mistakes show."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def embed(self, texts: list[str], *, urgent: bool = True) -> np.ndarray:
        self.seen.extend(texts)
        return np.array([[float(len(t))] for t in texts], dtype=np.float32)


def test_only_unseen_texts_reach_the_model_and_order_is_kept() -> None:
    inner = CountingEmbedder()
    cache = CachedEmbedder(inner, max_entries=3)
    assert cache.embed(["a", "bbb", "a"]).ravel().tolist() == [1.0, 3.0, 1.0]
    assert cache.embed(["bbb", "cc"]).ravel().tolist() == [3.0, 2.0]
    assert inner.seen == ["a", "bbb", "cc"]
    cache.embed(["dddd"])  # evicts the least recently used: "a"
    cache.embed(["a", "cc"])
    assert inner.seen == ["a", "bbb", "cc", "dddd", "a"]
    assert cache.embed([]).shape == (0, 384)


def test_cached_vectors_are_the_model_vectors(embedder: SentenceTransformerEmbedder) -> None:
    texts = ["Lavrov visited Cuba.", "The forum took place in Havana."]
    cache = CachedEmbedder(embedder)
    first = cache.embed(texts)
    second = cache.embed(list(reversed(texts)))
    assert np.allclose(first, embedder.embed(texts), atol=1e-5)
    assert np.allclose(second, first[::-1])


def test_bf16_and_fp32_vectors_of_the_corpus_agree(embedders, agreement_texts) -> None:
    texts = agreement_texts
    fp32 = embedders["fp32"].embed(texts)
    bf16 = embedders["bf16"].embed(texts, urgent=False)
    cosines = np.sum(fp32 * bf16, axis=1)
    assert len(texts) > 10
    assert cosines.min() >= 0.995, cosines.min()


def test_auto_dtype_follows_the_cpu_flags(tmp_path) -> None:
    flags = tmp_path / "cpuinfo"
    flags.write_text("flags\t\t: fpu sse2 avx2 avx512f\n")
    assert not cpu_has_bf16(flags)
    flags.write_text("flags\t\t: fpu sse2 avx512f avx512_bf16 amx_tile\n")
    assert cpu_has_bf16(flags)
    assert not cpu_has_bf16(tmp_path / "missing")
    assert resolve_dtype("fp32") == "fp32"


def test_warming_up_prepares_the_writers_model_copy(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The first upload after start-up neither loads the writers' model nor runs it cold."""
    from rag.config import get_settings
    from rag.pipeline import Pipeline

    embedder = SentenceTransformerEmbedder()
    pipeline = Pipeline(get_settings(data_dir=tmp_path / "data"), embedder=embedder)
    assert embedder._background_model is None
    pipeline.warm_up()
    assert embedder._background_model is not None
