"""Does the evidence notecoder quotes for a `documented` procedure item hold the item? The sheet for a reader who has
not seen the rules, and the score of that reader's verdicts.

    python bench/procedure_evidence.py sheet corpora/procedures/blind/f > sheet.jsonl
    python bench/procedure_evidence.py score sheet.jsonl verdicts.jsonl

Each sheet line: a key, the item's wording, the procedure (family, step, state, levels as read), the quotes and, for
each, the line of the note it stands in (so the reader sees what the quote says in place, and no more). A verdict
line: {"key": ..., "holds": "yes" | "partly" | "no", "why": ...}. "partly": the quotes show part of the item (a
duration without the pain's severity, one block's relief of two)."""

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import notecoder


def _line(text: str, start: int, end: int) -> str:
    low = text.rfind("\n", 0, start) + 1
    high = text.find("\n", end)
    return text[low : high if high >= 0 else len(text)]


def sheet(folder: Path) -> None:
    files = sorted(folder.glob("*/notes.jsonl")) or sorted(folder.glob("notes.jsonl"))
    for path in files:
        for raw in path.open(encoding="utf-8"):
            note = json.loads(raw)
            text = note["text"]
            for n, check in enumerate(notecoder.extract(text).procedures):
                procedure = check.procedure
                for item in check.criteria:
                    if item.status != "documented" or not item.evidence:
                        continue
                    row = {
                        "key": f"{note['id']}/{n}/{item.id}",
                        "item": item.wording,
                        "procedure": f"{procedure.family} {procedure.step} ({procedure.state}) "
                        + " ".join(procedure.levels),
                        "quotes": [{"quote": e.text, "in_line": _line(text, e.start, e.end)} for e in item.evidence],
                    }
                    sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")


def score(sheet_path: Path, verdicts_path: Path) -> None:
    keys = [json.loads(line)["key"] for line in sheet_path.open(encoding="utf-8")]
    verdicts = {v["key"]: v for v in map(json.loads, verdicts_path.open(encoding="utf-8"))}
    missing = [k for k in keys if k not in verdicts]
    if missing:
        raise SystemExit(f"{len(missing)} sheet lines have no verdict, e.g. {missing[0]}")
    said = Counter(verdicts[k]["holds"] for k in keys)
    total = len(keys)
    print(f"documented readings {total}: evidence holds the item {said['yes']} ({said['yes'] / total:.3f}), "
          f"partly {said['partly']}, not {said['no']}")  # fmt: skip
    by_item: Counter = Counter()
    for key in keys:
        if verdicts[key]["holds"] != "yes":
            by_item[key.rsplit("/", 1)[1]] += 1
            print(f"  {key}: {verdicts[key]['holds']}: {verdicts[key].get('why', '')}")
    for item, count in by_item.most_common():
        print(f"  {item}: {count}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("sheet").add_argument("folder", type=Path)
    scored = commands.add_parser("score")
    scored.add_argument("sheet", type=Path)
    scored.add_argument("verdicts", type=Path)
    options = parser.parse_args()
    if options.command == "sheet":
        sheet(options.folder)
    else:
        score(options.sheet, options.verdicts)


if __name__ == "__main__":
    main()
