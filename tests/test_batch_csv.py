"""CSV a spreadsheet opens safely: ids, titles and evidence come from exports and notes, so a cell that starts like a
formula is written so that it is shown, never run, by the batch's flat view and by `notecoder convert` alike."""

import csv
import json

from typer.testing import CliRunner

from notecoder.batch import run_batch
from notecoder.batch.csv_cells import FORMULA_START, cell
from notecoder.cli import app

HOSTILE_IDS = ["=cmd|' /C calc'!A0", '+HYPERLINK("http://example.invalid","x")', "@SUM(1+1)", "-2+3", "n1"]


def cells(path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def assert_inert(rows: list[list[str]]) -> None:
    starts = [value for row in rows for value in row if value and value[0] in FORMULA_START]
    assert not starts, starts


def test_ids_and_note_text_that_look_like_formulas_are_never_formulas(tmp_path):
    export = tmp_path / "notes.jsonl"
    notes = [{"id": note_id, "text": "=1+2 Assessment: cervical facet syndrome C5-6."} for note_id in HOSTILE_IDS]
    notes.append({"id": "@empty", "text": ""})  # an error record: its id in the flat view too
    export.write_text("".join(json.dumps(n) + "\n" for n in notes), encoding="utf-8")
    flat, results, converted = tmp_path / "out.csv", tmp_path / "out.jsonl", tmp_path / "converted.csv"
    run_batch(export, flat)
    run_batch(export, results)
    assert CliRunner().invoke(app, ["convert", str(results), "-o", str(converted)]).exit_code == 0
    for view in (flat, converted):
        rows = cells(view)
        assert_inert(rows)
        ids = {row[1] for row in rows[1:]}
        assert ids == {"'" + i if i[0] in FORMULA_START else i for i in [*HOSTILE_IDS, "@empty"]}  # shown as written
    assert cells(flat) == cells(converted)  # one writer


def test_a_cell_keeps_what_is_not_a_formula():
    assert [cell(v) for v in (None, "", "M53.82", 0.25, "a=b", " =1")] == ["", "", "M53.82", "0.25", "a=b", " =1"]
    assert [cell(v) for v in ("=1", "+1", "-1", "@A1", "\t1", "\r1")] == ["'=1", "'+1", "'-1", "'@A1", "'\t1", "'\r1"]
