"""`extract` throughput of two or more source trees in one run: one process per tree, passes alternated, so the
machine's load falls on every tree alike; prints notes/s per pass, the best, and each tree's paired ratio to the
first (a git worktree of the baseline commit gives its `src`).

    python bench/side_by_side.py --rounds 6 start=/tmp/baseline/src now=src
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

DEFAULT_NOTES = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "mtsamples" / "spine_notes_dedup.jsonl"


def worker(notes: str) -> None:
    """One tree's `extract`, timed on command: a 'go' line on stdin runs a pass and prints its notes/s."""
    import warnings

    warnings.filterwarnings("ignore")
    import notecoder

    texts = [json.loads(line)["text"] for line in open(notes, encoding="utf-8") if line.strip()]
    for text in texts:  # the vocabulary and caches warm before the first timed pass
        notecoder.extract(text)
    print(f"ready {notecoder.__file__}", flush=True)
    for _ in sys.stdin:
        start = time.perf_counter()
        for text in texts:
            notecoder.extract(text)
        print(len(texts) / (time.perf_counter() - start), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("trees", nargs="+", help="name=path/to/src, the first is the baseline")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--notes", default=str(DEFAULT_NOTES))
    args = parser.parse_args()
    trees = dict(tree.split("=", 1) for tree in args.trees)
    procs = {}
    for name, src in trees.items():
        env = {**os.environ, "PYTHONPATH": str(Path(src).resolve())}
        procs[name] = subprocess.Popen(
            [sys.executable, __file__, "--worker", args.notes], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True,
        )  # fmt: skip
    for name, proc in procs.items():
        ready = proc.stdout.readline().split()  # type: ignore[union-attr]
        print(f"{name}: {ready[1]}")
    rates: dict[str, list[float]] = {name: [] for name in procs}
    for _ in range(args.rounds):
        for name, proc in procs.items():
            proc.stdin.write("go\n")  # type: ignore[union-attr]
            proc.stdin.flush()  # type: ignore[union-attr]
            rates[name].append(float(proc.stdout.readline()))  # type: ignore[union-attr]
    for proc in procs.values():
        proc.stdin.close()  # type: ignore[union-attr]
        proc.wait()
    for name, values in rates.items():
        print(f"{name:<10} best {max(values):7.1f} notes/s  passes " + " ".join(f"{v:.0f}" for v in values))
    base = next(iter(rates))
    for name in list(rates)[1:]:
        ratios = [b / a for a, b in zip(rates[base], rates[name], strict=True)]
        best = max(rates[name]) / max(rates[base])
        print(f"{name}/{base}: paired median {statistics.median(ratios):.3f}, best-of {best:.3f}")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--worker":
        worker(sys.argv[2])
    else:
        main()
