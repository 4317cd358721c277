"""Procedure mentions on MTSamples: does the finder find what a quick search finds in the 451 spine notes, and does
it invent procedures in the other notes of the export (an obstetric epidural, a fracture manipulation, a dose
adjustment)? Prints, per family, the notes the search and the finder name, those only the search names (each with
the words it matched, to explain or fix) and those only the finder names; then the non-spine notes where the finder
names a spine procedure.

    python bench/procedure_mentions.py [--non-spine]   # --non-spine also reads the other 4,548 notes (minutes)
"""

import argparse
import csv
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

import notecoder
from notecoder.procedures.finder import find_procedures

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "mtsamples"
# the quick search: independent of the finder's rules, written from the issue's own count
SEARCH = {
    "esi": r"\b(epidural steroid|ESI|transforaminal|interlaminar|caudal epidural|epidural injection)",
    "facet": r"\b(facet (joint )?(injections?|blocks?)|medial branch|radiofrequency|rhizotomy|RFA)\b",
    "si": r"\b(sacroiliac|SI) joint injection",
    "cmt": r"\b(chiropract\w*|spinal manipulation|manipulative|adjustments?)\b",
}


# why the search's notes the finder leaves are right to leave (read on 2026-12-07; a new one is a miss to explain)
EXPLAINED = {
    277: "a transforaminal lumbar interbody fusion (TLIF), not an injection",
    854: "a transforaminal epidurogram for neural mapping: contrast only, no steroid injected",
    921: "'interlaminar space' is anatomy in an operative note",
    383: "a stellate ganglion radiofrequency lesion: a sympathetic block, not a facet procedure",
    390: "sacroiliac joint radiofrequency: not a step of the v1 families (the SI summary lists SI RFA apart)",
    391: "sacroiliac joint radiofrequency: not a step of the v1 families",
    618: "'manipulative probe' in a laparoscopy",
    2547: "medication dose adjustments",
}


def spine() -> list[dict]:
    with (DATA / "spine_notes_dedup.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def families(text: str) -> dict[str, list[str]]:
    found = defaultdict(list)
    for p in find_procedures(text, notecoder.extract(text)):
        found[p.family].append(f"{p.step}/{p.state}: {p.evidence.text}")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--non-spine", action="store_true")
    options = parser.parse_args()
    notes = spine()
    by_search: dict[str, dict] = defaultdict(dict)
    by_finder: dict[str, dict] = defaultdict(dict)
    for note in notes:
        for family, pattern in SEARCH.items():
            hits = [m.group(0) for m in re.finditer(pattern, note["text"], re.IGNORECASE)]
            if hits:
                by_search[family][note["id"]] = hits
        for family, said in families(note["text"]).items():
            by_finder[family][note["id"]] = said
    for family in SEARCH:
        search, finder = by_search[family], by_finder[family]
        print(f"{family}: search {len(search)} notes, finder {len(finder)}, both {len(set(search) & set(finder))}")
        for note_id in sorted(set(search) - set(finder)):
            why = EXPLAINED.get(note_id, "NOT EXPLAINED: a miss")
            print(f"  search only {note_id}: {sorted(set(search[note_id]))[:4]} ({why})")
        for note_id in sorted(set(finder) - set(search)):
            print(f"  finder only {note_id}: {finder[note_id][:3]}")
    print(f"pt: finder {len(by_finder['pt'])} notes")
    if options.non_spine:
        csv.field_size_limit(sys.maxsize)
        ids = {note["id"] for note in notes}
        with (DATA / "mtsamples.csv").open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        invented = 0
        for row in rows:
            if int(row[""]) in ids or not row["transcription"].strip():
                continue
            said = {f: s for f, s in families(row["transcription"]).items() if f != "pt"}
            if said:
                invented += 1
                print(f"  non-spine {row['']} ({row['medical_specialty'].strip()}): {dict(said)}")
        print(f"non-spine notes naming a spine procedure: {invented} of {len(rows) - len(ids)}")


if __name__ == "__main__":
    main()
