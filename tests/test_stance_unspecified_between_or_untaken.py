"""More of the author's stance in other words (issue 22, class 2; classes from blind stance batch r25, notes new):
"not further specified" qualifies a diagnosis and denies nothing; a picture that sits "somewhere between" two
diagnoses commits to neither; and a referral's diagnosis is taken up only by an author who assesses, examines or
treats today (brief v3), not by a nurse who books the referral or a reviewer who restates it."""

import pytest

from tests.coding import m53_codes


@pytest.mark.parametrize(
    "note, codes",
    [
        ("Diagnosis (OH physician): Dorsopathy - back disorder, type not further specified.", {"M53.9"}),
        ("A: dorsopathy, not otherwise specified; no imaging yet.", {"M53.9"}),
    ],
)
def test_not_further_specified_denies_nothing(note, codes):
    assert m53_codes(note) == codes


@pytest.mark.parametrize(
    "note",
    [
        "Impression: the picture sits somewhere between a cervicobrachial syndrome and an early C6 radiculopathy; "
        "NCS and MRI requested.",
        "Her symptoms fall somewhere between thoracolumbar junction syndrome and a simple muscular strain.",
    ],
)
def test_a_picture_between_two_diagnoses_commits_to_neither(note):
    assert m53_codes(note) == set()


@pytest.mark.parametrize(
    "note",
    [
        "PHYSIO DEPT - NURSE TRIAGE OF REFERRAL\nReferral reason: \"Thoracic spine instability - please assess\".\n"
        "Phone triage: mid-back ache x 2 months, no red flags. Routine category; booked with MSK physio in 4 wks.",
        "UTILIZATION REVIEW\nRequesting diagnosis: cervical facet syndrome (M53.82).\nRecords: one clinic note.\n"
        "Determination: non-certified, insufficient information.",
    ],
)
def test_a_referral_diagnosis_only_booked_or_reviewed_is_not_taken_up(note):
    assert m53_codes(note) == set()


@pytest.mark.parametrize(
    "note, codes",
    [
        ("Referral dx: lumbar facet syndrome L4-5.\nS: LBP 6 mo, axial.\nPlan: PT 2x/wk x 6 wks, HEP.", {"M53.86"}),
        ("Referral diagnosis: coccydynia.\nProcedure: ganglion impar block under fluoroscopy, 2 mL bupivacaine.",
         {"M53.3"}),
        ("PRIOR AUTHORIZATION - PHYSICAL THERAPY\nReferring diagnosis: thoracolumbar junction syndrome (T12-L1)\n"
         "Onset 05/2026, no injury.\nRequested: 8 visits over 4 weeks.", {"M53.85"}),
    ],
)  # fmt: skip
def test_a_referral_diagnosis_the_author_treats_is_taken_up(note, codes):
    assert m53_codes(note) == codes


def test_an_examining_author_takes_up_a_claim_diagnosis_unless_the_form_ticks_it_resolved():
    form = (
        "RETURN-TO-WORK REPORT\nDiagnosis under this claim: lumbar facet syndrome, L4-L5\n"
        "Current status of diagnosis: [{}] Improving  [ ] Unchanged  [{}] Resolved\n"
        "Objective findings today: facet loading {}, neuro intact, SLR negative."
    )
    assert m53_codes(form.format("X", " ", "positive L4-5")) == {"M53.86"}
    assert m53_codes(form.format(" ", "X", "negative")) == set()
