"""Validate /tmp/w/pl/notes.jsonl against the labelling contract in /tmp/w/proc/brief.md.
Usage: python3 check.py [path]   -> prints errors and a summary, exit code 1 if any error."""
import json, re, sys
from collections import Counter

PATH = sys.argv[1] if len(sys.argv) > 1 else "/tmp/w/pl/notes.jsonl"
FAMILIES = {
    "facet": ["pain_duration", "conservative_care_failed", "no_untreated_radiculopathy", "other_causes_excluded",
              "first_block_relief", "two_blocks_relief", "same_pain_scale", "disability_baseline",
              "therapeutic_response", "rfa_not_possible", "repeat_rfa_response", "levels_per_session",
              "image_guidance", "frequency"],
    "esi": ["radicular_indication", "concordant_imaging", "pain_duration", "baseline_scale",
            "conservative_care_failed", "image_guidance", "levels_per_session", "repeat_response", "frequency"],
    "si": ["pain_location_duration", "provocative_tests", "conservative_care_failed", "other_causes_excluded",
           "image_guidance", "diagnostic_relief", "therapeutic_response", "frequency"],
    "cmt": ["subluxation_primary", "part_findings", "xray_timing", "active_treatment"],
    "pt": [],
}
STEPS = {"facet": {"diagnostic_block", "rfa_initial", "rfa_repeat", "therapeutic_ia"}, "esi": {"esi"},
         "si": {"si_diagnostic", "si_therapeutic"}, "cmt": {"cmt"}, "pt": {"pt"}}
STATES = {"performed", "planned", "requested", "negated", "historical"}
STATUSES = {"documented", "not_documented", "contradicted", "needs_history", "not_applicable"}
REGIONS = {"cervical", "thoracic", "lumbar", "sacral", None}
SIDES = {"left", "right", "bilateral", None}
LEVEL_RE = re.compile(r"^([CTLS]\d{1,2})(-([CTLS]?\d{1,2}))?$")
ALL_FACET = STEPS["facet"]
CORE3 = {"diagnostic_block", "rfa_initial", "therapeutic_ia"}
# applicability per step: "always", "never", or "cond" (depends on facts the checker cannot see)
FACET_APPLIES = {
    "pain_duration": CORE3, "conservative_care_failed": CORE3, "no_untreated_radiculopathy": ALL_FACET,
    "other_causes_excluded": CORE3, "two_blocks_relief": {"rfa_initial", "therapeutic_ia"},
    "same_pain_scale": {"rfa_initial"}, "disability_baseline": {"rfa_initial"},
    "rfa_not_possible": {"therapeutic_ia"}, "repeat_rfa_response": {"rfa_repeat"},
    "levels_per_session": ALL_FACET, "image_guidance": ALL_FACET, "frequency": ALL_FACET,
}


def applicability(fam, short, p):
    """Return 'yes', 'no' or 'cond' for an active (not historical/negated) mention."""
    step, state = p["step"], p["state"]
    if short == "image_guidance" and state != "performed":
        return "no"
    if fam == "facet":
        if short == "first_block_relief":
            return "yes" if (step == "diagnostic_block" and p.get("block_number") == 2) else (
                "cond" if step == "diagnostic_block" and p.get("block_number") is None else "no")
        if short == "therapeutic_response":
            return "cond" if step == "therapeutic_ia" else "no"
        return "yes" if step in FACET_APPLIES[short] else "no"
    if fam == "esi":
        return "cond" if short == "repeat_response" else "yes"
    if fam == "si":
        if short == "diagnostic_relief":
            return "yes" if step == "si_therapeutic" else "no"
        if short == "therapeutic_response":
            return "cond" if step == "si_therapeutic" else "no"
        return "yes"
    if fam == "cmt":
        return "cond" if short == "xray_timing" else "yes"
    return "no"


errors = []
def err(where, msg):
    errors.append(f"{where}: {msg}")

mention_counts = Counter(); status_counts = Counter(); fam_counts = Counter()
ids_seen = []
with open(PATH) as f:
    lines = [l for l in f.read().splitlines() if l.strip()]
for ln, line in enumerate(lines, 1):
    try:
        n = json.loads(line)
    except Exception as e:
        err(f"line {ln}", f"JSON does not parse: {e}"); continue
    nid = n.get("id", f"line{ln}")
    for k in ("id", "style", "text", "procedures"):
        if k not in n:
            err(nid, f"missing key {k}")
    extra = set(n) - {"id", "style", "text", "procedures"}
    if extra:
        err(nid, f"unexpected keys {extra}")
    ids_seen.append(nid)
    text = n.get("text", "")
    seen_spans = set()
    for i, p in enumerate(n.get("procedures", [])):
        w = f"{nid} proc[{i}] '{p.get('mention')}'"
        req = {"mention", "occurrence", "family", "step", "state", "region", "levels", "side", "block_number", "criteria"}
        if set(p) != req:
            err(w, f"keys differ: missing {req - set(p)}, extra {set(p) - req}")
            continue
        mention, occ = p["mention"], p["occurrence"]
        cnt = text.count(mention)
        if not mention or cnt == 0:
            err(w, "mention is not a substring of text")
        elif not isinstance(occ, int) or occ < 1 or occ > cnt:
            err(w, f"occurrence {occ} does not exist (substring occurs {cnt} times)")
        else:
            pos = -1
            for _ in range(occ):
                pos = text.find(mention, pos + 1)
            if (pos, mention) in seen_spans:
                err(w, "same span labelled twice")
            seen_spans.add((pos, mention))
        fam = p["family"]
        if fam not in FAMILIES:
            err(w, f"bad family {fam}"); continue
        if p["step"] not in STEPS[fam]:
            err(w, f"bad step {p['step']} for {fam}")
        if p["state"] not in STATES:
            err(w, f"bad state {p['state']}")
        if p["region"] not in REGIONS:
            err(w, f"bad region {p['region']}")
        if p["side"] not in SIDES:
            err(w, f"bad side {p['side']}")
        if p["block_number"] not in (1, 2, None):
            err(w, f"bad block_number {p['block_number']}")
        if p["block_number"] is not None and p["step"] != "diagnostic_block":
            err(w, "block_number set on a non-block step")
        if not isinstance(p["levels"], list) or any(not isinstance(x, str) or not LEVEL_RE.match(x) for x in p["levels"]):
            err(w, f"bad levels {p['levels']}")
        mention_counts[(fam, p["state"])] += 1
        fam_counts[fam] += 1
        crit = p["criteria"]
        if fam == "pt":
            if crit != {}:
                err(w, "pt must have criteria {}")
            continue
        want = {f"{fam}.{c}" for c in FAMILIES[fam]}
        if set(crit) != want:
            err(w, f"criteria ids differ: missing {sorted(want - set(crit))}, extra {sorted(set(crit) - want)}")
        for cid, v in crit.items():
            cw = f"{w} {cid}"
            if not isinstance(v, dict) or set(v) != {"status", "evidence"}:
                err(cw, "criterion must be {status, evidence}"); continue
            st, ev = v["status"], v["evidence"]
            if st not in STATUSES:
                err(cw, f"bad status {st}"); continue
            status_counts[(fam, st)] += 1
            if not isinstance(ev, list):
                err(cw, "evidence must be a list"); continue
            if st in ("documented", "contradicted") and not ev:
                err(cw, f"{st} needs evidence")
            if st not in ("documented", "contradicted") and ev:
                err(cw, f"{st} must have empty evidence")
            for e in ev:
                if not isinstance(e, str) or not e or e not in text:
                    err(cw, f"evidence not an exact substring: {e!r}")
            if p["state"] in ("historical", "negated"):
                if st != "not_applicable":
                    err(cw, f"{p['state']} mention must be all not_applicable")
                continue
            short = cid.split(".", 1)[1]
            a = applicability(fam, short, p)
            if a == "no" and st != "not_applicable":
                err(cw, f"criterion does not apply to {p['step']}/{p['state']} but status is {st}")
            if a == "yes" and st == "not_applicable":
                err(cw, f"criterion applies to {p['step']}/{p['state']} but is not_applicable")

expected = [f"pl-{i:02d}" for i in range(1, 13)]
if ids_seen != expected:
    err("file", f"ids {ids_seen} != {expected}")

for e in errors:
    print("ERROR", e)
print(f"notes: {len(lines)}; mentions: {sum(fam_counts.values())}")
print("mentions by family/state:", dict(sorted(mention_counts.items())))
print("statuses by family:", dict(sorted(status_counts.items())))
print(f"{len(errors)} errors")
sys.exit(1 if errors else 0)
