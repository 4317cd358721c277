#!/usr/bin/env python3
"""Validate notes.jsonl against the labelling contract in /tmp/w/proc/brief.md.

Independent of build.py (rules are re-stated here). Prints every error and warning and exits 1
if there is any error.  Usage: python3 check.py [path/to/notes.jsonl]
"""
import json
import re
import sys
from collections import Counter, defaultdict

PATH = sys.argv[1] if len(sys.argv) > 1 else __file__.rsplit("/", 1)[0] + "/notes.jsonl"

FAMILIES = {"facet", "esi", "si", "cmt", "pt"}
STEPS = {
    "facet": {"diagnostic_block", "rfa_initial", "rfa_repeat", "therapeutic_ia"},
    "si": {"si_diagnostic", "si_therapeutic"},
    "esi": {None}, "cmt": {None}, "pt": {None},
}
STATES = {"performed", "planned", "requested", "negated", "historical"}
CHECKED = {"performed", "planned", "requested"}
REGIONS = {"cervical", "thoracic", "lumbar", "sacral", None}
SIDES = {"left", "right", "bilateral", None}
BLOCKS = {"first", "second", None}
APPROACHES = {"interlaminar", "transforaminal", "caudal"}
STATUSES = {"documented", "not_documented", "contradicted", "needs_history", "not_applicable"}
STYLES = {
    "ehr_procedure_note", "dictated_operative_report", "prior_authorization_request", "consult_with_plan",
    "utilization_review", "chiropractic_daily_note", "chiropractic_reexamination", "multi_visit_log",
    "pt_progress_note", "appeal_letter", "nurse_navigator_checklist", "telehealth_followup",
}
NOTE_KEYS = {"id", "style", "text", "procedures"}
NOTE_OPTIONAL = {"meta"}
PROC_KEYS = {"family", "step", "state", "mention", "region", "levels", "side", "block", "approach",
             "repeat", "criteria"}

ALL_FACET = {"diagnostic_block", "rfa_initial", "rfa_repeat", "therapeutic_ia"}
CORE = {"diagnostic_block", "rfa_initial", "therapeutic_ia"}

# id -> rule(proc) returning True (applies), False (does not), or None (depends on the note; any status)
RULES = {
    "facet": {
        "facet.pain_duration": lambda p: p["step"] in CORE,
        "facet.conservative_care_failed": lambda p: p["step"] in CORE,
        "facet.no_untreated_radiculopathy": lambda p: True,
        "facet.other_causes_excluded": lambda p: p["step"] in CORE,
        "facet.first_block_relief": lambda p: (p["step"] == "diagnostic_block" and p["block"] == "second")
        or (None if p["step"] == "diagnostic_block" and p["block"] is None else False),
        "facet.two_blocks_relief": lambda p: p["step"] in {"rfa_initial", "therapeutic_ia"},
        "facet.same_pain_scale": lambda p: p["step"] == "rfa_initial",
        "facet.disability_baseline": lambda p: p["step"] == "rfa_initial",
        "facet.therapeutic_response": lambda p: p["step"] == "therapeutic_ia" and p["repeat"] is True,
        "facet.rfa_not_possible": lambda p: p["step"] == "therapeutic_ia",
        "facet.repeat_rfa_response": lambda p: p["step"] == "rfa_repeat",
        "facet.levels_per_session": lambda p: True,
        "facet.image_guidance": lambda p: p["state"] == "performed",
        "facet.frequency": lambda p: True,
    },
    "esi": {
        "esi.radicular_indication": lambda p: True,
        "esi.concordant_imaging": lambda p: True,
        "esi.pain_duration": lambda p: True,
        "esi.baseline_scale": lambda p: True,
        "esi.conservative_care_failed": lambda p: True,
        "esi.image_guidance": lambda p: p["state"] == "performed",
        "esi.levels_per_session": lambda p: True,
        "esi.repeat_response": lambda p: p["repeat"] is True,
        "esi.frequency": lambda p: True,
    },
    "si": {
        "si.pain_location_duration": lambda p: True,
        "si.provocative_tests": lambda p: True,
        "si.conservative_care_failed": lambda p: True,
        "si.other_causes_excluded": lambda p: True,
        "si.image_guidance": lambda p: p["state"] == "performed",
        "si.diagnostic_relief": lambda p: p["step"] == "si_therapeutic",
        "si.therapeutic_response": lambda p: p["step"] == "si_therapeutic" and p["repeat"] is True,
        "si.frequency": lambda p: True,
    },
    "cmt": {
        "cmt.subluxation_primary": lambda p: True,
        "cmt.part_findings": lambda p: True,
        "cmt.xray_timing": lambda p: None,  # applies only when an x-ray is used: note-dependent
        "cmt.active_treatment": lambda p: True,
    },
    "pt": {},
}
FREQUENCY_IDS = {"facet.frequency", "esi.frequency", "si.frequency"}
LEVEL_RE = re.compile(r"^([CTLS])(\d{1,2})(?:-(?:([CTLS])(\d{1,2})|(\d{1,2})))?$")

errors, warnings = [], []


def err(where, msg):
    errors.append(f"ERROR {where}: {msg}")


def warn(where, msg):
    warnings.append(f"warn  {where}: {msg}")


def nth(text, sub, n):
    i = -1
    for _ in range(n):
        i = text.find(sub, i + 1)
        if i < 0:
            return -1
    return i


def check_level(where, lv, region):
    m = LEVEL_RE.match(lv) if isinstance(lv, str) else None
    if not m:
        err(where, f"level {lv!r} not in normalised form (L4-5, L5-S1, C7-T1, C5)")
        return
    a, an, b, bn, same = m.groups()
    if b == a:
        err(where, f"level {lv!r}: same-region pair must be written like L4-5, not L4-L5")
    if same is not None and int(same) != int(an) + 1:
        warn(where, f"level {lv!r} is not an adjacent pair")
    exp = {"cervical": "C", "thoracic": "T", "lumbar": "L", "sacral": "S"}.get(region)
    if exp and a != exp:
        warn(where, f"level {lv!r} does not start in region {region}")


def check_proc(nid, k, p, text):
    w = f"{nid} proc[{k}]"
    if not isinstance(p, dict):
        err(w, "not an object")
        return
    missing, extra = PROC_KEYS - p.keys(), p.keys() - PROC_KEYS
    if missing:
        err(w, f"missing keys {sorted(missing)}")
        return
    if extra:
        err(w, f"unknown keys {sorted(extra)}")
    fam = p["family"]
    if fam not in FAMILIES:
        err(w, f"family {fam!r}")
        return
    if p["step"] not in STEPS[fam]:
        err(w, f"step {p['step']!r} not valid for {fam}")
    if p["state"] not in STATES:
        err(w, f"state {p['state']!r}")
    m = p["mention"]
    if not (isinstance(m, dict) and isinstance(m.get("text"), str) and m["text"]
            and isinstance(m.get("occurrence"), int) and m["occurrence"] >= 1):
        err(w, f"mention malformed: {m!r}")
    else:
        pos = nth(text, m["text"], m["occurrence"])
        if pos < 0:
            err(w, f"mention {m['text']!r} occurrence {m['occurrence']} not in text")
        elif "start" in m and m["start"] != pos:
            err(w, f"mention start {m['start']} != {pos}")
        w = f"{nid} {fam}/{p['step']}/{p['state']} '{m['text'][:40]}'"
    if p["region"] not in REGIONS:
        err(w, f"region {p['region']!r}")
    if not isinstance(p["levels"], list):
        err(w, "levels must be a list")
    else:
        for lv in p["levels"]:
            check_level(w, lv, p["region"])
        if len(set(p["levels"])) != len(p["levels"]):
            err(w, "duplicate levels")
    if p["side"] not in SIDES:
        err(w, f"side {p['side']!r}")
    if p["block"] not in BLOCKS:
        err(w, f"block {p['block']!r}")
    if p["block"] is not None and not (fam == "facet" and p["step"] == "diagnostic_block"):
        err(w, "block only for facet diagnostic_block")
    if fam == "esi":
        if p["approach"] not in APPROACHES and not (p["approach"] is None and p["state"] in {"negated", "historical"}):
            err(w, f"esi approach {p['approach']!r}")
    elif p["approach"] is not None:
        err(w, "approach only for esi")
    if not isinstance(p["repeat"], bool):
        err(w, "repeat must be true/false")
    crit = p["criteria"]
    if not isinstance(crit, dict):
        err(w, "criteria must be an object")
        return
    want = set(RULES[fam])
    if set(crit) != want:
        if want - set(crit):
            err(w, f"criteria missing {sorted(want - set(crit))}")
        if set(crit) - want:
            err(w, f"criteria not in family {sorted(set(crit) - want)}")
    for cid in sorted(want & set(crit)):
        c = crit[cid]
        cw = f"{w} {cid}"
        if not (isinstance(c, dict) and set(c) == {"status", "evidence"}):
            err(cw, f"must be {{status, evidence}}: {c!r}")
            continue
        st, ev = c["status"], c["evidence"]
        if st not in STATUSES:
            err(cw, f"status {st!r}")
            continue
        if not isinstance(ev, list) or not all(isinstance(e, str) and e for e in ev):
            err(cw, "evidence must be a list of non-empty strings")
            continue
        applies = RULES[fam][cid](p) if p["state"] in CHECKED else False
        if applies is False and st != "not_applicable":
            err(cw, f"does not apply to this step/state but status is {st}")
        if applies is True and st == "not_applicable":
            err(cw, "applies to this step/state but status is not_applicable")
        if cid in FREQUENCY_IDS and st == "not_documented":
            err(cw, "frequency is needs_history unless the note lists the sessions")
        if st in {"documented", "contradicted"} and not ev:
            err(cw, f"{st} needs evidence")
        if st in {"not_documented", "not_applicable"} and ev:
            err(cw, f"{st} must carry no evidence")
        for e in ev:
            cnt = text.count(e)
            if cnt == 0:
                err(cw, f"evidence not an exact substring: {e!r}")
            elif cnt > 1:
                warn(cw, f"evidence occurs {cnt}x: {e!r}")


def main():
    notes = []
    with open(PATH, encoding="utf-8") as f:
        for ln, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                notes.append(json.loads(line))
            except json.JSONDecodeError as e:
                err(f"line {ln}", f"bad JSON: {e}")
    ids = [n.get("id") for n in notes]
    if ids != [f"pm-{i:02d}" for i in range(1, 13)]:
        err("file", f"ids must be pm-01..pm-12 in order, got {ids}")
    for n in notes:
        nid = n.get("id", "?")
        if NOTE_KEYS - n.keys():
            err(nid, f"missing keys {sorted(NOTE_KEYS - n.keys())}")
            continue
        if n.keys() - NOTE_KEYS - NOTE_OPTIONAL:
            err(nid, f"unknown keys {sorted(n.keys() - NOTE_KEYS - NOTE_OPTIONAL)}")
        if n["style"] not in STYLES:
            err(nid, f"style {n['style']!r}")
        if not isinstance(n["text"], str) or len(n["text"]) < 300:
            err(nid, "text missing or too short")
            continue
        if not isinstance(n["procedures"], list) or not n["procedures"]:
            err(nid, "procedures must be a non-empty list")
            continue
        for k, p in enumerate(n["procedures"]):
            check_proc(nid, k, p, n["text"])
        seen = Counter((p["mention"]["text"], p["mention"]["occurrence"]) for p in n["procedures"]
                       if isinstance(p, dict) and isinstance(p.get("mention"), dict))
        for key, c in seen.items():
            if c > 1:
                err(nid, f"mention used by {c} entries: {key}")
        if not any(p.get("state") in CHECKED and p.get("family") != "pt" for p in n["procedures"]):
            err(nid, "no performed/planned/requested procedure with criteria")
    # batch-level checks
    styles = Counter(n.get("style") for n in notes)
    for s, c in styles.items():
        if c > 1:
            err("batch", f"style {s} used {c} times")
    # sentence reuse across notes
    where = defaultdict(set)
    for n in notes:
        for s in re.split(r"(?<=[.;:!?])\s+|\n", n.get("text", "")):
            s = s.strip()
            if len(s) >= 40:
                where[s].add(n.get("id"))
    for s, ids_ in where.items():
        if len(ids_) > 1:
            err("batch", f"sentence reused in {sorted(ids_)}: {s[:60]!r}")
    # coverage
    have = set()
    for n in notes:
        for p in n.get("procedures", []):
            if p.get("state") in CHECKED:
                have.add((p["family"], p["step"], p.get("approach"), p.get("region")))
    need = {
        "facet diagnostic_block": lambda h: h[0] == "facet" and h[1] == "diagnostic_block",
        "facet rfa_initial": lambda h: h[:2] == ("facet", "rfa_initial"),
        "facet rfa_repeat": lambda h: h[:2] == ("facet", "rfa_repeat"),
        "facet therapeutic_ia": lambda h: h[:2] == ("facet", "therapeutic_ia"),
        "esi interlaminar": lambda h: h[0] == "esi" and h[2] == "interlaminar",
        "esi transforaminal": lambda h: h[0] == "esi" and h[2] == "transforaminal",
        "esi caudal": lambda h: h[0] == "esi" and h[2] == "caudal",
        "esi lumbar": lambda h: h[0] == "esi" and h[3] == "lumbar",
        "esi cervical": lambda h: h[0] == "esi" and h[3] == "cervical",
        "si_diagnostic": lambda h: h[1] == "si_diagnostic",
        "si_therapeutic": lambda h: h[1] == "si_therapeutic",
        "cmt": lambda h: h[0] == "cmt",
    }
    for name, f in need.items():
        if not any(f(h) for h in have):
            err("batch", f"coverage: no checked {name}")
    blocks = {p.get("block") for n in notes for p in n.get("procedures", [])
              if p.get("step") == "diagnostic_block" and p.get("state") in CHECKED}
    if not {"first", "second"} <= blocks:
        err("batch", f"coverage: need MBB #1 and #2 with criteria, have {blocks}")
    docs = Counter(n.get("meta", {}).get("documentation") for n in notes)
    if set(docs) != {"complete", "missing", "contradicted"} or min(docs.values()) < 3:
        err("batch", f"documentation mix off: {dict(docs)}")
    statuses = Counter(c["status"] for n in notes for p in n.get("procedures", [])
                       for c in p.get("criteria", {}).values() if isinstance(c, dict))
    for line in warnings:
        print(line)
    for line in errors:
        print(line)
    print(f"{len(notes)} notes, {sum(len(n.get('procedures', [])) for n in notes)} procedure entries; "
          f"statuses {dict(statuses)}; documentation {dict(docs)}")
    print(f"{len(errors)} errors, {len(warnings)} warnings")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
