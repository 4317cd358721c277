"""The corpus's authoring form: inline spans read back exactly, bad markup names the note, and the committed JSONL is
what the markup builds."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from notecoder.cli import app
from notecoder.evaluation import read_corpus
from notecoder.evaluation.markup import MarkupError, parse_markup, read_markup, source_texts, to_markup
from tests.conftest import MTSAMPLES_SPINE, WRITTEN

CORPUS = Path(__file__).resolve().parents[1] / "corpora"

NOTE = """=== w-test-01
split: dev
style: clinic
codes: M53.82
alternatives: M99.01
gaps: imaging-not-documented, exclusions-not-documented
---
CC: [[neck pain|condition]] [[x 4 months|chronicity]] | no [[arm pain|symptom|negated]].
A: [[[[C5-6|spinal_level]] facet
syndrome|condition]]. Consider [[PT|conservative_care|hypothetical]].
"""


def test_spans_are_read_from_the_markup_with_exact_offsets():
    (note,) = parse_markup(NOTE, "batch.txt")
    assert note.text == "CC: neck pain x 4 months | no arm pain.\nA: C5-6 facet\nsyndrome. Consider PT.\n"
    assert [(s.text, s.kind.value, s.assertion.value) for s in note.spans] == [
        ("neck pain", "condition", "present"),
        ("x 4 months", "chronicity", "present"),
        ("arm pain", "symptom", "negated"),
        ("C5-6", "spinal_level", "present"),
        ("C5-6 facet\nsyndrome", "condition", "present"),
        ("PT", "conservative_care", "hypothetical"),
    ]
    assert all(note.text[s.start : s.end] == s.text for s in note.spans)
    assert note.codes == ("M53.82",) and note.alternatives == ("M99.01",)
    assert note.gaps == ("imaging-not-documented", "exclusions-not-documented")
    assert note.source == "written:v1" and note.spans_annotated


def test_markup_round_trips():
    (note,) = parse_markup(NOTE, "batch.txt")
    assert parse_markup(to_markup(note), "again.txt") == [note]


@pytest.mark.parametrize(
    "body, message",
    [
        ("[[neck pain|condition]", "never closed"),
        ("[[neck pain|diagnosis]]", "unknown kind or assertion"),
        ("[[neck pain|condition|maybe]]", "unknown kind or assertion"),
    ],
)
def test_bad_markup_names_the_file_and_note(body, message):
    source = f"=== w-bad-01\nsplit: dev\nstyle: clinic\n---\n{body}\n"
    with pytest.raises(MarkupError, match=f"bad.txt: note w-bad-01: .*{message}"):
        parse_markup(source, "bad.txt")


def test_a_note_without_text_or_a_known_source_is_an_error():
    with pytest.raises(MarkupError, match="no '---' line"):
        parse_markup("=== w-x\nsplit: dev\nstyle: clinic\n", "x.txt")
    with pytest.raises(MarkupError, match="split must be one of"):
        parse_markup("=== w-x\nsplit: holdout\nstyle: clinic\n---\ntext\n", "x.txt")


def test_the_committed_corpus_is_what_the_markup_builds():
    if not MTSAMPLES_SPINE.exists() or not WRITTEN.exists():
        pytest.skip(f"shared data not found at {MTSAMPLES_SPINE.parents[1]}")
    built = read_markup(CORPUS / "notes", source_texts(MTSAMPLES_SPINE, WRITTEN))
    committed = read_corpus(CORPUS / "gold")
    assert sorted(built, key=lambda n: n.id) == sorted(committed, key=lambda n: n.id)


def test_the_corpus_has_its_size_and_sources():
    notes = read_corpus(CORPUS / "gold")
    written = [n for n in notes if n.source == "written:v1"]
    real = [n for n in notes if n.source.startswith("mtsamples:")]
    outside = [n for n in notes if n.source.startswith("outside:")]
    assert len(notes) >= 480 and len(written) >= 150 and len(real) >= 150 and len(outside) >= 180
    # the team's MTSamples labels (mts-) and the outside coders' (mtc-), never the same note twice
    assert all(n.id in (f"mts-{n.source.split(':')[1]}", f"mtc-{n.source.split(':')[1]}") for n in real)
    assert not any(n.spans_annotated for n in real) and len({n.source for n in real}) == len(real)
    assert all(n.split in ("train", "dev") for n in real if n.id.startswith("mtc-"))
    assert all(n.spans for n in written)
    # notes by other hands are code-level only and never in the test split, which stays the team's untuned set
    assert all(not n.spans_annotated and n.split in ("train", "dev") for n in outside)
    assert any(n.setting == "inpatient" for n in outside)


def test_corpus_command_writes_one_file_per_split(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.txt").write_text(NOTE + NOTE.replace("w-test-01", "w-test-02").replace("split: dev", "split: test"))
    out = CliRunner().invoke(app, ["corpus", str(notes), "--output", str(tmp_path / "gold")])
    assert out.exit_code == 0, out.output
    assert [n.id for n in read_corpus(tmp_path / "gold", "dev")] == ["w-test-01"]
    assert [n.id for n in read_corpus(tmp_path / "gold", "test")] == ["w-test-02"]
    assert read_corpus(tmp_path / "gold", "train") == []


def test_corpus_command_reports_a_duplicate_id(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.txt").write_text(NOTE)
    (notes / "b.txt").write_text(NOTE)
    out = CliRunner().invoke(app, ["corpus", str(notes), "--output", str(tmp_path / "gold")])
    assert out.exit_code != 0 and "w-test-01 appears twice" in out.output
