"""The service under load it must refuse or outlast, in process with stand-in extraction processes: a job whose
text starts "wait:PATH " does not answer until PATH exists, so a test holds a process busy for as long as it likes, and
no assertion depends on how fast anything runs. Slow and unauthenticated bodies are sent over raw sockets."""

import logging
import socket
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager

import httpx
import pytest
import uvicorn

from notecoder.service.api import create_app
from notecoder.service.pool import LARGE_CHARS, Pool
from notecoder.service.settings import ServiceSettings

TOKEN = "attack-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
STAND_IN = """
import os, sys, time
from notecoder.service.extractor import frame, read_frame
out = sys.stdout.buffer
out.write(frame(("ready", None))); out.flush()
while (message := read_frame(sys.stdin.buffer)) is not None:
    name, args = message
    if args[0].startswith("wait:"):
        while not os.path.exists(args[0][5:].split()[0]):
            time.sleep(0.02)
    out.write(frame(("ok", b'{"job": "%s", "pid": %d}' % (name.encode(), os.getpid())))); out.flush()
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(**options):
    """A server in this process (its log through caplog) with stand-in extraction processes."""
    settings = ServiceSettings(token=TOKEN, **{"processes": 1, "queue": 0, **options})
    pool = Pool(settings.processes, settings.large_processes, settings.queue, command=(sys.executable, "-c", STAND_IN))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings, pool), host="127.0.0.1", port=port, log_config=None))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/readyz", timeout=5).status_code == 200:
                break
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    try:
        yield base, pool
    finally:
        server.should_exit = True
        thread.join(60)


def wait_until(condition) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.02)


def in_background(call):
    """Run `call` in a thread; the returned function waits for and returns its result."""
    result: list = []
    thread = threading.Thread(target=lambda: result.append(call()), daemon=True)
    thread.start()

    def outcome():
        thread.join(60)
        return result[0]

    return outcome


def test_a_request_past_its_budget_is_504_and_its_process_is_replaced(tmp_path):
    with serving(request_seconds=0.5) as (base, pool), httpx.Client(base_url=base, headers=AUTH, timeout=30) as http:
        before = pool.workers[0].process.pid
        late = http.post("/v1/extract", json={"text": f"wait:{tmp_path / 'never'}"})
        assert late.status_code == 504
        assert late.json()["detail"] == "the note was not coded within the request's time budget of 0.5 s"
        wait_until(lambda: pool.ready)
        after = http.post("/v1/extract", json={"text": "Neck pain."})
    assert after.status_code == 200 and after.json()["pid"] != before


def test_health_never_waits_for_coding_and_a_full_queue_is_503_at_once(tmp_path):
    release = tmp_path / "release"
    with serving(request_seconds=120) as (base, pool), httpx.Client(base_url=base, headers=AUTH, timeout=30) as http:
        held = in_background(lambda: http.post("/v1/extract", json={"text": f"wait:{release}"}))
        wait_until(lambda: pool.general.gate.running == 1)
        health, ready = http.get("/healthz"), http.get("/readyz")  # the only process is busy for up to 120 s
        busy = http.post("/v1/extract", json={"text": "Neck pain."})
        release.touch()
        assert held().status_code == 200
    assert health.json() == {"status": "UP"} and ready.status_code == 200
    assert busy.status_code == 503 and busy.headers["retry-after"] == "1" and busy.json()["detail"].startswith("busy")


def test_short_notes_go_first_and_long_ones_are_turned_away_for_them(tmp_path):
    release = tmp_path / "release"
    with (
        serving(queue=1, request_seconds=120) as (base, pool),
        httpx.Client(base_url=base, headers=AUTH, timeout=30) as http,
    ):
        held = in_background(lambda: http.post("/v1/extract", json={"text": f"wait:{release}"}))
        wait_until(lambda: pool.general.gate.running == 1)
        longer = in_background(lambda: http.post("/v1/extract", json={"text": "neck pain " * 1_500}))
        wait_until(lambda: len(pool.general.gate.waiting) == 1)
        short = in_background(lambda: http.post("/v1/extract", json={"text": "Neck pain."}))
        assert longer().status_code == 503  # its place in the queue went to the shorter note
        release.touch()
        assert held().status_code == short().status_code == 200


def test_a_large_request_never_holds_the_process_a_short_one_needs(tmp_path):
    release = tmp_path / "release"
    long_note = f"wait:{release} " + "neck pain " * (LARGE_CHARS // 10)
    many_notes = {"content": [{"text": "neck pain " * (LARGE_CHARS // 30)}] * 4}  # short notes, a large request
    with serving(request_seconds=120) as (base, pool), httpx.Client(base_url=base, headers=AUTH, timeout=30) as http:
        held = in_background(lambda: http.post("/v1/extract", json={"text": long_note}))
        wait_until(lambda: pool.large.gate.running == 1)
        short = http.post("/v1/extract", json={"text": "Neck pain."})
        another_long = http.post("/v1/extract", json={"text": "neck pain " * (LARGE_CHARS // 10 + 1)})
        bulk = http.post("/api/process_bulk", json=many_notes)
        release.touch()
        assert held().status_code == 200
    assert short.status_code == 200 and another_long.status_code == bulk.status_code == 503
    assert held().json()["pid"] != short.json()["pid"]


def test_bulk_keeps_what_was_coded_when_its_budget_runs_out(tmp_path):
    contents = [{"text": "Neck pain."}, {"text": f"wait:{tmp_path / 'never'}"}, {"text": "Back pain."}]
    with serving(request_seconds=1) as (base, _), httpx.Client(base_url=base, headers=AUTH, timeout=30) as http:
        answer = http.post("/api/process_bulk", json={"content": contents})
    assert answer.status_code == 200
    coded, late, left = answer.json()["result"]
    assert coded == {"job": "cogstack", "pid": coded["pid"]}
    assert late["errors"] == ["content[1] was not coded within the request's time budget of 1 s"]
    assert left["errors"] == ["content[2] was not coded within the request's time budget of 1 s"]


def send_headers(port: int, headers: str, body: bytes = b"") -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(f"POST /v1/extract HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n{headers}\r\n".encode())
    sock.sendall(body)
    return sock


def status_of(sock: socket.socket) -> int:
    """The status of the response on `sock` (waiting up to its 30 s timeout), and the connection closed after it."""
    with sock:
        answer = b""
        while chunk := sock.recv(65_536):
            answer += chunk
    assert b"connection: close" in answer.lower()
    return int(answer.split(b" ", 2)[1])


def test_the_token_is_checked_before_the_body_is_read(caplog):
    caplog.set_level(logging.INFO, "notecoder.service")
    with serving(body_seconds=60) as (base, _):
        port = int(base.rsplit(":", 1)[1])
        # 9.9 MB announced, none sent: reading the body would wait 60 s and answer 408 (bytes sent and never read
        # would make the server's close a reset, which may overtake the answer)
        unauthenticated = [send_headers(port, "Content-Length: 9900000\r\n") for _ in range(20)]
        assert [status_of(sock) for sock in unauthenticated] == [401] * 20
        assert httpx.get(f"{base}/healthz", timeout=30).status_code == 200
    assert "POST /v1/extract 401" in caplog.text


def test_a_body_that_stops_is_408_and_bodies_in_flight_are_capped():
    with serving(body_seconds=2, max_body_bytes=1_000_000) as (base, _):
        port = int(base.rsplit(":", 1)[1])
        stalled = send_headers(port, f"Authorization: Bearer {TOKEN}\r\nContent-Length: 1000\r\n", b'{"text": "neck')
        assert status_of(stalled) == 408
        # four bodies at the cap may arrive at once (4 MB in flight); the fifth is turned away, not buffered
        held = [send_headers(port, f"Authorization: Bearer {TOKEN}\r\nContent-Length: 1000000\r\n") for _ in range(5)]
        assert Counter(status_of(sock) for sock in held) == {408: 4, 503: 1}


@pytest.mark.parametrize("content_length", ["1000001", "99999999999"])
def test_a_body_announced_over_the_cap_is_413_unread(content_length):
    with serving(max_body_bytes=1_000_000) as (base, _):
        port = int(base.rsplit(":", 1)[1])
        sock = send_headers(port, f"Authorization: Bearer {TOKEN}\r\nContent-Length: {content_length}\r\n")
        assert status_of(sock) == 413
