"""Batch: every input format, bad rows recorded (never lost, never quoting the note), atomic output, resume."""

import csv
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from notecoder.batch import run_batch, terminal_progress
from notecoder.batch.journal import journal_path
from notecoder.batch.sources import SourceError, read_notes
from notecoder.cli import app

NOTES = {
    "n1": "ASSESSMENT: cervical facet syndrome C5-6. Failed PT.",
    "n2": "MVC today. Dx: acute cervical strain, initial encounter.",
    "n3": "Dx: LBP x 3 months.",
}
SECRET = "Zebulon Quixote-Marchetti"


def records(path: Path) -> dict[str, dict]:
    with path.open(encoding="utf-8") as handle:
        return {r["id"]: r for r in map(json.loads, handle)}


def write_csv(path: Path, rows: list[dict], fieldnames=("id", "text")) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def inputs(tmp_path) -> dict[str, Path]:
    rows = [{"id": k, "text": v} for k, v in NOTES.items()]
    folder = tmp_path / "notes"
    folder.mkdir()
    for key, text in NOTES.items():
        (folder / f"{key}.txt").write_text(text, encoding="utf-8")
    jsonl = tmp_path / "notes.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    parquet = tmp_path / "notes.parquet"
    pq.write_table(pa.Table.from_pylist(rows), parquet)
    return {"csv": write_csv(tmp_path / "notes.csv", rows), "jsonl": jsonl, "parquet": parquet, "folder": folder}


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet", "folder"])
def test_every_input_format(inputs, tmp_path, fmt):
    output = tmp_path / "out.jsonl"
    summary = run_batch(inputs[fmt], output)
    got = records(output)
    assert set(got) == set(NOTES)
    assert [c["code"] for c in got["n1"]["result"]["codes"]] == ["M53.82"]
    assert [a["code"] for a in got["n2"]["result"]["alternatives"]] == ["S16.1XXA"]
    assert (summary.notes, summary.ok, summary.errors, summary.codes) == (3, 3, 0, 1)
    assert not journal_path(output).exists()


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_flat_views_have_a_row_per_code_alternative_and_gap(inputs, tmp_path, suffix):
    output = tmp_path / f"out.{suffix}"
    run_batch(inputs["csv"], output)
    table = pq.read_table(output).to_pylist() if suffix == "parquet" else list(csv.DictReader(output.open()))
    kinds = {(r["id"], r["record"], r["gap"] if r["record"] == "gap" else r["code"]) for r in table}
    assert ("n1", "code", "M53.82") in kinds
    assert ("n2", "alternative", "S16.1XXA") in kinds
    assert ("n3", "gap", "condition-not-named") in kinds
    n1_code = next(r for r in table if r["record"] == "code")
    assert n1_code["title"] == "Other specified dorsopathies, cervical region"
    if suffix == "parquet":  # typed: a number, and the spans as structs
        assert isinstance(n1_code["confidence"], float)
        assert n1_code["evidence"][0] == {
            "text": "cervical facet syndrome",
            "start": 12,
            "end": 35,
            "kind": "condition",
        }
    else:
        assert float(n1_code["confidence"]) > 0 and "cervical facet syndrome [12:35]" in n1_code["evidence"]


def test_bad_rows_are_recorded_and_the_batch_goes_on(tmp_path):
    source = tmp_path / "bad.csv"
    big = "x " * 70_000  # past the csv module's default field limit (131,072), and quick to code
    with source.open("wb") as handle:
        handle.write(b"id,text\n")
        handle.write(b"ok1,Cervical facet syndrome C5-6.\n")
        handle.write(b"empty,\n")
        handle.write(b"latin," + f"{SECRET} caf\xe9 neck pain".encode("latin-1") + b"\n")
        handle.write(b"ok1,duplicate id\n")
        handle.write(b"big," + big.encode() + b"\n")
        handle.write(b"short\n")
    output = tmp_path / "out.jsonl"
    summary = run_batch(source, output)
    all_records = [json.loads(line) for line in output.open(encoding="utf-8")]
    assert len(all_records) == 6  # every row of the input, the duplicate too
    got = {r["id"]: r for r in all_records if r.get("error", {}).get("type") != "DuplicateId"}
    assert got["ok1"]["status"] == "ok" and got["big"]["status"] == "ok"
    assert got["big"]["sha256"] == hashlib.sha256(big.encode()).hexdigest()  # the whole field was read
    errors = {k: r["error"]["type"] for k, r in got.items() if r["status"] == "error"}
    assert errors["empty"] == "EmptyText"
    assert errors["latin"] == "UnicodeDecodeError"
    assert errors["short"] == "MissingColumn"  # a short row has no text field
    assert summary.error_types["DuplicateId"] == 1
    text = output.read_text(encoding="utf-8")
    assert SECRET not in text and "duplicate id" not in text
    assert text.count('"DuplicateId"') == 1


def test_a_note_longer_than_notecoder_reads_is_an_error_record(tmp_path, monkeypatch):
    monkeypatch.setattr("notecoder.extraction.MAX_NOTE_CHARS", 40)  # the 5,000,000 cap, lowered: same path
    long = f"{SECRET} has neck pain x 3 months, worse."
    source = write_csv(tmp_path / "in.csv", [{"id": "long", "text": long}, {"id": "short", "text": "Neck pain."}])
    output = tmp_path / "out.jsonl"
    run_batch(source, output)
    got = records(output)
    assert got["short"]["status"] == "ok"
    message = f"row 1: note is {len(long)} characters; notecoder reads at most 40"  # the row, never the note
    assert got["long"]["error"] == {"type": "ValueError", "message": message}


def test_another_encoding_is_read_when_named(tmp_path):
    source = tmp_path / "latin1.csv"
    source.write_bytes("id,text\nx,Zoë has cervical facet syndrome at C5-6.\n".encode("latin-1"))
    output = tmp_path / "out.jsonl"
    run_batch(source, output, encoding="latin-1")
    assert records(output)["x"]["result"]["codes"][0]["code"] == "M53.82"


def test_bad_jsonl_lines_are_row_errors(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_bytes(b'{"id": "a", "text": "Neck pain."}\n{not json\n{"id": "c"}\n"just a string"\n\xff\xfe\n')
    output = tmp_path / "out.jsonl"
    run_batch(source, output)
    got = records(output)
    assert got["a"]["status"] == "ok"
    assert {r["error"]["type"] for r in got.values() if r["status"] == "error"} == {
        "JSONDecodeError", "MissingColumn", "TypeError", "UnicodeDecodeError"}  # fmt: skip


def test_a_missing_text_column_stops_before_anything_runs(tmp_path):
    source = write_csv(tmp_path / "in.csv", [{"id": "1", "body_txt": "x"}], fieldnames=("id", "body_txt"))
    with pytest.raises(SourceError, match="no text column"):
        list(read_notes(source))
    with pytest.raises(SourceError, match="'note'"):
        list(read_notes(source, text_col="note"))


def test_cli_batch_summary_and_fail_on_error(tmp_path, inputs):
    runner = CliRunner()
    source = write_csv(tmp_path / "in.csv", [{"id": "1", "text": "Neck pain."}, {"id": "2", "text": ""}])
    out = runner.invoke(app, ["batch", str(source), "-o", str(tmp_path / "o.jsonl")])
    assert out.exit_code == 0
    assert "notes: 2 (1 ok, 1 failed)" in out.output and "EmptyText 1" in out.output
    out = runner.invoke(app, ["batch", str(source), "-o", str(tmp_path / "o.jsonl"), "--fail-on-error", "--quiet"])
    assert out.exit_code == 1
    assert out.output == f"2 notes (1 ok, 1 failed), 0 codes, 1 alternatives, 1 gaps -> {tmp_path / 'o.jsonl'}\n"
    out = runner.invoke(app, ["batch", str(tmp_path / "nope.csv"), "-o", str(tmp_path / "o.jsonl")])
    assert out.exit_code == 3 and "nope.csv" in out.output


def test_progress_is_quiet_when_not_a_terminal():
    assert terminal_progress(quiet=True) is None
    assert terminal_progress(quiet=False) is None  # pytest captures stderr: not a terminal


@pytest.mark.slow
def test_two_processes_give_the_same_results(inputs, tmp_path):
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    run_batch(inputs["jsonl"], one, processes=1)
    summary = run_batch(inputs["jsonl"], two, processes=2)
    assert records(one) == records(two)
    assert len(summary.peak_rss_mb) >= 1


@pytest.mark.slow
def test_killed_batch_resumes_without_redoing_or_duplicating(tmp_path):
    total = 400
    source = tmp_path / "many.jsonl"
    lines = [json.dumps({"id": f"note-{i}", "text": f"A: cervical facet syndrome C{i % 6 + 2}-{i % 6 + 3}. Note {i}."})
             for i in range(total)]  # fmt: skip
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    output = tmp_path / "out.csv"
    journal = journal_path(output)
    command = [sys.executable, "-m", "notecoder", "batch", str(source), "-o", str(output), "--quiet"]
    process = subprocess.Popen(command)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (not journal.exists() or journal.read_bytes().count(b"\n") < 40):
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    done_before = journal.read_bytes().count(b"\n")
    assert 40 <= done_before < total, "the batch was not killed half-way"
    assert not output.exists()  # a kill never leaves a partial output
    subprocess.run([*command, "--resume"], check=True)
    rows = list(csv.DictReader(output.open(encoding="utf-8")))
    ids = [r["id"] for r in rows if r["record"] == "code"]
    assert sorted(ids) == sorted(f"note-{i}" for i in range(total))  # every note exactly once
    assert not journal.exists()
