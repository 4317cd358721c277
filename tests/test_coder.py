"""One `Coder` holds what coding a note needs in a process (the spaCy pipeline and its recycling, the mapper, the
confidence model): `extract()`, batch rows, the service's extraction processes and Spark's executors each code
through one, instead of through module globals."""

import pytest

import notecoder
from notecoder.batch.runner import outcome
from notecoder.batch.sources import NoteRow
from notecoder.extraction import Coder, default_coder, extract_rules
from notecoder.scoring import default_model

NOTE = "Assessment: cervical facet syndrome C5-6. No radiculopathy."


def test_extract_codes_through_the_process_default_coder():
    coder = default_coder()
    assert coder is default_coder()
    assert notecoder.extract(NOTE) == coder.extract(NOTE)
    assert extract_rules(NOTE) == coder.extract_rules(NOTE)
    assert notecoder.extract(NOTE) == Coder().extract(NOTE)  # another coder, the same answer


def test_a_coder_rebuilds_its_pipeline_after_its_quota_and_when_discarded():
    coder = Coder(recycle_after=2)
    first = coder.pipeline()
    coder.extract(NOTE)
    assert coder.pipeline() is first
    coder.extract(NOTE)
    second = coder.pipeline()  # two notes coded: rebuilt before the third
    assert second is not first
    assert coder.extract(NOTE) == notecoder.extract(NOTE)
    coder.discard()
    assert coder.pipeline() is not second


def test_coders_do_not_share_their_pipelines_or_counts():
    one, two = Coder(recycle_after=1), Coder(recycle_after=1)
    assert one.pipeline() is not two.pipeline()
    before = two.pipeline()
    one.extract(NOTE)
    assert two.pipeline() is before


def test_a_coder_scores_with_the_model_it_was_given():
    plain = Coder().extract(NOTE)
    assert plain.codes and all(c.confidence is not None for c in plain.codes)
    fixed = Coder(model=default_model())
    assert fixed.model is default_model() and fixed.extract(NOTE) == plain


def test_batch_rows_code_through_the_coder_they_are_given():
    coder = Coder(recycle_after=1)
    first = coder.pipeline()
    result = outcome(NoteRow(1, "a", NOTE), coder=coder)
    assert result == notecoder.extract(NOTE)
    assert coder.pipeline() is not first  # the row was counted on that coder


def test_a_timed_out_row_discards_its_coders_pipeline():
    coder = Coder()
    first = coder.pipeline()
    error = outcome(NoteRow(1, "a", "neck pain " * 200_000), coder=coder, note_timeout=0.01)
    assert getattr(error, "type", None) == "NoteTimeout"
    assert coder.pipeline() is not first


@pytest.mark.parametrize("job", ["extract", "cogstack"])
def test_the_service_jobs_code_through_the_coder_of_their_process(job):
    from notecoder.service.extractor import JOBS

    coder = Coder()
    args = {"extract": (NOTE, "outpatient", None), "cogstack": (NOTE, None)}[job]
    assert b"facet" in JOBS[job](coder, *args)
