"""The encounter an injury code's 7th character names, read as a workers' compensation examiner or an occupational
medicine follow-up writes it: a residual of an old injury is its sequela (S) even where the acute injury is called
resolved, an old injury the author names as the cause of today's condition is its sequela, and the routine care after
active treatment is a subsequent encounter (D). Notes written for these tests."""

import pytest

import notecoder
from tests.coding import alternatives


def test_a_residual_of_a_sprain_stays_its_sequela_where_the_acute_sprain_is_called_resolved():
    text = (
        "INDEPENDENT MEDICAL EXAMINATION\nDate of injury: 03/02/2023\n\n"
        "DIAGNOSES:\n"
        "1. Chronic lumbar facet syndrome L4-5, bilateral, as a residual of the 03/02/2023 lumbar sprain.\n"
        "2. Lumbar sprain/strain - acute injury resolved.\n"
    )
    result = notecoder.extract(text)
    assert "S33.5XXS" in {a.code for a in result.alternatives}
    assert "M53.86" in {c.code for c in result.codes}


def test_a_resolved_sprain_without_a_residual_is_not_coded():
    text = "ASSESSMENT:\n1. Lumbar sprain, resolved.\n2. Lumbar spondylosis L4-5.\nPLAN: HEP."
    assert not {c for c in alternatives(text) if c.startswith("S33.5")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "ASSESSMENT: Cervical strain, healing as expected; active treatment completed, here for routine "
            "follow-up during recovery.\nPLAN: HEP, RTC prn.",
            "S16.1XXD",
        ),
        (
            "S: 28 yo F seen for f/u of lumbar strain from a lifting injury at work 10/01/2026. PT finished.\n"
            "A: Lumbar strain - improving.\nP: home exercises.",
            "S39.012D",
        ),
        (
            "Assessment: low back sprain; she completed active treatment and is in the recovery phase.",
            "S33.5XXD",
        ),
    ],
)
def test_routine_care_after_active_treatment_is_a_subsequent_encounter(text, expected):
    found = alternatives(text)
    assert expected in found
    assert not {c for c in found if c[:5] == expected[:5] and c[-1] == "A"}


def test_an_injury_two_days_ago_is_still_the_initial_encounter():
    text = "HPI: strained his low back lifting boxes 2 days ago.\nASSESSMENT: Acute lumbar strain.\nPLAN: naproxen."
    assert "S39.012A" in alternatives(text)


def test_a_healed_fracture_named_as_the_cause_of_todays_condition_is_its_sequela():
    text = (
        "DIAGNOSES:\n"
        "1. Healed L1 compression fracture from a fall in 2024, with residual anterior wedging.\n"
        "2. Thoracolumbar junction syndrome, chronic, resulting from the L1 fracture.\n"
    )
    found = alternatives(text)
    assert "S32.010S" in found
    assert not {c for c in found if c.startswith("S32.010") and c[-1] in "AD"}


def test_a_healed_fracture_that_causes_nothing_today_is_not_coded():
    text = "IMPRESSION:\n1. Lumbar spondylosis L4-5.\n2. Old healed L1 compression fracture, remote, incidental."
    assert not {c for c in alternatives(text) if c.startswith("S32")}


def test_a_current_strain_the_pain_is_due_to_keeps_its_initial_encounter():
    text = "ASSESSMENT: Neck pain due to the cervical strain he sustained in the MVC yesterday."
    found = alternatives(text)
    assert "S16.1XXA" in found
    assert "S16.1XXS" not in found


def test_a_chronic_compression_deformity_seen_on_imaging_is_not_a_current_fracture():
    text = (
        "HOSPITAL COURSE: MRI showed L3-L4 discitis. Also noted a chronic mild compression deformity of T11, "
        "age indeterminate.\nDISCHARGE DIAGNOSES:\n1. L3-L4 pyogenic discitis."
    )
    found = alternatives(text, "inpatient")
    assert "M46.36" in found
    assert not {c for c in found if c.startswith("S22")}


def test_an_acute_fracture_beside_chronic_back_pain_stays_current():
    text = "ASSESSMENT: Chronic low back pain; new acute L1 compression fracture after a fall from a ladder today."
    assert "S32.010A" in alternatives(text)


def test_a_fracture_healing_as_expected_at_follow_up_is_a_subsequent_encounter():
    text = (
        "S: 3 weeks out from a fall from her horse with a T8 wedge fracture, in a TLSO.\n"
        "A: T8 wedge compression fracture, healing as expected.\nP: wean brace in 3 weeks."
    )
    assert "S22.060D" in alternatives(text)


def test_a_fracture_with_no_trauma_told_asks_for_its_encounter_not_its_timeline():
    text = (
        "DME order - TLSO\nDiagnosis (narrative): Compression fracture of the T12 vertebra\n"
        "Date of injury / onset: ______\nMedical necessity: painful T12 compression fracture; brace to limit flexion."
    )
    result = notecoder.extract(text)
    assert "S22.080-" in {a.code for a in result.alternatives}
    gaps = {g.id for g in result.gaps}
    assert "encounter-not-documented" in gaps
    assert "injury-timeline-unclear" not in gaps


def test_a_fall_without_a_date_still_asks_for_the_injury_timeline():
    result = notecoder.extract("HPI: fell down some stairs at some point.\nA: T12 compression fracture.")
    assert "injury-timeline-unclear" in {g.id for g in result.gaps}


def test_a_fracture_named_in_the_history_and_at_its_follow_up_is_one_code():
    text = (
        "HPI: 76F with osteoporosis; new T12 compression fracture about 5 weeks ago lifting groceries.\n"
        "Assessment: Osteoporotic T12 compression fracture, 5 weeks, healing as expected. Continue calcitonin."
    )
    found = alternatives(text)
    assert "M80.08XD" in found
    assert "M80.08XA" not in found


def test_the_pain_of_an_injury_whose_encounter_is_open_is_part_of_it():
    text = "WORK STATUS\nDiagnosis: 1. Lumbar sprain\nSubjective: low back pain with lifting at work, 5/10."
    found = alternatives(text)
    assert "S33.5XX-" in found
    assert "M54.50" not in found
