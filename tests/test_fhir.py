"""FHIR R4 in and out: a result as a Bundle of provisional Conditions and query Tasks, notes read from
DocumentReference (base64 data or a contained Binary), and Bulk Data NDJSON batches with bad resources as error rows."""

import base64
import json

import pytest
from fhir.resources.R4B.bundle import Bundle
from typer.testing import CliRunner

import notecoder
from notecoder.cli import ExitCode, app
from notecoder.fhir_r4 import EXTENSIONS, ICD10CM, FhirInputError, NoteSource, document_notes

runner = CliRunner()
SECRET = "Zebediah Quistgaard"
TEXT = f"Patient {SECRET}. HPI: fell off a bike.\nAssessment: cervical facet syndrome C5-6."


def b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def document(doc_id: str = "d1", text: str = TEXT, **attachment) -> dict:
    return {"resourceType": "DocumentReference", "id": doc_id, "status": "current",
            "subject": {"reference": "Patient/p9"},
            "content": [{"attachment": {"contentType": "text/plain; charset=utf-8", "data": b64(text), **attachment}}]}  # fmt: skip


def resources(bundle) -> list[dict]:
    return [e["resource"] for e in json.loads(bundle.model_dump_json(exclude_none=True))["entry"]]


def test_a_result_is_a_bundle_of_provisional_conditions_and_query_tasks():
    result = notecoder.extract(TEXT)
    bundle = result.to_fhir("DocumentReference/d1", {"reference": "Patient/p9"})
    assert Bundle.model_validate_json(bundle.model_dump_json()) == bundle  # valid R4 (R4B models)
    entries = resources(bundle)
    condition = next(r for r in entries if r["resourceType"] == "Condition")
    assert condition["code"]["coding"][0] == {
        "system": ICD10CM, "code": "M53.82", "display": "Other specified dorsopathies, cervical region"}  # fmt: skip
    assert condition["verificationStatus"]["coding"][0]["code"] == "provisional"
    assert condition["evidence"] == [{"detail": [{"reference": "DocumentReference/d1"}]}]
    assert condition["subject"] == {"reference": "Patient/p9"}
    extensions = {e["url"].rsplit("/", 1)[1]: e for e in condition["extension"]}
    assert extensions["proposal"]["valueCode"] == "code" and 0 < extensions["confidence"]["valueDecimal"] <= 1
    span = {e["url"]: e for e in extensions["evidence-span"]["extension"]}
    start, end = span["start"]["valueInteger"], span["end"]["valueInteger"]
    assert TEXT[start:end] == span["text"]["valueString"] == "cervical facet syndrome"
    tasks = [r for r in entries if r["resourceType"] == "Task"]
    assert {t["code"]["coding"][0]["code"] for t in tasks} == {g.id for g in result.gaps}
    assert all(t["status"] == "requested" and t["intent"] == "proposal" and t["description"] for t in tasks)
    imaging = next(t for t in tasks if t["code"]["coding"][0]["code"] == "imaging-not-documented")
    assert imaging["focus"]["reference"] == f"urn:uuid:{condition['id']}"
    assert extensions["proposal"]["url"] == f"{EXTENSIONS}/proposal"


def test_alternatives_are_conditions_marked_as_such():
    bundle = notecoder.extract("Neck pain x 2 weeks.").to_fhir()
    condition = next(r for r in resources(bundle) if r["resourceType"] == "Condition")
    assert condition["code"]["coding"][0]["code"] == "M54.2"
    assert {"url": f"{EXTENSIONS}/proposal", "valueCode": "alternative"} in condition["extension"]


def test_coding_the_same_document_again_gives_the_same_ids():
    one, two = (notecoder.extract(TEXT).to_fhir("DocumentReference/d1") for _ in range(2))
    assert [e.fullUrl for e in one.entry] == [e.fullUrl for e in two.entry]


def test_notes_are_read_from_data_or_a_contained_binary():
    assert list(document_notes(document())) == [
        (NoteSource(document="DocumentReference/d1", subject={"reference": "Patient/p9"}), TEXT)]  # fmt: skip
    contained = {"resourceType": "DocumentReference", "id": "d2", "status": "current",
                 "contained": [{"resourceType": "Binary", "id": "note", "contentType": "text/plain", "data": b64(TEXT)}],
                 "content": [{"attachment": {"contentType": "text/plain", "url": "#note"}}]}  # fmt: skip
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": contained}, {"resource": document()}],
    }
    assert [(source.document, text) for source, text in document_notes(bundle)] == [
        ("DocumentReference/d2", TEXT), ("DocumentReference/d1", TEXT)]  # fmt: skip


@pytest.mark.parametrize(
    ("resource", "says"),
    [
        ({"resourceType": "Patient", "id": "p"}, "not Patient"),
        (document(contentType="application/pdf"), "no text/plain attachment"),
        ({**document(), "content": [{"attachment": {"contentType": "text/plain", "url": "#nothere"}}]}, "#nothere"),
        (
            {**document(), "content": [{"attachment": {"contentType": "text/plain", "data": "!!!not base64"}}]},
            "attachment.data",
        ),
        (
            {"resourceType": "DocumentReference", "id": "x", "status": "current"},
            "not a valid DocumentReference (content)",
        ),
    ],
)
def test_a_resource_without_a_readable_note_is_refused_by_name(resource, says):
    with pytest.raises(FhirInputError, match="DocumentReference|Patient") as error:
        list(document_notes(resource))
    assert says in str(error.value) and SECRET not in str(error.value)


@pytest.mark.parametrize(
    "data",
    ["!!!!", b64(TEXT) + "!!", b64(TEXT)[:-1], base64.b64encode(b"\xff\xfe").decode()],
    ids=["not base64", "a corrupted tail", "cut short", "not UTF-8"],
)
def test_attachment_data_is_decoded_strictly_not_to_an_empty_or_shorter_note(data):
    lenient = {**document(), "content": [{"attachment": {"contentType": "text/plain", "data": data}}]}
    with pytest.raises(FhirInputError, match="content 0: attachment.data is not base64"):
        list(document_notes(lenient))
    binary = {"resourceType": "Binary", "id": "b", "contentType": "text/plain", "data": data}
    inside = {
        **document(),
        "contained": [binary],
        "content": [{"attachment": {"contentType": "text/plain", "url": "#b"}}],
    }
    with pytest.raises(FhirInputError, match="contained 0: data is not base64"):
        list(document_notes(inside))


def test_extract_refuses_a_document_reference_whose_data_is_not_base64(tmp_path):
    path = tmp_path / "doc.json"
    path.write_text(
        json.dumps({**document(), "content": [{"attachment": {"contentType": "text/plain", "data": "!!!!"}}]})
    )
    out = runner.invoke(app, ["extract", str(path), "--fhir-input", "--format", "fhir"])
    assert out.exit_code != 0 and "not base64" in out.output and "Traceback" not in out.output


def test_extract_reads_a_document_reference_and_writes_a_bundle(tmp_path):
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(document()), encoding="utf-8")
    out = runner.invoke(app, ["extract", str(path), "--fhir-input", "--format", "fhir"])
    assert out.exit_code == 0, out.output
    bundle = Bundle.model_validate_json(out.output)
    condition = next(e.resource for e in bundle.entry if e.resource.get_resource_type() == "Condition")
    assert condition.evidence[0].detail[0].reference == "DocumentReference/d1"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(document(contentType="application/pdf")), encoding="utf-8")
    refused = runner.invoke(app, ["extract", str(broken), "--fhir-input"])
    assert refused.exit_code == ExitCode.INPUT and "no text/plain attachment" in refused.output


def test_a_bulk_data_export_is_a_batch_and_bad_resources_are_error_rows(tmp_path):
    export = tmp_path / "DocumentReference.ndjson"
    lines = [document("a"), document("b", "Neck pain x 2 weeks."), document("c", contentType="image/png"),
             {"resourceType": "Observation", "id": "o1"}]  # fmt: skip
    export.write_text("\n".join(json.dumps(r) for r in lines) + "\nnot json\n", encoding="utf-8")
    output = tmp_path / "bundles.ndjson"
    out = runner.invoke(app, ["batch", str(export), "--input-format", "fhir-ndjson", "-o", str(output),
                              "--format", "fhir-ndjson", "--quiet"])  # fmt: skip
    assert out.exit_code == 0, out.output
    written = [json.loads(line) for line in output.read_text().splitlines()]
    assert [r["resourceType"] for r in written] == ["Bundle", "Bundle", "OperationOutcome", "OperationOutcome",
                                                    "OperationOutcome"]  # fmt: skip
    first = Bundle.model_validate(written[0])
    assert first.entry[0].resource.evidence[0].detail[0].reference == "DocumentReference/a"
    assert "no text/plain attachment" in written[2]["issue"][0]["diagnostics"]
    assert all(SECRET not in json.dumps(r) for r in written if r["resourceType"] == "OperationOutcome")


def test_a_category_is_never_a_condition_code_but_rides_in_its_query():
    result = notecoder.extract(
        "Assessment: L1 burst fracture after a fall from a roof this morning. Left L5 radiculopathy."
    )
    assert "S32.01-" in {a.code for a in result.alternatives}
    bundle = result.to_fhir("DocumentReference/7").model_dump(mode="json")
    resources = [e["resource"] for e in bundle["entry"]]
    codes = [c["code"] for r in resources if r["resourceType"] == "Condition" for c in r["code"]["coding"]]
    assert codes and not any(code.endswith("-") for code in codes)
    query = next(r for r in resources if r["resourceType"] == "Task" and r["code"]["coding"][0]["code"] ==
                 "specificity-not-documented")  # fmt: skip
    assert any(
        i["type"]["text"] == "proposed category" and i["valueString"].startswith("S32.01-") for i in query["input"]
    )
