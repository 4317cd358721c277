"""Coccygeal segments written as levels ("Co1-Co2", "Co1-2") are the coccyx (issue 22, class 3): a fracture there is
S32.2-, not a sacral fracture, and the region digit is 8."""

import notecoder
from tests.coding import alternatives


def test_a_fracture_at_co1_co2_is_a_coccyx_fracture():
    note = "HPI: slipped on ice 10 days ago. XR today shows a nondisplaced Co1-Co2 fracture.\nA: as above, donut cushion."
    codes = alternatives(note)
    assert not {c for c in codes if c.startswith("S32.1")}
    assert {c for c in codes if c.startswith("S32.2")}


def test_a_coccygeal_level_range_reads_as_the_coccyx():
    result = notecoder.extract("Exam: tender at Co1-2 on palpation.")
    levels = [f for f in result.findings if f.kind.value == "spinal_level"]
    assert levels and levels[0].levels == ("Co",) and levels[0].region == 8


def test_a_word_beginning_co_is_no_level():
    result = notecoder.extract("Co-morbid DM2. Company van driver. L4-5 facet syndrome.")
    assert not [f for f in result.findings if "Co" in f.levels]
