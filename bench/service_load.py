"""Throughput and latency of `notecoder serve`, beside in-process `extract` on the same notes, and how it holds
under attack. A benchmark, not a test (Linux: memory is read from /proc).

    python bench/service_load.py [--notes PATH] [--limit N] [--clients C] [--quiet-seconds S] [--attack-seconds S]

(1) in-process `notecoder.extract` over the MTSamples spine notes; (2) a local server (default settings) with 1 and
with 2 general extraction processes (`--processes`; one more for long notes), C concurrent clients (httpx async)
posting the notes to /v1/extract: notes/s and p50/p95/p99 latency; (3) the server's peak memory (RSS of the server
and its extraction processes) while bulk requests at the caps are coded; (4) the same C legitimate clients for S
seconds alone, then for S seconds beside an attack: slow bodies (100 unauthenticated connections announcing 9.9 MB
and stalling, 10 authenticated ones stalling), 104 unauthenticated 10 MB posts, bulk requests at the caps,
pathological notes (30,000 characters of real notes, "neck pain " with no full stop at 30,000 and 1,000,000
characters) and malformed requests. Printed: the legitimate clients' p95 in both windows (target: within 2x),
/healthz's slowest answer, every attacker's statuses, the peak memory, and whether the server's log holds any note
text."""

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import httpx

import notecoder

DEFAULT_NOTES = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "mtsamples" / "spine_notes_dedup.jsonl"
TOKEN = "bench-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
MAX_NOTES, MAX_REQUEST_CHARS = 100, 1_000_000  # the service's default caps


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(processes: int, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, "-m", "notecoder", "serve", "--port", str(port), "--processes", str(processes)]
    process = subprocess.Popen(command, stdout=log.open("w"), stderr=subprocess.STDOUT,
                               env={**os.environ, "NOTECODER_TOKEN": TOKEN})  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                time.sleep(3)  # the first warm process answers ready; give the others their warm-up
                return process, base
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    process.kill()
    raise SystemExit("the server did not become ready")


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
        todo += [int(child) for child in children]
    return total / 1024


class PeakMemory:
    """Samples a process tree's RSS every 50 ms in a thread; `take()` returns the peak since the last take."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self.running = pid, 0.0, True
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while self.running:
            self.peak = max(self.peak, tree_rss_mb(self.pid))
            time.sleep(0.05)

    def take(self) -> float:
        peak, self.peak = self.peak, tree_rss_mb(self.pid)
        return peak


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def latency_line(latencies: list[float]) -> str:
    return (f"p50 {1000 * statistics.median(latencies):.0f} ms, p95 {1000 * percentile(latencies, 0.95):.0f} ms, "
            f"p99 {1000 * percentile(latencies, 0.99):.0f} ms")  # fmt: skip


async def load(base: str, texts: list[str], clients: int) -> tuple[float, list[float]]:
    """Every note once, by `clients` concurrent clients: notes/s and latencies."""
    queue: asyncio.Queue[str] = asyncio.Queue()
    for text in texts:
        queue.put_nowait(text)
    latencies: list[float] = []

    async def client() -> None:
        async with httpx.AsyncClient(base_url=base, headers=AUTH, timeout=120) as http:
            while not queue.empty():
                text = queue.get_nowait()
                began = time.perf_counter()
                response = await http.post("/v1/extract", json={"text": text})
                latencies.append(time.perf_counter() - began)
                assert response.status_code == 200, response.status_code

    began = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return len(texts) / (time.perf_counter() - began), latencies


async def legitimate(base: str, texts: list[str], clients: int, stop: asyncio.Event) -> tuple[list[float], Counter]:
    """`clients` clients posting real notes one after another until `stop`: latencies of their answers."""
    latencies: list[float] = []
    statuses: Counter = Counter()

    async def client(seed: int) -> None:
        rng = random.Random(seed)
        async with httpx.AsyncClient(base_url=base, headers=AUTH, timeout=120) as http:
            while not stop.is_set():
                began = time.perf_counter()
                response = await http.post("/v1/extract", json={"text": rng.choice(texts)})
                latencies.append(time.perf_counter() - began)
                statuses[response.status_code] += 1

    await asyncio.gather(*(client(n) for n in range(clients)))
    return latencies, statuses


async def raw_post(port: int, headers: str, body: bytes, stall: bool, tally: Counter, label: str) -> None:
    """A POST over a bare socket: `body` sent (then, with `stall`, nothing more); the status the server gave."""
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        head = f"POST /v1/extract HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n{headers}\r\n"
        writer.write(head.encode())
        for start_at in range(0, len(body), 1 << 20):
            writer.write(body[start_at : start_at + (1 << 20)])
            await writer.drain()
        line = await asyncio.wait_for(reader.readline(), 120 if stall else 60)
        tally[f"{label} {line.split(b' ')[1].decode() if line else 'closed'}"] += 1
        writer.close()
    except (TimeoutError, ConnectionError, IndexError) as error:
        tally[f"{label} {type(error).__name__}"] += 1


async def slow_bodies(port: int, stop: asyncio.Event, tally: Counter) -> None:
    stalled = b'{"text": "' + b"x" * 65_536
    while not stop.is_set():
        await asyncio.gather(
            *(raw_post(port, "Content-Length: 9900000\r\n", stalled, True, tally, "unauthenticated")
              for _ in range(100)),
            *(raw_post(port, f"Authorization: Bearer {TOKEN}\r\nContent-Length: 2000000\r\n", b'{"text": "', True,
                       tally, "authenticated") for _ in range(10)),
        )  # fmt: skip


async def big_unauthenticated(port: int, stop: asyncio.Event, tally: Counter) -> None:
    body = b'{"text": "' + b"x" * 9_999_980 + b'"}'
    for _ in range(104 // 8):
        if stop.is_set():
            return
        await asyncio.gather(*(raw_post(port, f"Content-Length: {len(body)}\r\n", body, False, tally, "10 MB")
                               for _ in range(8)))  # fmt: skip


async def posting(base: str, requests: list[tuple[str, dict]], stop: asyncio.Event, tally: Counter, label: str,
                  headers: dict | None = None) -> None:  # fmt: skip
    """Post `requests` ((path, httpx arguments)) in a loop until `stop`, counting statuses."""
    async with httpx.AsyncClient(base_url=base, headers=AUTH if headers is None else headers, timeout=120) as http:
        while not stop.is_set():
            for path, arguments in requests:
                response = await http.post(path, **arguments)
                tally[f"{label} {response.status_code}"] += 1
                if stop.is_set():
                    return


def bulk_at_cap(texts: list[str]) -> dict:
    """MAX_NOTES real notes whose characters add up to the request cap."""
    share = MAX_REQUEST_CHARS // MAX_NOTES
    joined = "\n\n".join(texts)
    return {"content": [{"text": joined[n * share : (n + 1) * share]} for n in range(MAX_NOTES)]}


def malformed_requests() -> list[tuple[str, dict]]:
    raw = {"content-type": "application/json"}
    return [
        ("/v1/extract", {"content": b'{"text": "neck pai', "headers": raw}),
        ("/v1/extract", {"json": {"text": "Neck pain.", "patient_name": "x"}}),
        ("/v1/extract", {"content": b'{"text": "neck \\ud800 pain"}', "headers": raw}),
        ("/v1/extract", {"content": b'{"text": "Neck pain.", "min_confidence": NaN}', "headers": raw}),
        ("/api/process_bulk", {"content": b'{"content": [{"text": "ok"}, {"text": "\\udfff"}]}', "headers": raw}),
        ("/v1/fhir", {"json": {"resourceType": "DocumentReference", "status": "current",
                               "content": [{"attachment": {"contentType": "text/plain", "data": "!!!!"}}]}}),
    ]  # fmt: skip


def health(base: str, seconds: float) -> list[float]:
    """/healthz every 200 ms for `seconds` (in a process of its own): its latencies."""
    latencies: list[float] = []
    ends = time.monotonic() + seconds
    with httpx.Client(base_url=base, timeout=120) as http:
        while time.monotonic() < ends:
            began = time.perf_counter()
            assert http.get("/healthz").status_code == 200
            latencies.append(time.perf_counter() - began)
            time.sleep(0.2)
    return latencies


def attack(base: str, texts: list[str], seconds: float) -> Counter:
    """Every attacker at once for `seconds` (in a process of its own, so that its work never delays the legitimate
    clients' own event loop): the statuses each got."""

    async def run() -> Counter:
        stop, tally = asyncio.Event(), Counter()
        port = int(base.rsplit(":", 1)[1])
        real = "\n\n".join(texts)
        pathological = [("/v1/extract", {"json": {"text": real[:30_000]}}),
                        ("/v1/extract", {"json": {"text": "neck pain " * 3_000}}),
                        ("/v1/extract", {"json": {"text": "neck pain " * 100_000}})]  # fmt: skip
        tasks = [
            slow_bodies(port, stop, tally),
            big_unauthenticated(port, stop, tally),
            posting(base, [("/api/process_bulk", {"json": bulk_at_cap(texts)})], stop, tally, "bulk at the caps"),
            *(posting(base, pathological, stop, tally, "pathological") for _ in range(2)),
            posting(base, malformed_requests(), stop, tally, "malformed"),
            posting(
                base,
                [("/v1/extract", {"json": {"text": "Neck pain."}})],
                stop,
                tally,
                "wrong token",
                {"Authorization": "Bearer guess"},
            ),  # fmt: skip
        ]
        running = asyncio.gather(*tasks)
        await asyncio.sleep(seconds)
        stop.set()
        await running
        return tally

    return asyncio.run(run())


def window(base: str, texts: list[str], clients: int, seconds: float, attacked: bool):
    """The legitimate clients for `seconds`, alone or beside the attack; /healthz probed throughout."""

    async def legitimate_for() -> tuple[list[float], Counter]:
        stop = asyncio.Event()
        running = asyncio.create_task(legitimate(base, texts, clients, stop))
        await asyncio.sleep(seconds)
        stop.set()
        return await running

    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as others:
        probe = others.submit(health, base, seconds)
        attackers = others.submit(attack, base, texts, seconds) if attacked else None
        latencies, statuses = asyncio.run(legitimate_for())
        return latencies, statuses, probe.result(), attackers.result() if attackers else Counter()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=Path, default=DEFAULT_NOTES)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--quiet-seconds", type=float, default=30)
    parser.add_argument("--attack-seconds", type=float, default=60)
    args = parser.parse_args()
    with args.notes.open(encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line in handle if line.strip()][: args.limit]
    notecoder.extract("warm-up")
    began = time.perf_counter()
    for text in texts:
        notecoder.extract(text)
    local = len(texts) / (time.perf_counter() - began)
    print(f"{len(texts)} notes; {args.clients} concurrent clients")
    print(f"{'in-process extract':<34}{local:>8.1f} notes/s")
    with tempfile.TemporaryDirectory() as scratch:
        for processes in (1, 2):
            log = Path(scratch) / f"server-{processes}.log"
            process, base = start(processes, log)
            memory = PeakMemory(process.pid)
            try:
                asyncio.run(load(base, texts[:40], args.clients))  # every process warm before measuring
                rate, latencies = asyncio.run(load(base, texts, args.clients))
                print(f"{f'server, --processes {processes}':<34}{rate:>8.1f} notes/s   "
                      f"{latency_line(latencies)}; peak memory {memory.take():.0f} MB")  # fmt: skip
                if processes == 1:
                    continue
                with httpx.Client(base_url=base, headers=AUTH, timeout=120) as http:
                    for _ in range(3):
                        assert http.post("/api/process_bulk", json=bulk_at_cap(texts)).status_code == 200
                print(f"bulk at the caps ({MAX_NOTES} notes, {MAX_REQUEST_CHARS:,} characters), 3 requests: peak "
                      f"memory {memory.take():.0f} MB (server and extraction processes)")  # fmt: skip
                quiet, statuses, healthz, _ = window(base, texts, args.clients, args.quiet_seconds, False)
                print(f"quiet, {args.quiet_seconds:g} s: legitimate {latency_line(quiet)} ({dict(statuses)}); "
                      f"/healthz slowest {1000 * max(healthz):.0f} ms; peak memory {memory.take():.0f} MB")  # fmt: skip
                attacked, statuses, healthz, tally = window(base, texts, args.clients, args.attack_seconds, True)
                ratio = percentile(attacked, 0.95) / percentile(quiet, 0.95)
                print(f"attack, {args.attack_seconds:g} s: legitimate {latency_line(attacked)} ({dict(statuses)}); "
                      f"p95 {ratio:.2f}x quiet; /healthz slowest {1000 * max(healthz):.0f} ms; peak memory "
                      f"{memory.take():.0f} MB")  # fmt: skip
                for label, count in sorted(tally.items()):
                    print(f"    {label}: {count}")
                up = httpx.get(f"{base}/healthz", timeout=5).status_code == 200
                leaked = any(t[20:80] in log.read_text() for t in texts if len(t) > 80)
                print(f"server up afterwards: {up}; note text in the log: {leaked}")
            finally:
                memory.running = False
                process.terminate()
                process.wait(timeout=30)


if __name__ == "__main__":
    main()
