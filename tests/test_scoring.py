"""Proposal confidence: every proposal is scored, the shipped model is the one the corpus trains, training is
reproducible, the exported model computes what scikit-learn computes, and a missing or altered model is an error."""

import csv
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import notecoder
from notecoder.cli import app
from notecoder.evaluation import read_corpus
from notecoder.scoring import ModelError, model_folder
from notecoder.scoring.features import FEATURES
from notecoder.scoring.model import CHECKSUM_FILE, MODEL_FILE, load, save
from notecoder.scoring.train import calibrated, dataset, fit, recall_threshold, train

CORPUS = Path(__file__).resolve().parents[1] / "corpora" / "gold"


@pytest.fixture(scope="module")
def train_notes():
    return read_corpus(CORPUS, "train")


@pytest.fixture(scope="module")
def train_data(train_notes):
    return dataset(train_notes)


def test_every_code_and_alternative_has_a_confidence():
    note = (
        "ED: fell down 4 stairs tonight, neck pain. CT: fracture of C2.\n"
        "Assessment: C2 fracture. Also chronic right C5-6 facet syndrome, failed PT, MRI with facet edema C5-6."
    )
    result = notecoder.extract(note)
    proposals = [*result.codes, *result.alternatives]
    assert proposals and all(p.confidence is not None and 0.0 <= p.confidence <= 1.0 for p in proposals)


def test_a_code_the_rules_could_not_complete_is_less_certain_than_a_named_diagnosis():
    named = notecoder.extract("Assessment: right C5-6 facet syndrome, chronic. MRI: C5-6 facet arthropathy.")
    category = notecoder.extract("ED: fell from a ladder today. Dx: cervical spine fracture.")
    (code,) = named.codes
    (fracture,) = [a for a in category.alternatives if a.code.endswith("-")]
    assert code.confidence > fracture.confidence


def test_the_exported_model_computes_what_scikit_learn_computes(train_data):
    classifier = calibrated(train_data, seed=0)
    model = fit(train_data, seed=0, name="t")
    ours = model.probabilities(train_data.features)
    theirs = classifier.predict_proba(train_data.matrix)[:, 1]
    assert np.allclose(ours, theirs, atol=1e-9)


def test_training_twice_gives_the_same_bytes(train_notes, tmp_path):
    digests = []
    for run in ("a", "b"):
        digests.append(save(fit(dataset(train_notes[:100]), seed=3, name="slice"), tmp_path / run))
    assert digests[0] == digests[1]
    assert (tmp_path / "a" / MODEL_FILE).read_bytes() == (tmp_path / "b" / MODEL_FILE).read_bytes()


def test_the_shipped_model_is_what_the_corpus_trains(tmp_path):
    shipped = load(model_folder())
    figures = train(read_corpus(CORPUS), tmp_path / "proposal-confidence", "train", "dev", "test", seed=0)
    retrained = load(tmp_path / "proposal-confidence")
    data = dataset(read_corpus(CORPUS, "dev"))
    assert np.allclose(shipped.probabilities(data.features), retrained.probabilities(data.features), atol=1e-4)
    assert shipped.review_threshold == pytest.approx(retrained.review_threshold, abs=1e-4)
    card = (tmp_path / "proposal-confidence" / "MODEL_CARD.md").read_text()
    assert figures["checksum"] in card and "Brier score" in card and "precision at 90% recall" in card
    assert (tmp_path / "proposal-confidence" / "calibration.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for split in ("dev", "test"):  # the model adds to the rules alone: higher precision at 90% recall...
        assert figures[split]["precision_at_90_recall"] > figures[split]["rules_precision"]

    def pooled(key):  # ...and a better Brier score on all held-out proposals: test's 55 alone cannot rank two scores
        held = [figures[split] for split in ("dev", "test")]  # 0.001 apart (one proposal moves it by 0.005)
        return sum(f[key] * f["proposals"] for f in held) / sum(f["proposals"] for f in held)

    assert pooled("brier_model") < pooled("brier_rules")


def test_review_threshold_keeps_the_wanted_recall():
    labels = [1, 1, 1, 1, 0, 1, 0, 1, 1, 1, 0]
    confidences = [0.99, 0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2]
    threshold = recall_threshold(labels, confidences, 0.75)
    kept = [y for y, c in zip(labels, confidences, strict=True) if c >= threshold]
    assert sum(kept) / sum(labels) >= 0.75 and threshold == 0.5


@pytest.fixture()
def model_copy(tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(model_folder(), folder)
    return folder


def test_an_altered_model_is_refused(model_copy):
    data = json.loads((model_copy / MODEL_FILE).read_text())
    data["folds"][0]["intercept"] += 1.0
    (model_copy / MODEL_FILE).write_text(json.dumps(data))
    with pytest.raises(ModelError, match="does not match its checksum"):
        load(model_copy)


def test_a_missing_model_is_an_error_not_a_silent_fallback(model_copy, monkeypatch):
    (model_copy / CHECKSUM_FILE).unlink()
    with pytest.raises(ModelError, match="no confidence model"):
        load(model_copy)
    monkeypatch.setenv("NOTECODER_MODEL", str(model_copy))
    for note in ("Assessment: cervical facet syndrome.", "Follow-up for hypertension, well controlled."):
        with pytest.raises(ModelError, match="notecoder train"):
            notecoder.extract(note)


def test_a_model_of_other_features_is_refused(model_copy):
    data = json.loads((model_copy / MODEL_FILE).read_text())
    data["features"] = list(FEATURES[:-1]) + ["something_else"]
    body = json.dumps(data).encode()
    (model_copy / MODEL_FILE).write_bytes(body)
    import hashlib

    (model_copy / CHECKSUM_FILE).write_text(f"{hashlib.sha256(body).hexdigest()}  {MODEL_FILE}\n")
    with pytest.raises(ModelError, match="other features"):
        load(model_copy)


def test_batch_and_report_keep_only_confident_proposals(tmp_path):
    export = tmp_path / "notes.csv"
    with export.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text"])
        writer.writerow(["a", "Assessment: right C5-6 facet syndrome, chronic. MRI: C5-6 facet arthropathy."])
        writer.writerow(["b", "ED: fell from a ladder today. Dx: cervical spine fracture."])
    runner = CliRunner()
    everything = runner.invoke(app, ["batch", str(export), "-o", str(tmp_path / "all.csv"), "--quiet"])
    assert everything.exit_code == 0, everything.output
    rows = list(csv.DictReader((tmp_path / "all.csv").open()))
    scored = {r["code"]: float(r["confidence"]) for r in rows if r["record"] in ("code", "alternative")}
    assert "M53.82" in scored and any(code.endswith("-") for code in scored)
    cut = (scored["M53.82"] + min(scored.values())) / 2
    kept = runner.invoke(
        app, ["batch", str(export), "-o", str(tmp_path / "kept.jsonl"), "--min-confidence", str(cut), "--quiet"]
    )
    assert kept.exit_code == 0, kept.output
    records = [json.loads(line) for line in (tmp_path / "kept.jsonl").open()]
    left = {p["code"] for r in records for p in r["result"]["codes"] + r["result"]["alternatives"]}
    assert left == {code for code, c in scored.items() if c >= cut}
    above = round(scored["M53.82"] + 0.0001, 4)  # just above the code's confidence: the report drops it
    report = runner.invoke(
        app, ["report", str(tmp_path / "kept.jsonl"), "-o", str(tmp_path / "r.html"), "--min-confidence", str(above)]
    )
    assert report.exit_code == 0, report.output

    def proposed(page: Path) -> set[str]:
        data = json.loads(page.read_text().split('id="nc-data">')[1].split("</script>")[0])
        return {p["code"] for row in data["rows"] for p in row["codes"]}

    assert "M53.82" not in proposed(tmp_path / "r.html")
    unfiltered = runner.invoke(app, ["report", str(tmp_path / "kept.jsonl"), "-o", str(tmp_path / "u.html")])
    assert unfiltered.exit_code == 0 and "M53.82" in proposed(tmp_path / "u.html")


def test_every_subpackage_ships_in_the_wheel():
    import tomllib

    root = Path(__file__).resolve().parents[1]
    listed = set(tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(path.parent.relative_to(root / "src").parts) for path in (root / "src").rglob("__init__.py")}
    assert found | {"notecoder.models", "notecoder.data.samples"} == listed
