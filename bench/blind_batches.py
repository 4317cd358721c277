"""Figures on the blind batches (`corpora/blind/*/notes.jsonl`): notes written and labelled by helpers who never saw
the rules, scored exactly as `../shared/tools/outside_figures.py` scores the outside material (its `score`).

    python bench/blind_batches.py [-v]

A batch is scored after the rules it tests were written and never tuned on afterwards (its README says when)."""

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

    for path in sorted((ROOT / "corpora" / "blind").glob("*/notes.jsonl")):
        notes = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
        figures.score(path.parent.name, notes, extract, True, "-v" in sys.argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
