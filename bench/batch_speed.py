"""Batch throughput and memory on a real-style export, 1 process against 2, in one run.

    python bench/batch_speed.py [--input PATH] [--limit N]
    python bench/batch_speed.py --identifiers 30000

Prints notes/s and the peak resident memory of each worker for 1 and 2 processes, run alternately (--rounds),
and the ratio of the best of each (targets: >= 1.8x on a 2-core machine, <= 300 MB per worker). The pipeline's
start-up in each worker is excluded: timing starts with the first note.
With --identifiers N: N short synthetic notes, each full of identifiers never seen before (MRNs, accession numbers),
coded by one worker at N/3 and at N notes: its peak memory should not grow with N (the pipeline is rebuilt every
notecoder.pipeline.RECYCLE_AFTER notes so that spaCy's vocabulary does not keep every identifier)."""

import argparse
import csv
import sys
import tempfile
from pathlib import Path

from notecoder.batch import run_batch
from notecoder.extraction import default_coder

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


def identifier_notes(folder: Path, count: int) -> Path:
    target = folder / f"identifiers-{count}.csv"
    with target.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "text"])
        for i in range(count):
            ids = " ".join(f"MRN{i:07d}X{j} ACC-{i * 7 + j:09d}" for j in range(4))
            writer.writerow([f"n{i}", f"Pt {ids}. CC: neck pain x 3 months. A: C5-6 facet syndrome, failed PT."])
    return target


def memory_over_identifiers(count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for n in (count // 3, count):
            source = identifier_notes(Path(folder), n)
            # two processes: fresh workers per run, so each run's peak is its own
            summary = run_batch(source, Path(folder) / f"out{n}.jsonl", processes=2)
            memory = ", ".join(f"{mb:.0f} MB" for mb in sorted(summary.peak_rss_mb.values()))
            print(f"{n:6} notes with unique identifiers: {summary.notes_per_second:7.1f} notes/s; "
                  f"peak memory per worker: {memory}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--input", type=Path, default=DEFAULT_INPUT)
    parser.add_argument("--limit", type=int, default=None, help="first N rows only")
    parser.add_argument("--identifiers", type=int, default=None, help="memory over N notes of unique identifiers")
    parser.add_argument("--rounds", type=int, default=2, help="1 and 2 processes run alternately this many times")
    args = parser.parse_args()
    if args.identifiers:
        memory_over_identifiers(args.identifiers)
        return
    with tempfile.TemporaryDirectory() as folder:
        source = limited_copy(args.input, args.limit, Path(folder)) if args.limit else args.input
        rates: dict[int, float] = {}
        for _ in range(args.rounds):
            for processes in (1, 2):
                default_coder().discard()  # one process codes in this one: a fresh pipeline, as a worker has
                summary = run_batch(source, Path(folder) / f"out{processes}.jsonl", processes=processes)
                rates[processes] = max(rates.get(processes, 0.0), summary.notes_per_second)
                memory = ", ".join(f"{mb:.0f} MB" for mb in sorted(summary.peak_rss_mb.values()))
                print(f"{processes} process(es): {summary.notes} notes ({summary.errors} failed rows) "
                      f"{summary.notes_per_second:7.1f} notes/s; peak memory per worker: {memory}")  # fmt: skip
    ratio = rates[2] / rates[1]
    print(f"best of {args.rounds}: 1 process {rates[1]:.1f}, 2 processes {rates[2]:.1f} notes/s; "
          f"2 / 1 = {ratio:.2f}x (target >= 1.8x; memory target <= 300 MB per worker)")  # fmt: skip


if __name__ == "__main__":
    main()
