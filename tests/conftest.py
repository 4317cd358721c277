import json
from pathlib import Path

import pytest

import notecoder

# browser and spark tests skip without Chromium or PySpark, and fail instead where NOTECODER_REQUIRE names them
pytest_plugins = ["tests.required"]

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
MTSAMPLES_SPINE = SHARED / "data" / "mtsamples" / "spine_notes_dedup.jsonl"
WRITTEN = SHARED / "data" / "written"


def spine_notes() -> list[dict]:
    if not MTSAMPLES_SPINE.exists():
        pytest.skip(f"shared data not found at {MTSAMPLES_SPINE}")
    with MTSAMPLES_SPINE.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def find(result: notecoder.NoteResult, text: str, kind: str | None = None) -> notecoder.Finding:
    """The one finding whose evidence is `text` (and of `kind`); fails loudly when absent or ambiguous."""
    hits = [f for f in result.findings if f.text == text and (kind is None or f.kind == kind)]
    assert len(hits) == 1, f"expected one finding {text!r} ({kind}), got {[(f.kind, f.text) for f in result.findings]}"
    return hits[0]


def concepts(result: notecoder.NoteResult, kind: str) -> set[str]:
    return {f.concept for f in result.findings if f.kind == kind}
