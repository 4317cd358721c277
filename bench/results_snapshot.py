"""Every answer notecoder gives, written to a file before a change and compared after it, so a refactor or a
speed-up that changes any result shows which notes and which fields moved.

    python bench/results_snapshot.py write before.jsonl
    ... change the code ...
    python bench/results_snapshot.py write after.jsonl
    python bench/results_snapshot.py compare before.jsonl after.jsonl [--ignore FIELD ...]

The notes are the MTSamples spine notes, the annotated corpus (all splits) and the written/ notes; a result is
the full `NoteResult` as JSON, confidences included, for the note's setting. The snapshot holds no note text,
only ids and results."""

import argparse
import json
import sys
from pathlib import Path

import notecoder

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared" / "data"


def notes() -> list[tuple[str, str, str]]:
    found: list[tuple[str, str, str]] = []
    with (SHARED / "mtsamples" / "spine_notes_dedup.jsonl").open(encoding="utf-8") as handle:
        for i, line in enumerate(handle):
            if line.strip():
                found.append((f"mtsamples:{i}", json.loads(line)["text"], "outpatient"))
    for split in sorted((ROOT / "corpora" / "gold").glob("*.jsonl")):
        with split.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    note = json.loads(line)
                    found.append((f"corpus:{note['id']}", note["text"], note.get("setting", "outpatient")))
    for labelled in sorted((SHARED / "written").glob("*.jsonl")):
        with labelled.open(encoding="utf-8") as handle:
            for i, line in enumerate(handle):
                if line.strip():
                    note = json.loads(line)
                    note_id = f"{labelled.stem}:{note.get('id', i)}"
                    found.append((note_id, note["text"], note.get("setting", "outpatient")))
    return found


def write(path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        for note_id, text, setting in notes():
            result = notecoder.extract(text, setting)
            out.write(json.dumps({"id": note_id, "result": result.model_dump(mode="json")}, sort_keys=True) + "\n")
    print(f"wrote {path}")


def _without(value, ignored: frozenset[str]):
    if isinstance(value, dict):
        return {k: _without(v, ignored) for k, v in value.items() if k not in ignored}
    if isinstance(value, list):
        return [_without(v, ignored) for v in value]
    return value


def _read(path: Path, ignored: frozenset[str] = frozenset()) -> dict[str, dict]:
    with path.open(encoding="utf-8") as handle:
        return {row["id"]: _without(row["result"], ignored) for row in map(json.loads, handle)}


def compare(before: Path, after: Path, ignored: frozenset[str] = frozenset()) -> int:
    """`ignored`: keys left out at any depth, for a change that adds fields and must leave the rest as it was."""
    old, new = _read(before, ignored), _read(after, ignored)
    changed = []
    for note_id in sorted(old.keys() | new.keys()):
        a, b = old.get(note_id), new.get(note_id)
        if a != b:
            fields = sorted(k for k in (a or {}).keys() | (b or {}).keys() if (a or {}).get(k) != (b or {}).get(k))
            changed.append((note_id, fields))
    print(f"{len(old)} notes before, {len(new)} after, {len(changed)} with a different result")
    for note_id, fields in changed[:50]:
        print(f"  {note_id}: {', '.join(fields)}")
    return 1 if changed else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("write").add_argument("path", type=Path)
    compared = commands.add_parser("compare")
    compared.add_argument("before", type=Path)
    compared.add_argument("after", type=Path)
    compared.add_argument("--ignore", action="append", default=[], help="a key to leave out (added fields)")
    args = parser.parse_args()
    if args.command == "write":
        write(args.path)
    else:
        sys.exit(compare(args.before, args.after, frozenset(args.ignore)))


if __name__ == "__main__":
    main()
