"""The annotated corpus: it validates, `notecoder evaluate` scores it, and dev stays at or above its floors."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from notecoder.cli import app
from notecoder.evaluation import GoldNote, evaluate, read_corpus

CORPUS = Path(__file__).resolve().parents[1] / "corpora"
FLOORS = json.loads((CORPUS / "floors.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def dev_report() -> dict:
    return evaluate(read_corpus(CORPUS / "gold", "dev")).report()


def test_every_split_has_notes_and_ids_are_unique():
    notes = read_corpus(CORPUS / "gold")
    assert {n.split for n in notes} == {"train", "dev", "test"}
    assert len({n.id for n in notes}) == len(notes)


def test_a_span_that_does_not_match_its_text_is_rejected():
    with pytest.raises(ValueError, match="is not"):
        GoldNote.model_validate({"id": "x", "split": "dev", "source": "s", "style": "s", "text": "neck pain",
                                 "spans": [{"start": 0, "end": 4, "kind": "condition", "text": "pain"}]})  # fmt: skip


def test_dev_stays_at_or_above_its_floors(dev_report):
    for metric in ("code_set_accuracy", "alternative_recall"):
        assert dev_report[metric] >= FLOORS[metric], metric
    assert dev_report["codes"]["f1"] >= FLOORS["codes_f1"]
    assert dev_report["gaps"]["f1"] >= FLOORS["gaps_f1"]
    for kind, floor in FLOORS["span_overlap_f1"].items():
        assert dev_report["spans"][kind]["overlap"]["f1"] >= floor, kind
    for label, floor in FLOORS["assertion_accuracy"].items():
        assert dev_report["assertion_accuracy"][label]["accuracy"] >= floor, label


def test_evaluate_command(tmp_path):
    out = CliRunner().invoke(
        app, ["evaluate", str(CORPUS / "gold"), "--split", "dev", "--json", str(tmp_path / "r.json")]
    )
    assert out.exit_code == 0, out.output
    assert "code-set accuracy" in out.output and "assertion accuracy" in out.output
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["notes"] == len(read_corpus(CORPUS / "gold", "dev"))
    assert set(report) >= {"spans", "assertion_accuracy", "codes", "gaps", "alternative_recall", "confusions"}
