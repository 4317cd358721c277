"""Real transcribed notes nobody on the team wrote: robustness, exact spans, nothing spinal invented."""

import pytest
from medspacy.context import ConText

import notecoder
from notecoder import FindingKind
from notecoder.context import SentenceConText
from notecoder.pipeline import load
from tests.conftest import spine_notes


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
    fast, stock = load(), load()
    pipe = stock.get_pipe("notecoder_context")
    assert isinstance(pipe, SentenceConText)
    pipe.__class__ = type("StockConText", (ConText,), {})
    # stock ConText prunes overlapping modifiers in its matcher (ours prunes them in SentenceConText)
    pipe.prune_on_modifier_overlap = pipe._ConText__matcher._prune = True
    for row in rows:
        ours = [(f.start, f.end, f.assertion) for f in fast(row["text"])._.findings]
        theirs = [(f.start, f.end, f.assertion) for f in stock(row["text"])._.findings]
        assert ours == theirs, row["id"]
