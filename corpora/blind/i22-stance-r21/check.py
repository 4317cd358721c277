#!/usr/bin/env python3
"""Validate notes.jsonl (batch r21). Run with a python that has simple_icd_10_cm installed."""
import json, re, sys, collections
import simple_icd_10_cm as icd

KEYS = ["id", "style", "setting", "class", "text", "codes", "alternatives", "gaps", "why"]
GAPS = {"region-not-documented", "condition-not-named", "uncertain-diagnosis", "imaging-not-documented",
        "neuro-exam-not-documented", "conservative-care-not-documented", "exclusions-not-documented",
        "symptom-cluster-not-documented", "chronicity-not-documented", "injury-timeline-unclear",
        "level-not-documented", "laterality-not-documented", "encounter-not-documented",
        "specificity-not-documented"}
STANCES = {"rejected", "resolved", "uncertain", "hypothetical", "referral-only", "family", "historical"}
STYLES = {"dictation", "telegraphic-soap", "consultant-letter", "ambient-scribe", "payer-form",
          "chiro-physio", "ime-ur", "procedure-note", "discharge-summary"}
# gaps each proposed code family may raise (brief v2 "Which gaps a code can raise")
M53_GAPS = {
    "M53.0": {"symptom-cluster-not-documented", "imaging-not-documented", "neuro-exam-not-documented",
              "conservative-care-not-documented", "chronicity-not-documented", "injury-timeline-unclear"},
    "M53.1": {"imaging-not-documented", "neuro-exam-not-documented", "conservative-care-not-documented",
              "chronicity-not-documented", "injury-timeline-unclear"},
    "M53.2": {"region-not-documented", "imaging-not-documented", "neuro-exam-not-documented",
              "conservative-care-not-documented", "exclusions-not-documented", "chronicity-not-documented",
              "injury-timeline-unclear"},
    "M53.3": {"conservative-care-not-documented", "chronicity-not-documented", "injury-timeline-unclear"},
}
M53_GAPS["M53.8"] = M53_GAPS["M53.2"]
PAIN = {"M54.2", "M54.50", "M54.51", "M54.59", "M54.6", "M54.9"}

errs = []
def err(i, m): errs.append(f"{i}: {m}")

lines = open(__file__.rsplit("/", 1)[0] + "/notes.jsonl", encoding="utf-8").read().splitlines()
if len(lines) != 40: err("file", f"{len(lines)} lines, want 40")
ids, cls_count, style_count = [], collections.Counter(), collections.Counter()
style_by_cls = collections.defaultdict(collections.Counter)
for ln, line in enumerate(lines, 1):
    try:
        o = json.loads(line)
    except Exception as e:
        err(ln, f"bad JSON {e}"); continue
    i = o.get("id", ln)
    if list(o.keys()) != KEYS: err(i, f"key order {list(o.keys())}")
    ids.append(o["id"])
    if o["style"] not in STYLES: err(i, f"style {o['style']}")
    if o["setting"] not in ("outpatient", "inpatient"): err(i, "setting")
    if o["style"] == "discharge-summary" and o["setting"] != "inpatient": err(i, "discharge summary not inpatient")
    c = o["class"]
    if c == "control":
        stance = "control"
        if not o["codes"]: err(i, "control without M53 code")
    else:
        m = re.fullmatch(r"trap:([a-z-]+) \((.+)\)", c)
        if not m or m.group(1) not in STANCES: err(i, f"class {c}"); continue
        stance = m.group(1)
        if o["codes"]: err(i, "trap with M53 code")
        if stance == "uncertain" and o["setting"] != "outpatient": err(i, "uncertain trap must be outpatient")
    cls_count[stance] += 1; style_count[o["style"]] += 1; style_by_cls[o["style"]][stance] += 1
    wc = len(o["text"].split())
    if not 60 <= wc <= 220: err(i, f"word count {wc}")
    for code in o["codes"]:
        if not code.startswith("M53"): err(i, f"non-M53 in codes {code}")
    for code in o["alternatives"]:
        if code.startswith("M53"): err(i, f"M53 in alternatives {code}")
    for code in o["codes"] + o["alternatives"]:
        if not (icd.is_valid_item(code) and icd.is_leaf(code)): err(i, f"not a billable leaf: {code}")
    for g in o["gaps"]:
        if g not in GAPS: err(i, f"unknown gap {g}")
    # gap consistency
    allowed = set()
    for code in o["codes"]:
        allowed |= M53_GAPS.get(code[:5], set())
        if code not in ("M53.80", "M53.2X9"): allowed.discard("region-not-documented")
    if any(a in PAIN for a in o["alternatives"]):
        allowed |= {"condition-not-named", "injury-timeline-unclear"}
    if stance == "uncertain":
        allowed |= {"uncertain-diagnosis"}; allowed.discard("condition-not-named")
        if "uncertain-diagnosis" not in o["gaps"]: err(i, "uncertain trap lacks uncertain-diagnosis")
    allowed |= {"level-not-documented", "laterality-not-documented", "encounter-not-documented",
                "specificity-not-documented"}
    for g in o["gaps"]:
        if g not in allowed: err(i, f"gap {g} not raisable by {o['codes'] + o['alternatives']}")
    if not o["why"].strip(): err(i, "empty why")
if sorted(ids) != [f"tq-{k:02d}" for k in range(1, 41)]: err("file", "ids not tq-01..tq-40")
want = {"control": 12, **{s: 4 for s in STANCES}}
if dict(cls_count) != want: err("file", f"class counts {dict(cls_count)}")
for s in STYLES:
    if style_count[s] < 4: err("file", f"style {s} has {style_count[s]} (<4)")
print("classes:", dict(cls_count))
print("styles:", dict(style_count))
for s in sorted(style_by_cls): print(f"  {s}: {dict(style_by_cls[s])}")
print("\n".join(errs) if errs else "OK: no errors")
sys.exit(1 if errs else 0)
