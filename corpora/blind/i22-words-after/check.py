#!/usr/bin/env python
"""Validate notes.jsonl of batch va (class 3-vocabulary). Run with /work/main/.venv/bin/python."""
import json, os, re, sys
from collections import Counter
import simple_icd_10_cm as icd

HERE = os.path.dirname(os.path.abspath(__file__))
PREFIX = "va"
KEYS = ["id", "style", "setting", "class", "text", "codes", "alternatives", "gaps", "why"]
CLASSES = {"3-vocabulary", "3-vocabulary-control"}
BASE_GAPS = {"region-not-documented", "condition-not-named", "uncertain-diagnosis", "imaging-not-documented",
             "neuro-exam-not-documented", "conservative-care-not-documented", "exclusions-not-documented",
             "symptom-cluster-not-documented", "chronicity-not-documented", "injury-timeline-unclear"}
SPEC_GAPS = {"level-not-documented", "laterality-not-documented", "encounter-not-documented",
             "specificity-not-documented"}
ALL_GAPS = BASE_GAPS | SPEC_GAPS
INJ, IMG, NEU, CARE, EXC, CHR = ("injury-timeline-unclear", "imaging-not-documented", "neuro-exam-not-documented",
                                 "conservative-care-not-documented", "exclusions-not-documented",
                                 "chronicity-not-documented")

def allowed_gaps(code):
    """Gaps a proposed code can raise (brief v2 'Which gaps a code can raise' + v3 specificity table)."""
    c = code.rstrip("-")
    g = set()
    if c == "M53.0":
        g = {"symptom-cluster-not-documented", IMG, NEU, CARE, CHR, INJ}
    elif c == "M53.1":
        g = {IMG, NEU, CARE, CHR, INJ}
    elif c.startswith("M53.2X") or c.startswith("M53.8"):
        g = {IMG, NEU, CARE, EXC, CHR, INJ}
        if c in ("M53.80", "M53.2X9"):
            g.add("region-not-documented")
    elif c == "M53.3":
        g = {CARE, CHR, INJ}
    elif c == "M53.9":
        g = {"condition-not-named", IMG, NEU, CHR, INJ}
    elif c in ("M54.2", "M54.6", "M54.9") or c.startswith("M54.5"):
        # pain only; uncertain-diagnosis when the only dorsopathy mention is uncertain (symptom coded instead)
        g = {"condition-not-named", INJ, "uncertain-diagnosis"}
    elif c.startswith("M54"):
        g = {"uncertain-diagnosis"}
    if code.endswith("-"):
        g.add("specificity-not-documented")
        if re.match(r"M50\.[0-3]|S12|S22|S32", c):
            g.add("level-not-documented")
        if re.match(r"M54\.[34]", c):
            g.add("laterality-not-documented")
        if c.startswith("S"):
            g.add("encounter-not-documented")
    return g

def code_ok(code, gaps):
    if code.endswith("-"):
        cat = code[:-1].rstrip(".")
        return icd.is_valid_item(cat) and not icd.is_leaf(cat) and bool(gaps & SPEC_GAPS), "'-' category needs a valid non-leaf and a specificity gap"
    return icd.is_valid_item(code) and icd.is_leaf(code), "not a billable leaf"

def main(path=os.path.join(HERE, "notes.jsonl")):
    errors, rows = [], []
    with open(path, encoding="utf-8") as f:
        for ln, line in enumerate(f, 1):
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:
                errors.append(f"line {ln}: bad JSON {e}")
    for i, r in enumerate(rows, 1):
        rid = r.get("id", f"line{i}")
        if list(r.keys()) != KEYS:
            errors.append(f"{rid}: keys {list(r.keys())} != {KEYS}")
            continue
        if rid != f"{PREFIX}-{i:02d}":
            errors.append(f"{rid}: expected id {PREFIX}-{i:02d}")
        if r["class"] not in CLASSES:
            errors.append(f"{rid}: class {r['class']}")
        if r["setting"] not in ("outpatient", "inpatient"):
            errors.append(f"{rid}: setting {r['setting']}")
        if r["setting"] == "inpatient" and "discharge" not in r["style"]:
            errors.append(f"{rid}: inpatient only for a discharge summary")
        if r["style"] == "inpatient discharge summary" and r["setting"] != "inpatient":
            errors.append(f"{rid}: discharge summary should be inpatient")
        wc = len(r["text"].split())
        if not 60 <= wc <= 250:
            errors.append(f"{rid}: {wc} words")
        for k in ("codes", "alternatives", "gaps"):
            if not isinstance(r[k], list) or len(set(r[k])) != len(r[k]):
                errors.append(f"{rid}: {k} must be a list without duplicates")
        gaps = set(r["gaps"])
        for c in r["codes"]:
            if not c.startswith("M53"):
                errors.append(f"{rid}: non-M53 code {c} in codes")
        for c in r["codes"] + r["alternatives"]:
            if c.startswith("M53") and c in r["alternatives"]:
                errors.append(f"{rid}: M53 code {c} belongs in codes")
            ok, msg = code_ok(c, gaps)
            if not ok:
                errors.append(f"{rid}: {c} {msg}")
        bad = gaps - ALL_GAPS
        if bad:
            errors.append(f"{rid}: unknown gap ids {sorted(bad)}")
        raisable = set().union(*[allowed_gaps(c) for c in r["codes"] + r["alternatives"]]) if (r["codes"] or r["alternatives"]) else set()
        for g in gaps & ALL_GAPS:
            if g not in raisable:
                errors.append(f"{rid}: gap {g} cannot be raised by {r['codes'] + r['alternatives']}")
        if r["class"].endswith("-control") and r["codes"]:
            errors.append(f"{rid}: control note proposes M53 codes {r['codes']}")
        if not r["why"].strip() or len(re.findall(r"[.!?](\s|$)", r["why"])) > 3:
            errors.append(f"{rid}: why should be 1-3 sentences")
    n = len(rows)
    cls = Counter(r.get("class") for r in rows)
    styles = Counter(r.get("style") for r in rows)
    ctrl = cls.get("3-vocabulary-control", 0)
    if n and not 0.25 <= ctrl / n <= 0.30:
        errors.append(f"controls {ctrl}/{n} outside 25-30%")
    if len(styles) < 6:
        errors.append(f"only {len(styles)} styles")
    for e in errors:
        print("ERROR", e)
    print(f"notes: {n}; classes: {dict(cls)}; styles: {len(styles)} -> {dict(styles)}")
    wcs = [len(r['text'].split()) for r in rows]
    print(f"word counts: min {min(wcs)} max {max(wcs)}")
    print("M53 codes:", dict(Counter(c for r in rows for c in r['codes'])))
    print("alternatives:", dict(Counter(c for r in rows for c in r['alternatives'])))
    print("gaps:", dict(Counter(g for r in rows for g in r['gaps'])))
    print("PASS" if not errors else f"FAIL ({len(errors)} errors)")
    return 1 if errors else 0

if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
