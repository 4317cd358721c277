"""Figures against the gold corpus: span precision/recall/F1 per kind, assertion accuracy, code sets, alternatives,
gaps, and the notes that differ."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from notecoder.evaluation.gold import GoldNote
from notecoder.extraction import extract
from notecoder.result import NoteResult


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, gold: set, predicted: set) -> None:
        self.tp += len(gold & predicted)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)

    def summary(self) -> dict[str, float | int]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}  # fmt: skip


@dataclass
class Evaluation:
    notes: int = 0
    spans_exact: dict[str, PRF] = field(default_factory=lambda: defaultdict(PRF))
    spans_overlap: dict[str, PRF] = field(default_factory=lambda: defaultdict(PRF))
    assertion_hits: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    code_set_exact: int = 0
    codes: PRF = field(default_factory=PRF)
    alternatives: PRF = field(default_factory=PRF)
    gaps: PRF = field(default_factory=PRF)
    confusions: list[dict] = field(default_factory=list)

    def report(self) -> dict:
        return {
            "notes": self.notes,
            "spans": {
                kind: {"exact": self.spans_exact[kind].summary(), "overlap": self.spans_overlap[kind].summary()}
                for kind in sorted(set(self.spans_exact) | set(self.spans_overlap))
            },
            "assertion_accuracy": {
                label: {"accuracy": round(hit / total, 4) if total else 0.0, "n": total}
                for label, (hit, total) in sorted(self.assertion_hits.items())
            },
            "code_set_accuracy": round(self.code_set_exact / self.notes, 4) if self.notes else 0.0,
            "codes": self.codes.summary(),
            "alternative_recall": round(self.alternatives.recall, 4),
            "gaps": self.gaps.summary(),
            "confusions": self.confusions,
        }


def _overlaps(a, b) -> bool:
    return a.start < b.end and b.start < a.end


def score_note(gold: GoldNote, result: NoteResult, evaluation: Evaluation) -> None:
    evaluation.notes += 1
    predicted = result.findings if gold.spans_annotated else ()
    for kind in {s.kind for s in gold.spans} | {f.kind for f in predicted}:
        gold_spans = [s for s in gold.spans if s.kind == kind]
        found = [f for f in predicted if f.kind == kind]
        evaluation.spans_exact[kind].add({(s.start, s.end) for s in gold_spans}, {(f.start, f.end) for f in found})
        overlap = evaluation.spans_overlap[kind]
        overlap.tp += sum(any(_overlaps(s, f) for f in found) for s in gold_spans)
        overlap.fn += sum(not any(_overlaps(s, f) for f in found) for s in gold_spans)
        overlap.fp += sum(not any(_overlaps(s, f) for s in gold_spans) for f in found)
        for span in gold_spans:
            match = next((f for f in found if _overlaps(span, f)), None)
            if match is not None:
                hits = evaluation.assertion_hits[span.assertion.value]
                hits[0] += match.assertion == span.assertion
                hits[1] += 1
    codes, alternatives, gaps = (
        {c.code for c in result.codes},
        {a.code for a in result.alternatives},
        {g.id for g in result.gaps},
    )
    evaluation.codes.add(set(gold.codes), codes)
    alternatives = {as_gold(a, gold.alternatives) for a in alternatives}
    evaluation.alternatives.add(set(gold.alternatives), alternatives)
    evaluation.gaps.add(set(gold.gaps), gaps)
    evaluation.code_set_exact += codes == set(gold.codes)
    if codes != set(gold.codes) or gaps != set(gold.gaps) or not set(gold.alternatives) <= alternatives:
        evaluation.confusions.append({
            "id": gold.id, "codes": {"gold": sorted(gold.codes), "predicted": sorted(codes)},
            "alternatives": {"gold": sorted(gold.alternatives), "predicted": sorted(alternatives)},
            "gaps": {"missing": sorted(set(gold.gaps) - gaps), "extra": sorted(gaps - set(gold.gaps))},
        })  # fmt: skip


def as_gold(code: str, gold: Iterable[str]) -> str:
    """A proposed code as the gold names it: a gold category "S12.1-" (labelled where the note does not give the
    full code) is met by any code in it."""
    for category in gold:
        if category.endswith("-") and code.startswith(category.rstrip("-")):
            return category
    return code


def evaluate(notes: Iterable[GoldNote]) -> Evaluation:
    evaluation = Evaluation()
    for note in notes:
        score_note(note, extract(note.text, note.setting), evaluation)
    return evaluation


def format_report(report: dict) -> str:
    lines = [
        f"{report['notes']} notes",
        "",
        f"{'spans':20}{'exact P':>9}{'R':>7}{'F1':>7}{'overlap P':>11}{'R':>7}{'F1':>7}",
    ]
    for kind, both in report["spans"].items():
        e, o = both["exact"], both["overlap"]
        lines.append(f"{kind:20}{e['precision']:9.3f}{e['recall']:7.3f}{e['f1']:7.3f}"
                     f"{o['precision']:11.3f}{o['recall']:7.3f}{o['f1']:7.3f}")  # fmt: skip
    lines.append("")
    lines.append("assertion accuracy: " + ", ".join(
        f"{label} {v['accuracy']:.3f} (n={v['n']})" for label, v in report["assertion_accuracy"].items()))  # fmt: skip
    c, g = report["codes"], report["gaps"]
    lines += [
        f"code-set accuracy: {report['code_set_accuracy']:.3f}",
        f"codes: P {c['precision']:.3f} R {c['recall']:.3f} F1 {c['f1']:.3f}",
        f"alternative recall: {report['alternative_recall']:.3f}",
        f"gaps: P {g['precision']:.3f} R {g['recall']:.3f} F1 {g['f1']:.3f}",
        "",
        f"notes that differ from gold: {len(report['confusions'])}",
    ]
    for confusion in report["confusions"]:
        codes, gaps = confusion["codes"], confusion["gaps"]
        lines.append(
            f"  {confusion['id']}: codes gold {codes['gold']} predicted {codes['predicted']}; "
            f"gaps missing {gaps['missing']} extra {gaps['extra']}"
        )
    return "\n".join(lines)
