"""The loop back: coders' decisions exported from the review report retrain the confidence model, which must then
agree with them more on the notes it did not learn them from."""

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from notecoder.cli import ExitCode, app
from notecoder.evaluation import read_corpus
from notecoder.extraction import extract_rules
from notecoder.scoring.features import proposal_features
from notecoder.scoring.feedback import held_out, read_decisions
from notecoder.scoring.model import load

CORPUS = Path(__file__).resolve().parents[1] / "corpora" / "gold"
COLUMNS = ["note_id", "item", "code", "gap", "decision", "new_code", "reason", "reviewer", "time"]
runner = CliRunner()


def write_decisions(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def pain_rejected(tmp_path_factory) -> Path:
    """A coder who rejects every pain code the rules offer and accepts everything else."""
    rows = []
    for note in read_corpus(CORPUS):
        result = extract_rules(note.text, note.setting)
        for item, proposals in (("code", result.codes), ("alternative", result.alternatives)):
            for p in proposals:
                rejected = p.code.startswith(("M54.2", "M54.5", "M54.6", "M54.9"))
                rows.append({"note_id": note.id, "item": item, "code": p.code,
                             "decision": "rejected" if rejected else "accepted", "reviewer": "synthetic",
                             "time": "2026-12-01T00:00:00Z"})  # fmt: skip
        for gap in result.gaps:  # decisions on gaps are kept in the file but score no proposal
            rows.append({"note_id": note.id, "item": "gap", "code": gap.code or "", "gap": gap.id,
                         "decision": "accepted"})  # fmt: skip
    return write_decisions(tmp_path_factory.mktemp("feedback") / "decisions.csv", rows)


def test_decisions_retrain_the_model_the_right_way(pain_rejected, tmp_path):
    out = runner.invoke(app, ["train", str(CORPUS), "-o", str(tmp_path / "model"), "--feedback", str(pain_rejected)])
    assert out.exit_code == 0, out.output
    figures = json.loads(out.output)["decisions"]
    assert figures["fitted"] > 0 and figures["held_out"] > 0
    assert figures["after"]["brier_model"] < figures["before"]["brier_model"]  # closer to the coder's decisions
    assert "## Coders' decisions" in (tmp_path / "model" / "MODEL_CARD.md").read_text()

    plain = tmp_path / "plain"
    assert runner.invoke(app, ["train", str(CORPUS), "-o", str(plain)]).exit_code == 0
    before, after = load(plain), load(tmp_path / "model")
    held = []
    for note in read_corpus(CORPUS):
        if not held_out(note.id):
            continue
        for _, proposal, features in proposal_features(extract_rules(note.text, note.setting), len(note.text)):
            if proposal.code.startswith("M54.2"):
                held.append(features)
    assert held, "the corpus has neck pain proposals on held-out notes"
    assert sum(after.probabilities(held)) < sum(before.probabilities(held))  # the rejected kind is trusted less


def test_the_last_decision_on_a_code_wins_and_gaps_are_left_out(tmp_path):
    path = write_decisions(tmp_path / "d.csv", [
        {"note_id": "n1", "item": "code", "code": "M53.82", "decision": "accepted"},
        {"note_id": "n1", "item": "code", "code": "M53.82", "decision": "rejected"},
        {"note_id": "n1", "item": "gap", "code": "M53.82", "gap": "imaging-not-documented", "decision": "rejected"},
        {"note_id": "n2", "item": "alternative", "code": "M54.2", "decision": "changed", "new_code": "M53.82"},
    ])  # fmt: skip
    assert [(d.note_id, d.code, d.label) for d in read_decisions(path)] == [("n1", "M53.82", 0), ("n2", "M54.2", 0)]


@pytest.mark.parametrize(
    ("rows", "says"),
    [
        (
            [{"note_id": "w-ct-01", "item": "code", "code": "M53.83", "decision": "maybe"}],
            "decision 1: decision 'maybe'",
        ),
        ([{"note_id": "", "item": "code", "code": "M53.83", "decision": "accepted"}], "decision 1: no note_id"),
        ([{"note_id": "not-in-corpus", "item": "code", "code": "M53.83", "decision": "accepted"}], "not-in-corpus"),
    ],
)
def test_a_bad_decisions_file_is_refused_by_row(tmp_path, rows, says):
    path = write_decisions(tmp_path / "d.csv", rows)
    out = runner.invoke(app, ["train", str(CORPUS), "-o", str(tmp_path / "m"), "--feedback", str(path)])
    assert out.exit_code == ExitCode.INPUT and says in out.output
    assert not (tmp_path / "m" / "model.json").exists()


def test_the_team_worklist_s_decisions_retrain_the_model_as_the_export_does(tmp_path):
    """`--feedback-db`: the decisions are read from the worklist's database, and the notes they are about from the
    text it keeps (these ids are in no corpus and no results file)."""
    from sqlalchemy.orm import Session

    from notecoder.worklist.database import engine_for, migrate
    from notecoder.worklist.decisions import decide
    from notecoder.worklist.imports import ImportSummary, queue_note
    from notecoder.worklist.tables import User

    url = f"sqlite:///{tmp_path / 'team.db'}"
    engine = engine_for(url)
    migrate(engine)
    coder = User(name="dee", role="coder")
    with Session(engine) as session:
        for note in read_corpus(CORPUS, "train")[:40]:
            result = extract_rules(note.text, note.setting)
            note_id = f"wl-{note.id}"
            queue_note(session, ImportSummary(), note_id, result, actor="cli:test", source="corpus", text=note.text)
            session.commit()
            for item, proposals in (("code", result.codes), ("alternative", result.alternatives)):
                for p in proposals:
                    rejected = p.code.startswith(("M54.2", "M54.5", "M54.6", "M54.9"))
                    decide(session, coder, note_id, item, p.code, "rejected" if rejected else "accepted", version=0,
                           reason="not supported by the note" if rejected else None)  # fmt: skip
    engine.dispose()
    from_db = runner.invoke(app, ["train", str(CORPUS), "-o", str(tmp_path / "db"), "--feedback-db", url])
    assert from_db.exit_code == 0, from_db.output
    figures = json.loads(from_db.output)["decisions"]
    assert figures["fitted"] + figures["held_out"] >= 40
    assert figures["after"]["brier_model"] < figures["before"]["brier_model"]
