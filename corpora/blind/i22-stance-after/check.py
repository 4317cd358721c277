#!/usr/bin/env python3
"""Validate notes.jsonl of this batch against the job rules (run with /work/main/.venv/bin/python)."""
import json, re, sys, os
from collections import Counter
import simple_icd_10_cm as icd

HERE = os.path.dirname(os.path.abspath(__file__))
PATH = os.path.join(HERE, "notes.jsonl")
PREFIX = "sa"
KEYS = ["id", "style", "setting", "class", "text", "codes", "alternatives", "gaps", "why"]

BASE_GAPS = {"region-not-documented", "condition-not-named", "uncertain-diagnosis", "imaging-not-documented",
             "neuro-exam-not-documented", "conservative-care-not-documented", "exclusions-not-documented",
             "symptom-cluster-not-documented", "chronicity-not-documented", "injury-timeline-unclear"}
SPEC_GAPS = {"level-not-documented", "laterality-not-documented", "encounter-not-documented",
             "specificity-not-documented"}
ALL_GAPS = BASE_GAPS | SPEC_GAPS
PAIN = re.compile(r"^(M54\.2|M54\.5\d?|M54\.6|M54\.9)$")

def gaps_for(code):
    """Gaps a code can raise, per the brief (v2 table + v3 specificity)."""
    g = set()
    if code == "M53.0":
        g |= {"symptom-cluster-not-documented", "imaging-not-documented", "neuro-exam-not-documented",
              "conservative-care-not-documented", "chronicity-not-documented", "injury-timeline-unclear"}
    elif code == "M53.1":
        g |= {"imaging-not-documented", "neuro-exam-not-documented", "conservative-care-not-documented",
              "chronicity-not-documented", "injury-timeline-unclear"}
    elif code.startswith("M53.2X") or code.startswith("M53.8"):
        g |= {"imaging-not-documented", "neuro-exam-not-documented", "conservative-care-not-documented",
              "exclusions-not-documented", "chronicity-not-documented", "injury-timeline-unclear"}
        if code in ("M53.80", "M53.2X9"):
            g.add("region-not-documented")
    elif code == "M53.3":
        g |= {"conservative-care-not-documented", "chronicity-not-documented", "injury-timeline-unclear"}
    elif code == "M53.9":
        g |= {"condition-not-named", "imaging-not-documented", "neuro-exam-not-documented",
              "chronicity-not-documented", "injury-timeline-unclear"}
    elif PAIN.match(code):
        # pain with no structural diagnosis; or the symptom code proposed for an uncertain diagnosis
        g |= {"condition-not-named", "injury-timeline-unclear", "uncertain-diagnosis"}
    if code.endswith("-"):
        g |= SPEC_GAPS
    return g

def code_ok(code, gaps):
    if code.endswith("-"):
        base = code[:-1].rstrip(".")
        return icd.is_valid_item(base) and not icd.is_leaf(base) and bool(set(gaps) & SPEC_GAPS)
    return icd.is_valid_item(code) and icd.is_leaf(code)

errors = []
rows = []
with open(PATH, encoding="utf-8") as fh:
    for ln, line in enumerate(fh, 1):
        try:
            rows.append(json.loads(line))
        except Exception as e:
            errors.append(f"line {ln}: bad JSON: {e}")

for i, r in enumerate(rows, 1):
    rid = r.get("id", f"line{i}")
    if list(r.keys()) != KEYS:
        errors.append(f"{rid}: keys {list(r.keys())} != {KEYS}")
        continue
    if r["id"] != f"{PREFIX}-{i:02d}":
        errors.append(f"{rid}: id not sequential (expected {PREFIX}-{i:02d})")
    if r["setting"] not in ("outpatient", "inpatient"):
        errors.append(f"{rid}: bad setting {r['setting']}")
    if r["setting"] == "inpatient" and "discharge" not in r["style"]:
        errors.append(f"{rid}: inpatient only for a discharge summary")
    if not r["class"].startswith("class2:"):
        errors.append(f"{rid}: class must start with class2:")
    for k in ("style", "text", "why"):
        if not isinstance(r[k], str) or not r[k].strip():
            errors.append(f"{rid}: empty {k}")
    wc = len(r["text"].split())
    if not 60 <= wc <= 250:
        errors.append(f"{rid}: text has {wc} words (60-250)")
    ws = len(re.findall(r"[.!?](\s|$)", r["why"]))
    if ws > 3:
        errors.append(f"{rid}: why has {ws} sentences (max 3)")
    for k in ("codes", "alternatives", "gaps"):
        if not isinstance(r[k], list) or len(set(r[k])) != len(r[k]):
            errors.append(f"{rid}: {k} must be a list without duplicates")
    for c in r["codes"]:
        if not c.startswith("M53"):
            errors.append(f"{rid}: non-M53 code {c} in codes")
    for c in r["alternatives"]:
        if c.startswith("M53"):
            errors.append(f"{rid}: M53 code {c} in alternatives")
    for c in r["codes"] + r["alternatives"]:
        if not code_ok(c, r["gaps"]):
            errors.append(f"{rid}: {c} is not a billable leaf (or '-' category with a specificity gap)")
    allowed = set()
    for c in r["codes"] + r["alternatives"]:
        allowed |= gaps_for(c)
    for g in r["gaps"]:
        if g not in ALL_GAPS:
            errors.append(f"{rid}: unknown gap id {g}")
        elif g not in allowed:
            errors.append(f"{rid}: gap {g} cannot be raised by proposed codes {r['codes'] + r['alternatives']}")
    if "uncertain-diagnosis" in r["gaps"] and "condition-not-named" in r["gaps"]:
        errors.append(f"{rid}: uncertain-diagnosis and condition-not-named together")
    if "uncertain" in r["class"] and "inpatient" not in r["class"] and "uncertain-diagnosis" not in r["gaps"]:
        errors.append(f"{rid}: outpatient uncertain class without uncertain-diagnosis gap")
    if r["class"].startswith("class2:control-") and not r["codes"]:
        errors.append(f"{rid}: control note proposes no M53 code")

cls = Counter(r["class"] for r in rows)
sty = Counter(r["style"] for r in rows)
ctrl = sum(v for k, v in cls.items() if k.startswith("class2:control-"))
print(f"notes: {len(rows)}")
print("styles:", dict(sty))
print("classes:", dict(cls))
print(f"controls (class2:control-*): {ctrl} ({100*ctrl/max(len(rows),1):.0f}%)")
wcs = [len(r['text'].split()) for r in rows]
print(f"words: min {min(wcs)} max {max(wcs)} mean {sum(wcs)/len(wcs):.0f}")
if errors:
    print(f"FAIL: {len(errors)} error(s)")
    for e in errors:
        print("  " + e)
    sys.exit(1)
print("PASS")
