"""`notecoder extract`: JSON out, files and standard input in, clear errors that name the input."""

import json
import sys

from typer.testing import CliRunner

from notecoder import NoteResult
from notecoder.cli import app

runner = CliRunner()


def test_extract_the_bundled_sample():
    out = runner.invoke(app, ["extract", "--sample"])
    assert out.exit_code == 0, out.output
    result = NoteResult.model_validate_json(out.output)
    assert {"facet_syndrome", "neck_pain"} <= {f.concept for f in result.findings}
    assert set(json.loads(out.output)) == {"setting", "findings", "codes", "alternatives", "gaps", "procedures", "claim"}
    planned = [(p.procedure.family, p.procedure.step, p.procedure.levels) for p in result.procedures
               if p.procedure.state == "planned" and p.policy == "L38765"]  # fmt: skip
    assert ("facet", "diagnostic_block", ("C5", "C6", "C7")) in planned  # the sample's plan: C5-6, C6-7 MBBs


def test_extract_a_file(tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("A/P: Lumbar facet syndrome L4-5. Failed PT.", encoding="utf-8")
    out = runner.invoke(app, ["extract", str(note), "--indent", "0"])
    assert out.exit_code == 0
    assert out.output.count("\n") == 1
    findings = json.loads(out.output)["findings"]
    assert [(f["kind"], f["concept"]) for f in findings] == [
        ("condition", "facet_syndrome"),
        ("spinal_level", "level"),
        ("conservative_care", "physical_therapy"),
    ]
    assert findings[0]["levels"] == ["L4", "L5"]
    codes = json.loads(out.output)["codes"]
    assert [(c["code"], c["title"]) for c in codes] == [("M53.86", "Other specified dorsopathies, lumbar region")]


def test_extract_standard_input():
    out = runner.invoke(app, ["extract", "-"], input="Denies neck pain.")
    assert out.exit_code == 0
    assert json.loads(out.output)["findings"][0]["assertion"] == "negated"


def test_missing_file_names_the_file(tmp_path):
    missing = tmp_path / "nope.txt"
    out = runner.invoke(app, ["extract", str(missing)])
    assert out.exit_code == 3  # the input is missing
    assert "nope.txt" in out.output


def test_non_utf8_file_is_reported_without_its_content(tmp_path):
    note = tmp_path / "latin1.txt"
    note.write_bytes("Patient Zoë Müller, neck pain".encode("latin-1"))
    out = runner.invoke(app, ["extract", str(note)])
    assert out.exit_code == 3
    assert "not UTF-8" in out.output
    assert "Zo" not in out.output


def test_file_and_sample_together_is_a_usage_error(tmp_path):
    out = runner.invoke(app, ["extract", "x.txt", "--sample"])
    assert out.exit_code == 2


def test_a_missing_extra_says_to_install_it_from_the_clone(monkeypatch):
    """notecoder is not on PyPI: `pip install notecoder[server]` would fetch nothing, or someone else's package."""
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # an import of it raises ImportError
    out = runner.invoke(app, ["serve"], env={"NOTECODER_TOKEN": "t" * 40})
    assert out.exit_code != 0
    assert "pip install '.[server]' in the notecoder clone" in out.output
