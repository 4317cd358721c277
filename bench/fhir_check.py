"""Every FHIR resource notecoder writes for a set of real notes, checked: each validates with fhir.resources' R4B
models, no resource id repeats across notes (with and without a DocumentReference id), every Task has a focus (and
each physician query its answer choices), nothing is based on a DocumentReference, each Condition carries what US
Core Condition Encounter Diagnosis asks for, and each transaction Bundle can be POSTed (a PUT per entry, every
reference inside it resolving). Each note is read from a DocumentReference twice, with an id and without one;
resources are counted for the first.

    python bench/fhir_check.py [NOTES.jsonl] [--limit N]

NOTES.jsonl holds one note a line (`id`, `text`); default: the 451 MTSamples spine notes beside the project. Prints
figures, never a note's text; exits 1 when a check fails, naming the note by its line and the check."""

import argparse
import json
import sys
import time
from base64 import b64encode
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_NOTES = ROOT / ".." / "shared" / "data" / "mtsamples" / "spine_notes_dedup.jsonl"


def document_reference(number: int, text: str, with_id: bool) -> dict:
    """A US Core-shaped DocumentReference for note `number`; without an id when `with_id` is false (an identifier
    names it then, as an export without ids would)."""
    resource = {
        "resourceType": "DocumentReference",
        "status": "current",
        "subject": {"reference": f"Patient/p{number}"},
        "date": f"2024-03-0{number % 9 + 1}T09:30:00Z",
        "context": {"encounter": [{"reference": f"Encounter/e{number}"}]},
        "content": [{"attachment": {"contentType": "text/plain", "data": b64encode(text.encode()).decode()}}],
    }
    if with_id:
        resource["id"] = f"note-{number}"
    return resource


def references(value) -> list[str]:
    """Every Reference.reference a resource makes, wherever it is."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "reference" and isinstance(inner, str):
                found.append(inner)
            else:
                found += references(inner)
    elif isinstance(value, list):
        for inner in value:
            found += references(inner)
    return found


def problems(bundle: dict, bundle_type: str, has_document: bool) -> list[str]:
    """What is wrong with one result Bundle, as short phrases naming fields only."""
    from fhir.resources.R4B import get_fhir_model_class
    from fhir.resources.R4B.bundle import Bundle

    from notecoder.fhir_r4 import US_CORE_ENCOUNTER_DIAGNOSIS

    found = []
    Bundle.model_validate(bundle)
    if not bundle.get("id") or bundle.get("type") != bundle_type or not bundle.get("identifier"):
        found.append("bundle without id, type or identifier")
    entries = bundle.get("entry", [])
    urls = {e["fullUrl"] for e in entries}
    for entry in entries:
        resource = entry["resource"]
        kind = resource["resourceType"]
        get_fhir_model_class(kind).model_validate(resource)
        if entry["fullUrl"] != f"urn:uuid:{resource['id']}":
            found.append("fullUrl is not the resource's id")
        request = entry.get("request")
        if bundle_type == "transaction" and request != {"method": "PUT", "url": f"{kind}/{resource['id']}"}:
            found.append("transaction entry without its PUT")
        for reference in references(resource):
            if "?" in reference or (reference.startswith("urn:uuid:") and reference not in urls):
                found.append(f"unresolved reference in {kind}")
            if reference.startswith("DocumentReference/") and not has_document:
                found.append(f"{kind} cites a document that has no id")
        if kind == "Task":
            if "focus" not in resource:
                found.append("Task without focus")
            if "basedOn" in resource:
                found.append("Task basedOn")
            if "/StructureDefinition/" in resource["code"]["coding"][0]["system"]:
                found.append("gap code system under StructureDefinition")
            query = resource["code"]["coding"][0]["system"].endswith("/gap")  # a procedure's item asks no question
            if query and not any(i["type"]["coding"][0]["code"] == "answer-choice" for i in resource.get("input", ())):
                found.append("Task without answer choices")
        if kind == "Condition":
            wanted = ("category", "clinicalStatus", "verificationStatus", "subject", "encounter", "recordedDate")
            if any(name not in resource for name in wanted):
                found.append("Condition without a US Core element")
            if resource.get("meta", {}).get("profile") != [US_CORE_ENCOUNTER_DIAGNOSIS]:
                found.append("Condition without its US Core profile")
            if resource["code"]["coding"][0]["code"].endswith("-"):
                found.append("a category as a Condition code")
    return found


def check(notes: list[dict]) -> dict:
    """The figures of the check over `notes` (each with `text`); `failures` lists (line, problem)."""
    from notecoder.extraction import extract
    from notecoder.fhir_r4 import document_note

    figures: Counter = Counter()
    failures: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    start = time.perf_counter()
    for line, note in enumerate(notes, 1):
        result = None
        for with_id in (True, False):
            source, text = document_note(document_reference(line, note["text"], with_id))
            if result is None:
                result = extract(text)
            for bundle_type in ("collection", "transaction"):
                bundle = json.loads(result.to_fhir(source=source, bundle_type=bundle_type).model_dump_json(
                    exclude_none=True))  # fmt: skip
                failures += [(line, p) for p in problems(bundle, bundle_type, with_id)]
                figures["bundles (both variants, both types)"] += 1
                figures["empty bundles (both variants, both types)"] += not bundle.get("entry")
                if bundle_type == "transaction":
                    continue
                ids = [bundle["id"]] + [e["resource"]["id"] for e in bundle.get("entry", ())]
                for own in ids:
                    if seen.setdefault(own, line) != line:
                        failures.append((line, f"id shared with note {seen[own]}"))
                figures["ids (both variants)"] += len(ids)
                if not with_id:
                    continue
                for entry in bundle.get("entry", ()):
                    resource = entry["resource"]
                    kind = resource["resourceType"]
                    figures[f"{kind}s"] += 1
                    if kind == "Task":
                        target = resource["focus"]
                        figures["Tasks focused on a Condition" if target.get("reference", "").startswith("urn:uuid:")
                                else "Tasks focused on the document"] += 1  # fmt: skip
                    if kind == "Condition" and resource["verificationStatus"]["coding"][0]["code"] == "differential":
                        figures["differential Conditions"] += 1
    figures["notes"] = len(notes)
    figures["distinct ids (both variants)"] = len(seen)
    figures["seconds"] = round(time.perf_counter() - start, 1)
    return {"figures": dict(figures), "failures": failures}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notes", nargs="?", type=Path, default=DEFAULT_NOTES)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    with args.notes.open(encoding="utf-8") as handle:
        notes = [json.loads(line) for line in handle if line.strip()][: args.limit]
    outcome = check(notes)
    for name, value in sorted(outcome["figures"].items()):
        print(f"{name}: {value}")
    for line, problem in outcome["failures"][:20]:
        print(f"FAIL line {line}: {problem}")
    print(f"failures: {len(outcome['failures'])}")
    return 1 if outcome["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
