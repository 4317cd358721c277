"""Sacral or coccygeal pain that a pressure injury over the bone explains is the skin's, not a sacrococcygeal
disorder (issue 22, class 3; the class blind words batch r11 showed, in notes written here)."""

import pytest

from tests.coding import m53_codes


@pytest.mark.parametrize(
    "note",
    [
        "Hospital day 6. Stage 2 pressure ulcer over the coccyx, 2 x 1 cm; she has coccyx pain when turned.\n"
        "Dx: 1. CAP, improving 2. Pressure ulcer, coccyx, stage 2.",
        "Wound RN: decubitus over the sacrum, unstageable; sacral pain 6/10 with repositioning.",
        "A: sacral pain from the stage 3 pressure injury - offload, dressing per wound care.",
    ],
)
def test_sacral_or_coccygeal_pain_of_a_pressure_injury_is_not_coded(note):
    assert m53_codes(note) == set()


def test_coccygodynia_beside_an_unrelated_pressure_injury_elsewhere_is_coded():
    note = (
        "Skin: healed pressure injury of the right heel.\n"
        "A: coccygodynia after a fall onto the tailbone 5 months ago, worse sitting; donut cushion, NSAIDs."
    )
    assert m53_codes(note) == {"M53.3"}
