"""Validate /tmp/w/w13/notes.jsonl against the batch contract and the coding brief (version 2/3 gap rules).
Run with the venv that has simple_icd_10_cm:  /tmp/w13venv/bin/python check.py"""
import json, re, sys, collections
import simple_icd_10_cm as cm

PATH = "/tmp/w/w13/notes.jsonl"
KEYS = ["id", "style", "setting", "class", "text", "codes", "alternatives", "gaps", "why"]
STYLES = {"speech-recognition dictation", "telegraphic EHR", "consultant letter", "ambient-scribe summary",
          "radiology-heavy follow-up", "chiropractic / physiotherapy", "procedure note",
          "payer / workers' comp form", "translated case report", "discharge summary"}
GAPS = {"region-not-documented", "condition-not-named", "uncertain-diagnosis", "imaging-not-documented",
        "neuro-exam-not-documented", "conservative-care-not-documented", "exclusions-not-documented",
        "symptom-cluster-not-documented", "chronicity-not-documented", "injury-timeline-unclear",
        "level-not-documented", "laterality-not-documented", "encounter-not-documented",
        "specificity-not-documented"}
# "Which gaps a code can raise" (brief, version 2)
COMMON = {"imaging-not-documented", "neuro-exam-not-documented", "chronicity-not-documented", "injury-timeline-unclear"}
def allowed_for(code):
    if code == "M53.0":
        return COMMON | {"symptom-cluster-not-documented", "conservative-care-not-documented"}
    if code == "M53.1":
        return COMMON | {"conservative-care-not-documented"}
    if code.startswith("M53.2X") or code.startswith("M53.8"):
        a = COMMON | {"conservative-care-not-documented", "exclusions-not-documented"}
        if code in ("M53.80", "M53.2X9"):
            a |= {"region-not-documented"}
        return a
    if code == "M53.3":
        return {"conservative-care-not-documented", "chronicity-not-documented", "injury-timeline-unclear"}
    if code == "M53.9":
        return {"condition-not-named", "imaging-not-documented", "neuro-exam-not-documented",
                "chronicity-not-documented", "injury-timeline-unclear"}
    if code in ("M54.2", "M54.6", "M54.9") or code.startswith("M54.5"):
        return {"condition-not-named", "injury-timeline-unclear"}
    return set()

errors, warns = [], []
rows = [json.loads(l) for l in open(PATH, encoding="utf-8")]
if len(rows) != 40:
    errors.append(f"expected 40 lines, got {len(rows)}")
ids = [r["id"] for r in rows]
if sorted(ids) != [f"wn-{i:02d}" for i in range(1, 41)]:
    errors.append("ids are not wn-01..wn-40")
texts = set()
for r in rows:
    i = r["id"]
    if list(r.keys()) != KEYS:
        errors.append(f"{i}: key order {list(r.keys())}")
    if r["style"] not in STYLES:
        errors.append(f"{i}: style {r['style']}")
    if r["setting"] not in ("outpatient", "inpatient"):
        errors.append(f"{i}: setting")
    if (r["style"] == "discharge summary") != (r["setting"] == "inpatient"):
        errors.append(f"{i}: discharge summaries (and only they) are inpatient in this batch")
    if not re.match(r"^(positive|negative) \(.+\)$", r["class"]):
        errors.append(f"{i}: class format")
    n = len(r["text"].split())
    if not 60 <= n <= 220:
        errors.append(f"{i}: text has {n} words")
    if r["text"] in texts:
        errors.append(f"{i}: duplicate text")
    texts.add(r["text"])
    for c in r["codes"]:
        if not c.startswith("M53"):
            errors.append(f"{i}: non-M53 code in codes: {c}")
        if not (cm.is_valid_item(c) and cm.is_leaf(c)):
            errors.append(f"{i}: code {c} is not a billable leaf")
    for c in r["alternatives"]:
        if c.startswith("M53"):
            errors.append(f"{i}: M53 code in alternatives: {c}")
        if not (cm.is_valid_item(c) and cm.is_leaf(c)):
            errors.append(f"{i}: alternative {c} is not a billable leaf")
    if len(set(r["codes"])) != len(r["codes"]) or len(set(r["gaps"])) != len(r["gaps"]):
        errors.append(f"{i}: duplicates in codes/gaps")
    for g in r["gaps"]:
        if g not in GAPS:
            errors.append(f"{i}: unknown gap {g}")
    # every gap must be raisable by some proposed code, or be uncertain-diagnosis
    raisable = set()
    for c in r["codes"] + r["alternatives"]:
        raisable |= allowed_for(c)
    for g in r["gaps"]:
        if g == "uncertain-diagnosis":
            if "condition-not-named" in r["gaps"]:
                errors.append(f"{i}: uncertain-diagnosis raised together with condition-not-named")
            continue
        if g not in raisable:
            errors.append(f"{i}: gap {g} not raisable by {r['codes'] + r['alternatives']}")
    # pain-only and M53.9 must carry condition-not-named (unless uncertain)
    pain = [c for c in r["alternatives"] if c in ("M54.2", "M54.6", "M54.9") or c.startswith("M54.5")]
    if (pain or "M53.9" in r["codes"]) and "condition-not-named" not in r["gaps"] and "uncertain-diagnosis" not in r["gaps"]:
        errors.append(f"{i}: pain-only / M53.9 without condition-not-named")
    if ("M53.80" in r["codes"] or "M53.2X9" in r["codes"]) and "region-not-documented" not in r["gaps"]:
        warns.append(f"{i}: site-unspecified code without region-not-documented")
    # one code per region: no two M53.8-/M53.2X- codes for the same region digit
    reg = collections.Counter(c[-1] for c in r["codes"] if c.startswith("M53.8"))
    if any(v > 1 for v in reg.values()):
        errors.append(f"{i}: two M53.8 codes for one region")
    ws = len(re.findall(r"[.!?](\s|$)", r["why"]))
    if ws > 2:
        warns.append(f"{i}: why has {ws} sentences")

cls = collections.Counter(r["class"].split(" ")[0] for r in rows)
sty = collections.Counter(r["style"] for r in rows)
for s in STYLES:
    if sty[s] < 3:
        errors.append(f"style {s} has only {sty[s]} notes")
# shuffling: class and style must not follow id order in long runs
seq = [r["class"].split(" ")[0] for r in sorted(rows, key=lambda r: r["id"])]
run = max(len(m.group(0)) for m in re.finditer(r"(p+|n+)", "".join(x[0] for x in seq)))
if run > 8:
    warns.append(f"longest same-class run by id is {run}")

print("classes:", dict(cls))
print("styles:", dict(sorted(sty.items())))
print("settings:", dict(collections.Counter(r["setting"] for r in rows)))
print("codes:", dict(sorted(collections.Counter(c for r in rows for c in r["codes"]).items())))
print("alternatives:", dict(sorted(collections.Counter(c for r in rows for c in r["alternatives"]).items())))
print("gaps:", dict(sorted(collections.Counter(g for r in rows for g in r["gaps"]).items())))
print("words min/max:", min(len(r["text"].split()) for r in rows), max(len(r["text"].split()) for r in rows))
for w in warns:
    print("WARN", w)
for e in errors:
    print("ERROR", e)
print("OK" if not errors else f"{len(errors)} error(s)")
sys.exit(1 if errors else 0)
