"""NOTECODER_REQUIRE (tests/required.py): where CI names browser or spark, a skipped browser or Spark test, or a run
with none of them, fails instead of passing green."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = """
import pytest

@pytest.mark.browser
def test_needs_a_browser():
    pytest.skip("no browser here")

def test_plain():
    pass
"""


def run(tmp_path: Path, required: str, *args: str) -> subprocess.CompletedProcess:
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    browser: b\n    spark: s\n", encoding="utf-8")
    (tmp_path / "test_kinds.py").write_text(TESTS, encoding="utf-8")
    env = {**os.environ, "NOTECODER_REQUIRE": required, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "pytest", "-p", "tests.required", "-p", "no:cacheprovider", *args, str(tmp_path)]
    return subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


def test_a_skipped_browser_test_passes_where_nothing_is_required(tmp_path):
    done = run(tmp_path, "")
    assert done.returncode == 0 and "1 passed, 1 skipped" in done.stdout, done.stdout


def test_a_skipped_browser_test_fails_where_the_browser_is_required(tmp_path):
    done = run(tmp_path, "browser")
    assert done.returncode == 1, done.stdout
    assert "skipped, but NOTECODER_REQUIRE names browser: Skipped: no browser here" in done.stdout


def test_a_run_without_any_required_test_fails(tmp_path):
    done = run(tmp_path, "spark", "-k", "plain")
    assert done.returncode == 1 and "NOTECODER_REQUIRE names spark, but no such test ran" in done.stdout, done.stdout


def test_an_unknown_kind_is_refused(tmp_path):
    done = run(tmp_path, "browsr")
    assert done.returncode == 4 and "it takes browser, spark, postgresql" in done.stderr, done.stderr
