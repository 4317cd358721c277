#!/usr/bin/env python
"""Validate notes.jsonl of this batch against the coding brief (versions 1-3).

Run with: /work/main/.venv/bin/python check.py
"""
import json
import os
import re
import sys

import simple_icd_10_cm as icd

HERE = os.path.dirname(os.path.abspath(__file__))
PATH = os.path.join(HERE, "notes.jsonl")
PREFIX = "vb"
KEYS = ["id", "style", "setting", "class", "text", "codes", "alternatives", "gaps", "why"]
CLASSES = {"3-vocabulary", "3-vocabulary-control"}
SETTINGS = {"outpatient", "inpatient"}

CORE_GAPS = {"region-not-documented", "condition-not-named", "uncertain-diagnosis", "imaging-not-documented",
             "neuro-exam-not-documented", "conservative-care-not-documented", "exclusions-not-documented",
             "symptom-cluster-not-documented", "chronicity-not-documented", "injury-timeline-unclear"}
SPEC_GAPS = {"level-not-documented", "laterality-not-documented", "encounter-not-documented",
             "specificity-not-documented"}
ALL_GAPS = CORE_GAPS | SPEC_GAPS

BASE = {"imaging-not-documented", "neuro-exam-not-documented", "conservative-care-not-documented",
        "exclusions-not-documented", "chronicity-not-documented", "injury-timeline-unclear"}
PAIN = {"M54.2", "M54.6", "M54.9", "M54.50", "M54.51", "M54.59"}


def gaps_for(code):
    """Gaps a proposed code can raise (brief, version 2 'Which gaps a code can raise')."""
    g = set()
    if code == "M53.0":
        g |= {"symptom-cluster-not-documented", "imaging-not-documented", "neuro-exam-not-documented",
              "conservative-care-not-documented", "chronicity-not-documented", "injury-timeline-unclear"}
    elif code == "M53.1":
        g |= {"imaging-not-documented", "neuro-exam-not-documented", "conservative-care-not-documented",
              "chronicity-not-documented", "injury-timeline-unclear"}
    elif code.startswith("M53.2X") or code.startswith("M53.8"):
        g |= BASE
        if code in ("M53.80", "M53.2X9"):
            g.add("region-not-documented")
    elif code == "M53.3":
        g |= {"conservative-care-not-documented", "chronicity-not-documented", "injury-timeline-unclear"}
    elif code == "M53.9":
        g |= {"condition-not-named", "imaging-not-documented", "neuro-exam-not-documented",
              "chronicity-not-documented", "injury-timeline-unclear"}
    if code in PAIN:
        # pain with no structural diagnosis; or the symptom code of an uncertain diagnosis
        g |= {"condition-not-named", "injury-timeline-unclear", "uncertain-diagnosis"}
    if code.endswith("-"):
        g |= SPEC_GAPS
    return g


def code_ok(code):
    if code.endswith("-"):
        cat = code[:-1].rstrip(".")
        return icd.is_valid_item(cat) and not icd.is_leaf(cat)
    return icd.is_valid_item(code) and icd.is_leaf(code)


def main():
    errors = []
    lines = open(PATH, encoding="utf-8").read().splitlines()
    n_ctrl = 0
    for i, line in enumerate(lines, 1):
        where = f"line {i}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            errors.append(f"{where}: bad JSON {e}")
            continue
        if list(rec.keys()) != KEYS:
            errors.append(f"{where}: keys {list(rec.keys())} != {KEYS}")
            continue
        nid = rec["id"]
        where = nid
        if nid != f"{PREFIX}-{i:02d}":
            errors.append(f"{where}: id not sequential (expected {PREFIX}-{i:02d})")
        if rec["class"] not in CLASSES:
            errors.append(f"{where}: class {rec['class']}")
        if rec["setting"] not in SETTINGS:
            errors.append(f"{where}: setting {rec['setting']}")
        if rec["setting"] == "inpatient" and "discharge" not in rec["style"]:
            errors.append(f"{where}: inpatient setting only for discharge summaries")
        if not isinstance(rec["style"], str) or not rec["style"]:
            errors.append(f"{where}: empty style")
        words = len(rec["text"].split())
        if not 60 <= words <= 250:
            errors.append(f"{where}: {words} words (60-250)")
        wwords = len(rec["why"].split())
        sentences = len([s for s in re.split(r"(?<=[.!?])\s+", rec["why"].strip()) if s])
        if not rec["why"] or sentences > 3:
            errors.append(f"{where}: why has {sentences} sentences")
        for k in ("codes", "alternatives", "gaps"):
            if not isinstance(rec[k], list) or len(set(rec[k])) != len(rec[k]):
                errors.append(f"{where}: {k} must be a list without duplicates")
        for c in rec["codes"]:
            if not c.startswith("M53"):
                errors.append(f"{where}: non-M53 code {c} in codes")
        for c in rec["alternatives"]:
            if c.startswith("M53"):
                errors.append(f"{where}: M53 code {c} in alternatives")
        proposed = rec["codes"] + rec["alternatives"]
        for c in proposed:
            if not code_ok(c):
                errors.append(f"{where}: {c} is not a billable leaf (or valid '-' category)")
        raisable = set()
        for c in proposed:
            raisable |= gaps_for(c)
        for g in rec["gaps"]:
            if g not in ALL_GAPS:
                errors.append(f"{where}: unknown gap id {g}")
            elif g not in raisable:
                errors.append(f"{where}: gap {g} cannot be raised by {proposed}")
            if g in SPEC_GAPS and not any(c.endswith("-") for c in proposed):
                errors.append(f"{where}: specificity gap {g} without a '-' category")
        for c in proposed:
            if c.endswith("-") and not (set(rec["gaps"]) & SPEC_GAPS):
                errors.append(f"{where}: '-' category {c} without a specificity gap")
        if rec["class"].endswith("-control"):
            n_ctrl += 1
            if rec["codes"]:
                errors.append(f"{where}: control with M53 codes")
    n = len(lines)
    share = n_ctrl / n if n else 0
    if not 0.25 <= share <= 0.30:
        errors.append(f"controls {n_ctrl}/{n} = {share:.0%} (want 25-30%)")
    for e in errors:
        print("ERROR", e)
    print(f"{n} notes, {n_ctrl} controls ({share:.1%}), {len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
