#!/usr/bin/env python3
"""Validate /tmp/w/r23/notes.jsonl against the batch spec. Run with a python that has simple_icd_10_cm
(e.g. /tmp/r23venv/bin/python check.py). Exits non-zero on any error."""
import json, re, sys, collections
import simple_icd_10_cm as icd

PATH = "/tmp/w/r23/notes.jsonl"
KEYS = ["id", "style", "setting", "class", "text", "codes", "alternatives", "gaps", "why"]
STYLES = {"dictation", "ehr-soap", "consultant-letter", "ambient-scribe", "payer-wc-form",
          "chiro-pt", "ime-ur", "procedure-note", "discharge-summary"}
STANCES = ["rejected", "resolved", "uncertain", "hypothetical", "referral-only", "family", "historical"]
GAPS = {"region-not-documented", "condition-not-named", "uncertain-diagnosis", "imaging-not-documented",
        "neuro-exam-not-documented", "conservative-care-not-documented", "exclusions-not-documented",
        "symptom-cluster-not-documented", "chronicity-not-documented", "injury-timeline-unclear",
        "level-not-documented", "laterality-not-documented", "encounter-not-documented",
        "specificity-not-documented"}
# gaps each M53 code may raise (brief v2 "Which gaps a code can raise")
COMMON = {"imaging-not-documented", "neuro-exam-not-documented", "conservative-care-not-documented",
          "chronicity-not-documented", "injury-timeline-unclear"}
def allowed_for(code):
    if code == "M53.0": return COMMON | {"symptom-cluster-not-documented"}
    if code == "M53.1": return COMMON
    if code == "M53.3": return {"conservative-care-not-documented", "chronicity-not-documented", "injury-timeline-unclear"}
    if code.startswith("M53.2X") or code.startswith("M53.8"):
        s = COMMON | {"exclusions-not-documented"}
        if code in ("M53.80", "M53.2X9"): s |= {"region-not-documented"}
        return s
    if code == "M53.9": return {"condition-not-named", "imaging-not-documented", "neuro-exam-not-documented",
                                "chronicity-not-documented", "injury-timeline-unclear"}
    return set()
PAIN = {"M54.2", "M54.50", "M54.59", "M54.6", "M54.9"}

errs = []
lines = open(PATH, encoding="utf-8").read().splitlines()
if len(lines) != 40: errs.append(f"expected 40 lines, got {len(lines)}")
ids, cls_count, style_count, style_by_kind = [], collections.Counter(), collections.Counter(), collections.defaultdict(set)
for n, line in enumerate(lines, 1):
    o = json.loads(line)
    pid = o.get("id", f"line{n}")
    if list(o.keys()) != KEYS: errs.append(f"{pid}: keys/order {list(o.keys())}")
    ids.append(o["id"])
    if o["style"] not in STYLES: errs.append(f"{pid}: bad style {o['style']}")
    if o["setting"] not in ("outpatient", "inpatient"): errs.append(f"{pid}: bad setting")
    if (o["style"] == "discharge-summary") != (o["setting"] == "inpatient"):
        errs.append(f"{pid}: discharge summaries (and only they) are inpatient")
    wc = len(o["text"].split())
    if not 60 <= wc <= 220: errs.append(f"{pid}: {wc} words")
    c = o["class"]
    m = re.match(r"^trap:([a-z-]+) \(.+\)$", c)
    if c.startswith("control"):
        kind = "control"
        if not o["codes"]: errs.append(f"{pid}: control without codes")
    elif m and m.group(1) in STANCES:
        kind = m.group(1)
        if o["codes"]: errs.append(f"{pid}: trap with codes")
        if kind == "uncertain" and o["setting"] != "outpatient": errs.append(f"{pid}: uncertain trap must be outpatient")
        if kind == "uncertain" and "uncertain-diagnosis" not in o["gaps"]: errs.append(f"{pid}: uncertain trap lacks gap")
        if kind != "uncertain" and "uncertain-diagnosis" in o["gaps"]: errs.append(f"{pid}: stray uncertain gap")
    else:
        errs.append(f"{pid}: bad class {c}"); kind = "?"
    cls_count[kind] += 1; style_count[o["style"]] += 1; style_by_kind[o["style"]].add("control" if kind == "control" else "trap")
    for code in o["codes"] + o["alternatives"]:
        if not (icd.is_valid_item(code) and icd.is_leaf(code)): errs.append(f"{pid}: {code} not a billable leaf")
    for code in o["codes"]:
        if not code.startswith("M53"): errs.append(f"{pid}: non-M53 in codes {code}")
    for code in o["alternatives"]:
        if code.startswith("M53"): errs.append(f"{pid}: M53 in alternatives {code}")
    if len(set(o["gaps"])) != len(o["gaps"]): errs.append(f"{pid}: duplicate gaps")
    allowed = set()
    for code in o["codes"]: allowed |= allowed_for(code)
    if any(a in PAIN for a in o["alternatives"]):
        allowed |= {"condition-not-named", "injury-timeline-unclear"}
    if kind == "uncertain": allowed |= {"uncertain-diagnosis"}
    allowed |= {"level-not-documented", "laterality-not-documented", "encounter-not-documented", "specificity-not-documented"}
    for g in o["gaps"]:
        if g not in GAPS: errs.append(f"{pid}: unknown gap {g}")
        elif g not in allowed: errs.append(f"{pid}: gap {g} not raisable by {o['codes'] + o['alternatives']}")
    if kind == "uncertain" and "condition-not-named" in o["gaps"]: errs.append(f"{pid}: uncertain + condition-not-named")
    if len(o["why"].split(". ")) > 3: errs.append(f"{pid}: why too long")

if ids != [f"tv-{i:02d}" for i in range(1, 41)]: errs.append("ids not tv-01..tv-40 in order")
want = {s: 4 for s in STANCES}; want["control"] = 12
for k, v in want.items():
    if cls_count[k] != v: errs.append(f"class {k}: {cls_count[k]} (want {v})")
for s in STYLES:
    if style_count[s] < 4: errs.append(f"style {s}: {style_count[s]} < 4")
    if style_by_kind[s] != {"control", "trap"}: errs.append(f"style {s} not spread across classes")

print("classes:", dict(cls_count)); print("styles:", dict(style_count))
m53 = collections.Counter(c for l in lines for c in json.loads(l)["codes"])
print("M53 codes in controls:", dict(m53))
if errs:
    print("\n".join("ERROR " + e for e in errs)); sys.exit(1)
print("OK")
