"""Spine pain said by a region inside a list ("pain in the temporal, cervical and periocular regions") or at a
vertebral level ("pain was found over the C3-C4 spinous processes"), and arthrosis of a region word ("dorsolumbar
arthrosis"): case reports and translated notes write them so (issue 22, class 3; CodiEsp's coders code them)."""

import pytest

from tests.coding import alternatives


@pytest.mark.parametrize(
    ("note", "code"),
    [
        ("She complained of pain in the temporal, cervical and left periocular regions for a year.", "M54.2"),
        ("Pain in the scapular and dorsal regions since the move; no trauma.", "M54.6"),
        ("On re-examination, pain was elicited over the C4-C5 spinous processes.", "M54.2"),
        ("Pain at the L3-4 level, worse bending; no leg symptoms.", "M54.50"),
    ],
)
def test_region_pain_in_a_list_or_at_a_level(note, code):
    assert code in alternatives(note)


def test_a_denied_pain_at_a_level_is_not_coded():
    assert not {a for a in alternatives("Denies pain over the T6 spinous process.") if a.startswith("M54")}


def test_arthrosis_of_a_european_region_word_is_spondylosis():
    assert "M47.815" in alternatives("Current problems: dorsolumbar arthrosis, on paracetamol, stable.")
