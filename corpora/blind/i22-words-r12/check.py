"""Validates notes.jsonl against the batch contract. Run with a python that has simple_icd_10_cm:
   /tmp/w12venv/bin/python check.py"""
import json, re, sys, collections
import simple_icd_10_cm as icd

KEYS = ["id", "style", "setting", "class", "text", "codes", "alternatives", "gaps", "why"]
STYLES = {"speech-recognition dictation", "telegraphic EHR", "consultant letter", "ambient-scribe summary",
          "radiology-heavy follow-up", "chiropractic / physiotherapy", "procedure note",
          "payer / workers' comp form", "translated case report", "discharge summary"}
GAPS = {"region-not-documented", "condition-not-named", "uncertain-diagnosis", "imaging-not-documented",
        "neuro-exam-not-documented", "conservative-care-not-documented", "exclusions-not-documented",
        "symptom-cluster-not-documented", "chronicity-not-documented", "injury-timeline-unclear",
        "level-not-documented", "laterality-not-documented", "encounter-not-documented",
        "specificity-not-documented"}
# gaps each code family may raise (brief, version 2 "Which gaps a code can raise")
COMMON = {"imaging-not-documented", "neuro-exam-not-documented", "conservative-care-not-documented",
          "chronicity-not-documented", "injury-timeline-unclear"}
ALLOWED = {
    "M53.0": COMMON | {"symptom-cluster-not-documented"},
    "M53.1": COMMON,
    "M53.2": COMMON | {"region-not-documented", "exclusions-not-documented"},
    "M53.8": COMMON | {"region-not-documented", "exclusions-not-documented"},
    "M53.3": {"conservative-care-not-documented", "chronicity-not-documented", "injury-timeline-unclear"},
    "M53.9": {"condition-not-named", "imaging-not-documented", "neuro-exam-not-documented",
              "chronicity-not-documented", "injury-timeline-unclear"},
    "PAIN": {"condition-not-named", "injury-timeline-unclear"},
}
PAIN = {"M54.2", "M54.6", "M54.9", "M54.50", "M54.51", "M54.59"}
SPINE_PREFIX = ("M4", "M50", "M51", "M53", "M54", "M99", "S12", "S13", "S22", "S23", "S32", "S33", "G99.2")

errs = []
def err(i, msg): errs.append(f"{i}: {msg}")

lines = open("notes.jsonl", encoding="utf-8").read().splitlines()
if len(lines) != 40: err("file", f"{len(lines)} lines, want 40")
ids, texts = [], set()
styles, classes = collections.Counter(), collections.Counter()
for ln in lines:
    o = json.loads(ln)
    i = o.get("id")
    if list(o.keys()) != KEYS: err(i, f"keys {list(o.keys())}")
    ids.append(i)
    if o["style"] not in STYLES: err(i, f"style {o['style']}")
    styles[o["style"]] += 1
    if o["setting"] not in ("outpatient", "inpatient"): err(i, "setting")
    if (o["style"] == "discharge summary") != (o["setting"] == "inpatient"): err(i, "setting/style mismatch")
    m = re.match(r"(positive|negative) \((.+)\)$", o["class"])
    if not m: err(i, "class format")
    else: classes[m.group(1)] += 1
    wc = len(o["text"].split())
    if not 60 <= wc <= 220: err(i, f"text has {wc} words")
    if o["text"] in texts: err(i, "duplicate text")
    texts.add(o["text"])
    for c in o["codes"] + o["alternatives"]:
        if not (icd.is_valid_item(c) and icd.is_leaf(c)): err(i, f"{c} not a billable leaf")
    for c in o["codes"]:
        if not c.startswith("M53"): err(i, f"codes holds non-M53 {c}")
    for c in o["alternatives"]:
        if c.startswith("M53"): err(i, f"alternatives holds M53 {c}")
        if not c.startswith(SPINE_PREFIX): err(i, f"alternative {c} not a spine code")
    if len(set(o["codes"])) != len(o["codes"]): err(i, "duplicate code")
    for g in o["gaps"]:
        if g not in GAPS: err(i, f"unknown gap {g}")
    # each gap must be raisable by at least one proposed code
    allowed = set()
    for c in o["codes"]:
        allowed |= ALLOWED.get(c[:5] if c[:5] in ALLOWED else c[:5], set())
    for c in o["alternatives"]:
        if c in PAIN: allowed |= ALLOWED["PAIN"]
    for g in o["gaps"]:
        if g not in allowed and g != "uncertain-diagnosis": err(i, f"gap {g} not raisable by {o['codes']+o['alternatives']}")
    if "region-not-documented" in o["gaps"] and not ({"M53.80", "M53.2X9"} & set(o["codes"])):
        err(i, "region gap without M53.80/M53.2X9")
    if {"M53.80", "M53.2X9"} & set(o["codes"]) and "region-not-documented" not in o["gaps"]:
        err(i, "M53.80/M53.2X9 without region gap")
    if "M53.9" in o["codes"] and "condition-not-named" not in o["gaps"]: err(i, "M53.9 without condition-not-named")
    if any(c in PAIN for c in o["alternatives"]) and not o["codes"] and not ({"condition-not-named", "uncertain-diagnosis"} & set(o["gaps"])):
        err(i, "pain-only without condition-not-named (or uncertain-diagnosis)")
    if {"condition-not-named", "uncertain-diagnosis"} <= set(o["gaps"]):
        err(i, "uncertain-diagnosis raised together with condition-not-named")
    if o["class"].startswith("positive") and not (o["codes"] or set(o["alternatives"]) & PAIN):
        err(i, "positive without M53 or pain code")
    nsent = len(re.findall(r"[.!?](\s|$)", o["why"]))
    if not 1 <= nsent <= 3: err(i, f"why has {nsent} sentences")

if sorted(ids) != [f"wm-{k:02d}" for k in range(1, 41)]: err("file", "ids not wm-01..wm-40")
for s in STYLES:
    if styles[s] < 3: err("file", f"style {s} has {styles[s]} notes")
print("classes:", dict(classes))
print("styles:", dict(sorted(styles.items())))
codes = collections.Counter(c for ln in lines for c in json.loads(ln)["codes"])
print("M53 codes:", dict(sorted(codes.items())))
if errs:
    print("\n".join(errs)); sys.exit(1)
print("OK: all checks passed")
