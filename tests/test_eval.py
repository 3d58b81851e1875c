"""The eval: the shipped set's shape, the schema check, scoring arithmetic, and `rag eval` as run in CI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from eval.dataset import DEFAULT_SET, DEFAULT_THRESHOLDS, EvalItem, check_gold_evidence, load_eval_set
from eval.runner import gate, report
from eval.scoring import Outcome, list_matches, matches, normalise, score
from eval.splits import ARTICLES_DIR, SPLITS, load_split
from eval.thresholds import load_thresholds
from rag.documents import doc_id_for_path, iter_article_files, load_file
from rag.errors import InvalidInputError
from rag.models import Answer, Citation
from tests.conftest import CORPUS, DOC_14YMEDIO, HEADLINE

NINTH = "This will be Lavrov’s ninth visit to the Island since his appointment to the position in 2004"
GOOD_ENTRY = {
    "id": "count-visits",
    "question": HEADLINE,
    "type": "count",
    "answerable": True,
    "answers": ["nine", "9"],
    "evidence": [{"doc_id": DOC_14YMEDIO, "sentence": NINTH}],
}


def write_set(tmp_path: Path, entries: object, name: str = "set.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(entries, allow_unicode=True))
    return path


def cleaned_corpus() -> dict[str, str]:
    articles = (load_file(path, doc_id_for_path(path, CORPUS)) for path in iter_article_files(CORPUS))
    return {article.doc_id: article.text for article in articles}


def test_the_shipped_set_covers_what_the_issue_asks() -> None:
    items = load_eval_set(DEFAULT_SET)
    kinds = Counter(item.type for item in items)
    assert len(items) >= 40
    assert kinds["none"] >= 8
    assert sum(1 for item in items if item.variant_of) >= 10
    for kind in ("count", "date", "person", "place", "organisation", "list", "yesno", "description"):
        assert kinds[kind] >= 2, kind
    tags = Counter(tag for item in items for tag in item.tags)
    assert tags["cross-article"]
    assert tags["multi-sentence"]
    assert tags["typo"]
    assert tags["lower-case"]
    assert check_gold_evidence(items, cleaned_corpus()) == []


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({**GOOD_ENTRY, "answers": []}, "needs answers and gold evidence"),
        ({**GOOD_ENTRY, "evidence": []}, "needs answers and gold evidence"),
        ({**GOOD_ENTRY, "answerable": False}, "type 'none' and no answers"),
        ({**GOOD_ENTRY, "id": "Bad Id"}, "entry 1 (id)"),
        ({**GOOD_ENTRY, "type": "colour"}, "entry 1 (type)"),
        ({**GOOD_ENTRY, "answer": "nine"}, "entry 1 (answer)"),
        ({key: value for key, value in GOOD_ENTRY.items() if key != "question"}, "entry 1 (question)"),
        ({**GOOD_ENTRY, "variant_of": "nowhere"}, "variant_of names unknown ids"),
    ],
)
def test_malformed_entries_are_rejected_with_where(tmp_path: Path, entry: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_eval_set(write_set(tmp_path, [entry]))


def test_duplicate_ids_and_non_lists_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="duplicate ids"):
        load_eval_set(write_set(tmp_path, [GOOD_ENTRY, GOOD_ENTRY]))
    with pytest.raises(InvalidInputError, match="YAML list"):
        load_eval_set(write_set(tmp_path, {"questions": [GOOD_ENTRY]}))
    broken = tmp_path / "broken.yaml"
    broken.write_text("- id: [unclosed\n")
    with pytest.raises(InvalidInputError, match="cannot read"):
        load_eval_set(broken)


def test_gold_sentences_must_be_verbatim_in_the_cleaned_documents(tmp_path: Path) -> None:
    paraphrased = {**GOOD_ENTRY, "evidence": [{"doc_id": DOC_14YMEDIO, "sentence": "Lavrov visited Cuba nine times."}]}
    unknown = {**GOOD_ENTRY, "id": "other", "evidence": [{"doc_id": "no-such-doc", "sentence": NINTH}]}
    items = load_eval_set(write_set(tmp_path, [GOOD_ENTRY, paraphrased | {"id": "para"}, unknown]))
    problems = check_gold_evidence(items, cleaned_corpus())
    assert len(problems) == 2
    assert problems[0].startswith("para: gold sentence not found verbatim")
    assert problems[1] == "other: unknown document no-such-doc"


def test_answers_match_after_normalising() -> None:
    assert normalise("Nine times, as of 19 February 2024. [1]") == "9 times as of 19 february 2024 1"
    assert matches("Nine times, as of 19 February 2024. [1]", ["nine"])
    assert matches("Díaz-Canel. [1]", ["diaz-canel"])
    assert not matches("Nineteen times.", ["nine"])
    assert not matches("Venezuelan oil.", ["venezuela"])


def _outcome(item_entry: dict[str, object], text: str, answered: bool, citations: list[Citation]) -> Outcome:
    item = EvalItem.model_validate(item_entry)
    answer = Answer(item.question, text, answered, citations, {"total": 100.0})
    return Outcome(item, answer, [], cleaned_corpus())


def test_scores_count_what_they_claim() -> None:
    """Scoring arithmetic on hand-made answers (pure logic; the pipeline is exercised by `rag eval`)."""
    text = cleaned_corpus()[DOC_14YMEDIO]
    start = text.index(NINTH)
    good = Citation(1, DOC_14YMEDIO, "t", None, None, NINTH, start, start + len(NINTH), "", 1.0)
    shifted = Citation(2, DOC_14YMEDIO, "t", None, None, NINTH, start + 1, start + 1 + len(NINTH), "", 1.0)
    none = {"id": "none-1", "question": "What is the GDP of Russia?", "type": "none", "answerable": False}
    outcomes = [
        _outcome(GOOD_ENTRY, "Nine times. [1][2]", True, [good, shifted]),  # right, one citation off by one
        _outcome({**GOOD_ENTRY, "id": "wrong"}, "Two times. [1]", True, [good]),  # wrong answer
        _outcome({**GOOD_ENTRY, "id": "shy"}, "The corpus does not say.", False, []),  # abstained wrongly
        _outcome(none, "The corpus does not say.", False, []),  # abstained rightly
        _outcome({**none, "id": "none-2"}, "Nine times. [1]", True, [good]),  # answered the unanswerable
    ]
    scores = score("custom", "hybrid", outcomes)
    assert scores.answer_accuracy == round(1 / 3, 4)
    assert scores.abstention_precision == 0.5
    assert scores.abstention_recall == 0.5
    assert scores.citation_validity == 0.75
    assert scores.gold_citation_rate == 1.0
    assert [f["id"] for f in scores.failures] == ["wrong", "shy", "none-2"]
    assert gate(scores, {"answer_accuracy": 0.9, "citation_validity": 0.5}) == ["custom: answer_accuracy 0.333 < 0.900"]


def test_thresholds_file_is_checked(tmp_path: Path) -> None:
    shipped = load_thresholds(DEFAULT_THRESHOLDS, list(SPLITS))
    assert all(shipped[split]["citation_validity"] == 1.0 for split in SPLITS)
    for content, message in [
        ("thresholds:\n  answer_acuracy: 0.9\n", "unknown score 'answer_acuracy'"),
        ("thresholds:\n  mrr: 1.5\n", "between 0 and 1"),
        ("thresholds:\n  dev:\n    mrr: 1.5\n", "dev.mrr must be a number between 0 and 1"),
        ("mrr: 0.5\n", "expected a 'thresholds:' mapping"),
    ]:
        path = tmp_path / "t.yaml"
        path.write_text(content)
        with pytest.raises(InvalidInputError, match=message):
            load_thresholds(path, ["dev"])
    with pytest.raises(InvalidInputError, match="cannot read the thresholds"):
        load_thresholds(tmp_path / "missing.yaml", ["dev"])


def test_the_dev_and_test_splits_cover_what_the_issue_asks() -> None:
    """New articles and questions, split by article: a third of the articles (all their questions) are test."""
    articles = {split: sorted((ARTICLES_DIR / split).glob("*.md")) for split in ("dev", "test")}
    assert len(articles["dev"]) + len(articles["test"]) >= 15
    assert len(articles["test"]) * 3 >= len(articles["dev"]) + len(articles["test"]) - 1
    documents = {}
    for split, paths in articles.items():
        for path in paths:
            article = load_file(path, doc_id_for_path(path, ARTICLES_DIR))
            assert article.doc_id.startswith(f"{split}-")
            assert 250 <= len(article.text.split()) <= 1000, path.name
            documents[article.doc_id] = article.text
    items = {split: load_split(split) for split in ("dev", "test")}
    every = items["dev"] + items["test"]
    assert len(every) >= 200
    assert sum(not i.answerable for i in every) >= 0.25 * len(every)
    assert sum(bool({"lower-case", "typo"} & set(i.tags)) for i in every) >= 0.1 * len(every)
    for kind in ("count", "amount", "date", "person", "place", "organisation", "list", "yesno", "description"):
        assert any(i.type == kind for i in every), kind
    for split, questions in items.items():  # a question's evidence is in an article of its own split
        assert all(g.doc_id.startswith(f"{split}-") for i in questions for g in i.evidence)
    assert check_gold_evidence(every, documents) == []


def test_a_list_needs_every_item_or_a_whole_accepted_list() -> None:
    assert list_matches("Burundi, Kenya, Rwanda and Uganda. [1]", ["Burundi", "Kenya", "Rwanda", "Uganda"])
    assert not list_matches("Burundi and Kenya. [1]", ["Burundi", "Kenya", "Rwanda", "Uganda"])
    assert list_matches("Sotomayor, Kagan and Jackson. [1]", ["Sotomayor, Kagan and Jackson", "Kagan"])
    assert not list_matches("Sotomayor. [1]", ["Sotomayor, Kagan and Jackson"])
    assert list_matches("Jackson, Sotomayor and Kagan. [1]", ["Sotomayor, Kagan, and Jackson"])  # any order
    assert not list_matches("Jackson and Kagan. [1]", ["Sotomayor, Kagan, and Jackson"])


def rag_eval(tmp_path: Path, corpus: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RAG_DATA_DIR": str(tmp_path / "data"), "RAG_CORPUS_DIR": str(corpus), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "rag.cli", "eval", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_rag_eval_reports_and_gates(tmp_path: Path, corpus_copy: Path) -> None:
    none = {"id": "none-gdp", "question": "What is the GDP of Russia?", "type": "none", "answerable": False}
    passing = write_set(tmp_path, [GOOD_ENTRY, none], "passing.yaml")
    report = tmp_path / "report.json"
    ran = rag_eval(tmp_path, corpus_copy, "--set", str(passing), "--retriever", "hybrid", "--json", str(report))
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "eval gate passed (hybrid, 2 questions)" in ran.stdout
    assert "Accuracy per type" in ran.stdout
    body = json.loads(report.read_text())
    assert body["passed"] is True
    [hybrid] = body["results"]
    assert (hybrid["mode"], hybrid["answer_accuracy"], hybrid["abstention_recall"]) == ("hybrid", 1.0, 1.0)
    assert hybrid["hit_rate"] == 1.0
    assert hybrid["latency_p50_ms"] > 0

    wrong = write_set(tmp_path, [{**GOOD_ENTRY, "answers": ["ten"]}, none], "wrong.yaml")
    thresholds = tmp_path / "thresholds.yaml"
    thresholds.write_text("thresholds:\n  answer_accuracy: 0.5\n  citation_validity: 1.0\n")
    failed = rag_eval(
        tmp_path, corpus_copy, "--set", str(wrong), "--retriever", "hybrid", "--thresholds", str(thresholds)
    )
    assert failed.returncode == 1
    assert "failed custom count-visits" in failed.stdout
    assert "expected: ten" in failed.stdout
    assert "eval gate failed (hybrid): custom: answer_accuracy 0.000 < 0.500" in failed.stdout

    bad_gold = {**GOOD_ENTRY, "evidence": [{"doc_id": DOC_14YMEDIO, "sentence": "Not in the article."}]}
    rejected = rag_eval(tmp_path, corpus_copy, "--set", str(write_set(tmp_path, [bad_gold], "bad.yaml")))
    assert rejected.returncode == 2
    assert "gold sentence not found verbatim" in rejected.stderr
    assert "Traceback" not in rejected.stderr


def test_rag_eval_rejects_an_unknown_retriever(tmp_path: Path, corpus_copy: Path) -> None:
    ran = rag_eval(tmp_path, corpus_copy, "--retriever", "sparse")
    assert ran.returncode == 2
    assert "--retriever must be one of dense, bm25, hybrid" in ran.stderr
    assert "Traceback" not in ran.stderr
    ran = rag_eval(tmp_path, corpus_copy, "--split", "holdout")
    assert ran.returncode == 2
    assert "--split must be one of seed, dev, test or all" in ran.stderr


def test_a_held_out_splits_failures_print_ids_only(tmp_path: Path) -> None:
    """CI logs are read by many: a test question and its expected answer appear only in the JSON report."""
    from rich.console import Console

    failing = _outcome({**GOOD_ENTRY, "id": "held-1"}, "Two times. [1]", True, [])
    results = [score(split, "hybrid", [failing]) for split in ("test", "dev")]
    console = Console(record=True, width=200)
    report(results, {}, "hybrid", {}, tmp_path / "r.json", console)
    printed = console.export_text()
    assert "failed test (held out, see --json): held-1" in printed
    assert printed.count(str(GOOD_ENTRY["question"])) == 1  # the dev row's failure only
    assert str(GOOD_ENTRY["question"]) in (tmp_path / "r.json").read_text()
