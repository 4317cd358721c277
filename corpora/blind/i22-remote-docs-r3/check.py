#!/usr/bin/env python
"""Validate notes.jsonl of batch rb (i22-remote-docs-r3) against the coding brief's label rules.
Run with /work/main/.venv/bin/python check.py"""
import json, os, re, sys
from collections import Counter
import simple_icd_10_cm as icd

HERE = os.path.dirname(os.path.abspath(__file__))
PREFIX = "rb"
KEYS = ["id", "style", "setting", "class", "text", "codes", "alternatives", "gaps", "why"]
CLASSES = {"4-remote-injury", "4-remote-injury-control", "5-documentation", "5-documentation-control"}
SETTINGS = {"outpatient", "inpatient"}

BASE_GAPS = {"region-not-documented", "condition-not-named", "uncertain-diagnosis", "imaging-not-documented",
             "neuro-exam-not-documented", "conservative-care-not-documented", "exclusions-not-documented",
             "symptom-cluster-not-documented", "chronicity-not-documented", "injury-timeline-unclear"}
SPEC_GAPS = {"level-not-documented", "laterality-not-documented", "encounter-not-documented",
             "specificity-not-documented"}
ALL_GAPS = BASE_GAPS | SPEC_GAPS

IMG, NEU, CARE, EXC, CHR, INJ = ("imaging-not-documented", "neuro-exam-not-documented",
                                 "conservative-care-not-documented", "exclusions-not-documented",
                                 "chronicity-not-documented", "injury-timeline-unclear")


def gaps_for(code):
    """Which gaps a proposed code can raise (brief v2 'Which gaps a code can raise' + v3 table)."""
    g = set()
    if code == "M53.0":
        g |= {"symptom-cluster-not-documented", IMG, NEU, CARE, CHR, INJ}
    elif code == "M53.1":
        g |= {IMG, NEU, CARE, CHR, INJ}
    elif code.startswith("M53.2X") or code.startswith("M53.8"):
        g |= {IMG, NEU, CARE, EXC, CHR, INJ}
        if code in ("M53.80", "M53.2X9") or code.endswith("-"):
            g.add("region-not-documented")
    elif code == "M53.3":
        g |= {CARE, CHR, INJ}
    elif code == "M53.9":
        g |= {"condition-not-named", IMG, NEU, CHR, INJ}
    elif code == "M54.2" or code.startswith("M54.5") or code in ("M54.6", "M54.9"):
        # pain only: condition-not-named (+ timeline when trauma has no timing);
        # symptom code of an uncertain outpatient diagnosis: uncertain-diagnosis
        g |= {"condition-not-named", INJ, "uncertain-diagnosis"}
    elif code.startswith("M54.1") or code.startswith("M54.3") or code.startswith("M54.4"):
        g.add("uncertain-diagnosis")  # symptom/named code kept when a structural dx is uncertain
    if code.endswith("-"):
        g.add("specificity-not-documented")
        if re.match(r"M50\.[0-3]", code) or re.match(r"S(12|22|32)", code):
            g.add("level-not-documented")
        if code.startswith("S"):
            g.add("encounter-not-documented")
        if code.startswith("M54.3") or code.startswith("M54.4"):
            g.add("laterality-not-documented")
    return g


def code_ok(code, gaps):
    if code.endswith("-"):
        cat = code[:-1].rstrip(".")
        spec = set(gaps) & (SPEC_GAPS | {"region-not-documented"})
        return icd.is_valid_item(cat) and not icd.is_leaf(cat) and bool(spec)
    return icd.is_valid_item(code) and icd.is_leaf(code)


def main():
    path = os.path.join(HERE, "notes.jsonl")
    errs, recs = [], []
    with open(path) as f:
        for ln, line in enumerate(f, 1):
            try:
                recs.append(json.loads(line))
            except Exception as e:
                errs.append(f"line {ln}: bad JSON: {e}")
    for i, r in enumerate(recs, 1):
        rid = r.get("id", f"line{i}")
        if list(r.keys()) != KEYS:
            errs.append(f"{rid}: keys {list(r.keys())} != {KEYS}")
            continue
        if r["id"] != f"{PREFIX}-{i:02d}":
            errs.append(f"{rid}: id not sequential (expected {PREFIX}-{i:02d})")
        if r["class"] not in CLASSES:
            errs.append(f"{rid}: bad class {r['class']}")
        if r["setting"] not in SETTINGS:
            errs.append(f"{rid}: bad setting")
        if r["setting"] == "inpatient" and "discharge" not in r["style"]:
            errs.append(f"{rid}: inpatient only for a discharge summary")
        wc = len(r["text"].split())
        if not 60 <= wc <= 250:
            errs.append(f"{rid}: {wc} words")
        wcw = len(r["why"].split())
        why_sent = len([s for s in re.split(r"(?<=[.!?])\s+", r["why"].strip()) if s])
        if why_sent > 3 or wcw < 5:
            errs.append(f"{rid}: why has {why_sent} sentences")
        for k in ("codes", "alternatives", "gaps"):
            if not isinstance(r[k], list) or len(set(r[k])) != len(r[k]):
                errs.append(f"{rid}: {k} must be a list without duplicates")
        for c in r["codes"]:
            if not c.startswith("M53"):
                errs.append(f"{rid}: non-M53 code in codes: {c}")
        for c in r["alternatives"]:
            if c.startswith("M53"):
                errs.append(f"{rid}: M53 code in alternatives: {c}")
        for c in r["codes"] + r["alternatives"]:
            if not code_ok(c, r["gaps"]):
                errs.append(f"{rid}: {c} is not a billable leaf (or '-' category with a specificity gap)")
        allowed = set()
        for c in r["codes"] + r["alternatives"]:
            allowed |= gaps_for(c)
        for g in r["gaps"]:
            if g not in ALL_GAPS:
                errs.append(f"{rid}: unknown gap {g}")
            elif g not in allowed:
                errs.append(f"{rid}: gap {g} cannot be raised by {r['codes'] + r['alternatives']}")
        if "uncertain-diagnosis" in r["gaps"] and "condition-not-named" in r["gaps"]:
            errs.append(f"{rid}: uncertain-diagnosis and condition-not-named together")
        if r["class"] == "4-remote-injury" and not r["codes"]:
            errs.append(f"{rid}: remote-injury positive without an M53 code")
        if r["class"] == "5-documentation-control" and not r["gaps"]:
            errs.append(f"{rid}: documentation control keeps no gap")
    n = len(recs)
    cls = Counter(r.get("class") for r in recs)
    sty = Counter(r.get("style") for r in recs)
    ctrl = sum(v for k, v in cls.items() if k and k.endswith("control"))
    if n and not 0.25 <= ctrl / n <= 0.30 + 1e-9:
        errs.append(f"controls {ctrl}/{n} outside 25-30%")
    if len(sty) < 6:
        errs.append(f"only {len(sty)} styles")
    for e in errs:
        print("ERROR", e)
    print(f"{n} notes; classes {dict(cls)}; controls {ctrl}/{n} = {ctrl / max(n, 1):.0%}; "
          f"{len(sty)} styles {dict(sty)}")
    print("FAIL" if errs else "PASS")
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
