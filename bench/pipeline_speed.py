"""Throughput of notecoder against its baselines, in one run, on the MTSamples spine notes.

(a) spacy.blank("en") tokenization alone, (b) medspacy.load() default pipeline (PyRuSH sentences, TargetMatcher
with notecoder's own target rules, ConText), (c) notecoder.extract. Single process, one core.

    python bench/pipeline_speed.py [--notes PATH] [--limit N] [--repeat K]
"""

import argparse
import json
import os
import statistics
import time
import warnings
from pathlib import Path

import medspacy
import spacy
from loguru import logger

import notecoder
from notecoder.targets import medspacy_rules, target_rules

DEFAULT_NOTES = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "mtsamples" / "spine_notes_dedup.jsonl"


def read_notes(path: Path, limit: int | None) -> list[str]:
    with path.open(encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line in handle if line.strip()]
    return texts[:limit] if limit else texts


def notes_per_second(run, texts: list[str], repeat: int) -> float:
    """Best of `repeat` passes: the least disturbed by whatever else the machine was doing."""
    rates = []
    for _ in range(repeat):
        start = time.perf_counter()
        for text in texts:
            run(text)
        rates.append(len(texts) / (time.perf_counter() - start))
    return max(rates)


def medspacy_baseline() -> spacy.language.Language:
    logger.remove()  # PyRuSH logs every document at DEBUG
    nlp = medspacy.load()
    nlp.get_pipe("medspacy_target_matcher").add(medspacy_rules(target_rules()))
    return nlp


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=Path, default=DEFAULT_NOTES)
    parser.add_argument("--limit", type=int, default=None, help="first N notes only")
    parser.add_argument("--repeat", type=int, default=3, help="passes for (a) and (c); (b) runs once")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the target says
    warnings.filterwarnings("ignore")

    texts = read_notes(args.notes, args.limit)
    words = statistics.median(len(t.split()) for t in texts)
    print(f"{len(texts)} notes, median {words:.0f} words, one core")

    blank = spacy.blank("en")
    baseline = medspacy_baseline()
    notecoder.extract("warm-up: neck pain")
    baseline("warm-up: neck pain")
    blank("warm-up: neck pain")

    a_first = notes_per_second(blank.make_doc, texts, 1)
    c_first = notes_per_second(notecoder.extract, texts, 1)
    a = notes_per_second(blank.make_doc, texts, args.repeat)
    b = notes_per_second(baseline, texts, 1)
    c = notes_per_second(notecoder.extract, texts, args.repeat)

    print(f"{'(a) spacy.blank tokenization':<44}{a:>10.1f} notes/s")
    print(f"{'(b) medspacy.load() + same target rules':<44}{b:>10.1f} notes/s")
    print(f"{'(c) notecoder.extract':<44}{c:>10.1f} notes/s")
    print(f"(c)/(b) = {c / b:.1f}x faster than medSpaCy's default pipeline (target >= 30x)")
    print(f"(a)/(c) = {a / c:.1f}x slower than tokenization alone (target <= 2x)")
    # (a) and (c) are the best of passes over the same notes, when both tokenizers know every word; a batch of
    # new notes meets new words, which both must split and add to the vocabulary
    print(
        f"first pass, every note new: (a) {a_first:.1f}, (c) {c_first:.1f} notes/s; (a)/(c) = {a_first / c_first:.1f}x"
    )
    print("(c) stage by stage, ms per note (best of the passes):")
    for stage, ms in stage_times(texts, args.repeat).items():
        print(f"    {stage:<40}{ms:>8.3f}")


def stage_times(texts: list[str], repeat: int) -> dict[str, float]:
    """Where (c)'s time goes: each pipeline component, the mapper, scoring and building the result."""
    from notecoder.mapper import propose
    from notecoder.result import NoteResult, Setting
    from notecoder.scoring import score

    nlp = notecoder.load()
    best: dict[str, float] = {}
    for _ in range(repeat):
        spent: dict[str, float] = {"tokenizer": 0.0, **{name: 0.0 for name in nlp.pipe_names}}
        spent |= {"mapper": 0.0, "result": 0.0, "scoring": 0.0}
        for text in texts:
            clock = time.perf_counter()
            doc = nlp.make_doc(text)
            now = time.perf_counter()
            spent["tokenizer"] += now - clock
            for name, component in nlp.pipeline:
                clock = now
                doc = component(doc)
                now = time.perf_counter()
                spent[name] += now - clock
            findings = doc._.notecoder_findings
            proposal = propose(findings)
            clock, now = now, time.perf_counter()
            spent["mapper"] += now - clock
            result = NoteResult(setting=Setting.OUTPATIENT, findings=findings, codes=proposal.codes,
                                alternatives=proposal.alternatives, gaps=proposal.gaps).with_text(text)  # fmt: skip
            clock, now = now, time.perf_counter()
            spent["result"] += now - clock
            score(result, len(text)).with_text(text)
            spent["scoring"] += time.perf_counter() - now
        for stage, seconds in spent.items():
            best[stage] = min(best.get(stage, float("inf")), 1000 * seconds / len(texts))
    best["total"] = sum(best.values())
    return best


if __name__ == "__main__":
    main()
