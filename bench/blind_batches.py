"""Figures on the blind batches (`corpora/blind/*/notes.jsonl`): notes written and labelled by helpers who never saw
the rules, scored exactly as `../shared/tools/outside_figures.py` scores the outside material (its `score`).

    python bench/blind_batches.py [-v]
    python bench/blind_batches.py --record     # and write corpora/blind/held.json

A batch is scored after the rules it tests were written and never tuned on afterwards (its README says when).
`--record` writes which notes each batch's labels are met on (code set, gaps): tests/test_blind_batches_hold.py keeps
them met, so a rule or a retrained model that flips a reading fails CI instead of moving a figure silently."""

import importlib.util
import json
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ROOT / ".." / "shared" / "tools" / "outside_figures.py"


def main() -> int:
    warnings.filterwarnings("ignore")
    spec = importlib.util.spec_from_file_location("outside_figures", FIGURES)
    if spec is None or spec.loader is None:
        print(f"needs {FIGURES}", file=sys.stderr)
        return 2
    figures = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(figures)
    from notecoder import extract

    record = "--record" in sys.argv
    read = _remembered(extract) if record else extract  # the record reads the results the scoring made
    held: dict[str, dict[str, list[str]]] = {}
    for path in sorted((ROOT / "corpora" / "blind").glob("*/notes.jsonl")):
        notes = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
        figures.score(path.parent.name, notes, read, True, "-v" in sys.argv)
        if record:
            held[path.parent.name] = _held(notes, read)
    if held:
        record = {"about": HELD_ABOUT, "batches": held}
        HELD.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return 0


HELD = ROOT / "corpora" / "blind" / "held.json"
HELD_ABOUT = (
    "Blind batch notes whose labels the rules meet, by batch: 'codes' (the M53 code set) and 'gaps' (the gap set). "
    "Written by `python bench/blind_batches.py --record`; tests/test_blind_batches_hold.py keeps each met. A note "
    "that leaves a list does so in a commit that says why."
)


def _remembered(extract):
    """`extract`, each note's result kept for a second reading."""
    seen: dict[tuple[str, str | None], object] = {}

    def read(text: str, setting: str | None = None):
        if (text, setting) not in seen:
            seen[text, setting] = extract(text, setting=setting) if setting else extract(text)
        return seen[text, setting]

    return read


def _held(notes: list[dict], extract) -> dict[str, list[str]]:
    codes, gaps = [], []
    for note in notes:
        result = extract(note["text"], setting=note.get("setting"))
        if {c.code for c in result.codes} == set(note["codes"]):
            codes.append(note["id"])
        if {g.id for g in result.gaps} == set(note["gaps"]):
            gaps.append(note["id"])
    return {"codes": codes, "gaps": gaps}


if __name__ == "__main__":
    sys.exit(main())
