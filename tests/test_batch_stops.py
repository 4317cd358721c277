"""How a batch ends when it cannot finish, and what it says: Ctrl-C, a full disk, an output name it cannot write, an
export with no rows, a report of a missing file. Each ends with its documented exit code and one clear message, no
traceback; what was coded survives and `--resume` finishes the output as one run would have written it."""

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from notecoder.batch import run_batch
from notecoder.batch.journal import journal_path
from notecoder.batch.paths import private_open
from notecoder.cli import ExitCode, app

runner = CliRunner()
NOTES = {
    "a1": "Assessment: cervical facet syndrome C5-6. Failed PT.",
    "a2": "MVC today. Dx: acute cervical strain, initial encounter.",
    "a3": "Neck pain x 2 weeks.",
    "a4": "Dx: LBP x 3 months.",
}


def export(tmp_path: Path, notes: dict[str, str] = NOTES) -> Path:
    path = tmp_path / "notes.jsonl"
    path.write_text("".join(json.dumps({"id": k, "text": v}) + "\n" for k, v in notes.items()), encoding="utf-8")
    return path


def said(out) -> str:
    return " ".join(out.output.split())


@pytest.mark.slow
def test_ctrl_c_on_a_two_process_batch_prints_only_how_to_resume(tmp_path):
    notes = {f"n{i}": f"Assessment: cervical facet syndrome C{i % 5 + 2}-{i % 5 + 3}. Note {i}." for i in range(3000)}
    source, output = export(tmp_path, notes), tmp_path / "out.jsonl"
    journal = journal_path(output)
    command = [sys.executable, "-m", "notecoder", "batch", str(source), "-o", str(output), "--processes", "2"]
    # its own process group, as a terminal's job is: SIGINT goes to the writer and both workers. Ctrl-C as a
    # terminal delivers it: a shell's background job (a CI runner's, say) starts with SIGINT ignored, and that is
    # inherited and honoured by Python, so the batch is started as a foreground command would be.
    batch = subprocess.Popen(
        [*command, "--quiet"],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (not journal.exists() or journal.read_bytes().count(b"\n") < 50):
        time.sleep(0.05)
    os.killpg(batch.pid, signal.SIGINT)
    try:
        _, stderr = batch.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(batch.pid, signal.SIGKILL)
        pytest.fail("the interrupted batch did not end")
    assert batch.returncode == ExitCode.INTERRUPTED
    assert stderr == (
        "notecoder: interrupted: the notes coded so far are kept in out.jsonl.journal.jsonl; "
        "run the same command with --resume to carry on\n"
    )
    kept = journal.read_text(encoding="utf-8").splitlines()
    assert 50 <= len(kept) < len(notes) and not output.exists()
    assert all(json.loads(line)["status"] == "ok" for line in kept)  # whole lines only: --resume carries on from them


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["{source}", "-o", "{tmp}/out.xlsx"], "cannot tell the output format of out.xlsx: use --format (one of jsonl"),
        (["{tmp}/notes.xlsx", "-o", "{tmp}/out.jsonl"], "cannot tell the format of notes.xlsx: use --input-format"),
    ],
)
def test_a_name_that_says_no_format_is_a_usage_error(tmp_path, args, says):
    source = export(tmp_path)
    (tmp_path / "notes.xlsx").write_bytes(b"PK\x03\x04")
    out = runner.invoke(app, ["batch", *(a.format(source=source, tmp=tmp_path) for a in args)])
    assert out.exit_code == ExitCode.USAGE, out.output
    assert says in said(out) and "Traceback" not in out.output
    converted = runner.invoke(app, ["convert", str(source), "-o", str(tmp_path / "view.xlsx")])
    assert converted.exit_code == ExitCode.USAGE and "cannot tell the output format" in said(converted)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.jsonl", "notes.xlsx"]  # nothing started


@pytest.mark.parametrize(("name", "content"), [("empty.csv", ""), ("header.csv", "id,text\n"), ("empty.jsonl", "")])
def test_an_export_with_no_rows_warns_and_says_so(tmp_path, name, content):
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    output = tmp_path / "out.jsonl"
    out = runner.invoke(app, ["batch", str(source), "-o", str(output), "--quiet"])
    assert out.exit_code == ExitCode.OK  # nothing failed: an empty output is a true account of an empty export
    assert out.stderr.startswith(f"notecoder: warning: {source} holds no rows (empty, or a header only)")
    assert "0 notes (0 ok, 0 failed)" in out.stderr
    assert output.read_text(encoding="utf-8") == ""


def test_the_summary_counts_alternatives_and_the_whole_output_after_resume(tmp_path, monkeypatch):
    source = export(tmp_path)
    whole = run_batch(source, tmp_path / "whole.jsonl")
    written = [json.loads(line) for line in (tmp_path / "whole.jsonl").read_text(encoding="utf-8").splitlines()]
    alternatives = sum(len(r["result"]["alternatives"]) for r in written)
    assert whole.alternatives == alternatives > 0 and f"{alternatives} alternatives" in whole.line("x")
    output = tmp_path / "out.jsonl"

    def stop(*args, **kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr("notecoder.batch.runner.publish", stop)
        with pytest.raises(KeyboardInterrupt):
            run_batch(source, output)
    journal = journal_path(output)
    journal.write_text("".join(journal.read_text(encoding="utf-8").splitlines(True)[:3]), encoding="utf-8")
    resumed = run_batch(source, output, resume=True)
    assert (resumed.resumed, resumed.coded) == (3, 1)
    assert resumed.line("x") == whole.line("x")  # the output's counts, not the one row this run coded
    assert resumed.lines()[:2] == [
        "notes: 4 (4 ok, 0 failed), 3 already done before --resume",
        f"codes: {whole.codes} proposed in {whole.notes_with_codes} notes; alternatives: {alternatives}; "
        f"gaps: {whole.gaps}",
    ]


class FullDisk:
    """A file on a disk that fills up: `lines` writes go through, the next writes half its text and fails."""

    def __init__(self, handle, lines: int) -> None:
        self.handle, self.lines = handle, lines

    def write(self, text: str) -> int:
        if self.lines == 0:
            self.handle.write(text[: len(text) // 2])
            self.handle.flush()
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.lines -= 1
        return self.handle.write(text)

    def __enter__(self) -> "FullDisk":
        return self

    def __exit__(self, *exc) -> None:
        self.handle.close()

    def __getattr__(self, name: str):
        return getattr(self.handle, name)


@pytest.mark.parametrize("where", ["journal", "output"])
def test_a_full_disk_is_exit_4_and_resume_finishes_the_output(tmp_path, monkeypatch, where):
    source = export(tmp_path)
    run_batch(source, tmp_path / "whole.jsonl")
    output = tmp_path / "out.jsonl"
    module = f"notecoder.batch.{'journal' if where == 'journal' else 'outputs'}"

    def filling(path, mode):
        handle = private_open(path, mode)
        return FullDisk(handle, 2) if path.name.endswith((".journal.jsonl", ".writing")) else handle

    with monkeypatch.context() as patch:
        patch.setattr(f"{module}.private_open", filling)
        out = runner.invoke(app, ["batch", str(source), "-o", str(output), "--quiet"])
    assert out.exit_code == ExitCode.OUTPUT, out.output
    name = "out.jsonl.journal.jsonl" if where == "journal" else "out.jsonl"
    assert out.output == (
        f"notecoder: {name} cannot be written (No space left on device); the notes coded so far are kept in "
        "out.jsonl.journal.jsonl; run the same command with --resume to carry on\n"
    )
    assert not output.exists() and not (tmp_path / ".out.jsonl.writing").exists()  # no partial output
    kept = journal_path(output).read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in kept[:2]] == ["a1", "a2"]  # what reached the disk survives
    again = runner.invoke(app, ["batch", str(source), "-o", str(output), "--quiet", "--resume"])
    assert again.exit_code == 0, again.output
    assert output.read_bytes() == (tmp_path / "whole.jsonl").read_bytes()  # as one uninterrupted run


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["report", "{tmp}/missing.jsonl", "-o", "{tmp}/r.html"], ExitCode.INPUT, "no such results file"),
        (["report", "{results}", "-o", "{tmp}/no/such/r.html"], ExitCode.OUTPUT, "r.html cannot be written"),
        (["report", "{results}", "-o", "{tmp}/r.html", "--notes", "{tmp}/gone.csv"], ExitCode.INPUT, "gone.csv"),
        (["report", "{source}", "-o", "{tmp}/r.html"], ExitCode.INPUT, "notes.jsonl line 1"),
    ],
)
def test_report_exit_codes_are_the_documented_ones(tmp_path, args, code, says):
    source = export(tmp_path, {"a1": NOTES["a1"]})
    results = tmp_path / "results.jsonl"
    run_batch(source, results)
    out = runner.invoke(app, [a.format(tmp=tmp_path, results=results, source=source) for a in args])
    assert out.exit_code == code, out.output
    assert says in said(out) and "Traceback" not in out.output
