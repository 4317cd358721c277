"""The ICD-10-CM facts the rules need ship precomputed (`mapper/tabular.json`) so that a process does not spend over
a second reading the tabular: they must be what simple_icd_10_cm says, and cover what coding real notes asks."""

import json
import subprocess
import sys
from pathlib import Path

from notecoder.mapper import icd

ROOT = Path(__file__).resolve().parents[1]


def test_the_shipped_snapshot_is_what_the_tabular_says():
    shipped = json.loads((ROOT / "src" / "notecoder" / "mapper" / icd.SNAPSHOT).read_text(encoding="utf-8"))
    assert shipped == icd.snapshot(), (
        "regenerate: python -c 'from notecoder.mapper.icd import write_snapshot; write_snapshot()'"
    )


def test_every_template_value_is_covered():
    codes = icd.template_codes("M48.06{claudication}", {"claudication": ["1", "2"]})
    assert codes == {"M48.061", "M48.062"}
    assert icd.emittable("M48.062") == "M48.062" and icd.title("M48.062").startswith("Spinal stenosis, lumbar region")


def test_a_code_outside_the_snapshot_is_still_looked_up():
    assert "Q68.0" not in json.loads((ROOT / "src" / "notecoder" / "mapper" / icd.SNAPSHOT).read_text())["titles"]
    assert icd.title("Q68.0").startswith("Congenital deformity of sternocleidomastoid")


def test_coding_notes_does_not_read_the_tabular():
    notes = [
        json.loads(line)["text"] for line in (ROOT / "corpora" / "gold" / "dev.jsonl").read_text().splitlines()[:60]
    ]
    code = (
        "import json, sys, notecoder\n"
        "for text in json.loads(sys.stdin.read()): notecoder.extract(text)\n"
        "print('simple_icd_10_cm' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], input=json.dumps(notes), capture_output=True, text=True, timeout=300, check=True
    )
    assert done.stdout.strip() == "False"
