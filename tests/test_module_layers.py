"""The result model is the bottom layer every other imports: it imports nothing of notecoder, so that no module of
the package reaches back up to it through the FHIR or review layers (an import circle). Its FHIR Bundle and its
notebook view still work: the package's root wires them in."""

import ast
import subprocess
import sys
from pathlib import Path

import notecoder
from notecoder.result import NoteResult

RESULT = Path(notecoder.__file__).with_name("result.py")


def test_the_result_module_imports_nothing_of_notecoder():
    tree = ast.parse(RESULT.read_text(encoding="utf-8"))
    imported = [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module]
    imported += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    assert not [name for name in imported if name.split(".")[0] == "notecoder"], imported


def test_reading_a_result_loads_neither_fhir_nor_review_nor_spacy():
    code = (
        "import sys\nfrom notecoder.result import NoteResult\nNoteResult.model_validate_json('{}')\n"
        "print(sorted(m for m in sys.modules if m.startswith(('notecoder.fhir', 'notecoder.review', 'spacy'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "[]"


def test_a_result_still_gives_its_fhir_bundle_and_its_notebook_view():
    from notecoder.fhir_r4 import to_fhir

    result = notecoder.extract("Assessment: cervical facet syndrome C5-6.")
    assert result.to_fhir("DocumentReference/1") == to_fhir(result, "DocumentReference/1")
    assert "facet syndrome" in result._repr_html_()
    read_back = NoteResult.model_validate_json(result.model_dump_json())
    assert "not available" in read_back._repr_html_()
