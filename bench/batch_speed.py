"""Batch throughput and memory on a real-style export, 1 process against 2, in one run.

    python bench/batch_speed.py [--input PATH] [--limit N]

Prints notes/s and the peak resident memory of each worker for 1 and 2 processes, and the ratio (target >= 1.6x
on a 2-core machine). The pipeline's start-up in each worker is excluded: timing starts with the first note."""

import argparse
import csv
import sys
import tempfile
from pathlib import Path

from notecoder.batch import run_batch

DEFAULT_INPUT = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "mtsamples" / "mtsamples.csv"


def limited_copy(source: Path, limit: int, folder: Path) -> Path:
    csv.field_size_limit(sys.maxsize)
    target = folder / "input.csv"
    with source.open(newline="", encoding="utf-8") as inp, target.open("w", newline="", encoding="utf-8") as out:
        reader, writer = csv.reader(inp), csv.writer(out)
        for i, row in enumerate(reader):
            if i > limit:
                break
            writer.writerow(row)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--input", type=Path, default=DEFAULT_INPUT)
    parser.add_argument("--limit", type=int, default=None, help="first N rows only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        source = limited_copy(args.input, args.limit, Path(folder)) if args.limit else args.input
        rates = {}
        for processes in (1, 2):
            summary = run_batch(source, Path(folder) / f"out{processes}.jsonl", processes=processes)
            rates[processes] = summary.notes_per_second
            memory = ", ".join(f"{mb:.0f} MB" for mb in sorted(summary.peak_rss_mb.values()))
            print(f"{processes} process(es): {summary.notes} notes ({summary.errors} failed rows) "
                  f"{summary.notes_per_second:7.1f} notes/s; peak memory per worker: {memory}")  # fmt: skip
    print(f"2 processes / 1 process = {rates[2] / rates[1]:.2f}x (target >= 1.6x)")


if __name__ == "__main__":
    main()
