"""The command line as a coder and a pipeline use it: a readable result on a terminal, JSON for programs, errors
with distinct exit codes and no note text, standard input and output for batches, views of a finished batch."""

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from notecoder.cli import ExitCode, app
from notecoder.result import NoteResult

runner = CliRunner()
NOTE = "CC: neck pain.\nA/P: Cervical facet syndrome C5-6, Zebediah. Failed PT x 6 weeks.\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_text_format_reads_as_a_worklist_entry(tmp_path):
    out = runner.invoke(app, ["extract", str(write(tmp_path / "n.txt", NOTE)), "--format", "text"])
    assert out.exit_code == 0, out.output
    assert "M53.82  Other specified dorsopathies, cervical region  confidence 0." in out.output
    assert '"Cervical facet syndrome"  assessment and plan, line 2:6' in out.output  # the evidence and its place
    assert "imaging-not-documented  for M53.82" in out.output and "Query: " in out.output


def test_note_text_is_never_read_as_console_markup():
    from rich.console import Console

    from notecoder.result import CodeProposal, Finding
    from notecoder.review.terminal import print_result

    text = "Dx: [red]facet[/red] syndrome"
    evidence = Finding(kind="condition", text=text[4:], start=4, end=len(text), sentence_start=0,
                       sentence_end=len(text), concept="facet_syndrome", rule="facet syndrome")  # fmt: skip
    result = NoteResult(codes=(CodeProposal(code="M53.80", title="t", evidence=(evidence,), rationale=text),))
    console = Console(record=True, width=120, color_system=None)
    print_result(result, text, console)
    shown = console.export_text()
    assert '"[red]facet[/red] syndrome"' in shown and "Dx: [red]facet[/red] syndrome" in shown


def test_json_when_not_a_terminal_and_when_asked(tmp_path):
    note = write(tmp_path / "n.txt", NOTE)
    piped = runner.invoke(app, ["extract", str(note)])  # CliRunner's output is not a terminal
    asked = runner.invoke(app, ["extract", str(note), "--format", "json"])
    assert NoteResult.model_validate_json(piped.output) == NoteResult.model_validate_json(asked.output)


def test_extract_writes_to_a_file(tmp_path):
    out = runner.invoke(app, ["extract", str(write(tmp_path / "n.txt", NOTE)), "-o", str(tmp_path / "r.json")])
    assert out.exit_code == 0 and out.output == ""
    assert NoteResult.model_validate_json((tmp_path / "r.json").read_text()).codes[0].code == "M53.82"


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["extract", "missing.txt"], ExitCode.INPUT, "no such file: missing.txt"),
        (["extract", "{tmp}"], ExitCode.INPUT, "is a folder"),
        (["extract", "{note}", "-o", "{tmp}/no/such/r.json"], ExitCode.OUTPUT, "does not exist"),
        (["batch", "{csv}", "-o", "{tmp}/no/such/out.jsonl"], ExitCode.OUTPUT, "does not exist"),
        (["batch", "missing.csv", "-o", "{tmp}/out.jsonl"], ExitCode.INPUT, "missing.csv"),
        (
            ["batch", "{csv}", "-o", "{tmp}/out.jsonl", "--input-format", "xls"],
            ExitCode.USAGE,
            "'csv', 'jsonl', 'parquet', 'folder'",
        ),
        (["extract", "{note}", "--format", "yaml"], ExitCode.USAGE, "'text', 'json'"),
        (["extract", "{note}", "--setting", "er"], ExitCode.USAGE, "outpatient"),
        (["convert", "missing.jsonl", "-o", "{tmp}/v.csv"], ExitCode.INPUT, "missing.jsonl"),
    ],
)
def test_errors_a_user_can_act_on_have_their_own_exit_code(tmp_path, args, code, says):
    note = write(tmp_path / "n.txt", NOTE)
    export = write(tmp_path / "in.csv", "id,text\n1,Neck pain.\n")
    filled = [a.format(tmp=tmp_path, note=note, csv=export) for a in args]
    out = runner.invoke(app, filled)
    assert out.exit_code == code, out.output
    assert says in " ".join(out.output.split())
    assert "Zebediah" not in out.output and "Traceback" not in out.output


def test_a_note_too_long_is_exit_5(tmp_path, monkeypatch):
    monkeypatch.setattr("notecoder.extraction.MAX_NOTE_CHARS", 20)
    out = runner.invoke(app, ["extract", str(write(tmp_path / "n.txt", NOTE))])
    assert out.exit_code == ExitCode.NOTE and "reads at most 20" in out.output


def test_batch_reads_standard_input_and_writes_standard_output():
    notes = "\n".join(json.dumps({"id": f"n{i}", "text": t}) for i, t in enumerate(["Neck pain x 3 months.", NOTE]))
    out = runner.invoke(app, ["batch", "-", "-o", "-", "--quiet"], input=notes)
    assert out.exit_code == 0, out.output
    records = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["id"] for r in records] == ["n0", "n1"]
    assert records[1]["result"]["codes"][0]["code"] == "M53.82"
    assert "2 notes (2 ok, 0 failed)" in out.stderr and "-> standard output" in out.stderr


def test_resume_needs_files():
    out = runner.invoke(app, ["batch", "-", "-o", "-", "--resume"], input="")
    assert out.exit_code == ExitCode.USAGE


def test_summary_json_for_pipelines(tmp_path):
    export = write(tmp_path / "in.csv", "id,text\n1,Neck pain.\n2,\n")
    summary = tmp_path / "summary.json"
    out = runner.invoke(app, ["batch", str(export), "-o", str(tmp_path / "o.jsonl"), "--summary-json", str(summary)])
    assert out.exit_code == 0
    figures = json.loads(summary.read_text())
    assert (figures["notes"], figures["ok"], figures["errors"], figures["error_types"]) == (2, 1, 1, {"EmptyText": 1})
    assert "notes_per_second" in figures


def test_ctrl_c_says_how_to_resume(tmp_path, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("notecoder.batch.run_batch", interrupted)
    export = write(tmp_path / "in.csv", "id,text\n1,Neck pain.\n")
    out = runner.invoke(app, ["batch", str(export), "-o", str(tmp_path / "o.jsonl")])
    assert out.exit_code == ExitCode.INTERRUPTED
    assert "o.jsonl.journal" in out.output and "--resume" in out.output


def test_convert_a_finished_batch_to_typed_views(tmp_path):
    export = write(tmp_path / "in.csv", f'id,text\nn1,"{NOTE}"\nn2,\n')
    results = tmp_path / "o.jsonl"
    assert runner.invoke(app, ["batch", str(export), "-o", str(results)]).exit_code == 0
    out = runner.invoke(app, ["convert", str(results), "-o", str(tmp_path / "v.parquet")])
    assert out.exit_code == 0 and "2 records" in out.output
    rows = pq.read_table(tmp_path / "v.parquet").to_pylist()
    code = next(r for r in rows if r["record"] == "code")
    assert code["code"] == "M53.82" and isinstance(code["confidence"], float)
    assert code["evidence"][0]["text"] == "Cervical facet syndrome" and code["evidence"][0]["kind"] == "condition"
    assert {r["record"] for r in rows if r["id"] == "n2"} == {"error"}
    assert runner.invoke(app, ["convert", str(results), "-o", str(tmp_path / "v.csv")]).exit_code == 0
    flat = list(csv.DictReader((tmp_path / "v.csv").open()))
    assert any(r["record"] == "code" and r["code"] == "M53.82" for r in flat)


def test_convert_refuses_what_is_not_a_result_file(tmp_path):
    broken = write(tmp_path / "r.jsonl", '{"row": 0, "id": "a", "status": "ok", "result": {"codes": 3}}\n')
    out = runner.invoke(app, ["convert", str(broken), "-o", str(tmp_path / "v.csv")])
    assert out.exit_code == ExitCode.INPUT and "r.jsonl line 1" in out.output
    assert not (tmp_path / "v.csv").exists()


def test_the_shipped_schema_is_the_results_schema():
    out = runner.invoke(app, ["schema"])
    assert out.exit_code == 0
    # after a change to the result models: NoteResult.model_json_schema() -> src/notecoder/result.schema.json
    assert json.loads(out.output) == NoteResult.model_json_schema()


@pytest.mark.parametrize(
    "line",
    [
        "not json",
        '{"row": 0, "id": "a"}',
        '{"row": 0, "id": "a", "status": "ok", "result": {"codes": 3}}',
        '{"row": 0, "id": "a", "status": "error", "error": {"type": "EmptyText"}}',
        '{"row": 0, "id": "a", "status": "maybe"}',
    ],
)
def test_every_reader_of_batch_results_refuses_the_same_broken_record(tmp_path, line):
    broken = write(tmp_path / "r.jsonl", line + "\n")
    views = runner.invoke(app, ["convert", str(broken), "-o", str(tmp_path / "v.csv")])
    report = runner.invoke(app, ["report", str(broken), "-o", str(tmp_path / "r.html")])
    decisions = write(tmp_path / "d.csv", "note_id,item,code,decision\na,code,M53.82,accepted\n")
    corpus = str(Path(__file__).resolve().parents[1] / "corpora" / "gold")
    train = runner.invoke(app, ["train", corpus, "-o", str(tmp_path / "m"), "--feedback", str(decisions),
                                "--results", str(broken)])  # fmt: skip
    for out in (views, report, train):
        assert out.exit_code != 0 and "r.jsonl line 1" in " ".join(out.output.split())
    assert views.exit_code == train.exit_code == ExitCode.INPUT
