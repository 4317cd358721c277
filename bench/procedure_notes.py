"""The procedure finder (and, once it reads them, the criteria) on notes labelled by other hands
(corpora/procedures/written/*, or a blind batch): how many labelled procedure mentions it finds, with the right family,
step and state, region, levels and side; the procedures it names that no label has; and each miss, to read.

    python bench/procedure_notes.py corpora/procedures/written [-v]
"""

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

import notecoder
from notecoder.procedures.criteria import check_procedures
from notecoder.procedures.finder import ProcedureMention, find_procedures


def span(text: str, mention: str, occurrence: int) -> tuple[int, int]:
    at = -1
    for _ in range(occurrence):
        at = text.find(mention, at + 1)
        if at < 0:
            raise ValueError(f"mention {mention!r} occurrence {occurrence} not in the note")
    return at, at + len(mention)


def levels(found: ProcedureMention) -> list[str]:
    """The mention's levels as the brief writes them ("L4-5", "L5-S1")."""
    names = list(found.levels)
    if len(names) == 1:
        return names
    pairs = []
    for upper, lower in zip(names, names[1:], strict=False):
        pairs.append(f"{upper}-{lower[1:]}" if upper[0] == lower[0] else f"{upper}-{lower}")
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("-v", "--verbose", action="store_true")
    options = parser.parse_args()
    files = sorted(options.folder.glob("*/notes.jsonl")) or sorted(options.folder.glob("notes.jsonl"))
    counts: Counter = Counter()
    statuses: Counter = Counter()
    by_criterion: dict[str, Counter] = defaultdict(Counter)
    for path in files:
        for line in path.open(encoding="utf-8"):
            note = json.loads(line)
            text = note["text"]
            result = notecoder.extract(text)
            checks = {(c.procedure.family, c.procedure.step, c.procedure.state): c
                      for c in check_procedures(text, result)}  # fmt: skip
            found = list(find_procedures(text, result))
            used: set[int] = set()
            for gold in note["procedures"]:
                counts["labelled"] += 1
                start, end = span(text, gold["mention"], gold["occurrence"])
                at = (n for n, f in enumerate(found) if f.evidence.start < end and f.evidence.end > start)
                match = next(at, None)
                if match is None:
                    same = [n for n, f in enumerate(found) if n not in used and f.family == gold["family"]
                            and f.state == gold["state"]]  # fmt: skip
                    match = same[0] if same else None
                if match is None:
                    counts["missed"] += 1
                    counts["missed criteria"] += len(gold["criteria"])
                    counts["missed criteria right"] += sum(
                        c["status"] == "not_applicable" for c in gold["criteria"].values()
                    )
                    if options.verbose:
                        said = f"{gold['family']}/{gold['step']}/{gold['state']}"
                        print(f"{note['id']} missed {said}: {gold['mention']!r}")
                    continue
                used.add(match)
                ours = found[match]
                counts["found"] += 1
                ours_criteria = {c.id: c for c in checks[(ours.family, ours.step, ours.state)].criteria}
                for name, label in gold["criteria"].items():
                    mine = ours_criteria[name]
                    counts["criteria"] += 1
                    statuses[(label["status"], mine.status)] += 1
                    applicable = label["status"] != "not_applicable" or mine.status != "not_applicable"
                    counts["applicable"] += applicable
                    right = label["status"] == mine.status
                    counts["criteria right"] += right
                    counts["applicable right"] += right and applicable
                    by_criterion[name][right] += 1
                    if mine.status == "documented":
                        counts["documented"] += 1
                        wanted = [span(text, e, 1) for e in label["evidence"]]
                        counts["documented held"] += label["status"] == "documented" and any(
                            e.start < high and e.end > low for e in mine.evidence for low, high in wanted
                        )
                    if not right and options.verbose and applicable:
                        shown = [e.text[:50] for e in mine.evidence][:2]
                        print(f"{note['id']} {name}: {mine.status} (labelled {label['status']}) {shown}")
                for field, theirs, mine in (
                    ("family", gold["family"], ours.family),
                    ("step", gold["step"], ours.step),
                    ("state", gold["state"], ours.state),
                    ("region", gold["region"], ours.region),
                    ("side", gold["side"], ours.side),
                    ("levels", sorted(gold["levels"]), sorted(levels(ours))),
                ):
                    if theirs == mine:
                        counts[f"{field} right"] += 1
                    elif options.verbose and field in ("family", "step", "state"):
                        print(f"{note['id']} {field} {mine} (labelled {theirs}): {gold['mention']!r}")
            for n, ours in enumerate(found):
                if n not in used and not any(f.family == ours.family and f.state == ours.state and m in used
                                             for m, f in enumerate(found)):  # fmt: skip
                    counts["unlabelled"] += 1
                    if options.verbose:
                        print(f"{note['id']} unlabelled {ours.family}/{ours.step}/{ours.state}: {ours.evidence.text!r}")
    found_n = counts["found"] or 1
    print(f"labelled procedure mentions {counts['labelled']}: found {counts['found']}, missed {counts['missed']}; "
          f"unlabelled procedures named {counts['unlabelled']}")  # fmt: skip
    print("  of those found, right: " + ", ".join(
        f"{field} {counts[field + ' right'] / found_n:.3f}" for field in ("family", "step", "state", "region", "levels",
                                                                          "side")))  # fmt: skip
    share = counts["criteria right"] / max(1, counts["criteria"])
    applicable = counts["applicable right"] / max(1, counts["applicable"])
    every = (counts["criteria right"] + counts["missed criteria right"]) / max(
        1, counts["criteria"] + counts["missed criteria"]
    )
    print(
        f"every labelled criterion {counts['criteria'] + counts['missed criteria']} (a missed procedure's read as not "
        f"applicable): status right {every:.3f}"
    )
    print(
        f"criteria of found procedures {counts['criteria']}: status right {share:.3f}; where either says it "
        f"applies {counts['applicable']}: {applicable:.3f}; documented {counts['documented']}, with the labelled "
        f"evidence {counts['documented held']}"
    )
    if options.verbose:
        for name, tally in sorted(by_criterion.items()):
            print(f"  {name}: {tally[True]}/{tally[True] + tally[False]}")
        for (theirs, mine), n in sorted(statuses.items()):
            print(f"  labelled {theirs:15} read {mine:15} {n}")
    sys.exit(0)


if __name__ == "__main__":
    main()
