"""A batch whose export carries each note's claim: procedure codes, date of service and jurisdiction columns, read
through the user's code map. A bad cell fails its row, naming the column and never the value."""

import json

from typer.testing import CliRunner

from notecoder.cli import app
from notecoder.exits import ExitCode

runner = CliRunner()
BLOCK = "Axial LBP since 2021, NRS 7/10. Failed PT.\nToday: bilateral L4-5 medial branch block #1 under fluoroscopy."
PLAN = "Plan: right L4-5 TFESI for L5 radicular leg pain x 3 months, MRI L4-5 HNP on the L5 root."


def code_map(tmp_path):
    path = tmp_path / "map.csv"
    path.write_text("code,family,step\nPAIN-01,facet,diagnostic_block\nPAIN-03,esi,\n", encoding="utf-8")
    return str(path)


def results(path) -> dict[int, dict]:
    return {d["row"]: d for d in map(json.loads, path.read_text(encoding="utf-8").splitlines())}


def test_each_row_is_checked_against_its_own_codes_date_and_jurisdiction(tmp_path):
    export = tmp_path / "notes.csv"
    rows = [("id", "text", "codes", "dos", "mac"), ("a", BLOCK, "PAIN-01;PAIN-03", "2025-03-14", "15"),
            ("b", PLAN, "PAIN-03", "", "JJ"), ("c", "Neck pain x 2 wks.", "", "", "")]  # fmt: skip
    export.write_text("\n".join(",".join(f'"{v}"' for v in row) for row in rows) + "\n", encoding="utf-8")
    out = runner.invoke(app, ["batch", str(export), "-o", str(tmp_path / "out.jsonl"), "--quiet",
                              "--procedure-map", code_map(tmp_path), "--codes-col", "codes", "--dos-col", "dos",
                              "--jurisdiction-col", "mac", "--jurisdiction", "JE"])  # fmt: skip
    assert out.exit_code == 0, out.output
    got = results(tmp_path / "out.jsonl")
    first, second, third = (got[n]["result"]["claim"] for n in (1, 2, 3))
    assert [(c["code"], c["status"]) for c in first["codes"]] == [("PAIN-01", "named"), ("PAIN-03", "not_named")]
    assert first["date_of_service"] == "2025-03-14" and first["jurisdiction"] == "J15"
    assert [(c["code"], c["status"]) for c in second["codes"]] == [("PAIN-03", "named")]
    assert second["jurisdiction"] == "JJ" and third["jurisdiction"] == "JE" and third["codes"] == []


def test_a_bad_cell_fails_its_row_naming_the_column_not_the_value(tmp_path):
    export = tmp_path / "notes.jsonl"
    lines = [{"id": "a", "text": BLOCK, "codes": ["PAIN-01"], "dos": "14/03/2025"},
             {"id": "b", "text": PLAN, "codes": ["PAIN-03"], "dos": "2025-03-14"}]  # fmt: skip
    export.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    out = runner.invoke(app, ["batch", str(export), "-o", str(tmp_path / "out.jsonl"), "--quiet",
                              "--procedure-map", code_map(tmp_path), "--codes-col", "codes", "--dos-col", "dos"])  # fmt: skip
    assert out.exit_code == 0, out.output
    got = results(tmp_path / "out.jsonl")
    assert (
        got[1]["status"] == "error" and got[1]["error"]["message"] == "row 1: column 'dos' is not a date (YYYY-MM-DD)"
    )
    assert "14/03/2025" not in json.dumps(got[1])
    assert [c["status"] for c in got[2]["result"]["claim"]["codes"]] == ["named"]


def test_claim_columns_are_refused_before_any_row_when_they_cannot_be_read(tmp_path):
    export = tmp_path / "notes.csv"
    export.write_text(f'id,text\na,"{BLOCK}"\n', encoding="utf-8")
    missing = runner.invoke(app, ["batch", str(export), "-o", str(tmp_path / "o.jsonl"), "--quiet",
                                  "--procedure-map", code_map(tmp_path), "--codes-col", "cpt"])  # fmt: skip
    assert missing.exit_code == ExitCode.INPUT and "no claim column 'cpt'" in missing.output
    unmapped = runner.invoke(app, ["batch", str(export), "-o", str(tmp_path / "o.jsonl"), "--codes-col", "codes"])
    assert unmapped.exit_code != 0 and "give --procedure-map" in unmapped.output
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.txt").write_text(BLOCK, encoding="utf-8")
    from_folder = runner.invoke(app, ["batch", str(folder), "-o", str(tmp_path / "f.jsonl"), "--quiet",
                                      "--dos-col", "dos"])  # fmt: skip
    assert from_folder.exit_code == ExitCode.INPUT and "CSV, JSONL or Parquet" in from_folder.output
    whole = runner.invoke(app, ["batch", str(folder), "-o", str(tmp_path / "w.jsonl"), "--quiet",
                                "--jurisdiction", "j15"])  # fmt: skip
    assert whole.exit_code == 0 and results(tmp_path / "w.jsonl")[1]["result"]["claim"]["jurisdiction"] == "J15"
