"""Real transcribed notes nobody on the team wrote: robustness, exact spans, nothing spinal invented."""

import pytest

import notecoder
from notecoder import FindingKind
from notecoder.pipeline import load
from tests.conftest import spine_notes
from tests.stock_context import stock_pipeline


@pytest.fixture(scope="module")
def results():
    rows = spine_notes()
    return [(row, notecoder.extract(row["text"])) for row in rows]


def test_every_spine_note_extracts_with_exact_spans(results):
    assert len(results) == 451
    for row, result in results:
        for finding in result.findings:
            assert row["text"][finding.start : finding.end] == finding.text, row["id"]


def test_every_kind_is_found_in_real_notes(results):
    kinds = {f.kind for _, result in results for f in result.findings}
    assert kinds == set(FindingKind)


def test_uterine_cervix_notes_have_no_spinal_findings(results):
    obstetric = [r for row, r in results if row["specialty"].strip() in ("Obstetrics / Gynecology",)]
    assert obstetric
    for result in obstetric:
        cervical = [f for f in result.findings if f.kind == FindingKind.CONDITION and f.region is not None]
        assert all("cervical" not in f.text.lower() or "spine" in f.text.lower() for f in cervical)


def test_per_sentence_context_matches_medspacy_context():
    """`SentenceConText` is an optimisation: it must assert exactly what medSpaCy's ConText asserts."""
    rows = spine_notes()[:60]
    fast, stock = load(), stock_pipeline()
    for row in rows:
        ours = [(f.start, f.end, f.assertion) for f in fast(row["text"])._.notecoder_findings]
        theirs = [(f.start, f.end, f.assertion) for f in stock(row["text"])._.notecoder_findings]
        assert ours == theirs, row["id"]
