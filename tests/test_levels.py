"""Spinal levels: every written form the users gave, to vertebrae and the ICD-10-CM region digit."""

import pytest

from notecoder.levels import VERTEBRAE, is_non_spinal, parse_levels, region_of
from notecoder.result import Region


def covered(first: str, last: str) -> tuple[str, ...]:
    return VERTEBRAE[VERTEBRAE.index(first) : VERTEBRAE.index(last) + 1]


@pytest.mark.parametrize(
    ("text", "levels", "region"),
    [
        ("C5", ("C5",), Region.CERVICAL),
        ("C5-6", ("C5", "C6"), Region.CERVICAL),
        ("C5-C6", ("C5", "C6"), Region.CERVICAL),
        ("C5/C6", ("C5", "C6"), Region.CERVICAL),
        ("C5/6", ("C5", "C6"), Region.CERVICAL),
        ("C5–C6", ("C5", "C6"), Region.CERVICAL),
        ("c5-6", ("C5", "C6"), Region.CERVICAL),
        ("C-5, C-6", ("C5", "C6"), Region.CERVICAL),
        ("C5-C7", ("C5", "C6", "C7"), Region.CERVICAL),
        ("C5 through C7", ("C5", "C6", "C7"), Region.CERVICAL),
        ("C4-5 and C5-6", ("C4", "C5", "C6"), Region.CERVICAL),
        ("C4-5, C5-6, and C6-7", ("C4", "C5", "C6", "C7"), Region.CERVICAL),
        ("C2-3", ("C2", "C3"), Region.CERVICAL),
        ("C1-C2", ("C1", "C2"), Region.OCCIPITO_ATLANTO_AXIAL),
        ("C2", ("C2",), Region.OCCIPITO_ATLANTO_AXIAL),
        ("occiput-C1", ("C0", "C1"), Region.OCCIPITO_ATLANTO_AXIAL),
        ("C0-C1-C2", ("C0", "C1", "C2"), Region.OCCIPITO_ATLANTO_AXIAL),
        ("C7-T1", ("C7", "T1"), Region.CERVICOTHORACIC),
        ("C6-T2", ("C6", "C7", "T1", "T2"), Region.CERVICOTHORACIC),
        ("T4", ("T4",), Region.THORACIC),
        ("T1 through T4", ("T1", "T2", "T3", "T4"), Region.THORACIC),
        ("T12-L1", ("T12", "L1"), Region.THORACOLUMBAR),
        ("L4-5", ("L4", "L5"), Region.LUMBAR),
        ("L4-L5-S1", ("L4", "L5", "S1"), Region.LUMBOSACRAL),
        ("L5-S1", ("L5", "S1"), Region.LUMBOSACRAL),
        ("S2", ("S2",), Region.SACRAL),
        ("C5-6 and L4-5", covered("C5", "C6") + covered("L4", "L5"), Region.SITE_UNSPECIFIED),
        ("fifth and sixth cervical vertebrae", ("C5", "C6"), Region.CERVICAL),
        ("the sixth cervical nerve root", ("C6",), Region.CERVICAL),
        ("fourth and fifth lumbar vertebrae", ("L4", "L5"), Region.LUMBAR),
        ("first sacral segment", ("S1",), Region.SACRAL),
        ("cervicothoracic junction", ("C7", "T1"), Region.CERVICOTHORACIC),
        ("craniocervical junction", ("C0", "C1", "C2"), Region.OCCIPITO_ATLANTO_AXIAL),
        ("upper cervical spine", ("C0", "C1", "C2"), Region.OCCIPITO_ATLANTO_AXIAL),
        ("atlantoaxial", ("C1", "C2"), Region.OCCIPITO_ATLANTO_AXIAL),
        ("thoracolumbar junction", ("T12", "L1"), Region.THORACOLUMBAR),
        ("lumbosacral", ("L5", "S1"), Region.LUMBOSACRAL),
        ("sacrococcygeal", ("S5", "Co"), Region.SACRAL),
        ("coccyx", ("Co",), Region.SACRAL),
        ("neck", covered("C1", "C7"), Region.CERVICAL),
        ("upper neck", covered("C1", "C7"), Region.CERVICAL),
        ("C-spine", covered("C1", "C7"), Region.CERVICAL),
        ("T-spine", covered("T1", "T12"), Region.THORACIC),
        ("L-spine", covered("L1", "L5"), Region.LUMBAR),
        ("low back", covered("L1", "L5"), Region.LUMBAR),
    ],
)
def test_level_forms(text, levels, region):
    parsed = parse_levels(text)
    assert parsed is not None
    assert (parsed.levels, parsed.region) == (levels, region)


@pytest.mark.parametrize("text", ["C5-6", "fifth cervical vertebra"])
def test_named_vertebrae_are_explicit(text):
    assert parse_levels(text).explicit


@pytest.mark.parametrize("text", ["neck", "cervicothoracic junction", "lumbar"])
def test_region_words_are_not_explicit(text):
    assert not parse_levels(text).explicit


@pytest.mark.parametrize("text", ["C9", "L7", "T13", "no level here"])
def test_no_level(text):
    assert parse_levels(text) is None


def test_ordinal_needs_a_vertebral_noun():
    assert not parse_levels("second lumbar puncture").explicit


def test_explicit_levels_win_over_region_words():
    assert parse_levels("cervical spine at C7-T1").region == Region.CERVICOTHORACIC


@pytest.mark.parametrize(
    ("note", "level_text"),
    [
        ("Heart: RRR, normal S1 S2, no murmurs.", "S1 S2"),
        ("Increased T2 signal in the cord.", "T2"),
        ("TSH normal, free T4 1.2.", "T4"),
        ("Complement C3 and C4 were low.", "C3 and C4"),
        ("Stage T2 N0 M0 adenocarcinoma.", "T2"),
    ],
)
def test_level_shaped_tokens_that_are_not_spine(note, level_text):
    start = note.index(level_text)
    levels = parse_levels(level_text).levels
    assert is_non_spinal(levels, note, start, start + len(level_text))


def test_spinal_s1_is_kept():
    note = "Disc bulge at L5-S1 with S1 nerve root contact."
    start = note.index("S1 nerve")
    assert not is_non_spinal(("S1",), note, start, start + 2)


def test_region_of_single_junction_vertebra_sets():
    index = VERTEBRAE.index
    assert region_of({index("C7"), index("T1")}) == Region.CERVICOTHORACIC
    assert region_of({index("C3"), index("L2")}) == Region.SITE_UNSPECIFIED
    assert region_of({index("C0"), index("C1"), index("T4")}) == Region.SITE_UNSPECIFIED  # two regions, no C7 and T1
