"""`notecoder serve` as a real server on 127.0.0.1, talked to with httpx: CogStack's NLP REST API, the native
endpoint, and the defaults a service receiving PHI needs (token, size limits, errors that never echo a note, logs
without note text)."""

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from notecoder.result import NoteResult

SECRET = "Zebediah Quistgaard"
NOTE = f"Patient {SECRET}.\nAssessment: cervical facet syndrome C5-6. Failed PT x 6 weeks."
TOKEN = "s3cret-token"


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
            [sys.executable, "-m", "notecoder", "serve", "--port", str(port), "--max-body-bytes", "200000",
             "--max-note-chars", "20000"],
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
    entities = [next(iter(a.values())) for a in result["annotations"]]
    code = next(e for e in entities if e["cui"] == "M53.82")
    assert NOTE[code["start"] : code["end"]] == code["source_value"] == "cervical facet syndrome"
    assert code["types"] == ["code"] and 0 < code["acc"] <= 1
    assert any(e["types"] == ["gap"] for e in entities)


def test_cogstack_bulk(server):
    base, _ = server
    with client(base) as http:
        answer = http.post("/api/process_bulk", json={"content": [{"text": NOTE}, {"text": "Neck pain x 2 weeks."}]})
    results = answer.json()["result"]
    assert len(results) == 2
    assert [next(iter(a.values()))["cui"] for a in results[1]["annotations"]][0] == "M54.2"


def test_native_extract_returns_a_note_result(server):
    base, _ = server
    with client(base) as http:
        got = http.post("/v1/extract", json={"text": NOTE, "setting": "outpatient"})
        kept = http.post("/v1/extract", json={"text": NOTE, "min_confidence": 0.999999})
        schema = http.get("/openapi.json").json()
    assert NoteResult.model_validate(got.json()).codes[0].code == "M53.82"
    assert NoteResult.model_validate(kept.json()).codes == ()
    assert "NoteResult" in schema["components"]["schemas"]


def test_fhir_document_reference_in_bundle_out(server):
    import base64

    base, _ = server
    document = {"resourceType": "DocumentReference", "id": "d7", "status": "current",
                "content": [{"attachment": {"contentType": "text/plain", "data": base64.b64encode(NOTE.encode()).decode()}}]}  # fmt: skip
    with client(base) as http:
        one = http.post("/v1/fhir", json=document)
        many = http.post("/v1/fhir", json={"resourceType": "Bundle", "type": "collection",
                                           "entry": [{"resource": document}, {"resource": document}]})  # fmt: skip
        bad = http.post("/v1/fhir", json={"resourceType": "DocumentReference", "id": "x", "status": "current"})
    assert one.status_code == 200 and one.headers["content-type"].startswith("application/fhir+json")
    condition = one.json()["entry"][0]["resource"]
    assert condition["code"]["coding"][0]["code"] == "M53.82"
    assert condition["evidence"][0]["detail"][0]["reference"] == "DocumentReference/d7"
    assert len(many.json()["entry"]) == 2
    assert bad.status_code == 422 and "DocumentReference/x" in bad.text and SECRET not in bad.text


@pytest.mark.parametrize("token", [None, "wrong"])
def test_a_missing_or_wrong_token_is_401(server, token):
    base, _ = server
    with client(base, token=token) as http:
        for response in (http.get("/api/info"), http.post("/v1/extract", json={"text": NOTE})):
            assert response.status_code == 401 and SECRET not in response.text


def test_limits_are_413_and_errors_never_echo_the_note(server):
    base, _ = server
    with client(base) as http:
        too_big = http.post("/v1/extract", content=b'{"text": "' + b"x" * 300_000 + b'"}',
                            headers={"content-type": "application/json"})  # fmt: skip
        too_long = http.post("/v1/extract", json={"text": NOTE + " neck pain." * 3000})
        bad = http.post("/v1/extract", json={"txt": NOTE})
        broken = http.post("/v1/extract", content=NOTE.encode(), headers={"content-type": "application/json"})
        wrong_type = http.post("/api/process", json={"content": {"text": 42, "footer": SECRET}})
    assert too_big.status_code == 413 and too_long.status_code == 413
    assert bad.status_code == broken.status_code == wrong_type.status_code == 422
    for response in (too_big, too_long, bad, broken, wrong_type):
        assert SECRET not in response.text and "facet" not in response.text
    assert ["body", "txt"] in [d["loc"] for d in bad.json()["detail"]]


def test_the_server_log_holds_no_note_text(server):
    base, log = server
    with client(base) as http:
        http.post("/v1/extract", json={"text": NOTE})
    text = log.read_text()
    assert "POST /v1/extract" in text  # access lines: method, path, status
    assert SECRET not in text and "facet syndrome" not in text
