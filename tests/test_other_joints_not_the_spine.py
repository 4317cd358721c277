"""A disc, a subluxation, an instability or a sprain of a limb joint or the jaw is not the spine's (issue 22, class
3): the joint's name before the condition ("R TMJ disc displacement", "recurrent shoulder subluxations") or after it
("dislocation of the left elbow") keeps it out of M50/M51, M99.1- and M53.2X-, while the spine's conditions beside it
stand."""

import pytest

from tests.coding import alternatives, m53_codes


@pytest.mark.parametrize(
    "note",
    [
        "A: L TMJ disc displacement w/o reduction - refer to orofacial pain. Jaw clicking x 6 mo.",
        "Dx: temporomandibular joint disc derangement, right. Dentist to fit a splint.",
        "Hx: three subluxation episodes of the right shoulder since the summer, all self-reduced.\nA: MDI R shoulder.",
        "Imp: recurrent anterior shoulder subluxations; rotator cuff program.",
        "Ortho f/u: sprain of the left ankle, improving. A: ankle sprain, subsequent encounter.",
    ],
)
def test_a_limb_joint_or_jaw_condition_gives_no_spine_code(note):
    spine = {a for a in alternatives(note) if a[:3] in {"M50", "M51", "M99", "S13", "S23", "S33"}}
    assert spine == set()
    assert m53_codes(note) == set()


@pytest.mark.parametrize(
    ("note", "code"),
    [
        ("A: 1. R shoulder impingement 2. C5-6 disc displacement, no radiculopathy.", "M50.222"),
        ("Dx: segmental dysfunction C2 (subluxation complex) - M99.01; L TMJ clicking, refer to dentist.", "M99.01"),
    ],
)
def test_the_spine_condition_beside_a_limb_joint_still_codes(note, code):
    assert code in alternatives(note)
