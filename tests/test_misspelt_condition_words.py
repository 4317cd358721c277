"""A long condition word typed with one letter wrong, missing, doubled or swapped ("zygapohyseal", "cervicobrachail")
is read as the word it misspells (issue 22, class 3: misspellings, from a word rule rather than a list of typos). The
evidence stays the note's own letters."""

import pytest

import notecoder
from tests.coding import alternatives, m53_codes


@pytest.mark.parametrize(
    "note, codes, typo",
    [
        ("Dx: L4-5 zygapophsyeal joint syndrome, bilateral.", {"M53.86"}, "zygapophsyeal"),
        ("A: R C7-T1 zygapohyseal jt pain, 7 months, no radicular signs.", {"M53.83"}, "zygapohyseal"),
        ("Impression: left cervicobrachail syndrome, 3 months, no deficit.", {"M53.1"}, "cervicobrachail"),
        ("Assessment: thoracolumbr junction syndrome, right side.", {"M53.85"}, "thoracolumbr"),
        ("Impression: coccygodinya after a fall 2 years ago, healed; sitting pain since.", {"M53.3"}, "coccygodinya"),
    ],
)
def test_a_condition_word_with_one_typo_is_read(note, codes, typo):
    result = notecoder.extract(note)
    assert {c.code for c in result.codes} == codes
    assert any(typo in note[f.start : f.end] for f in result.findings if f.kind == "condition")


def test_a_different_word_two_letters_away_is_not_corrected():
    note = "A: ankylosing spondylitis of the lumbar spine, on adalimumab."
    assert m53_codes(note) == set()
    assert not {a for a in alternatives(note) if a.startswith("M47")}  # spondylitis is not spondylosis


def test_short_words_are_not_corrected():
    note = "A: neck strain after MVC yesterday; C-spine films negative."  # 'strain' is no 'stain', nor the reverse
    assert m53_codes(note) == set()


@pytest.mark.parametrize(
    "note, codes",
    [
        # a faxed page read by OCR: 1 for l or i, 0 for o, l for i, rn for m, in words of any length from six letters
        ("Pt: 39 yo rnale, pain at the tip of the tailbone on sitting.\nDiagnosis: Coccygodyn1a.", {"M53.3"}),
        ("Irnpression: posterior cervlcal syrnpathetic syndrorne, with vertigo and tinnitus.", {"M53.0"}),
        ("Neuro: reflexes 2+ symrnetric, power 5/5.\nIrnpression: Coccygodyn1a after a fall in 2025.", {"M53.3"}),
        ("Reason for referral: segmental instabi1ity at L4-5, 4 mm translation on flexion films.", {"M53.2X6"}),
    ],
)
def test_a_faxed_pages_ocr_letters_are_read_as_the_word(note, codes):
    assert m53_codes(note) == codes


def test_ocr_reading_leaves_real_words_and_other_numbers_alone():
    note = "Seen 1 1/2 weeks after a fall. Exam: tender L1 spinous process. A: lumbar contusion, no fracture."
    assert m53_codes(note) == set()


def test_a_typo_one_letter_from_two_names_of_the_same_joint_is_read():
    note = "Assessment: R C2/3 zygopophyseal joint syndrome.\nPlan: third occipital nerve block."
    assert m53_codes(note) == {"M53.82"}
