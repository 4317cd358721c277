"""Whose note is it: a row's identity in a batch and in the FHIR it writes. An id the input did not give is never
taken for a real one, never collides with one, and never becomes a reference; every output line names its input
row; a value that is not a FHIR id is never echoed into a resource. Every input is made here; none is a real note."""

import base64
import json
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome
from typer.testing import CliRunner

from notecoder.batch import run_batch
from notecoder.cli import app
from notecoder.fhir_r4 import EXTENSIONS, ROW_SYSTEM

SECRET = "Ottoline Vasquez-Pemberton"
FACET = f"Patient {SECRET}. Assessment: cervical facet syndrome C5-6."
PAIN = "Neck pain x 2 weeks."


def document(text: str, doc_id: str | None = None, **attachment) -> dict:
    data = base64.b64encode(text.encode("utf-8")).decode("ascii")
    resource = {"resourceType": "DocumentReference", "status": "current", "subject": {"reference": "Patient/p1"},
                "content": [{"attachment": {"contentType": "text/plain", "data": data, **attachment}}]}  # fmt: skip
    return resource | ({"id": doc_id} if doc_id is not None else {})


def fhir_batch(tmp_path: Path, lines: list[str], fmt: str = "fhir-ndjson") -> list[dict]:
    export = tmp_path / "DocumentReference.ndjson"
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    output = tmp_path / ("bundles.ndjson" if fmt == "fhir-ndjson" else "results.jsonl")
    out = CliRunner().invoke(app, ["batch", str(export), "--input-format", "fhir-ndjson", "-o", str(output),
                                   "--format", fmt, "--quiet"])  # fmt: skip
    assert out.exit_code == 0, out.output
    assert "Traceback" not in out.output
    return [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]


def cited(resource: dict) -> set[str]:
    """Every reference a resource makes, wherever it is."""
    found: set[str] = set()

    def walk(value):
        if isinstance(value, dict):
            for key, inner in value.items():
                if key in ("reference", "url") and isinstance(inner, str) and "/" in inner and "://" not in inner:
                    found.add(inner)
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(resource)
    return found


def documents(resource: dict) -> set[str]:
    """The documents a resource cites (the patient each DocumentReference names is kept beside them)."""
    return {reference for reference in cited(resource) if not reference.startswith("Patient/")}


def test_a_document_without_an_id_never_takes_a_real_documents_id(tmp_path):
    lines = [json.dumps(document(FACET, "d1")), json.dumps(document(FACET)), json.dumps(document(PAIN, "2")),
             json.dumps(document(FACET))]  # fmt: skip
    bundles = fhir_batch(tmp_path, lines)
    assert [b["resourceType"] for b in bundles] == ["Bundle"] * 4  # row 3 is not dropped as a duplicate of row 2
    assert [b["identifier"] for b in bundles] == [{"system": ROW_SYSTEM, "value": str(n)} for n in (1, 2, 3, 4)]
    assert documents(bundles[0]) == {"DocumentReference/d1"}
    assert documents(bundles[1]) == documents(bundles[3]) == set()  # no id: it cites no document, least of all row 3's
    assert bundles[2]["link"] == [{"relation": "via", "url": "DocumentReference/2"}]
    assert documents(bundles[2]) == {"DocumentReference/2"}
    assert all(cited(b) >= {"Patient/p1"} for b in bundles)  # each DocumentReference's subject is kept
    full_urls = [e["fullUrl"] for b in bundles for e in b.get("entry", ())]
    assert len(full_urls) == len(set(full_urls))  # rows 2 and 4, the same text, still get resources of their own
    records = fhir_batch(tmp_path, lines, fmt="jsonl")
    assert [(r["row"], r["id"], r["status"]) for r in records] == [(1, "d1", "ok"), (2, "#2", "ok"), (3, "2", "ok"),
                                                                    (4, "#4", "ok")]  # fmt: skip


def test_a_row_without_an_id_in_a_csv_never_clashes_with_a_real_one(tmp_path):
    export = tmp_path / "notes.csv"
    export.write_text(f"id,text\n,{PAIN}\n1,{PAIN}\n#3,{PAIN}\n,{PAIN}\n", encoding="utf-8")
    output = tmp_path / "out.jsonl"
    summary = run_batch(export, output)
    rows = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert [(r["row"], r["id"], r["status"]) for r in rows] == [(1, "#1", "ok"), (2, "1", "ok"), (3, "#3", "ok"),
                                                                 (4, "#4", "ok")]  # fmt: skip
    assert summary.errors == 0


@pytest.mark.parametrize("bad_id", ["\ud800", "../Patient/123", "a b", 42, "x" * 65])
def test_an_id_that_is_not_a_fhir_id_is_an_error_row_and_the_batch_goes_on(tmp_path, bad_id):
    lines = [json.dumps(document(PAIN, "a")), json.dumps(document(FACET, bad_id)), json.dumps(document(PAIN, "c"))]
    written = fhir_batch(tmp_path, lines)
    assert [r["resourceType"] for r in written] == ["Bundle", "OperationOutcome", "Bundle"]
    outcome = OperationOutcome.model_validate(written[1])
    assert outcome.issue[0].diagnostics == "FhirInputError: row 2: field id is not a FHIR id"
    assert written[1]["extension"] == [{"url": f"{EXTENSIONS}/source-row", "valueInteger": 2}]  # cites no resource
    line = json.dumps(written[1])
    assert SECRET not in line and (not isinstance(bad_id, str) or json.dumps(bad_id)[1:-1] not in line)  # no echo
    records = fhir_batch(tmp_path, lines, fmt="jsonl")
    assert [(r["id"], r["status"]) for r in records] == [("a", "ok"), ("#2", "error"), ("c", "ok")]


def test_a_lone_surrogate_in_an_id_resumes_exactly(tmp_path, monkeypatch):
    export = tmp_path / "DocumentReference.ndjson"
    lines = [json.dumps(document(PAIN, "a")), json.dumps(document(FACET, "b\ud800")), json.dumps(document(PAIN, "c"))]
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    whole, resumed = tmp_path / "whole.ndjson", tmp_path / "resumed.ndjson"
    run_batch(export, whole, input_format="fhir-ndjson", output_format="fhir-ndjson")

    def stop(*args, **kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:  # interrupted after its rows were coded, before the output was written
        patch.setattr("notecoder.batch.runner.publish", stop)
        with pytest.raises(KeyboardInterrupt):
            run_batch(export, resumed, input_format="fhir-ndjson", output_format="fhir-ndjson")
    journal = tmp_path / "resumed.ndjson.journal.jsonl"
    journal.write_text(journal.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")  # row 1 only
    summary = run_batch(export, resumed, input_format="fhir-ndjson", output_format="fhir-ndjson", resume=True)
    assert (summary.resumed, summary.coded, summary.notes, summary.errors) == (1, 2, 3, 1)
    assert resumed.read_bytes() == whole.read_bytes()


def test_every_output_line_names_its_input_even_when_empty_or_failed(tmp_path):
    lines = [json.dumps(document("Well visit. No complaints.", "w1")), json.dumps(document("Nothing to code.")),
             json.dumps(document(FACET, "p2", contentType="application/pdf")), "not json",
             json.dumps({"resourceType": "Patient", "id": "w1"})]  # fmt: skip
    written = fhir_batch(tmp_path, lines)
    empty, anonymous, pdf, broken, patient = written
    for bundle in (empty, anonymous):
        assert Bundle.model_validate(bundle).type == "collection" and not bundle.get("entry")
    assert empty["identifier"]["value"] == "1" and empty["link"] == [{"relation": "via", "url": "DocumentReference/w1"}]
    assert anonymous["identifier"]["value"] == "2" and "link" not in anonymous
    for n, outcome in ((3, pdf), (4, broken), (5, patient)):
        parsed = OperationOutcome.model_validate(outcome)
        assert parsed.id and parsed.id not in ("p2", "w1", "4")  # a generated id, never the input's
        assert {"url": f"{EXTENSIONS}/source-row", "valueInteger": n} in outcome["extension"]
    assert {"url": f"{EXTENSIONS}/source", "valueReference": {"reference": "DocumentReference/p2"}} in pdf["extension"]
    assert cited(patient) == set()  # a Patient's id names no DocumentReference
    assert pdf["issue"][0]["diagnostics"] == "FhirInputError: row 3: the resource has no text/plain attachment"


def test_an_export_id_that_is_not_a_fhir_id_never_becomes_a_reference(tmp_path):
    export = tmp_path / "notes.csv"
    export.write_text(f"id,text\n../Patient/123,{PAIN}\nok-1,{PAIN}\n\"=cmd|' /C calc'!A0\",\n", encoding="utf-8")
    output = tmp_path / "bundles.ndjson"
    run_batch(export, output, output_format="fhir-ndjson")
    first, second, failed = (json.loads(line) for line in output.read_text(encoding="utf-8").splitlines())
    assert cited(first) == set() and "Patient/123" not in json.dumps(first)
    assert first["identifier"] == {"system": ROW_SYSTEM, "value": "1"}
    assert cited(second) == {"DocumentReference/ok-1"}
    assert failed["resourceType"] == "OperationOutcome" and "cmd" not in json.dumps(failed)
