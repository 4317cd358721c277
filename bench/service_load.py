"""Throughput and latency of `notecoder serve`, beside in-process `extract` on the same notes, and its behaviour
under bad traffic. A benchmark, not a test.

    python bench/service_load.py [--notes PATH] [--limit N] [--clients C] [--abuse 1000]

(1) in-process `notecoder.extract` over the MTSamples spine notes; (2) a local server with 1 and with 2 workers,
C concurrent clients (httpx async) posting the notes to /v1/extract: notes/s and p50/p95/p99 latency; (3) `--abuse`
requests of which 10% are malformed, oversized or unauthenticated: every one must get its status (200, 422, 413,
401), the server must still be up, and its log must hold nothing of the notes."""

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

import notecoder

DEFAULT_NOTES = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "mtsamples" / "spine_notes_dedup.jsonl"
TOKEN = "bench-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(workers: int, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, "-m", "notecoder", "serve", "--port", str(port), "--workers", str(workers),
               "--max-body-bytes", "2000000"]  # fmt: skip
    process = subprocess.Popen(command, stdout=log.open("w"), stderr=subprocess.STDOUT,
                               env={**os.environ, "NOTECODER_TOKEN": TOKEN})  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                # with several workers the first ready one answers; give the others their warm-up
                time.sleep(3 * (workers - 1))
                return process, base
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    process.kill()
    raise SystemExit("the server did not become ready")


async def load(base: str, texts: list[str], clients: int) -> tuple[float, list[float]]:
    queue: asyncio.Queue[str] = asyncio.Queue()
    for text in texts:
        queue.put_nowait(text)
    latencies: list[float] = []
    headers = {"Authorization": f"Bearer {TOKEN}"}

    async def client() -> None:
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=120) as http:
            while not queue.empty():
                text = queue.get_nowait()
                began = time.perf_counter()
                response = await http.post("/v1/extract", json={"text": text})
                latencies.append(time.perf_counter() - began)
                assert response.status_code == 200, response.status_code

    began = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return len(texts) / (time.perf_counter() - began), latencies


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def abuse(base: str, texts: list[str], count: int) -> dict[str, int]:
    """Mixed traffic: 90% good, 10% bad in three ways; returns wrong answers by kind (all zero when right)."""
    rng = random.Random(0)
    wrong: dict[str, int] = {"ok": 0, "malformed": 0, "oversized": 0, "unauthenticated": 0}
    good = {"Authorization": f"Bearer {TOKEN}"}

    async def one(n: int, http: httpx.AsyncClient) -> None:
        text = texts[n % len(texts)]
        roll = rng.random()
        if roll < 0.9:
            kind, expected = "ok", 200
            response = await http.post("/v1/extract", json={"text": text}, headers=good)
        elif roll < 0.9333:
            kind, expected = "malformed", 422
            response = await http.post("/v1/extract", content=text.encode()[:500], headers={**good,
                                       "content-type": "application/json"})  # fmt: skip
        elif roll < 0.9667:
            kind, expected = "oversized", 413
            response = await http.post(
                "/v1/extract", json={"text": "x" * 2_100_000}, headers=good
            )  # over the body limit
        else:
            kind, expected = "unauthenticated", 401
            response = await http.post("/v1/extract", json={"text": text})
        if response.status_code != expected:
            wrong[kind] += 1

    async with httpx.AsyncClient(base_url=base, timeout=120) as http:
        for start_at in range(0, count, 8):
            await asyncio.gather(*(one(n, http) for n in range(start_at, min(count, start_at + 8))))
    return wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=Path, default=DEFAULT_NOTES)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--abuse", type=int, default=1000)
    args = parser.parse_args()
    with args.notes.open(encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line in handle if line.strip()][: args.limit]
    notecoder.extract("warm-up")
    began = time.perf_counter()
    for text in texts:
        notecoder.extract(text)
    local = len(texts) / (time.perf_counter() - began)
    print(f"{len(texts)} notes; {args.clients} concurrent clients")
    print(f"{'in-process extract':<28}{local:>8.1f} notes/s")
    with tempfile.TemporaryDirectory() as scratch:
        for workers in (1, 2):
            log = Path(scratch) / f"server-{workers}.log"
            process, base = start(workers, log)
            try:
                asyncio.run(load(base, texts[:40], args.clients))  # every worker warm before measuring
                rate, latencies = asyncio.run(load(base, texts, args.clients))
                print(f"{f'server, {workers} worker(s)':<28}{rate:>8.1f} notes/s   latency p50 "
                      f"{1000 * statistics.median(latencies):.0f} ms, p95 {1000 * percentile(latencies, 0.95):.0f} ms, "
                      f"p99 {1000 * percentile(latencies, 0.99):.0f} ms")  # fmt: skip
                if workers == 2 and args.abuse:
                    wrong = asyncio.run(abuse(base, texts, args.abuse))
                    up = httpx.get(f"{base}/healthz", timeout=5).status_code == 200
                    leaked = any(t[20:80] in log.read_text() for t in texts if len(t) > 80)
                    print(f"{args.abuse} mixed requests: wrong status {sum(wrong.values())} {wrong}; "
                          f"server up afterwards: {up}; note text in the log: {leaked}")  # fmt: skip
            finally:
                process.terminate()
                process.wait(timeout=30)


if __name__ == "__main__":
    main()
