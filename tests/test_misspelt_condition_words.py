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
