"""Assertion on the NegEx test set: notecoder's context stage against medSpaCy's default ConText, in one run.

Each of the 2,376 physician-annotated sentences has one concept; both systems get that concept as their only
target span and their own sentence splitter (notecoder's, PyRuSH for medSpaCy). notecoder's assertion is the one its
findings carry: ConText's, or the section's where the sentence has a past-history or family-history title ("MEDICAL
HISTORY: ... ARTHRITIS"). Prints precision, recall and F1 for Negated, and for Historical, hypothetical ("Not
particular") and other-experiencer where the second file annotates them.

    python bench/negex.py [--data DIR]
"""

import argparse
import csv
import re
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import medspacy
from loguru import logger

import notecoder
from notecoder.doc_keys import TARGETS_KEY as SPAN_GROUP
from notecoder.result import Assertion
from notecoder.sections import section_rules

DEFAULT_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "negex"
PUBLISHED = "published on this set: GenNegEx negation P 0.933 R 0.959 F1 0.946; genConText negation F1 0.981, " \
    "historical F1 0.665, hypothetical F1 0.963"  # fmt: skip


@dataclass(frozen=True)
class Row:
    concept: str
    sentence: str
    negated: bool
    historical: bool | None = None
    hypothetical: bool | None = None
    other: bool | None = None


def read_rows(data: Path) -> list[Row]:
    """The annotated rows: negation from both files, temporality and experiencer from the second."""
    with (data / "rsAnnotations-1-120-random.txt").open(newline="", encoding="utf-8") as handle:
        table = list(csv.reader(handle, delimiter="\t"))[1:]
    return [
        Row(
            concept=r[1],
            sentence=r[2],
            negated=r[3] == "Negated",
            historical=r[4] == "Historical",
            hypothetical=r[4] == "Not particular",
            other=r[5] != "Patient",
        )
        for r in table
    ]


def locate(concept: str, sentence: str) -> tuple[int, int] | None:
    """The concept in its sentence: the annotators upper-cased it there, so an upper-case match is preferred."""
    pattern = re.compile(r"\s+".join(re.escape(word) for word in concept.split()), re.IGNORECASE)
    matches = list(pattern.finditer(sentence))
    if not matches:
        return None
    upper = [m for m in matches if m.group().isupper()]
    return (upper or matches)[0].span()


def notecoder_attributes(nlp):
    stages = [nlp.get_pipe(name) for name in ("notecoder_sections", "notecoder_sentences")]
    context = nlp.get_pipe("notecoder_context")
    by_section = section_rules().assertions

    def run(sentence: str, start: int, end: int) -> dict[str, bool]:
        doc = nlp.make_doc(sentence)
        for stage in stages:
            doc = stage(doc)
        span = doc.char_span(start, end, label="condition", alignment_mode="expand")
        doc.spans[SPAN_GROUP] = [span]
        context(doc)
        attributes = _attributes(span)
        section = next((s.category for s in doc._.notecoder_sections if s.body_start <= span.start < s.body_end), None)
        from_section = by_section.get(section or "")
        attributes["historical"] |= from_section == Assertion.HISTORICAL
        attributes["other"] |= from_section == Assertion.FAMILY
        return attributes

    return run


def medspacy_attributes():
    logger.remove()
    nlp = medspacy.load()
    splitter, context = nlp.get_pipe("medspacy_pyrush"), nlp.get_pipe("medspacy_context")

    def run(sentence: str, start: int, end: int) -> dict[str, bool]:
        doc = splitter(nlp.make_doc(sentence))
        span = doc.char_span(start, end, label="CONCEPT", alignment_mode="expand")
        doc.ents = [span]
        context(doc)
        return _attributes(doc.ents[0])

    return run


def _attributes(span) -> dict[str, bool]:
    return {
        "negated": bool(span._.is_negated),
        "historical": bool(span._.is_historical),
        "hypothetical": bool(span._.is_hypothetical),
        "other": bool(span._.is_family),
    }


def scores(gold: list[bool], predicted: list[bool]) -> tuple[float, float, float]:
    tp = sum(g and p for g, p in zip(gold, predicted, strict=True))
    fp = sum(p and not g for g, p in zip(gold, predicted, strict=True))
    fn = sum(g and not p for g, p in zip(gold, predicted, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    rows = read_rows(args.data)
    located = [(row, locate(row.concept, row.sentence)) for row in rows]
    usable = [(row, span) for row, span in located if span is not None]
    print(f"{len(rows)} rows, concept found in {len(usable)} sentences")
    systems = {"notecoder": notecoder_attributes(notecoder.load()), "medspacy ConText": medspacy_attributes()}
    predictions = {}
    for name, run in systems.items():
        start = time.perf_counter()
        predictions[name] = [run(row.sentence, *span) for row, span in usable]
        print(f"{name}: {len(usable) / (time.perf_counter() - start):.0f} rows/s")
    print(f"{'':22}{'P':>7}{'R':>7}{'F1':>7}   {'P':>7}{'R':>7}{'F1':>7}")
    print(f"{'':22}{'notecoder':^21}   {'medSpaCy ConText':^21}")
    for label, attribute in (("Negated", "negated"), ("Historical", "historical"),
                             ("Hypothetical", "hypothetical"), ("Other experiencer", "other")):  # fmt: skip
        gold = [getattr(row, attribute) for row, _ in usable]
        cells = []
        for name in systems:
            cells.append("".join(f"{v:7.3f}" for v in scores(gold, [p[attribute] for p in predictions[name]])))
        print(f"{label + f' ({sum(gold)})':22}{cells[0]}   {cells[1]}")
    print(PUBLISHED)


if __name__ == "__main__":
    main()
