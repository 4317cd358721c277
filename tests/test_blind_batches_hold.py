"""The blind batches' readings the rules get right stay right (corpora/blind/held.json): a rule or a retrained stance
model that flips one fails here by batch and note id, instead of moving a batch's figure unnoticed."""

import json
from pathlib import Path

import pytest

import notecoder

pytestmark = pytest.mark.slow  # thousands of notes: the newest set runs it, the oldest set's quick pass does not

BLIND = Path(__file__).resolve().parents[1] / "corpora" / "blind"
HELD = json.loads((BLIND / "held.json").read_text(encoding="utf-8"))["batches"]


def _notes(batch: str) -> dict[str, dict]:
    lines = (BLIND / batch / "notes.jsonl").read_text(encoding="utf-8").splitlines()
    return {note["id"]: note for note in map(json.loads, filter(None, lines))}


@pytest.mark.parametrize("batch", sorted(HELD))
def test_readings_met_once_stay_met(batch):
    notes, held = _notes(batch), HELD[batch]
    lost = []
    for note_id in sorted(set(held["codes"]) | set(held["gaps"])):
        note = notes[note_id]
        result = notecoder.extract(note["text"], setting=note.get("setting") or "outpatient")
        if note_id in held["codes"] and {c.code for c in result.codes} != set(note["codes"]):
            lost.append(f"{note_id} codes {sorted(c.code for c in result.codes)} != {note['codes']}")
        if note_id in held["gaps"] and {g.id for g in result.gaps} != set(note["gaps"]):
            lost.append(f"{note_id} gaps {sorted(g.id for g in result.gaps)} != {note['gaps']}")
    assert not lost, f"{batch}: " + "; ".join(lost)


def test_every_batch_is_held():
    batches = {path.parent.name for path in BLIND.glob("*/notes.jsonl")}
    assert batches == set(HELD), "run python bench/blind_batches.py --record after adding a batch"
