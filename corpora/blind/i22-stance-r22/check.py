"""Validate notes.jsonl for batch r22 (run with a python that has simple_icd_10_cm)."""
import json, sys, re, collections
import simple_icd_10_cm as icd

KEYS = ["id","style","setting","class","text","codes","alternatives","gaps","why"]
STYLES = {"dictation","soap-ehr","consultant-letter","ambient-scribe","payer-form","chiro-pt","ime-ur","procedure-note","discharge-summary"}
STANCES = ["rejected","resolved","uncertain","hypothetical","referral-only","family","historical"]
GAPS = {"region-not-documented","condition-not-named","uncertain-diagnosis","imaging-not-documented",
        "neuro-exam-not-documented","conservative-care-not-documented","exclusions-not-documented",
        "symptom-cluster-not-documented","chronicity-not-documented","injury-timeline-unclear",
        "level-not-documented","laterality-not-documented","encounter-not-documented","specificity-not-documented"}
# gaps an M53 code may raise (brief v2, "Which gaps a code can raise")
M53_GAPS = {
 "M53.0": {"symptom-cluster-not-documented","imaging-not-documented","neuro-exam-not-documented","conservative-care-not-documented","chronicity-not-documented","injury-timeline-unclear"},
 "M53.1": {"imaging-not-documented","neuro-exam-not-documented","conservative-care-not-documented","chronicity-not-documented","injury-timeline-unclear"},
 "M53.2": {"region-not-documented","imaging-not-documented","neuro-exam-not-documented","conservative-care-not-documented","exclusions-not-documented","chronicity-not-documented","injury-timeline-unclear"},
 "M53.3": {"conservative-care-not-documented","chronicity-not-documented","injury-timeline-unclear"},
 "M53.8": {"region-not-documented","imaging-not-documented","neuro-exam-not-documented","conservative-care-not-documented","exclusions-not-documented","chronicity-not-documented","injury-timeline-unclear"},
 "M53.9": {"condition-not-named","imaging-not-documented","neuro-exam-not-documented","chronicity-not-documented","injury-timeline-unclear"},
}
PAIN = {"M54.2","M54.50","M54.59","M54.6","M54.9"}
err = []
rows = [json.loads(l) for l in open(sys.argv[1] if len(sys.argv)>1 else "notes.jsonl")]
if len(rows)!=40: err.append(f"{len(rows)} rows, want 40")
ids=[r["id"] for r in rows]
if ids!=[f"tu-{i:02d}" for i in range(1,41)]: err.append("ids not tu-01..tu-40 in order")
cls=collections.Counter(); sty=collections.Counter(); cross=collections.Counter()
for r in rows:
    i=r["id"]
    if list(r.keys())!=KEYS: err.append(f"{i}: key order {list(r.keys())}")
    if r["style"] not in STYLES: err.append(f"{i}: style {r['style']}")
    if r["setting"] not in ("outpatient","inpatient"): err.append(f"{i}: setting")
    if (r["style"]=="discharge-summary") != (r["setting"]=="inpatient"): err.append(f"{i}: discharge/inpatient mismatch")
    wc=len(r["text"].split())
    if not 60<=wc<=220: err.append(f"{i}: {wc} words")
    c=r["class"]
    if c=="control":
        k="control"
        if not r["codes"]: err.append(f"{i}: control without codes")
    else:
        m=re.match(r"trap:([a-z-]+) \(.+\)$",c)
        if not m or m.group(1) not in STANCES: err.append(f"{i}: bad class {c}"); continue
        k=m.group(1)
        if r["codes"]: err.append(f"{i}: trap with codes")
        if k=="uncertain" and r["setting"]!="outpatient": err.append(f"{i}: uncertain trap must be outpatient")
        if k=="uncertain" and "uncertain-diagnosis" not in r["gaps"]: err.append(f"{i}: uncertain trap lacks gap")
        if k=="uncertain" and "condition-not-named" in r["gaps"]: err.append(f"{i}: uncertain + condition-not-named")
    cls[k]+=1; sty[r["style"]]+=1; cross[(r["style"],k)]+=1
    for code in r["codes"]+r["alternatives"]:
        if not icd.is_valid_item(code) or not icd.is_leaf(code): err.append(f"{i}: {code} not a billable leaf")
    for code in r["codes"]:
        if not code.startswith("M53"): err.append(f"{i}: non-M53 in codes {code}")
    for code in r["alternatives"]:
        if code.startswith("M53"): err.append(f"{i}: M53 in alternatives {code}")
    for g in r["gaps"]:
        if g not in GAPS: err.append(f"{i}: unknown gap {g}")
    allowed=set()
    for code in r["codes"]: allowed|=M53_GAPS[code[:5]]
    if any(a in PAIN for a in r["alternatives"]): allowed|={"condition-not-named","injury-timeline-unclear","uncertain-diagnosis"}
    if c.startswith("trap:uncertain"): allowed|={"uncertain-diagnosis"}
    allowed|={"level-not-documented","laterality-not-documented","encounter-not-documented","specificity-not-documented"}
    for g in r["gaps"]:
        if g not in allowed: err.append(f"{i}: gap {g} not raisable by {r['codes']+r['alternatives']}")
    if any(a in PAIN for a in r["alternatives"]) and not c.startswith("trap:uncertain") and "condition-not-named" not in r["gaps"]:
        err.append(f"{i}: pain alternative without condition-not-named")
    if not r["why"].strip(): err.append(f"{i}: empty why")
want={"control":12, **{s:4 for s in STANCES}}
if dict(cls)!=want: err.append(f"class counts {dict(cls)}")
for s,n in sty.items():
    if n<4: err.append(f"style {s} has {n}")
if set(sty)!=STYLES: err.append(f"styles missing {STYLES-set(sty)}")
# crude order check: first and second half should each mix classes and styles
h1=[r["class"].split(" ")[0] for r in rows[:20]]; h2=[r["class"].split(" ")[0] for r in rows[20:]]
if len(set(h1))<5 or len(set(h2))<5: err.append("classes look ordered")
print("classes:",dict(cls)); print("styles:",dict(sty))
codes=collections.Counter(x for r in rows for x in r["codes"]); print("codes:",dict(codes))
print("errors:" if err else "OK, no errors", *err, sep="\n  ")
sys.exit(1 if err else 0)
