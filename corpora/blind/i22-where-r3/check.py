#!/usr/bin/env python
"""Validate notes.jsonl of this batch against the writer's job rules and the coding brief's gap table.
Run with /work/main/.venv/bin/python check.py"""
import json, os, re, sys
import simple_icd_10_cm as cm

HERE = os.path.dirname(os.path.abspath(__file__))
PREFIX = "wb"
KEYS = ["id", "style", "setting", "class", "text", "codes", "alternatives", "gaps", "why"]
CLASSES = {"1-where", "1-where-control"}
SETTINGS = {"outpatient", "inpatient"}

BASE_GAPS = {"region-not-documented", "condition-not-named", "uncertain-diagnosis", "imaging-not-documented",
             "neuro-exam-not-documented", "conservative-care-not-documented", "exclusions-not-documented",
             "symptom-cluster-not-documented", "chronicity-not-documented", "injury-timeline-unclear"}
SPEC_GAPS = {"level-not-documented", "laterality-not-documented", "encounter-not-documented",
             "specificity-not-documented"}
ALL_GAPS = BASE_GAPS | SPEC_GAPS
PAIN = re.compile(r"^M54\.(2|5\d?|6|9)$")


def gaps_for(code):
    """Gaps a single proposed code can raise (brief v2 clarification + v3 table)."""
    if code.endswith("-"):
        return set(SPEC_GAPS)
    if code == "M53.0":
        return {"symptom-cluster-not-documented", "imaging-not-documented", "neuro-exam-not-documented",
                "conservative-care-not-documented", "chronicity-not-documented", "injury-timeline-unclear"}
    if code == "M53.1":
        return {"imaging-not-documented", "neuro-exam-not-documented", "conservative-care-not-documented",
                "chronicity-not-documented", "injury-timeline-unclear"}
    if code.startswith("M53.2X") or code.startswith("M53.8"):
        g = {"imaging-not-documented", "neuro-exam-not-documented", "conservative-care-not-documented",
             "exclusions-not-documented", "chronicity-not-documented", "injury-timeline-unclear"}
        if code in ("M53.80", "M53.2X9"):
            g.add("region-not-documented")
        return g
    if code == "M53.3":
        return {"conservative-care-not-documented", "chronicity-not-documented", "injury-timeline-unclear"}
    if code == "M53.9":
        return {"condition-not-named", "imaging-not-documented", "neuro-exam-not-documented",
                "chronicity-not-documented", "injury-timeline-unclear"}
    if PAIN.match(code):
        # pain with no structural diagnosis; also the symptom code of an uncertain diagnosis
        return {"condition-not-named", "injury-timeline-unclear", "uncertain-diagnosis"}
    return set()


def main():
    path = os.path.join(HERE, "notes.jsonl")
    errors = []
    recs = []
    with open(path) as f:
        for ln, line in enumerate(f, 1):
            try:
                recs.append(json.loads(line))
            except Exception as e:
                errors.append(f"line {ln}: bad JSON {e}")
    for i, r in enumerate(recs, 1):
        rid = r.get("id", f"line{i}")
        if list(r.keys()) != KEYS:
            errors.append(f"{rid}: keys {list(r.keys())} != {KEYS}")
            continue
        if r["id"] != f"{PREFIX}-{i:02d}":
            errors.append(f"{rid}: expected id {PREFIX}-{i:02d}")
        if r["class"] not in CLASSES:
            errors.append(f"{rid}: class {r['class']}")
        if r["setting"] not in SETTINGS:
            errors.append(f"{rid}: setting {r['setting']}")
        if r["setting"] == "inpatient" and "discharge" not in r["style"]:
            errors.append(f"{rid}: inpatient only for a discharge summary")
        if not isinstance(r["style"], str) or not r["style"]:
            errors.append(f"{rid}: empty style")
        wc = len(r["text"].split())
        if not 60 <= wc <= 250:
            errors.append(f"{rid}: {wc} words")
        wy = len(re.findall(r"[.!?](\s|$)", r["why"]))
        if not r["why"] or wy > 3:
            errors.append(f"{rid}: why has {wy} sentences")
        for fld in ("codes", "alternatives", "gaps"):
            if not isinstance(r[fld], list) or len(set(r[fld])) != len(r[fld]):
                errors.append(f"{rid}: {fld} not a list of unique items")
        for c in r["codes"]:
            if not c.startswith("M53"):
                errors.append(f"{rid}: non-M53 code {c} in codes")
        for c in r["alternatives"]:
            if c.startswith("M53"):
                errors.append(f"{rid}: M53 code {c} in alternatives")
        proposed = r["codes"] + r["alternatives"]
        for c in proposed:
            if c.endswith("-"):
                cat = c[:-1].rstrip(".")
                if not cm.is_valid_item(cat) or cm.is_leaf(cat):
                    errors.append(f"{rid}: {c} is not a category with children")
                if not set(r["gaps"]) & SPEC_GAPS:
                    errors.append(f"{rid}: {c} without a specificity gap")
            elif not (cm.is_valid_item(c) and cm.is_leaf(c)):
                errors.append(f"{rid}: {c} not a billable leaf")
        allowed = set()
        for c in proposed:
            allowed |= gaps_for(c)
        for g in r["gaps"]:
            if g not in ALL_GAPS:
                errors.append(f"{rid}: unknown gap {g}")
            elif g not in allowed:
                errors.append(f"{rid}: gap {g} not raisable by {proposed}")
        if "uncertain-diagnosis" in r["gaps"] and "condition-not-named" in r["gaps"]:
            errors.append(f"{rid}: uncertain-diagnosis and condition-not-named together")
    n = len(recs)
    ctl = sum(r.get("class") == "1-where-control" for r in recs)
    styles = {}
    for r in recs:
        styles[r.get("style")] = styles.get(r.get("style"), 0) + 1
    if n and not 0.25 <= ctl / n <= 0.30:
        errors.append(f"control share {ctl}/{n} outside 25-30%")
    if len(styles) < 6:
        errors.append(f"only {len(styles)} styles")
    for e in errors:
        print("ERROR", e)
    print(f"{n} notes, {n - ctl} positive, {ctl} controls ({ctl / max(n, 1):.0%}), {len(styles)} styles")
    for s, k in sorted(styles.items()):
        print(f"  {k:2d}  {s}")
    print("OK" if not errors else f"FAILED: {len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
