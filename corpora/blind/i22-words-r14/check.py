"""Validate notes.jsonl against the batch contract. Run with a python that has simple_icd_10_cm."""
import json, re, sys, collections
import simple_icd_10_cm as icd
P="/tmp/w/w14/notes.jsonl"
KEYS=["id","style","setting","class","text","codes","alternatives","gaps","why"]
STYLES={"speech-recognition dictation","telegraphic EHR","consultant letter","ambient-scribe summary","radiology-heavy follow-up",
        "chiropractic / physiotherapy","procedure note","payer / workers' comp form","translated case report","discharge summary"}
GAPS={"region-not-documented","condition-not-named","uncertain-diagnosis","imaging-not-documented","neuro-exam-not-documented",
      "conservative-care-not-documented","exclusions-not-documented","symptom-cluster-not-documented","chronicity-not-documented",
      "injury-timeline-unclear","level-not-documented","laterality-not-documented","encounter-not-documented","specificity-not-documented"}
# gaps each code family may raise (brief v2 "Which gaps a code can raise")
ALLOWED={"M53.0":{"symptom-cluster-not-documented","imaging-not-documented","neuro-exam-not-documented","conservative-care-not-documented","chronicity-not-documented","injury-timeline-unclear"},
 "M53.1":{"imaging-not-documented","neuro-exam-not-documented","conservative-care-not-documented","chronicity-not-documented","injury-timeline-unclear"},
 "M53.2":{"region-not-documented","imaging-not-documented","neuro-exam-not-documented","conservative-care-not-documented","exclusions-not-documented","chronicity-not-documented","injury-timeline-unclear"},
 "M53.3":{"conservative-care-not-documented","chronicity-not-documented","injury-timeline-unclear"},
 "M53.9":{"condition-not-named","imaging-not-documented","neuro-exam-not-documented","chronicity-not-documented","injury-timeline-unclear"},
 "PAIN":{"condition-not-named","injury-timeline-unclear"}}
ALLOWED["M53.8"]=ALLOWED["M53.2"]
def fam(c):
    if c in ("M54.2","M54.6","M54.9") or c.startswith("M54.5"): return "PAIN"
    if c.startswith("M53."): return c[:5]
    return None
err=[]
lines=open(P,encoding="utf-8").read().splitlines()
if len(lines)!=40: err.append(f"{len(lines)} lines")
rows=[json.loads(l) for l in lines]
ids=[r["id"] for r in rows]
if sorted(ids)!=[f"wo-{i:02d}" for i in range(1,41)]: err.append("ids")
texts=set()
for r in rows:
    i=r["id"]
    if list(r)!=KEYS: err.append(f"{i} key order {list(r)}")
    if r["style"] not in STYLES: err.append(f"{i} style")
    if r["setting"] not in ("outpatient","inpatient"): err.append(f"{i} setting")
    if (r["style"]=="discharge summary")!=(r["setting"]=="inpatient"): err.append(f"{i} setting/style mismatch")
    if not re.match(r"^(positive|negative) \(.+\)$",r["class"]): err.append(f"{i} class")
    w=len(r["text"].split())
    if not 60<=w<=220: err.append(f"{i} words {w}")
    if r["text"] in texts: err.append(f"{i} duplicate text")
    texts.add(r["text"])
    for c in r["codes"]+r["alternatives"]:
        if not (icd.is_valid_item(c) and icd.is_leaf(c)): err.append(f"{i} {c} not a billable leaf")
    for c in r["codes"]:
        if not c.startswith("M53"): err.append(f"{i} non-M53 in codes {c}")
    for c in r["alternatives"]:
        if c.startswith("M53"): err.append(f"{i} M53 in alternatives {c}")
    if len(set(r["codes"]))!=len(r["codes"]) or len(set(r["gaps"]))!=len(r["gaps"]): err.append(f"{i} duplicates")
    allowed=set()
    for c in r["codes"]+r["alternatives"]:
        f=fam(c)
        if f: allowed|=ALLOWED[f]
    for g in r["gaps"]:
        if g not in GAPS: err.append(f"{i} unknown gap {g}")
        elif g not in allowed: err.append(f"{i} gap {g} not raisable by {r['codes']+r['alternatives']}")
    if "region-not-documented" in r["gaps"] and not any(c in ("M53.80","M53.2X9") for c in r["codes"]):
        err.append(f"{i} region gap without M53.80/M53.2X9")
    if r["class"].startswith("positive") and not (r["codes"] or any(fam(c)=="PAIN" for c in r["alternatives"])):
        err.append(f"{i} positive with nothing coded")
    if not r["why"].strip(): err.append(f"{i} why empty")
cls=collections.Counter(r["class"].split()[0] for r in rows)
sty=collections.Counter(r["style"] for r in rows)
for s in STYLES:
    if sty[s]<3: err.append(f"style {s} has {sty[s]}")
codes=collections.Counter(c for r in rows for c in r["codes"])
print("classes:",dict(cls)); print("styles:",dict(sty)); print("settings:",dict(collections.Counter(r["setting"] for r in rows)))
print("codes:",dict(sorted(codes.items())))
print("alternatives:",dict(sorted(collections.Counter(c for r in rows for c in r["alternatives"]).items())))
print("gaps:",dict(sorted(collections.Counter(g for r in rows for g in r["gaps"]).items())))
print("words min/max:",min(len(r["text"].split()) for r in rows),max(len(r["text"].split()) for r in rows))
print("ERRORS:" if err else "OK: no errors", *err, sep="\n")
sys.exit(1 if err else 0)
