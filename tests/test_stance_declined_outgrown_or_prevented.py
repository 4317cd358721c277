"""The author's stance in words the cue lists lacked (issue 22, class 2; classes from blind stance batch r24, notes
new): a reviewer who declines to take a position on a requester's diagnosis has not made it; a label given in an
earlier period of the patient's life ("in his twenties", "as a teenager") is history; a diagnosis that "doesn't
hold up" is rejected; a condition named as what advice is meant to head off is hypothetical; a diagnosis read off
another clinician's printout is theirs."""

import pytest

from tests.coding import m53_codes


@pytest.mark.parametrize(
    "note",
    [
        "PEER REVIEW\nRequested dx: M53.82 cervical facet syndrome per Dr. Ames.\nI did not examine the claimant and "
        "express no opinion on the requested diagnosis; the records lack any exam.\nDetermination: not certified.",
        "UR NOTE\nDiagnosis on request: coccydynia.\nI take no position on that diagnosis. Non-certified for lack "
        "of records.",
    ],
)
def test_a_reviewer_who_takes_no_position_has_not_made_the_diagnosis(note):
    assert m53_codes(note) == set()


@pytest.mark.parametrize(
    "note",
    [
        "HPI: 41M with 3 wks of mid-back ache after moving house. In his twenties he was told he had thoracolumbar "
        "junction syndrome; no trouble since.\nA: thoracic muscle strain.",
        "Hx: as a teenager she was treated for coccydynia after a fall; none since.\nToday: L knee pain.\n"
        "A: patellofemoral pain.",
    ],
)
def test_a_label_from_an_earlier_period_of_life_is_history(note):
    assert m53_codes(note) == set()


def test_a_condition_that_began_in_an_earlier_period_and_goes_on_is_still_coded():
    note = "Neck pain on and off since her twenties, daily for 8 months.\nA: cervical facet syndrome C4-5, ongoing."
    assert m53_codes(note) == {"M53.82"}


@pytest.mark.parametrize(
    "note, codes",
    [
        ("A:\n1. R C5-6 facet syndrome.\n2. \"Cervicocranial syndrome\" (ED dx) -- doesn't hold up; no headache, "
         "no dizziness.", {"M53.82"}),
        ("Impression: lumbar spondylosis. The outside label of thoracolumbar junction syndrome does not hold up on "
         "today's exam.", set()),
    ],
)  # fmt: skip
def test_a_diagnosis_that_does_not_hold_up_is_rejected(note, codes):
    assert m53_codes(note) == codes


@pytest.mark.parametrize(
    "note",
    [
        "A: lumbar segmental dysfunction L4. P: adjust L4; advised a wedge cushion to head off coccydynia while "
        "she is nursing.",
        "Plan: desk set-up reviewed, which should ward off a recurrence of cervicothoracic junction syndrome. "
        "A: R lateral epicondylitis.",
    ],
)
def test_a_condition_advice_is_meant_to_head_off_is_hypothetical(note):
    assert m53_codes(note) == set()


def test_a_diagnosis_read_off_another_clinicians_printout_is_theirs():
    note = (
        "Visit for BP and DM follow-up. She brought a printout from her chiropractor that lists \"lumbar facet "
        "syndrome L4-5\"; we did not get into her back today.\nA/P: HTN, controlled. T2DM, improving."
    )
    assert m53_codes(note) == set()
