"""The worklist's databases for tests: SQLite in a temporary file, and PostgreSQL for real where a server is named
(NOTECODER_TEST_POSTGRESQL; `.ci/run` starts a throw-away one): each test gets a database of its own, dropped after.
The same tests run on both."""

import json
import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from notecoder.batch import run_batch
from tests.required import POSTGRESQL_VARIABLE

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


def new_database(backend: str, tmp_path: Path):
    """(URL of an empty database, a function dropping it)."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'worklist.db'}", lambda: None
    server = make_url(os.environ[POSTGRESQL_VARIABLE])
    name = f"worklist_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return server.set(database=name).render_as_string(hide_password=False), drop


# Notes written as clinicians write them: templates, abbreviations, a failed row's neighbour, several regions.
NOTES = {
    "enc-1001": "CC: neck pain x 4 mo.\nA/P: 1. Cervical facet syndrome C5-6, chronic. MRI c-spine: C5-6 facet "
    "arthropathy, no stenosis. Failed 8 wks PT + NSAIDs.\n2. Plan MBB C5-6.",
    "enc-1002": "ED note. 34M fell from ladder today, c/o neck pain. Dx: cervical strain.",
    "enc-1003": "Chiro SOAP\nS: pt reports stiffness upper back.\nA: dorsalgia.\nP: CMT T4-T8.",
    "enc-1004": "Well visit. No complaints. Denies back or neck pain.",
    "enc-1005": "Assessment: instability of the lumbar spine L4-5 on flexion/extension films. Neuro intact. "
    "Lumbar radiculopathy ruled out by EMG.",
    "enc-1006": "Pt with coccygodynia after a fall on the ice last winter; sitting intolerance. Exam: coccyx tender.",
}


def write_results(folder: Path, notes: dict[str, str] = NOTES, *, include_text: bool = False) -> Path:
    """A batch's results for `notes`, as `notecoder batch` writes them, with one row the batch could not code."""
    source = folder / "notes.jsonl"
    rows = [{"id": name, "text": text} for name, text in notes.items()] + [{"id": "enc-empty", "text": ""}]
    source.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    results = folder / ("results-text.jsonl" if include_text else "results.jsonl")
    run_batch(source, results, include_text=include_text)
    return results
