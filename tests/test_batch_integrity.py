"""Exports as an adversary writes them (issue 14): nothing lost, nothing mislinked, no note text in a message.
Every input is made here; none is a real note."""

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import notecoder
from notecoder.batch import run_batch
from notecoder.batch.sources import SourceError, read_notes
from notecoder.cli import app

SECRET = "Philomena Brackenridge-Oyelaran reports neck pain"


def records(path: Path) -> dict[str, dict]:
    with path.open(encoding="utf-8") as handle:
        return {r["id"]: r for r in map(json.loads, handle)}


def test_an_unbalanced_quote_never_merges_rows(tmp_path):
    export = tmp_path / "notes.csv"
    export.write_text(
        'id,text\na1,"Assessment: C5-6 facet syndrome. He said ""ouch\n'  # the quote opened here never closes
        "a2,Dx: lumbar strain today after lifting.\n"
        'a3,"Assessment: coccydynia x 6 months."\n'
        "a4,Dx: LBP x 3 months.\n",
        encoding="utf-8",
    )
    rows = list(read_notes(export))
    assert [(r.row, r.id) for r in rows] == [(1, "#1"), (2, "a2"), (3, "a3"), (4, "a4")]
    assert rows[0].type == "MalformedCSV" and "line 2" in rows[0].message and "ouch" not in rows[0].message
    assert rows[1].text == "Dx: lumbar strain today after lifting."  # coded under its own id, not inside a1
    summary = run_batch(export, tmp_path / "out.jsonl")
    assert summary.ok == 3 and summary.errors == 1


def test_a_quoted_note_over_several_lines_is_one_row(tmp_path):
    export = tmp_path / "notes.csv"
    export.write_text('id,text\nb1,"CC: neck pain\nA: C5-6 facet syndrome"\nb2,Dx: LBP.\n', encoding="utf-8")
    rows = list(read_notes(export))
    assert [(r.id, r.text) for r in rows] == [("b1", "CC: neck pain\nA: C5-6 facet syndrome"), ("b2", "Dx: LBP.")]


@pytest.mark.parametrize("suffix", ["csv", "jsonl"])
def test_a_byte_order_mark_is_not_part_of_the_first_column(tmp_path, suffix):
    export = tmp_path / f"notes.{suffix}"
    body = "id,text\nc1,Dx: LBP.\n" if suffix == "csv" else json.dumps({"id": "c1", "text": "Dx: LBP."}) + "\n"
    export.write_bytes("\ufeff".encode() + body.encode())
    assert [r.id for r in read_notes(export)] == ["c1"]


def test_no_note_text_in_the_missing_column_messages(tmp_path):
    headerless = tmp_path / "headerless.csv"
    headerless.write_text(f"d1,{SECRET}\nd2,{SECRET}\n", encoding="utf-8")
    for text_col in (None, "note_body"):
        with pytest.raises(SourceError) as raised:
            list(read_notes(headerless, text_col=text_col))
        assert "Philomena" not in str(raised.value) and "columns of the header" in str(raised.value)
    out = CliRunner().invoke(app, ["batch", str(headerless), "-o", str(tmp_path / "o.jsonl")])
    assert out.exit_code != 0 and "Philomena" not in out.output


def test_a_report_of_a_bad_results_file_does_not_quote_it(tmp_path):
    results = tmp_path / "results.jsonl"
    bad = {"row": 1, "id": "e1", "status": "ok", "result": {"findings": [{"kind": "condition", "text": SECRET}]}}
    results.write_text(json.dumps(bad) + "\n", encoding="utf-8")
    out = CliRunner().invoke(app, ["report", str(results), "-o", str(tmp_path / "r.html")])
    assert out.exit_code != 0 and "line 1" in out.output and "Philomena" not in out.output


def test_rows_that_cannot_be_read_are_error_records_and_the_batch_goes_on(tmp_path):
    export = tmp_path / "notes.jsonl"
    lines = [
        json.dumps({"id": "f1", "text": "Dx: LBP x 3 months."}),
        '{"id": "f2", "text": "Dx: LBP.", "mrn": ' + "7" * 5000 + "}",  # beyond Python's integer digit limit
        '{"id": "f3", "text": ' + "[" * 100_000 + "]" * 100_000 + "}",  # nested past the recursion limit
        '{"id": "f4\\ud800", "text": "Dx: neck pain."}',  # a lone surrogate in the id
        '{"id": "f5", "text": "Dx: coccydynia \\udfff x 1 year."}',  # and in the text
        json.dumps({"id": "f6", "text": "Assessment: C5-6 facet syndrome."}),
    ]
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    output = tmp_path / "out.jsonl"
    summary = run_batch(export, output)
    assert summary.ok == 2 and summary.errors == 4
    written = records(output)
    assert written["f1"]["status"] == written["f6"]["status"] == "ok"
    assert {written[k]["error"]["type"] for k in ("#2", "#3", "#4", "f5")} == {
        "ValueError", "RecursionError", "UnicodeDecodeError"
    }  # fmt: skip


def test_a_non_utf8_id_in_a_csv_is_an_error_record(tmp_path):
    export = tmp_path / "notes.csv"
    export.write_bytes(b"id,text\ng\xff1,Dx: LBP.\ng2,Dx: neck pain.\n")
    output = tmp_path / "out.jsonl"
    summary = run_batch(export, output)
    assert summary.ok == 1 and summary.errors == 1
    assert records(output)["#1"]["error"]["type"] == "UnicodeDecodeError"


def test_an_unreadable_file_in_a_folder_is_an_error_record(tmp_path, monkeypatch):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "h1.txt").write_text("Dx: LBP.", encoding="utf-8")
    (folder / "h2.txt").write_text("Dx: neck pain.", encoding="utf-8")
    real = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path.name == "h1.txt":
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    rows = list(read_notes(folder))
    assert rows[0].type == "PermissionError" and rows[0].id == "h1" and rows[1].text == "Dx: neck pain."
    assert rows[0].message == "row 1: the file cannot be read (Permission denied)"  # the row, not its id (PHI)


def test_a_str_subclass_is_read_as_its_string():
    numpy = pytest.importorskip("numpy")
    assert [c.code for c in notecoder.extract(numpy.str_("Assessment: C5-6 facet syndrome.")).codes] == ["M53.82"]


def test_a_second_batch_on_the_same_output_is_refused(tmp_path):
    from notecoder.batch.paths import output_lock

    export = tmp_path / "notes.csv"
    export.write_text("id,text\nk1,Dx: LBP.\n", encoding="utf-8")
    output = tmp_path / "out.jsonl"
    with output_lock(output):  # a batch is writing it
        with pytest.raises(SourceError, match="another batch is writing out.jsonl"):
            run_batch(export, output)
        assert not (tmp_path / "out.jsonl.journal.jsonl").exists()  # the running batch's journal is untouched
    run_batch(export, output)  # once it is done, the output is free again
    assert records(output)["k1"]["status"] == "ok" and not (tmp_path / "out.jsonl.lock").exists()


@pytest.mark.parametrize("where", ["folder", "input", "missing folder"])
def test_a_bad_output_is_refused_before_any_note_is_coded(tmp_path, where, monkeypatch):
    export = tmp_path / "notes.csv"
    export.write_text("id,text\nm1,Dx: LBP.\n", encoding="utf-8")
    output = {"folder": tmp_path, "input": export, "missing folder": tmp_path / "nowhere" / "o.jsonl"}[where]
    coded = []
    monkeypatch.setattr("notecoder.batch.runner.outcome", lambda *a: coded.append(a))
    with pytest.raises(SourceError):
        run_batch(export, output, output_format="jsonl")
    assert not coded and export.read_text(encoding="utf-8") == "id,text\nm1,Dx: LBP.\n"


def test_results_journals_and_reports_are_readable_by_their_owner_only(tmp_path):
    export = tmp_path / "notes.csv"
    export.write_text("id,text\nn1,Dx: LBP.\n", encoding="utf-8")
    for suffix in ("jsonl", "csv", "parquet"):
        output = tmp_path / f"out.{suffix}"
        run_batch(export, output, include_text=True)
        assert output.stat().st_mode & 0o777 == 0o600
    report = tmp_path / "report.html"
    assert CliRunner().invoke(app, ["report", str(tmp_path / "out.jsonl"), "-o", str(report)]).exit_code == 0
    assert report.stat().st_mode & 0o777 == 0o600


def test_standard_input_that_is_not_utf8_is_a_clear_error():
    out = CliRunner().invoke(app, ["extract", "-"], input=b"Dx: LBP \xff\xfe.")
    assert out.exit_code != 0 and "standard input is not UTF-8" in out.output and "Traceback" not in out.output


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("a" + "," * 5000, marks=pytest.mark.slow),  # a token spaCy stripped a suffix at a time
        pytest.param("(" * 3000 + "Dx: LBP" + ")" * 3000, marks=pytest.mark.slow),  # and its prefixes
        "Plan: ." + "." * 40 + " next",
        "ASSESSMENT:\n" * 3000,  # the sections stage compared every title with every other
    ],
)
def test_inputs_written_to_be_slow_give_the_same_tokens_and_titles(text):
    import spacy

    plain = spacy.blank("en")
    doc = notecoder.load()(text)
    # a long run of one mark is one token now: joined, the tokens are the note, and nothing is lost
    assert "".join(t.text_with_ws for t in doc) == text
    assert len(doc) <= len(plain.make_doc(text))
    if text.startswith("ASSESSMENT"):
        assert len([s for s in doc._.sections if s.category == "assessment"]) == 3000


def test_a_note_over_its_time_budget_is_an_error_record_and_the_batch_goes_on(tmp_path, monkeypatch):
    import time

    from notecoder.extraction import Coder

    real = Coder.extract

    def slow(coder, text, setting="outpatient", claim=None):
        if "stall" in text:
            time.sleep(5)
        return real(coder, text, setting, claim)

    monkeypatch.setattr(Coder, "extract", slow)  # a batch row is coded by its process's Coder
    export = tmp_path / "notes.csv"
    export.write_text("id,text\np1,Dx: stall here.\np2,Dx: LBP x 3 months.\n", encoding="utf-8")
    output = tmp_path / "out.jsonl"
    summary = run_batch(export, output, note_timeout=0.5)  # p2 follows p1's rebuilt pipeline: built off budget
    written = records(output)
    assert written["p1"]["error"]["type"] == "NoteTimeout" and "0.5 s" in written["p1"]["error"]["message"]
    assert written["p2"]["status"] == "ok" and summary.errors == 1, written["p2"]


@pytest.fixture()
def model_copy(tmp_path):
    import shutil

    from notecoder.scoring import model_folder

    folder = tmp_path / "model"
    shutil.copytree(model_folder(), folder)
    return folder


@pytest.mark.parametrize(
    ("checksum", "refused"),
    [(b"", True), (b"\xff\xfe not text", True), (b"abc123  model.json\n", True), (None, False)],
)
def test_a_checksum_file_that_is_not_a_sha256_is_a_clear_error(model_copy, checksum, refused):
    from notecoder.scoring.model import CHECKSUM_FILE, ModelError, load

    path = model_copy / CHECKSUM_FILE
    if checksum is None:  # the same digest in upper case is the same digest
        path.write_text(path.read_text(encoding="ascii").upper(), encoding="ascii")
    else:
        path.write_bytes(checksum)
    if refused:
        with pytest.raises(ModelError, match="does not hold a SHA-256"):
            load(model_copy)
    else:
        assert load(model_copy).folds


def test_nan_coefficients_and_an_empty_model_variable_are_refused(model_copy, monkeypatch):
    import hashlib

    from notecoder.scoring.model import CHECKSUM_FILE, MODEL_FILE, ModelError, load

    data = json.loads((model_copy / MODEL_FILE).read_text(encoding="utf-8"))
    data["folds"][0]["coef"][0] = float("nan")
    body = json.dumps(data).encode()
    (model_copy / MODEL_FILE).write_bytes(body)
    (model_copy / CHECKSUM_FILE).write_text(f"{hashlib.sha256(body).hexdigest()}  {MODEL_FILE}\n")
    with pytest.raises(ModelError, match="NaN or infinite"):
        load(model_copy)
    monkeypatch.setenv("NOTECODER_MODEL", "")
    from notecoder.scoring import model_folder

    with pytest.raises(ModelError, match="NOTECODER_MODEL is set but empty"):
        model_folder()


def test_a_link_out_of_the_folder_is_recorded_and_not_read(tmp_path):
    outside = tmp_path / "elsewhere.txt"
    outside.write_text(SECRET, encoding="utf-8")
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "q1.txt").write_text("Dx: LBP.", encoding="utf-8")
    (folder / "q2.txt").symlink_to(outside)
    rows = {r.id: r for r in read_notes(folder)}
    assert rows["q1"].text == "Dx: LBP."
    assert rows["q2"].type == "OutsideFolder" and "Philomena" not in rows["q2"].message


def test_a_report_never_draws_on_another_version_of_a_note(tmp_path):
    export = tmp_path / "notes.csv"
    export.write_text("id,text\nr1,Assessment: C5-6 facet syndrome.\nr2,Dx: LBP x 3 months.\n", encoding="utf-8")
    results = tmp_path / "results.jsonl"
    run_batch(export, results)
    export.write_text("id,text\nr1,Addendum. Assessment: C5-6 facet syndrome.\nr2,Dx: LBP x 3 months.\n")
    report = tmp_path / "report.html"
    out = CliRunner().invoke(app, ["report", str(results), "-o", str(report), "--notes", str(export)])
    assert out.exit_code == 0, out.output
    assert "1 notes shown without their text, their text in --notes is not the text they were coded from: r1" in (
        " ".join(out.output.split())
    )
    page = report.read_text(encoding="utf-8")
    assert "not the text this note was coded from" in page and "Addendum" not in page
    assert "\\u003cmark" in page  # r2 is still drawn (escaped view)


def test_the_notebook_view_does_not_restyle_the_notebook():
    html = notecoder.extract("Assessment: C5-6 facet syndrome.")._repr_html_()
    assert "body {" not in html and "body{" not in html


def interrupted(export: Path, output: Path, monkeypatch, **options) -> None:
    """A batch that dies after coding every row and before publishing: its journal is left for --resume."""

    def die(*args, **kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr("notecoder.batch.runner.publish", die)
        with pytest.raises(KeyboardInterrupt):
            run_batch(export, output, **options)


def test_resume_recodes_a_note_whose_text_changed_and_drops_rows_gone(tmp_path, monkeypatch):
    export = tmp_path / "notes.csv"
    export.write_text("id,text\ns1,Dx: LBP x 3 months.\ns2,Dx: neck pain.\ns3,Dx: coccydynia.\n", encoding="utf-8")
    output = tmp_path / "out.jsonl"
    interrupted(export, output, monkeypatch)
    export.write_text("id,text\ns1,Assessment: C5-6 facet syndrome.\ns2,Dx: neck pain.\n", encoding="utf-8")
    summary = run_batch(export, output, resume=True)
    written = records(output)
    assert set(written) == {"s1", "s2"}  # s3 is no longer in the export
    assert [c["code"] for c in written["s1"]["result"]["codes"]] == ["M53.82"]  # coded from today's text
    assert summary.resumed == 1 and summary.notes == 2  # the summary covers the whole output, not this run's rows
    assert written["s2"]["sha256"] == hashlib.sha256(b"Dx: neck pain.").hexdigest()


def test_resume_with_other_options_is_refused(tmp_path, monkeypatch):
    export = tmp_path / "notes.csv"
    export.write_text("id,text\nt1,Dx: LBP.\n", encoding="utf-8")
    output = tmp_path / "out.jsonl"
    interrupted(export, output, monkeypatch)
    with pytest.raises(SourceError, match="other options than the interrupted run \\(include_text\\)"):
        run_batch(export, output, resume=True, include_text=True)
    assert run_batch(export, output, resume=True).resumed == 1


def test_resume_keeps_every_error_record_of_a_duplicate_id(tmp_path, monkeypatch):
    export = tmp_path / "notes.csv"
    export.write_text("id,text\nu1,Dx: LBP.\nu1,Dx: neck pain.\nu2,Dx: coccydynia.\n", encoding="utf-8")
    output = tmp_path / "out.jsonl"
    interrupted(export, output, monkeypatch)
    journal = tmp_path / "out.jsonl.journal.jsonl"
    lines = journal.read_text(encoding="utf-8").splitlines()
    journal.write_text(lines[0] + "\n", encoding="utf-8")  # killed after the first row only
    run_batch(export, output, resume=True)
    with output.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    assert [(r["row"], r["id"], r["status"]) for r in rows] == [(1, "u1", "ok"), (2, "u1", "error"), (3, "u2", "ok")]
    assert rows[1]["error"]["type"] == "DuplicateId"
