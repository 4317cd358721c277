"""Every code a rule can emit exists in the official ICD-10-CM tabular: a leaf when emitted in full, a real
category when it ends in "-". A typo in rules.json fails here."""

import itertools

import pytest
import simple_icd_10_cm as cm

from notecoder.mapper.icd import emittable, title
from notecoder.mapper.rules import mapper_rules

RULES = mapper_rules()


def every_templated_code() -> set[str]:
    digits = {""} | {d for table in RULES.digit_maps.values() for d in table.values()}
    digits |= set(RULES.cervical_disc_levels.values())
    digits |= {v.unspecified for f in RULES.families.values() for v in f.variants if v.unspecified is not None}
    sevenths = {"", *RULES.seventh_characters.values()}
    pain = RULES.disc_pain_characters
    pains = {pain.back_and_leg, pain.back_only, pain.leg_only, pain.neither}
    claudications = {RULES.stenosis_claudication.with_, RULES.stenosis_claudication.without}
    codes = set()
    for family in RULES.families.values():
        for variant in family.variants:
            for digit, seventh, pain_char, claudication in itertools.product(digits, sevenths, pains, claudications):
                code = variant.code.format(
                    digit=digit, seventh=seventh or "-", pain=pain_char, claudication=claudication
                )
                codes.add(emittable(code))
    return codes


CODES = sorted(every_templated_code())


def test_the_tables_can_emit_the_codes_of_the_brief():
    expected = {"M53.0", "M53.1", "M53.3", "M53.9", "M54.2", "M54.6", "M54.50", "M47.812", "M43.8X1", "S13.4XXA",
                "S23.3XXA", "S33.5XXA", "G95.9", "M48.061", "M48.062", "M54.12", "M54.11", "M50.322", "M51.362"}  # fmt: skip
    expected |= {f"M53.8{d}" for d in range(9)} | {f"M53.2X{d}" for d in range(1, 10)}
    assert expected <= set(CODES)


@pytest.mark.parametrize("code", CODES)
def test_emitted_code_is_official(code):
    if code.endswith("-"):
        assert title(code)  # the category it names exists
        stem = code.rstrip("-").rstrip("X")
        assert cm.is_valid_item(stem) or cm.is_valid_item(stem.rstrip(".")), code
    else:
        assert cm.is_valid_item(code) and cm.is_leaf(code), code


@pytest.mark.parametrize("code", ["M53.82", "M47.17", "M48.06", "S12.-"])
def test_emittable_never_invents_a_code(code):
    out = emittable(code)
    assert cm.is_valid_item(out.rstrip("-")) or out.endswith("-")


def test_decisions_where_seeds_and_tabular_disagree_are_written_down():
    topics = {d.topic for d in RULES.decisions}
    assert {"segmental dysfunction", "ligamentous instability", "cervicogenic headache"} <= topics
