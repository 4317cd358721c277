"""The team worklist under a department's morning: scripted coders, each on their own HTTP connection to
`notecoder serve --worklist` (a process of its own), read notes and decide on their items, often the same notes as
another coder. Prints, per database: decisions acknowledged, stale writes refused (409, then reread and decided
again), lost updates (an acknowledged decision that is neither the item's state nor superseded by a later
acknowledged one: must be 0), audit rows against acknowledged decisions (must be equal), and the latency of a
decision (p50, p95, max).

    python bench/worklist_load.py                        # SQLite, 20 coders, 10,000 decisions on 5,000 notes
    python bench/worklist_load.py --postgresql URL        # and PostgreSQL (`.ci/postgresql start DIR` prints one)

Notes: one batch of real results (the bundled sample notes, coded once) queued under 5,000 ids."""

import argparse
import json
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

import notecoder
from notecoder.review import sample_notes
from notecoder.worklist.database import engine_for, migrate
from notecoder.worklist.imports import ImportSummary, queue_note
from notecoder.worklist.tables import Audit, Item
from notecoder.worklist.users import add_user


def fill(engine, notes: int, coders: int) -> list[str]:
    results = [notecoder.extract(t) for t in sample_notes().values()]
    results = [r for r in results if r.codes or r.alternatives or r.gaps]
    with Session(engine) as session:
        for n in range(notes):
            queue_note(session, ImportSummary(), f"note-{n:05d}", results[n % len(results)], actor="bench",
                       source="bench")  # fmt: skip
            if n % 500 == 499:
                session.commit()
        session.commit()
        return [add_user(session, f"coder{c:02d}", "coder", "bench") for c in range(coders)]


@contextmanager
def serving(url: str):
    """`notecoder serve --worklist URL` in a process of its own (the product as a team runs it, its extraction
    processes idle), so the coders' clients here do not share its interpreter."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "notecoder", "serve", "--worklist", url, "--port", str(port),
                               "--processes", "1", "--large-processes", "1"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)  # fmt: skip
    base = f"http://127.0.0.1:{port}/worklist/"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(base, timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"the worklist server did not start ({url.split(':')[0]})")
            time.sleep(0.2)
        yield base + "api/"
    finally:
        server.terminate()
        server.wait(30)


def coder(base: str, token: str, notes: int, decisions: int, seed: int, acknowledged: list, latencies: list,
          counts: dict, lock: threading.Lock) -> None:  # fmt: skip
    rng = random.Random(seed)
    hot = [f"note-{n:05d}" for n in range(0, notes, max(1, notes // 200))]  # a shared part of the queue
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as http:
        made = 0
        while made < decisions:
            note_id = rng.choice(hot) if rng.random() < 0.3 else f"note-{rng.randrange(notes):05d}"
            items = http.get("note", params={"id": note_id}).json()["items"]
            item = rng.choice(items)
            choice = rng.choice(["accepted", "rejected"])
            body = {"note_id": note_id, "kind": item["kind"], "key": item["key"], "decision": choice,
                    "version": item["version"], "reason": "other" if choice == "rejected" else None}  # fmt: skip
            began = time.perf_counter()
            answer = http.post("decisions", json=body)
            took = time.perf_counter() - began
            with lock:
                latencies.append(took)
                if answer.status_code == 200:
                    state = answer.json()
                    acknowledged.append((note_id, item["kind"], item["key"], state["version"], choice))
                    made += 1
                elif answer.status_code == 409:
                    counts["stale"] += 1  # reread and decide again, as the page does
                else:
                    counts["errors"] += 1
                    made += 1


def run(label: str, url: str, notes: int, coders: int, decisions: int) -> dict:
    engine = engine_for(url)
    migrate(engine)
    tokens = fill(engine, notes, coders)
    acknowledged: list = []
    latencies: list[float] = []
    counts = {"stale": 0, "errors": 0}
    lock = threading.Lock()
    each = decisions // coders
    with serving(url) as base:
        began = time.perf_counter()
        threads = [threading.Thread(target=coder, args=(base, token, notes, each, n, acknowledged, latencies, counts,
                                                        lock)) for n, token in enumerate(tokens)]  # fmt: skip
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - began
    latest: dict[tuple, tuple[int, str]] = {}
    for note_id, kind, key, version, choice in acknowledged:
        if version > latest.get((note_id, kind, key), (-1, ""))[0]:
            latest[(note_id, kind, key)] = (version, choice)
    with Session(engine) as session:
        from notecoder.worklist.tables import Note

        states = {(n, i.kind, i.key): (i.version, i.decision)
                  for i, n in session.execute(select(Item, Note.note_id).join(Note, Note.id == Item.note)
                                              .where(Item.decision.is_not(None)))}  # fmt: skip
        audit = session.scalar(select(func.count()).select_from(Audit).where(Audit.action == "decision"))
    lost = sum(1 for key, (version, choice) in latest.items() if states.get(key) != (version, choice))
    versions = sum(v for v, _ in states.values())
    engine.dispose()
    ms = sorted(1000 * t for t in latencies)
    return {
        "database": label, "coders": coders, "notes": notes, "decisions acknowledged": len(acknowledged),
        "stale writes refused": counts["stale"], "other errors": counts["errors"], "lost updates": lost,
        "audit rows": audit, "audit == acknowledged": audit == len(acknowledged) == versions,
        "decisions/s": round(len(acknowledged) / seconds, 1), "p50 ms": round(statistics.median(ms), 1),
        "p95 ms": round(ms[int(0.95 * (len(ms) - 1))], 1), "max ms": round(ms[-1], 1),
    }  # fmt: skip


def postgresql_database(server: str) -> tuple[str, Callable[[], None]]:
    admin = create_engine(make_url(server), isolation_level="AUTOCOMMIT")
    name = f"bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return make_url(server).set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=5000)
    parser.add_argument("--coders", type=int, default=20)
    parser.add_argument("--decisions", type=int, default=10000)
    parser.add_argument("--postgresql", help="a PostgreSQL server's URL to create a throw-away database on")
    options = parser.parse_args()
    figures = []
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        figures.append(run("SQLite", url, options.notes, options.coders, options.decisions))
    if options.postgresql:
        url, drop = postgresql_database(options.postgresql)
        try:
            figures.append(run("PostgreSQL", url, options.notes, options.coders, options.decisions))
        finally:
            drop()
    json.dump(figures, sys.stdout, indent=2)
    print()
    if any(f["lost updates"] or not f["audit == acknowledged"] for f in figures):
        sys.exit(1)


if __name__ == "__main__":
    main()
