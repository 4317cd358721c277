"""Spine codes on real coded case reports: CodiEsp's train split (../shared/data/codiesp/train.jsonl).

    python bench/codiesp.py [--path FILE] [--misses]

CodiEsp's gold codes are what professional coders assigned from the Spanish report (CIE-10-ES, the Spanish edition
of ICD-10-CM); the text is an English machine translation. Both codes and alternatives count as proposals. Printed:
spine-code recall and precision at category level (first three characters) and at full code (a gold code is met by
a proposal that extends it, gold M54.5 by M54.50, and a proposed category "S12.-" by a gold S12 code), M53 codes
proposed where the coders gave none, notes per second, and the missed gold codes grouped by what the pipeline made
of them. Spine: M40-M54, M99, S12-S14, S22-S24, S32-S34, G95, G99.2.
"""

import argparse
import json
import re
import time
import warnings
from collections import Counter
from pathlib import Path

SPINE = re.compile(r"^(M4[0-9]|M5[0-4]|M99|S1[234]|S2[234]|S3[234]|G95|G992)")
DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "codiesp" / "train.jsonl"
CAUSES = {
    "not asserted": "the condition is found but negated, historical, uncertain or hypothetical in the English text",
    "found, not coded": "the condition is found as present but gives no code (a study or exam finding, or replaced)",
    "other spine code": "the report's spine findings give another category",
    "not recognised": "spine words or levels are found, but no condition of this category",
    "no spine finding": "nothing of the spine is found (absent from or lost in the translation, or vocabulary)",
}


def norm(code: str) -> str:
    return code.upper().replace(".", "").strip()


def full_match(gold: str, proposed: str) -> bool:
    stem = proposed.rstrip("-")
    return proposed.startswith(gold) if not proposed.endswith("-") else gold.startswith(stem)


def concept_categories() -> dict[str, set[str]]:
    """The ICD categories each condition concept can be coded to, read from the mapper's families."""
    from notecoder.mapper.rules import mapper_rules

    rules = mapper_rules()
    return {
        name: {norm(v.code)[:3] for v in rules.families[concept.family].variants}
        for name, concept in rules.concepts.items()
    }


def cause(gold: str, result, proposed: list[str], categories: dict[str, set[str]]) -> str:
    conditions = [f for f in result.findings if f.kind == "condition"]
    of_category = [f for f in conditions if gold[:3] in categories.get(f.concept, ())]
    if of_category and all(f.assertion != "present" for f in of_category):
        return "not asserted"
    if of_category:
        return "found, not coded"
    if any(SPINE.match(p) for p in proposed):
        return "other spine code"
    if conditions or any(f.kind == "spinal_level" for f in result.findings):
        return "not recognised"
    return "no spine finding"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", type=Path, default=DEFAULT)
    parser.add_argument("--misses", action="store_true", help="list every missed and every wrong code by report id")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    from notecoder import extract

    categories = concept_categories()
    docs = [json.loads(line) for line in args.path.open(encoding="utf-8") if line.strip()]
    gold_n = cat_hit = full_hit = prop_n = prop_cat = prop_full = false_m53 = 0
    causes: Counter[str] = Counter()
    listing = []
    start = time.perf_counter()
    results = [extract(doc["text"]) for doc in docs]
    seconds = time.perf_counter() - start
    for doc, result in zip(docs, results, strict=True):
        proposed = [norm(c.code) for c in result.codes] + [norm(a.code) for a in result.alternatives]
        gold = {norm(g) for g in doc["gold_codes"]}
        for code in sorted(g for g in gold if SPINE.match(g)):
            gold_n += 1
            cat_hit += any(p[:3] == code[:3] for p in proposed)
            full_hit += any(full_match(code, p) for p in proposed)
            if not any(p[:3] == code[:3] for p in proposed):
                why = cause(code, result, proposed, categories)
                causes[why] += 1
                listing.append(f"  missed {code:8} {doc['id']}: {why}")
        for code in (p for p in proposed if SPINE.match(p)):
            prop_n += 1
            prop_cat += any(code[:3] == g[:3] for g in gold)
            prop_full += any(full_match(g, code) for g in gold)
            if not any(code[:3] == g[:3] for g in gold):
                listing.append(f"  wrong  {code:8} {doc['id']}")
        false_m53 += sum(1 for c in result.codes if not any(norm(c.code).startswith(g[:3]) for g in gold))

    def ratio(a: int, b: int) -> str:
        return f"{a / b:.3f} ({a}/{b})" if b else "n/a"

    print(f"{args.path.name}: {len(docs)} reports, {gold_n} gold spine codes, {prop_n} spine codes proposed")
    print(f"category level: recall {ratio(cat_hit, gold_n)}, precision {ratio(prop_cat, prop_n)}")
    print(f"full code:      recall {ratio(full_hit, gold_n)}, precision {ratio(prop_full, prop_n)}")
    print(f"M53 codes proposed where the coders gave none: {false_m53}")
    print(f"speed: {len(docs) / seconds:.1f} notes/s ({seconds:.1f} s, one process)")
    print("missed gold codes by cause:")
    for name, text in CAUSES.items():
        print(f"  {causes[name]:3}  {name}: {text}")
    if args.misses:
        print("\n".join(listing))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
