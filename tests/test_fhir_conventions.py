"""FHIR R4 as an EHR expects it (issue 23): ids of their own per source document and stable on re-run, no
reference to a document that has no id, US Core Condition Encounter Diagnosis where a proposal can follow it, Tasks
that focus what they are about and carry the query's answer choices, alternatives that exclude each other saying so,
a POSTable transaction Bundle beside the collection, and an empty result that still names its source. Every note here
is made up for the test, written as clinicians write them."""

import base64
import json

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from typer.testing import CliRunner

import notecoder
from notecoder.cli import app
from notecoder.fhir_r4 import (
    ALWAYS_OFFERED,
    EXTENSIONS,
    GAP_SYSTEM,
    ICD10CM,
    NOTE_SYSTEM,
    QUERY_INPUT_SYSTEM,
    US_CORE_ENCOUNTER_DIAGNOSIS,
    NoteSource,
    document_note,
    note_hash,
)
from notecoder.mapper.rules import mapper_rules

from .conftest import spine_notes

CERVICAL = ("HPI: 52 y/o with axial neck pain for 4 months, worse with extension.\n"
            "Assessment: cervical facet syndrome C5-6. Failed PT x 6 weeks.")  # fmt: skip
LUMBAR = ("Chief complaint: low back pain.\nAssessment: Lumbar facet syndrome L4-5 and L5-S1. Failed physical therapy "
          "for 8 weeks. MRI lumbar spine: facet arthropathy.")  # fmt: skip
BURST = "Assessment: L1 burst fracture after a fall from a roof this morning. Left L5 radiculopathy."
UNCERTAIN = "Assessment: Neck pain. Possible cervical facet syndrome, rule out cervical radiculopathy."
ONE_MYELOPATHY = "Assessment: Cervical spondylosis and disc herniation at C5-C6 with myelopathy."
TWO_LEVELS = "Assessment: Cervical radiculopathy due to disc herniations at C5-C6 and C6-C7."
WELL = "Well visit. No complaints. Return in one year."
NOTES = (CERVICAL, LUMBAR, BURST, UNCERTAIN, ONE_MYELOPATHY, TWO_LEVELS)


def document(text: str, doc_id: str | None = "doc-1", **fields) -> dict:
    """A DocumentReference as a US Core server gives it: patient, encounter, date, base64 text/plain."""
    resource = {"resourceType": "DocumentReference", "status": "current", "subject": {"reference": "Patient/pat-7"},
                "date": "2024-05-02T14:30:00-05:00", "context": {"encounter": [{"reference": "Encounter/enc-3"}]},
                "content": [{"attachment": {"contentType": "text/plain",
                                            "data": base64.b64encode(text.encode()).decode()}}]}  # fmt: skip
    return resource | ({"id": doc_id} if doc_id is not None else {}) | fields


def bundle_of(text: str, bundle_type: str = "collection", **fields) -> dict:
    source, note = document_note(document(text, **fields))
    bundle = notecoder.extract(note).to_fhir(source=source, bundle_type=bundle_type)
    return json.loads(bundle.model_dump_json(exclude_none=True))


def resources(bundle: dict, kind: str | None = None) -> list[dict]:
    return [e["resource"] for e in bundle.get("entry", ()) if kind in (None, e["resource"]["resourceType"])]


def references(value) -> list[str]:
    if isinstance(value, dict):
        return [v for k, v in value.items() if k == "reference"] + [
            r for k, v in value.items() if k != "reference" for r in references(v)]  # fmt: skip
    if isinstance(value, list):
        return [r for item in value for r in references(item)]
    return []


def ids(bundle: dict) -> set[str]:
    return {bundle["id"]} | {r["id"] for r in resources(bundle)}


def test_two_different_notes_never_share_an_id_and_a_second_run_gives_the_same():
    bundles = [bundle_of(text) for text in NOTES]  # every one claims the same document id: still their own ids
    for n, one in enumerate(bundles):
        for other in bundles[n + 1 :]:
            assert not ids(one) & ids(other)
    again = [bundle_of(text) for text in NOTES]
    assert [ids(b) for b in again] == [ids(b) for b in bundles]
    texts_only = [json.loads(notecoder.extract(t).to_fhir().model_dump_json()) for t in (CERVICAL, LUMBAR)]
    assert not ids(texts_only[0]) & ids(texts_only[1])  # no document at all: the text's hash tells them apart


def test_a_document_without_an_id_is_never_cited_as_one():
    anonymous = bundle_of(CERVICAL, doc_id=None)
    cited = [r for resource in resources(anonymous) for r in references(resource)]
    assert cited and not any(r.startswith("DocumentReference") or "?" in r for r in cited)
    named = bundle_of(CERVICAL, doc_id=None, masterIdentifier={"system": "urn:oid:1.2.3", "value": "N-88"})
    condition = resources(named, "Condition")[0]
    assert condition["evidence"] == [{"detail": [{"type": "DocumentReference",
                                                  "identifier": {"system": "urn:oid:1.2.3", "value": "N-88"}}]}]  # fmt: skip
    assert not ids(anonymous) & ids(named)


def test_conditions_follow_us_core_encounter_diagnosis():
    bundle = bundle_of(CERVICAL)
    condition = resources(bundle, "Condition")[0]
    assert condition["meta"] == {"profile": [US_CORE_ENCOUNTER_DIAGNOSIS]}
    assert condition["category"] == [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-category",
                                                  "code": "encounter-diagnosis", "display": "Encounter Diagnosis"}]}]  # fmt: skip
    assert condition["clinicalStatus"]["coding"][0]["code"] == "active"
    assert condition["verificationStatus"]["coding"][0]["code"] == "provisional"
    assert condition["code"]["coding"][0] == {"system": ICD10CM, "code": "M53.82",
                                              "display": "Other specified dorsopathies, cervical region"}  # fmt: skip
    assert condition["subject"] == {"reference": "Patient/pat-7"}
    assert condition["encounter"] == {"reference": "Encounter/enc-3"}
    assert condition["recordedDate"] == "2024-05-02T14:30:00-05:00"  # when the note was written, as written
    assert condition["evidence"] == [{"detail": [{"reference": "DocumentReference/doc-1"}]}]


def test_without_a_patient_no_us_core_profile_is_claimed():
    condition = resources(json.loads(notecoder.extract(CERVICAL).to_fhir().model_dump_json()), "Condition")[0]
    assert condition["subject"] == {"display": "the patient of the source document"}
    assert "meta" not in condition and "encounter" not in condition and "recordedDate" not in condition


@pytest.mark.parametrize("text", NOTES)
def test_every_task_focuses_what_it_is_about_and_names_its_code(text):
    bundle = bundle_of(text)
    conditions = {f"urn:uuid:{c['id']}": c["code"]["coding"][0]["code"] for c in resources(bundle, "Condition")}
    named = set()
    for task in resources(bundle, "Task"):
        assert task["code"]["coding"][0]["system"] == GAP_SYSTEM and "/StructureDefinition/" not in GAP_SYSTEM
        assert "basedOn" not in task and task["reasonReference"] == {"reference": "DocumentReference/doc-1"}
        assert task["for"] == {"reference": "Patient/pat-7"} and task["encounter"] == {"reference": "Encounter/enc-3"}
        focus = task["focus"]["reference"]
        inputs = {i["type"]["coding"][0]["code"]: i for i in task["input"]}
        if focus.startswith("urn:uuid:"):
            code = conditions[focus]
        else:  # about no proposed code: the note is what the query asks to complete, and the code rides in input
            assert focus == "DocumentReference/doc-1"
            if "proposed-category" in inputs:
                code = inputs["proposed-category"]["valueString"].split()[0]
            elif "code-in-question" in inputs:
                asked = inputs["code-in-question"]["valueCodeableConcept"]
                code = asked["coding"][0]["code"] if "coding" in asked else asked["text"].split()[0]
            else:
                code = None
        named.add((task["code"]["coding"][0]["code"], code))
    assert named == {(g.id, g.code) for g in notecoder.extract(text).gaps}


def test_a_query_for_no_proposed_code_carries_that_code():
    bundle = bundle_of(UNCERTAIN)
    task = next(t for t in resources(bundle, "Task") if t["code"]["coding"][0]["code"] == "uncertain-diagnosis")
    asked = next(i for i in task["input"] if i["type"]["coding"][0]["code"] == "code-in-question")
    assert asked["valueCodeableConcept"]["coding"][0]["system"] == ICD10CM
    assert asked["valueCodeableConcept"]["coding"][0]["code"] in {"M53.82", "M54.12"}
    burst = resources(bundle_of(BURST), "Task")[0]
    category = next(i for i in burst["input"] if i["type"]["coding"][0]["code"] == "proposed-category")
    assert category["valueString"].startswith("S32.01-") and burst["focus"] == {"reference": "DocumentReference/doc-1"}


def test_a_query_carries_its_answer_choices_and_the_two_every_query_offers():
    for text in (CERVICAL, LUMBAR, BURST):
        for task in resources(bundle_of(text), "Task"):
            gap_id = task["code"]["coding"][0]["code"]
            answers = [i["valueString"] for i in task["input"] if i["type"]["coding"][0]["code"] == "answer-choice"]
            assert answers == [*mapper_rules().gaps[gap_id].answers, *ALWAYS_OFFERED]
            assert all(i["type"]["coding"][0]["system"] == QUERY_INPUT_SYSTEM for i in task["input"])


def test_combination_codes_for_one_mention_say_they_exclude_each_other():
    bundle = bundle_of(ONE_MYELOPATHY)
    conditions = {c["code"]["coding"][0]["code"]: c for c in resources(bundle, "Condition")}
    assert set(conditions) == {"M50.022", "M47.12"}  # one myelopathy: disc herniation or spondylosis as its cause
    for code, other in (("M50.022", "M47.12"), ("M47.12", "M50.022")):
        condition = conditions[code]
        assert condition["verificationStatus"]["coding"][0]["code"] == "differential"
        excludes = [e for e in condition["extension"] if e["url"] == f"{EXTENSIONS}/excludes"]
        assert excludes == [{"url": f"{EXTENSIONS}/excludes",
                             "valueReference": {"reference": f"urn:uuid:{conditions[other]['id']}"}}]  # fmt: skip
        assert condition["note"][0]["text"].startswith(f"Excludes {other}: each codes the same myelopathy")
    levels = resources(bundle_of(TWO_LEVELS), "Condition")  # one code per disc level: both are coded
    assert len(levels) == 2 and all(c["verificationStatus"]["coding"][0]["code"] == "provisional" for c in levels)
    assert not any(e["url"].endswith("/excludes") for c in levels for e in c["extension"])


@pytest.mark.parametrize("text", [CERVICAL, BURST, ONE_MYELOPATHY, WELL])
def test_a_transaction_bundle_puts_each_resource_at_its_stable_id(text):
    collection, transaction = bundle_of(text), bundle_of(text, "transaction")
    assert transaction["type"] == "transaction" and transaction["id"] != collection["id"]
    Bundle.model_validate(transaction)
    urls = {e["fullUrl"] for e in transaction.get("entry", ())}
    for entry in transaction.get("entry", ()):
        resource = entry["resource"]
        kind = resource["resourceType"]
        assert entry["request"] == {"method": "PUT", "url": f"{kind}/{resource['id']}"}
        assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"
        for reference in references(resource):  # inside the Bundle, or a resource the server already has
            assert reference in urls or reference.split("/")[0] in ("DocumentReference", "Patient", "Encounter")
    assert [e["resource"] for e in transaction.get("entry", ())] == resources(collection)


def test_an_empty_result_is_a_bundle_with_an_id_that_names_its_source():
    for bundle_type in ("collection", "transaction"):
        empty = bundle_of(WELL, bundle_type)
        assert "entry" not in empty and empty["id"] and empty["type"] == bundle_type
        assert empty["link"] == [{"relation": "via", "url": "DocumentReference/doc-1"}]
        assert empty["identifier"] == {"system": NOTE_SYSTEM, "value": note_hash(WELL)}
    plain = json.loads(notecoder.extract(WELL).to_fhir().model_dump_json(exclude_none=True))
    assert plain["id"] and plain["identifier"]["value"] == note_hash(WELL) and "link" not in plain


def test_every_resource_validates_as_its_r4_model():
    for text in (*NOTES, WELL):
        for bundle_type in ("collection", "transaction"):
            bundle = bundle_of(text, bundle_type)
            for resource in resources(bundle):
                get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def test_the_cli_writes_a_transaction_bundle_from_a_document_reference(tmp_path):
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(document(CERVICAL)), encoding="utf-8")
    out = CliRunner().invoke(app, ["extract", str(path), "--fhir-input", "--format", "fhir-transaction"])
    assert out.exit_code == 0, out.output
    bundle = json.loads(out.output)
    assert bundle["type"] == "transaction" and all(e["request"]["method"] == "PUT" for e in bundle["entry"])
    assert resources(bundle, "Condition")[0]["encounter"] == {"reference": "Encounter/enc-3"}


def test_an_encounter_is_only_taken_from_an_encounter_reference():
    episode = document(CERVICAL, context={"encounter": [{"reference": "EpisodeOfCare/ep-1"}]})
    source, _ = document_note(episode)
    assert source.encounter is None and source.subject == {"reference": "Patient/pat-7"}
    assert NoteSource.of(source.context()) == NoteSource(subject={"reference": "Patient/pat-7"},
                                                         date="2024-05-02T14:30:00-05:00")  # fmt: skip


def test_real_notes_give_valid_fhir_and_ids_of_their_own():
    """A part of `bench/fhir_check.py`'s 451 notes, with every check it makes."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("fhir_check", Path(__file__).parents[1] / "bench" / "fhir_check.py")
    assert spec is not None and spec.loader is not None
    check = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(check)
    notes = spine_notes()[:60]
    outcome = check.check(notes)
    assert outcome["failures"] == []
    figures = outcome["figures"]
    assert figures["distinct ids (both variants)"] == figures["ids (both variants)"] >= 60 * 2


def test_a_batch_keeps_each_documents_patient_encounter_and_date(tmp_path):
    from notecoder.batch import run_batch
    from notecoder.batch.outputs import convert

    export = tmp_path / "DocumentReference.ndjson"
    lines = [document(CERVICAL, "a1"), document(LUMBAR, None, subject={"reference": "Patient/pat-9"}),
             document(WELL, "a3")]  # fmt: skip
    export.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    written = {}
    for fmt in ("fhir-ndjson", "fhir-transaction-ndjson", "jsonl"):
        output = tmp_path / f"out-{fmt}.ndjson"
        run_batch(export, output, input_format="fhir-ndjson", output_format=fmt)
        written[fmt] = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    first, second, empty = written["fhir-ndjson"]
    condition = resources(first, "Condition")[0]
    assert condition["subject"] == {"reference": "Patient/pat-7"} and condition["encounter"] == {
        "reference": "Encounter/enc-3"
    }
    assert condition["recordedDate"] == "2024-05-02T14:30:00-05:00"
    assert {r["subject"]["reference"] for r in resources(second, "Condition")} == {"Patient/pat-9"}
    assert not any(r.startswith("DocumentReference") for r in references(second))  # row 2 has no id: it cites none
    assert empty["id"] and empty["identifier"]["value"] == "3" and "entry" not in empty
    assert [b["type"] for b in written["fhir-transaction-ndjson"]] == ["transaction"] * 3
    assert all("request" in e for b in written["fhir-transaction-ndjson"] for e in b.get("entry", ()))
    assert [b["id"] for b in written["fhir-ndjson"]] != [b["id"] for b in written["fhir-transaction-ndjson"]]
    assert written["jsonl"][0]["fhir"]["encounter"] == {"reference": "Encounter/enc-3"}
    converted = tmp_path / "converted.ndjson"  # from the JSONL results, the same FHIR as coding them again
    convert(tmp_path / "out-jsonl.ndjson", converted, "fhir-ndjson")
    assert [json.loads(line) for line in converted.read_text(encoding="utf-8").splitlines()] == written["fhir-ndjson"]


def test_the_gap_and_query_input_codes_are_defined_in_code_systems():
    from notecoder.fhir_r4 import CODE_CHECK_SYSTEM, CRITERION_SYSTEM, code_systems

    systems = {system.url: {c.code for c in system.concept} for system in code_systems()}
    assert set(systems) == {GAP_SYSTEM, QUERY_INPUT_SYSTEM, CRITERION_SYSTEM, CODE_CHECK_SYSTEM} and all(
        "/CodeSystem/" in url for url in systems
    )
    for text in NOTES:
        for task in resources(bundle_of(text), "Task"):
            for coding in [task["code"]["coding"][0]] + [i["type"]["coding"][0] for i in task["input"]]:
                assert coding["code"] in systems[coding["system"]]
