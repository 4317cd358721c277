"""Sacroiliac pain said in prose (issue 22, class 3): the pain word and the joint apart, with the words a
dictating physician puts between them ("pain radiating from her SI joint", "hip pain in the posterior sacroiliac
joint area", "sacroiliac-type buttock pain") indexes to M53.3 (Pain, sacroiliac) as the set phrases do."""

import pytest

from tests.coding import m53_codes


@pytest.mark.parametrize(
    "note",
    [
        "HPI: 58F, 4 mo of pain that radiates from her right sacroiliac joint into the buttock.",
        "CC: hip pain localised to the posterior SI joint region x 6 wks.",
        "A: R SI-type buttock pain, reproduced by FABER and thigh thrust.",
    ],
)
def test_sacroiliac_pain_in_prose_is_m53_3(note):
    assert m53_codes(note) == {"M53.3"}


def test_denied_sacroiliac_pain_in_prose_is_not_coded():
    assert m53_codes("Denies pain over the left SI joint. A: L4-5 facet syndrome.") == {"M53.86"}
