"""Validate notes.jsonl for batch wa (i22-where-after). Run: /work/main/.venv/bin/python check.py"""
import json, re, sys, os
import simple_icd_10_cm as icd

HERE = os.path.dirname(os.path.abspath(__file__))
PREFIX = "wa"
KEYS = ["id", "style", "setting", "class", "text", "codes", "alternatives", "gaps", "why"]
CLASSES = {"1-where", "1-where-control"}
SPEC_GAPS = {"level-not-documented", "laterality-not-documented", "encounter-not-documented",
             "specificity-not-documented"}
ALL_GAPS = {"region-not-documented", "condition-not-named", "uncertain-diagnosis", "imaging-not-documented",
            "neuro-exam-not-documented", "conservative-care-not-documented", "exclusions-not-documented",
            "symptom-cluster-not-documented", "chronicity-not-documented", "injury-timeline-unclear"} | SPEC_GAPS

def raisable(code):
    """Gaps a proposed code can raise (coding brief v2 'Which gaps a code can raise', v3 specificity gaps)."""
    if code.endswith("-"):
        return set(SPEC_GAPS)
    if code == "M53.0":
        return {"symptom-cluster-not-documented", "imaging-not-documented", "neuro-exam-not-documented",
                "conservative-care-not-documented", "chronicity-not-documented", "injury-timeline-unclear"}
    if code == "M53.1":
        return {"imaging-not-documented", "neuro-exam-not-documented", "conservative-care-not-documented",
                "chronicity-not-documented", "injury-timeline-unclear"}
    if re.fullmatch(r"M53\.2X[1-9]|M53\.8[0-8]", code):
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
    if code == "M54.2" or code == "M54.6" or code == "M54.9" or code.startswith("M54.5"):
        # pain with no structural diagnosis; or the symptom code of an uncertain diagnosis
        return {"condition-not-named", "injury-timeline-unclear", "uncertain-diagnosis"}
    return set()

errs = []
ids = []
classes = {}
styles = {}
lines = open(os.path.join(HERE, "notes.jsonl"), encoding="utf-8").read().splitlines()
for ln, line in enumerate(lines, 1):
    try:
        o = json.loads(line)
    except Exception as e:
        errs.append(f"line {ln}: bad JSON {e}"); continue
    if list(o.keys()) != KEYS:
        errs.append(f"line {ln}: keys {list(o.keys())} != {KEYS}"); continue
    i = o["id"]; ids.append(i)
    if i != f"{PREFIX}-{ln:02d}":
        errs.append(f"{i}: expected id {PREFIX}-{ln:02d}")
    if o["setting"] not in ("outpatient", "inpatient"):
        errs.append(f"{i}: bad setting")
    if o["setting"] == "inpatient" and "discharge" not in o["style"].lower():
        errs.append(f"{i}: inpatient only for a discharge summary")
    if o["class"] not in CLASSES:
        errs.append(f"{i}: bad class {o['class']}")
    classes[o["class"]] = classes.get(o["class"], 0) + 1
    styles[o["style"]] = styles.get(o["style"], 0) + 1
    wc = len(o["text"].split())
    if not 60 <= wc <= 250:
        errs.append(f"{i}: {wc} words")
    for k in ("codes", "alternatives", "gaps"):
        if not isinstance(o[k], list) or len(set(o[k])) != len(o[k]):
            errs.append(f"{i}: {k} must be a list without duplicates")
    gaps = set(o["gaps"])
    for c in o["codes"] + o["alternatives"]:
        if c.endswith("-"):
            if not icd.is_valid_item(c[:-1].rstrip(".")) or not (gaps & SPEC_GAPS):
                errs.append(f"{i}: '-' category {c} invalid or without a specificity gap")
        elif not (icd.is_valid_item(c) and icd.is_leaf(c)):
            errs.append(f"{i}: {c} is not a billable leaf")
    for c in o["codes"]:
        if not c.startswith("M53"):
            errs.append(f"{i}: non-M53 code {c} in codes")
    for c in o["alternatives"]:
        if c.startswith("M53"):
            errs.append(f"{i}: M53 code {c} in alternatives")
    unknown = gaps - ALL_GAPS
    if unknown:
        errs.append(f"{i}: unknown gap ids {unknown}")
    allowed = set().union(*[raisable(c) for c in o["codes"] + o["alternatives"]]) if (o["codes"] or o["alternatives"]) else set()
    for g in gaps - unknown:
        if g not in allowed:
            errs.append(f"{i}: gap {g} cannot be raised by {o['codes'] + o['alternatives']}")
    if {"uncertain-diagnosis", "condition-not-named"} <= gaps:
        errs.append(f"{i}: uncertain-diagnosis and condition-not-named together")
    if o["class"] == "1-where-control" and o["codes"]:
        errs.append(f"{i}: control proposes M53 codes {o['codes']}")
    if o["class"] == "1-where" and not (o["codes"] or o["alternatives"]):
        errs.append(f"{i}: positive note codes nothing")
    ns = len(re.findall(r"[.!?](\s|$)", o["why"].strip()))
    if not 1 <= ns <= 3:
        errs.append(f"{i}: why has {ns} sentences")

n = len(ids)
ctrl = classes.get("1-where-control", 0)
if n and not 0.25 <= ctrl / n <= 0.30:
    errs.append(f"controls {ctrl}/{n} outside 25-30%")
if len(styles) < 6:
    errs.append(f"only {len(styles)} styles")
print(f"{n} notes; classes {classes}; {len(styles)} styles: {styles}")
if errs:
    print("FAIL"); print("\n".join(errs)); sys.exit(1)
print("PASS")
