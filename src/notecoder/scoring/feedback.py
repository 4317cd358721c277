"""Coders' decisions as labelled proposals for the confidence model: what a coder accepted is right, what they
rejected or changed to another code is wrong. Decisions come from the review report's export (CSV or JSON); the
proposals they are about are rebuilt from the notes (the corpus's, or a batch's results written with
--include-text), so each decision gets the very features the model scores."""

import csv
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from notecoder.batch.results import read_results
from notecoder.extraction import extract_rules
from notecoder.scoring.features import proposal_features

DECISION_COLUMNS = ("note_id", "item", "code", "decision")
LABELS = {"accepted": 1, "rejected": 0, "changed": 0}
HELD_OUT = 3  # one note in three: its decisions check the model, the others train it


class FeedbackError(ValueError):
    """The decisions or the notes they are about cannot be read."""


@dataclass(frozen=True)
class Decision:
    note_id: str
    code: str
    label: int


def read_decisions(path: Path) -> list[Decision]:
    """The proposal decisions of an exported decisions file (gap decisions do not score proposals); the last
    decision on a note's code wins."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise FeedbackError(f"{path.name} cannot be read ({type(error).__name__})") from None
    if path.suffix.lower() == ".json":
        try:
            records = json.loads(text)
        except ValueError:
            raise FeedbackError(f"{path.name} is not JSON") from None
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise FeedbackError(f"{path.name} is not a list of decisions")
    else:
        records = list(csv.DictReader(text.splitlines()))
    return decisions_of(records, path.name)


def decisions_of(records: list[dict], where: str) -> list[Decision]:
    """The proposal decisions among exported decision records (a file's, or the worklist's)."""
    latest: dict[tuple[str, str], Decision] = {}
    for number, record in enumerate(records, 1):
        missing = [c for c in DECISION_COLUMNS if not str(record.get(c) or "").strip()]
        if missing:
            raise FeedbackError(f"{where} decision {number}: no {', '.join(missing)}")
        if record["item"] not in ("code", "alternative"):
            continue
        if record["decision"] not in LABELS:
            raise FeedbackError(
                f"{where} decision {number}: decision {record['decision']!r} is not one of {', '.join(LABELS)}"
            )
        key = (str(record["note_id"]), str(record["code"]))
        latest[key] = Decision(key[0], key[1], LABELS[record["decision"]])
    return list(latest.values())


def held_out(note_id: str) -> bool:
    """The same notes are held out on every run, whatever order the decisions come in."""
    return int(hashlib.sha256(note_id.encode("utf-8")).hexdigest(), 16) % HELD_OUT == 0


def notes_from_results(path: Path) -> dict[str, tuple[str, str]]:
    """Note id -> (text, setting) from a batch's JSONL results; the batch must have kept the text."""
    notes: dict[str, tuple[str, str]] = {}
    for record, result in read_results(path):
        if result is None:
            continue
        if "text" not in record:
            raise FeedbackError(f"{path.name} row {record['row']} has no note text: run the batch with --include-text")
        notes[str(record["id"])] = (record["text"], result.setting.value)
    return notes


def labelled_proposals(decisions: Iterable[Decision], notes: dict[str, tuple[str, str]]):
    """(held out?, features, label, code) for every decision whose proposal the rules still make on its note."""
    by_note: dict[str, list[Decision]] = {}
    for decision in decisions:
        by_note.setdefault(decision.note_id, []).append(decision)
    unknown = sorted(set(by_note) - set(notes))
    if unknown:
        shown = ", ".join(unknown[:5]) + (" ..." if len(unknown) > 5 else "")
        raise FeedbackError(f"decisions about {len(unknown)} notes that are not in the notes given: {shown}")
    for note_id, decided in by_note.items():
        text, setting = notes[note_id]
        features = {p.code: f for _, p, f in proposal_features(extract_rules(text, setting), len(text))}
        for decision in decided:
            if decision.code in features:  # a proposal the rules no longer make teaches nothing about them
                yield held_out(note_id), features[decision.code], decision.label, decision.code
