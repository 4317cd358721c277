#!/usr/bin/env python3
"""Validate notes.jsonl of batch sb (stance class). Run with /work/main/.venv/bin/python check.py"""
import json, re, sys, os
from collections import Counter
import simple_icd_10_cm as icd

HERE = os.path.dirname(os.path.abspath(__file__))
PATH = os.path.join(HERE, "notes.jsonl")
PREFIX = "sb"
KEYS = ["id", "style", "setting", "class", "text", "codes", "alternatives", "gaps", "why"]

CORE = {"symptom-cluster-not-documented", "imaging-not-documented", "neuro-exam-not-documented",
        "conservative-care-not-documented", "chronicity-not-documented", "injury-timeline-unclear",
        "region-not-documented", "condition-not-named", "uncertain-diagnosis", "exclusions-not-documented"}
SPEC = {"level-not-documented", "laterality-not-documented", "encounter-not-documented", "specificity-not-documented"}
ALL_GAPS = CORE | SPEC

def gaps_for(code):
    """Gaps a single code can raise, per the brief (v2 clarifications + v3)."""
    c = code
    if c == "M53.0":
        return {"symptom-cluster-not-documented", "imaging-not-documented", "neuro-exam-not-documented",
                "conservative-care-not-documented", "chronicity-not-documented", "injury-timeline-unclear"}
    if c == "M53.1":
        return {"imaging-not-documented", "neuro-exam-not-documented", "conservative-care-not-documented",
                "chronicity-not-documented", "injury-timeline-unclear"}
    if c.startswith("M53.2X") or c.startswith("M53.8"):
        g = {"imaging-not-documented", "neuro-exam-not-documented", "conservative-care-not-documented",
             "exclusions-not-documented", "chronicity-not-documented", "injury-timeline-unclear"}
        if c in ("M53.80", "M53.2X9"):
            g.add("region-not-documented")
        return g
    if c == "M53.3":
        return {"conservative-care-not-documented", "chronicity-not-documented", "injury-timeline-unclear"}
    if c == "M53.9":
        return {"condition-not-named", "imaging-not-documented", "neuro-exam-not-documented",
                "chronicity-not-documented", "injury-timeline-unclear"}
    if c == "M54.2" or c.startswith("M54.5") or c == "M54.6" or c == "M54.9":
        # pain codes: condition-not-named (or uncertain-diagnosis when the named dx is uncertain)
        return {"condition-not-named", "injury-timeline-unclear", "uncertain-diagnosis"}
    if c.endswith("-"):
        return set(SPEC)
    return set()

def ok_code(c):
    if c.endswith("-"):
        base = c[:-1].rstrip(".")
        return icd.is_valid_item(base) and not icd.is_leaf(base)
    return icd.is_valid_item(c) and icd.is_leaf(c)

errors = []
recs = []
with open(PATH, encoding="utf-8") as f:
    for ln, line in enumerate(f, 1):
        line = line.strip()
        if not line:
            errors.append(f"line {ln}: empty line"); continue
        try:
            recs.append(json.loads(line))
        except Exception as e:
            errors.append(f"line {ln}: bad JSON {e}")

for i, r in enumerate(recs, 1):
    rid = r.get("id", f"#{i}")
    if list(r.keys()) != KEYS:
        errors.append(f"{rid}: keys {list(r.keys())} != {KEYS}")
    if r.get("id") != f"{PREFIX}-{i:02d}":
        errors.append(f"{rid}: id not sequential (expected {PREFIX}-{i:02d})")
    if r.get("setting") not in ("outpatient", "inpatient"):
        errors.append(f"{rid}: bad setting")
    if r.get("setting") == "inpatient" and "discharge" not in r.get("style", ""):
        errors.append(f"{rid}: inpatient only for a discharge summary")
    if not str(r.get("class", "")).startswith("class2:"):
        errors.append(f"{rid}: class must start with class2:")
    wc = len(r.get("text", "").split())
    if not 60 <= wc <= 250:
        errors.append(f"{rid}: word count {wc} outside 60-250")
    for k in ("codes", "alternatives", "gaps"):
        if not isinstance(r.get(k), list):
            errors.append(f"{rid}: {k} not a list")
    codes, alts, gaps = r.get("codes", []), r.get("alternatives", []), r.get("gaps", [])
    for c in codes:
        if not c.startswith("M53"):
            errors.append(f"{rid}: non-M53 code in codes: {c}")
    for c in alts:
        if c.startswith("M53"):
            errors.append(f"{rid}: M53 code in alternatives: {c}")
    for c in codes + alts:
        if not ok_code(c):
            errors.append(f"{rid}: {c} is not a billable leaf (nor a valid '-' category)")
        if c.endswith("-") and not (set(gaps) & SPEC):
            errors.append(f"{rid}: '-' category {c} without a specificity gap")
    if len(set(codes + alts)) != len(codes + alts):
        errors.append(f"{rid}: duplicate codes")
    allowed = set()
    for c in codes + alts:
        allowed |= gaps_for(c)
    for g in gaps:
        if g not in ALL_GAPS:
            errors.append(f"{rid}: unknown gap id {g}")
        elif g not in allowed:
            errors.append(f"{rid}: gap {g} cannot be raised by any proposed code {codes + alts}")
    if "uncertain-diagnosis" in gaps and "condition-not-named" in gaps:
        errors.append(f"{rid}: uncertain-diagnosis and condition-not-named together")
    is_control = "control" in r.get("class", "")
    if not is_control and codes:
        errors.append(f"{rid}: stance-trap note (non-control) should carry no M53 code")
    if is_control and not codes:
        errors.append(f"{rid}: control note expected to keep its M53 code")
    nsent = len([s for s in re.split(r"(?<=[.!?])\s+", r.get("why", "").strip()) if s])
    if not 1 <= nsent <= 3:
        errors.append(f"{rid}: why has {nsent} sentences")

n = len(recs)
ctrl = sum("control" in r["class"] for r in recs)
print(f"notes: {n}; controls: {ctrl} ({100*ctrl/max(n,1):.1f}%)")
print("classes:", dict(sorted(Counter(r["class"] for r in recs).items())))
print("styles:", dict(sorted(Counter(r["style"] for r in recs).items())))
wcs = [len(r["text"].split()) for r in recs]
print(f"words: min {min(wcs)} max {max(wcs)} mean {sum(wcs)/n:.0f}")
if errors:
    print("FAIL"); [print("  -", e) for e in errors]; sys.exit(1)
print("PASS: all checks OK")
