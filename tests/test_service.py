"""`notecoder serve` as a real server on 127.0.0.1, talked to with httpx: CogStack's NLP REST API, the native
endpoint, and the defaults a service receiving PHI needs (token, size limits, errors that never echo a note, logs
without note text), each attack of "Holds under attack" made here and answered."""

import base64
import json
import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from notecoder.result import NoteResult
from tests import nifi_replay

SECRET = "Zebediah Quistgaard"
NOTE = f"Patient {SECRET}.\nAssessment: cervical facet syndrome C5-6. Failed PT x 6 weeks."
TOKEN = "s3cret-token"
MAX_NOTE_CHARS, MAX_NOTES, MAX_REQUEST_CHARS = 20_000, 4, 40_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "server.log"
    env = {**os.environ, "NOTECODER_TOKEN": TOKEN}
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "notecoder", "serve", "--port", str(port), "--max-note-chars", str(MAX_NOTE_CHARS),
             "--max-notes", str(MAX_NOTES), "--max-request-chars", str(MAX_REQUEST_CHARS), "--processes", "1"],
            stdout=out, stderr=subprocess.STDOUT, env=env,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, log.read_text()
            time.sleep(0.3)
        else:
            process.kill()
            pytest.fail("the server did not become ready")
        yield base, log
        process.terminate()
        process.wait(timeout=30)


def client(base: str, token: str | None = TOKEN) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=base, headers=headers, timeout=60)


def raw(body: str) -> dict:
    """`body` as sent, byte for byte: JSON that Python's json.dumps would not write (a lone surrogate, NaN)."""
    return {"content": body.encode(), "headers": {"content-type": "application/json"}}


def document(data: str, id_: str = "d7") -> dict:
    return {"resourceType": "DocumentReference", "id": id_, "status": "current",
            "content": [{"attachment": {"contentType": "text/plain", "data": data}}]}  # fmt: skip


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def entities(result: dict) -> list[dict]:
    """The entities of a CogStack result: MedCATservice's one dict of them, keyed by id."""
    (by_id,) = result["annotations"]
    return list(by_id.values())


def test_health_and_readiness_are_open(server):
    base, _ = server
    with client(base, token=None) as http:
        assert http.get("/healthz").json() == {"status": "UP"}
        assert http.get("/readyz").status_code == 200


def test_cogstack_info_and_process(server):
    base, _ = server
    with client(base) as http:
        info = http.get("/api/info").json()
        assert info["service_app_name"] == "notecoder" and "ICD-10-CM" in info["model_card_info"]["ontologies"]
        answer = http.post("/api/process", json={"content": {"text": NOTE, "footer": "doc-17"}}).json()
    result = answer["result"]
    assert result["success"] and result["footer"] == "doc-17" and answer["medcat_info"]["service_version"]
    found = entities(result)
    code = next(e for e in found if e["cui"] == "M53.82")
    assert NOTE[code["start"] : code["end"]] == code["source_value"] == "cervical facet syndrome"
    assert code["types"] == ["code"] and 0 < code["acc"] <= 1
    assert any(e["types"] == ["gap"] for e in found)


def test_cogstack_bulk(server):
    base, _ = server
    with client(base) as http:
        answer = http.post("/api/process_bulk", json={"content": [{"text": NOTE}, {"text": "Neck pain x 2 weeks."}]})
    results = answer.json()["result"]
    assert len(results) == 2
    assert [e["cui"] for e in entities(results[1])][0] == "M54.2"


def test_cogstack_bulk_as_nifi_sends_it_and_reads_it(server):
    """NiFi's request builders (CogStack-NiFi nifi/user-scripts/parse-es-db-result-for-nlp-request-bulk.py and the
    groovy ones) send `id` beside `text` and `footer`, and "text": null for a record without its text field; its
    parser reads `annotations[0]` and needs the document id in the footer."""
    rows = [{"id": 1, "text": NOTE, "footer": {"docid": 1}, "metadata:": {}},
            {"id": 2, "text": None, "footer": {"docid": 2, "name": SECRET}},
            {"id": 3, "text": "", "footer": {"docid": 3}},
            {"id": 4, "text": "Neck pain x 2 weeks.", "footer": {"docid": 4}}]  # fmt: skip
    base, _ = server
    with client(base) as http:
        answer = http.post("/api/process_bulk", json={"content": rows, "applicationParams": {}})
        every = entities(http.post("/api/process", json={"content": {"text": NOTE}}).json()["result"])
    assert answer.status_code == 200
    _, missing, blank, last = answer.json()["result"]
    assert missing == {"success": False, "timestamp": missing["timestamp"],
                       "errors": ["content[1].text: Input should be a valid string"]}  # fmt: skip
    assert blank["annotations"] == [{}] and SECRET not in json.dumps(missing)
    records = nifi_replay.parse_bulk(answer.json())
    assert len(records) == len(every) + len(entities(last)) and len(every) > 1
    for record in records.values():
        nifi_replay.avro_record(record)
        nifi_replay.table_rows(record)


def test_native_extract_returns_a_note_result(server):
    base, _ = server
    with client(base) as http:
        got = http.post("/v1/extract", json={"text": NOTE, "setting": "outpatient"})
        kept = http.post("/v1/extract", json={"text": NOTE, "min_confidence": 0.999999})
        schema = http.get("/openapi.json").json()
    assert NoteResult.model_validate(got.json()).codes[0].code == "M53.82"
    assert NoteResult.model_validate(kept.json()).codes == ()
    assert "NoteResult" in schema["components"]["schemas"]


def test_native_extract_reads_the_procedure_codes_sent_with_the_note(server):
    base, _ = server
    note = "Plan: bilateral L4-5 medial branch block #1 under fluoroscopy for axial LBP since 2021."
    claim = {"codes": [{"code": "LOCAL-7", "family": "facet", "step": "rfa_initial"}, {"code": "LOCAL-9"}],
             "jurisdiction": "j15", "date_of_service": "2025-03-14"}  # fmt: skip
    with client(base) as http:
        got = http.post("/v1/extract", json={"text": note, "claim": claim})
        bad = http.post("/v1/extract", json={"text": note, "claim": {**claim, "jurisdiction": "J99"}})
        odd = http.post("/v1/extract", json={"text": note, "claim": {"codes": [{"code": "L", "family": "knee"}]}})
    checked = NoteResult.model_validate(got.json()).claim
    assert [(c.code, c.status) for c in checked.codes] == [("LOCAL-7", "other_step"), ("LOCAL-9", "unmapped")]
    assert checked.jurisdiction == "J15" and checked.notes[0].startswith("facet: J15 (CGS) publishes L38773")
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "claim", "jurisdiction"]
    assert odd.status_code == 422 and "family must be one of" in odd.json()["detail"][0]["msg"]
    assert note not in bad.text + odd.text


def test_fhir_document_reference_in_bundle_out(server):
    base, _ = server
    good = document(b64(NOTE))
    with client(base) as http:
        one = http.post("/v1/fhir", json=good)
        many = http.post("/v1/fhir", json={"resourceType": "Bundle", "type": "collection",
                                           "entry": [{"resource": good}, {"resource": good}]})  # fmt: skip
        bad = http.post(
            "/v1/fhir", json={"resourceType": "DocumentReference", "id": "Quistgaard7", "status": "current"}
        )
    assert one.status_code == 200 and one.headers["content-type"].startswith("application/fhir+json")
    condition = one.json()["entry"][0]["resource"]
    assert condition["code"]["coding"][0]["code"] == "M53.82"
    assert condition["evidence"][0]["detail"][0]["reference"] == "DocumentReference/d7"
    assert len(many.json()["entry"]) == 2
    assert bad.status_code == 422 and bad.json()["resourceType"] == "OperationOutcome"
    assert bad.json()["issue"][0]["expression"] == ["DocumentReference"]
    assert "Quistgaard7" not in bad.text and SECRET not in bad.text  # the id is PHI: its position names it


@pytest.mark.parametrize(
    "data",
    ["!!!!", b64(NOTE) + "!!", b64(NOTE)[:-8] + "=garbage", b64(NOTE)[:-1], base64.b64encode(b"\xff\xfe").decode()],
    ids=["not base64", "a corrupted tail", "data after the padding", "cut short", "not UTF-8"],
)
def test_fhir_attachment_data_is_strict_base64(server, data):
    base, _ = server
    with client(base) as http:
        answer = http.post("/v1/fhir", json=document(data, "Quistgaard7"))
    assert answer.status_code == 422 and answer.headers["content-type"].startswith("application/fhir+json")
    issue = answer.json()["issue"][0]
    assert answer.json()["resourceType"] == "OperationOutcome" and issue["severity"] == "error"
    assert issue["expression"] == ["DocumentReference.content[0].attachment.data"]
    assert "Quistgaard7" not in answer.text and "facet" not in answer.text


def test_fhir_base64_may_be_wrapped_and_one_bad_document_keeps_the_others(server):
    base, _ = server
    encoded = b64(NOTE)
    wrapped = "\n".join(encoded[n : n + 20] for n in range(0, len(encoded), 20))  # as MIME writes it: valid FHIR
    bundle = {"resourceType": "Bundle", "type": "collection",
              "entry": [{"resource": document(wrapped)}, {"resource": document("!!!!", "Quistgaard7")}]}  # fmt: skip
    with client(base) as http:
        answer = http.post("/v1/fhir", json=bundle)
    assert answer.status_code == 200
    first, second = (e["resource"] for e in answer.json()["entry"])
    assert first["resourceType"] == "Bundle" and first["entry"][0]["resource"]["code"]["coding"][0]["code"] == "M53.82"
    assert second["resourceType"] == "OperationOutcome"
    assert second["issue"][0]["expression"] == ["Bundle.entry[1].resource.content[0].attachment.data"]
    assert "Quistgaard7" not in answer.text


def test_one_note_not_unicode_is_one_error_entry_and_the_others_return(server):
    base, _ = server
    body = json.dumps({"content": [{"text": NOTE}, {"text": "SURROGATE"}, {"text": "Neck pain x 2 weeks."}]})
    with client(base) as http:
        answer = http.post("/api/process_bulk", **raw(body.replace("SURROGATE", f"{SECRET} \\ud800 neck pain")))
    assert answer.status_code == 200
    first, bad, third = answer.json()["result"]
    assert first["success"] and "M53.82" in [e["cui"] for e in entities(first)]
    assert third["success"] and third["text"] == "Neck pain x 2 weeks."
    assert bad["success"] is False and "content[1].text" in bad["errors"][0] and "surrogate" in bad["errors"][0]
    assert SECRET not in json.dumps(bad)


@pytest.mark.parametrize(
    "path, body, loc",
    [
        ("/v1/extract", '{"text": "neck pain \\ud800"}', ["body", "text"]),
        ("/api/process", '{"content": {"text": "neck pain \\udfff"}}', ["body", "content", "text"]),
        (
            "/api/process",
            '{"content": {"text": "neck pain", "footer": {"k": "\\ud800"}}}',
            ["body", "content", "footer"],
        ),
    ],
)
def test_a_note_not_unicode_is_422_naming_the_field(server, path, body, loc):
    base, _ = server
    with client(base) as http:
        answer = http.post(path, **raw(body))
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == loc and "surrogate" in answer.json()["detail"][0]["msg"]


@pytest.mark.parametrize("floor", ["NaN", "Infinity", "-Infinity", "7", "-5", '"high"'])
def test_min_confidence_outside_0_to_1_is_422(server, floor):
    base, _ = server
    with client(base) as http:
        answer = http.post("/v1/extract", **raw(f'{{"text": "Neck pain.", "min_confidence": {floor}}}'))
    assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["body", "min_confidence"]


def test_caps_on_notes_and_characters_per_request(server):
    base, _ = server
    short = {"text": "Neck pain x 2 weeks."}
    with client(base) as http:
        many = http.post("/api/process_bulk", json={"content": [short] * (MAX_NOTES + 1)})
        long_total = http.post("/api/process_bulk", json={"content": [{"text": "neck pain " * 1_500}] * 3})
        one_long = http.post("/api/process_bulk", json={"content": [{"text": "x" * (MAX_NOTE_CHARS + 1)}, short]})
        not_notes = http.post("/api/process_bulk", json={"content": [None] * (MAX_NOTES + 1)})
        fhir_many = http.post("/v1/fhir", json={"resourceType": "Bundle", "type": "collection",
                                                "entry": [{"resource": document(b64("Neck pain."))}] * (MAX_NOTES + 1)})  # fmt: skip
    assert many.status_code == long_total.status_code == not_notes.status_code == 413  # rows that are no note count
    assert (
        f"at most {MAX_NOTES}" in many.json()["detail"]
        and f"at most {MAX_REQUEST_CHARS:,}" in long_total.json()["detail"]
    )
    assert fhir_many.status_code == 413 and fhir_many.json()["resourceType"] == "OperationOutcome"
    assert one_long.status_code == 200  # a note over the note cap is its own error entry
    too_long, kept = one_long.json()["result"]
    assert not too_long["success"] and f"at most {MAX_NOTE_CHARS:,}" in too_long["errors"][0] and kept["success"]


@pytest.mark.parametrize("token", [None, "wrong"])
def test_a_missing_or_wrong_token_is_401_before_the_body_is_read(server, token):
    base, _ = server
    with client(base, token=token) as http:
        responses = [http.get("/api/info"), http.post("/v1/extract", json={"text": NOTE}),
                     http.post("/v1/extract", content=b"{not json", headers={"content-type": "application/json"}),
                     http.post("/v1/extract", json={"txt": NOTE})]  # fmt: skip
    for response in responses:
        assert response.status_code == 401 and SECRET not in response.text


def test_no_interactive_docs_and_the_schema_needs_the_token(server):
    base, _ = server
    with client(base, token=None) as anonymous, client(base) as http:
        assert [anonymous.get(p).status_code for p in ("/openapi.json", "/docs", "/redoc")] == [401, 401, 401]
        assert [http.get(p).status_code for p in ("/docs", "/redoc", "/docs/oauth2-redirect")] == [404, 404, 404]
        assert http.get("/openapi.json").status_code == 200


def test_limits_are_413_and_errors_never_echo_the_note(server):
    base, _ = server
    with client(base) as http:
        too_big = http.post(
            "/v1/extract",
            content=b'{"text": "' + b"x" * 1_500_000 + b'"}',
            headers={"content-type": "application/json"},
        )  # over 12 bytes a character and 1 MB
        too_long = http.post("/v1/extract", json={"text": NOTE + " neck pain." * 3000})
        bad = http.post("/v1/extract", json={"txt": NOTE, "Quistgaard": 1})
        broken = http.post("/v1/extract", content=NOTE.encode(), headers={"content-type": "application/json"})
        wrong_type = http.post("/api/process", json={"content": {"text": 42, "footer": SECRET}})
    assert too_big.status_code == 413 and too_long.status_code == 413
    assert bad.status_code == broken.status_code == wrong_type.status_code == 422
    for response in (too_big, too_long, bad, broken, wrong_type):
        assert SECRET not in response.text and "facet" not in response.text and "Quistgaard" not in response.text
    assert ["body", "text"] in [d["loc"] for d in bad.json()["detail"]]  # missing
    assert ["body"] in [d["loc"] for d in bad.json()["detail"]]  # an unknown key, not named


def test_the_server_log_holds_no_note_text_ids_or_query_strings(server):
    base, log = server
    with client(base) as http:
        http.post("/v1/extract", json={"text": NOTE})
        http.post("/v1/extract?patient=Quistgaard", json={"text": NOTE})
        http.get("/v1/Quistgaard-record")
        http.post("/v1/fhir", json=document("!!!!", "Quistgaard7"))
        http.post("/v1/extract", **raw(json.dumps({"text": NOTE}).replace("Patient", "\\ud800")))
    text = log.read_text()
    assert "POST /v1/extract 200" in text  # access lines: client, method, path, status, time
    assert "GET (a path outside the API) 404" in text
    assert SECRET not in text and "facet syndrome" not in text and "Quistgaard" not in text


def us_core_document(text: str, id_: str | None = "d8") -> dict:
    """A DocumentReference as a US Core server gives it: patient, encounter, date."""
    resource = {"resourceType": "DocumentReference", "status": "current", "subject": {"reference": "Patient/p3"},
                "date": "2024-05-02T14:30:00Z", "context": {"encounter": [{"reference": "Encounter/e5"}]},
                "content": [{"attachment": {"contentType": "text/plain", "data": b64(text)}}]}  # fmt: skip
    return resource | ({"id": id_} if id_ else {})


def test_fhir_keeps_the_patient_and_encounter_and_answers_transactions(server):
    base, _ = server
    with client(base) as http:
        one = http.post("/v1/fhir", params={"bundle": "transaction"}, json=us_core_document(NOTE))
        empty = http.post("/v1/fhir", json=us_core_document("Well visit. No complaints."))
        anonymous = http.post("/v1/fhir", json={"resourceType": "Bundle", "type": "collection", "entry": [
            {"resource": us_core_document(NOTE, None)}, {"resource": us_core_document(NOTE, None)}]})  # fmt: skip
    assert one.status_code == 200 and one.json()["type"] == "transaction"
    entries = one.json()["entry"]
    assert all(e["request"] == {"method": "PUT", "url": f"{e['resource']['resourceType']}/{e['resource']['id']}"}
               for e in entries)  # fmt: skip
    condition = entries[0]["resource"]
    assert condition["subject"] == {"reference": "Patient/p3"} and condition["encounter"] == {
        "reference": "Encounter/e5"
    }
    assert condition["recordedDate"] == "2024-05-02T14:30:00Z" and condition["meta"]["profile"]
    assert all(e["resource"]["focus"] for e in entries if e["resource"]["resourceType"] == "Task")
    assert empty.json()["id"] and "entry" not in empty.json()
    assert empty.json()["link"] == [{"relation": "via", "url": "DocumentReference/d8"}]
    outer = anonymous.json()
    assert outer["id"] and [e["fullUrl"] for e in outer["entry"]] == [
        f"urn:uuid:{e['resource']['id']}" for e in outer["entry"]]  # fmt: skip
    first, second = (e["resource"] for e in outer["entry"])  # the same text twice, without ids: two documents
    assert first["id"] != second["id"]
    assert not {r["resource"]["id"] for r in first["entry"]} & {r["resource"]["id"] for r in second["entry"]}
    assert "DocumentReference/" not in json.dumps(outer)


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda http: http.get("/v1/fhir"), id="method not allowed"),
        pytest.param(lambda http: http.post("/v1/fhir", params={"bundle": "Quistgaard"}, json=document(b64(NOTE))),
                     id="unknown bundle type"),
        pytest.param(lambda http: http.post("/v1/fhir", content=b'{"resourceType": "DocumentReference", "id": "'
                                            + b"x" * 1_500_000 + b'"}', headers={"content-type": "application/json"}),
                     id="body over the cap"),
        pytest.param(lambda http: http.post("/v1/fhir", content=b"[1, 2]", headers={"content-type": "application/json"}),
                     id="not a resource"),
    ],
)  # fmt: skip
def test_every_fhir_error_is_an_operation_outcome(server, call):
    base, _ = server
    with client(base) as http:
        answer = call(http)
    assert answer.status_code >= 400 and answer.headers["content-type"].startswith("application/fhir+json")
    outcome = answer.json()
    assert (
        outcome["resourceType"] == "OperationOutcome" and outcome["id"] and outcome["issue"][0]["severity"] == "error"
    )
    assert "detail" not in outcome and "Quistgaard" not in answer.text


def test_a_fhir_request_without_the_token_is_an_operation_outcome(server):
    base, _ = server
    with client(base, token=None) as http:
        answer = http.post("/v1/fhir", json=document(b64(NOTE)))
        other = http.post("/v1/extract", json={"text": NOTE})
    assert answer.status_code == 401 and answer.headers["www-authenticate"] == "Bearer"
    assert answer.json()["resourceType"] == "OperationOutcome" and answer.json()["issue"][0]["code"] == "login"
    assert other.status_code == 401 and other.json() == {
        "detail": "a bearer token is required"
    }  # other paths unchanged
