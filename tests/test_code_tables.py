"""Every code a rule can emit exists in the official ICD-10-CM tabular: a leaf when emitted in full, a real
category when it ends in "-". A typo in rules.json fails here."""

import pytest
import simple_icd_10_cm as cm

from notecoder.mapper.icd import emittable, proposable, title
from notecoder.mapper.rules import mapper_rules

RULES = mapper_rules()


def every_templated_code() -> set[str]:
    emitted, cut = proposable(RULES)
    return set(emitted.values()) | cut


CODES = sorted(every_templated_code())


def test_the_tables_can_emit_the_codes_of_the_brief():
    expected = {"M53.0", "M53.1", "M53.3", "M53.9", "M54.2", "M54.6", "M54.50", "M47.812", "M43.8X1", "S13.4XXA",
                "S23.3XXA", "S33.5XXA", "G95.9", "M48.061", "M48.062", "M54.12", "M54.11", "M50.322", "M51.362",
                "M50.121", "M50.123", "M50.00", "M54.30", "M54.31", "S32.011A", "S22.089D"}  # fmt: skip
    expected |= {f"M53.8{d}" for d in range(9)} | {f"M53.2X{d}" for d in range(1, 10)}
    assert expected <= set(CODES)


@pytest.mark.parametrize("code", CODES)
def test_emitted_code_is_official(code):
    if code.endswith("-"):
        assert title(code)  # the category it names exists
        stem = code.rstrip("-").rstrip("X")
        assert cm.is_valid_item(stem) or cm.is_valid_item(stem.rstrip(".")), code
        assert not cm.is_leaf(stem) if cm.is_valid_item(stem) else True, f"{code}: a billable code with a dash"
    else:
        assert cm.is_valid_item(code) and cm.is_leaf(code), code


@pytest.mark.parametrize(
    ("code", "expected"),
    [("M53.82", "M53.82"), ("M47.17", "M47.1-"), ("M48.06", "M48.06-"), ("M54.1", "M54.1-"), ("S12.-", "S12.-")],
)
def test_emittable_never_invents_a_code(code, expected):
    out = emittable(code)
    assert out == expected
    stem = out.rstrip("-").rstrip(".")
    assert cm.is_valid_item(stem)  # a real code or category of the tabular, never an invented one
    assert cm.is_leaf(stem) != out.endswith("-")  # a leaf in full; a category with its dash, never a leaf


def test_decisions_where_seeds_and_tabular_disagree_are_written_down():
    topics = {d.topic for d in RULES.decisions}
    assert {"segmental dysfunction", "ligamentous instability", "cervicogenic headache"} <= topics
