"""Condition words in the forms other writers use (issue 22, class 3): 'dysfxn' typed for dysfunction, a Spanish or
Italian spelling of coccygodynia in a translated report, and the thoracolumbar junction called the dorsolumbar
'hinge' as French and Italian writers do (charniere, cerniera). Classes from blind words batch r11; notes new."""

import pytest

from tests.coding import m53_codes


@pytest.mark.parametrize(
    "note, codes",
    [
        ("A: craniocervical jxn dysfxn (C0-C1), no radic signs. P: manual tx.", {"M53.81"}),
        ("Imp: CCJ dysfx, O-C1.", {"M53.81"}),
        ("Diagnosis: coccigodinia of 4 months after a fall on the stairs.", {"M53.3"}),
        ("Final diagnosis: syndrome of the thoracolumbar hinge (Maigne), right.", {"M53.85"}),
        ("Conclusion: dorsolumbar hinge syndrome, T12-L1, left side.", {"M53.85"}),
    ],
)
def test_condition_words_in_other_writers_forms(note, codes):
    assert m53_codes(note) == codes


def test_a_door_hinge_is_not_the_spine():
    note = "Injured his hand in a door hinge at work. A: finger contusion."
    assert m53_codes(note) == set()
