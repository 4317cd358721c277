"""A gap asks for what the note does not record: documentation written in other words or other places than the
usual one (a study naming two regions, a study in the records reviewed, a response given by a verb or a score, an
onset given as a date, a consent's list of risks) must not raise it."""

import pytest

import notecoder
from tests.coding import gaps_for


def gap_ids(text: str) -> set[str]:
    return {gap_id for gap_id, _ in gaps_for(text)}


# -- imaging --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "study",
    [
        "XR C-spine & T-spine 10/2025: normal alignment, no compression fx.",
        "Radiographs of the cervical and thoracic spine (AP/lat) were unremarkable.",
        "X-rays 09/2025 C-spine (4 views) and T-spine (3 views): normal alignment, no fracture.",
    ],
)
def test_a_study_naming_two_regions_documents_both(study):
    text = f"O: {study}\nNeuro: DTR 2+ sym, strength 5/5.\nA: R T6-7 facet syndrome, 10 wks, no disc or radicular cause."
    gaps = gaps_for(text)
    assert ("imaging-not-documented", "M53.84") not in gaps


def test_a_study_of_one_region_still_leaves_another_undocumented():
    text = "O: XR C-spine: normal alignment.\nA: L4-5 facet syndrome x 6 months."
    assert ("imaging-not-documented", "M53.86") in gaps_for(text)


def test_a_study_in_the_records_reviewed_documents_imaging():
    text = (
        "RECORDS REVIEWED\n"
        "- Neurology notes 2024-2025.\n"
        "- MRI C-spine 05/2024: normal disc heights, no herniation, no stenosis.\n\n"
        "DIAGNOSIS: Cervicocranial syndrome with occipital headaches and dizziness, onset 12/2023."
    )
    assert "imaging-not-documented" not in gap_ids(text)


def test_a_study_only_planned_is_not_imaging_documented():
    text = "A: Cervicocranial syndrome w/ occipital HA.\nP: MRI C-spine ordered."
    assert "imaging-not-documented" in gap_ids(text)


# -- prior care and its response ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "care",
    [
        "He does a home program and takes naproxen 500 mg bid prn. Both help partly, but flares cost him work days.",
        "Meloxicam 15 mg daily helps partially.",
        "She wears a rigid brace when up; with it her pain is controlled.",
        "Symptoms controlled with PRN acetaminophen.",
        "Completed 6 visits of PT in 09/2025. With that care, her NDI improved from 40% to 28%.",
        "Completed 6 visits of PT in 09/2025. After these sessions she reports less neck pain and better sleep.",
        "Ibuprofen 400 mg prn - works every time per pt.",
        'Wears a soft collar at night. "It makes the mornings bearable," he says.',
        'Coccyx cushion at work: "sitting is a lot easier with it."',
        'Tried a TENS unit last year - "no different."',
    ],
)
def test_a_response_in_other_words_documents_care(care):
    text = f"HPI: facet syndrome of the lumbar spine since 2022. {care}\nA: Lumbar facet syndrome."
    assert "conservative-care-not-documented" not in gap_ids(text)


@pytest.mark.parametrize(
    "history",
    [
        "Eight sessions of physio over the spring. Since then she gardens again; overall much better.",
        "Chiropractic weekly x 6 (Jan-Feb).\nPt reports: 'the first few helped, then nothing.'\nNo meds.",
        "Course of PT 10/2025, 12 visits.\nNDI at intake 42%, at discharge 24%.",
        "Records reviewed: PT 2024 (12 visits); chiropractic 2025.\nExam: TTP L4-5.\nDiscussion: each course gave "
        "only transient relief.",
    ],
)
def test_a_response_told_after_the_treatment_documents_care(history):
    text = f"HPI: lumbar facet syndrome since 2022. {history}\nA: Lumbar facet syndrome."
    assert "conservative-care-not-documented" not in gap_ids(text)


@pytest.mark.parametrize(
    "history",
    [
        "Tried PT in 2024. Pain is worse with sitting and driving.",
        "Pain is better in the mornings. Tried PT in 2024.",
        "Plan: PT 2x/wk for 6 wks. Expect improvement.",
    ],
)
def test_a_response_before_the_treatment_or_a_worsening_or_a_plan_is_not_its_response(history):
    text = f"HPI: lumbar facet syndrome since 2022. {history}\nA: Lumbar facet syndrome."
    assert "conservative-care-not-documented" in gap_ids(text)


@pytest.mark.parametrize(
    "care",
    [
        "Will start PT 2x/wk; if it helps partly we will add naproxen.",
        "Hypertension well controlled on losartan.",
        "Her pain has not been controlled since the injury.",
    ],
)
def test_care_without_its_response_still_raises_the_gap(care):
    text = f"HPI: facet syndrome of the lumbar spine since 2022. {care}\nA: Lumbar facet syndrome."
    assert "conservative-care-not-documented" in gap_ids(text)


def test_care_poorly_controlled_is_a_failed_response():
    result = notecoder.extract("HPI: LBP poorly controlled with naproxen.\nA: lumbar facet syndrome.")
    care = [f for f in result.findings if f.kind.value == "conservative_care"]
    assert [(f.text, f.value) for f in care] == [("naproxen", "failed")]


# -- onset ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "onset",
    [
        "Her symptoms began in 03/2025 with upper neck pain.",
        "Neck pain started on 02/14/2025 at work.",
        "Date of injury: CT 01/01/2019 - 03/15/2024 (continuous trauma, overhead stocking).",
        "DOI: 04/02/2024",
    ],
)
def test_an_onset_given_as_a_date_documents_chronicity(onset):
    text = f"S: {onset}\nA: Cervical facet syndrome, C5-6."
    assert "chronicity-not-documented" not in gap_ids(text)


@pytest.mark.parametrize(
    "onset",
    [
        "Onset: 2 months ago    Mechanism: none    Radiation: none",
        "pt w/ pain at base of neck for abt 8 mos, worse at computer.",
        "LBP 2 yrs, back feels like it slips on bending.",
        "Neck pain 6-8 weeks, worse with typing.",
        "Visit: 57M, neck pain x 2 y, axial, no radiation into the arms.",
    ],
)
def test_an_onset_in_a_template_or_shorthand_documents_chronicity(onset):
    text = f"{onset}\nA: Cervical facet syndrome, C5-6."
    assert "chronicity-not-documented" not in gap_ids(text)


@pytest.mark.parametrize(
    "text",
    [
        "S: neck pain, stiff in the mornings.\nA: C5-6 facet syndrome.\nPlan: ibuprofen 400 mg tid x 7 days, PT x 4 wks.",
        "S: neck pain. Physio and massage each gave relief for a day or two only.\nA: C5-6 facet syndrome.",
        "A: C5-6 facet syndrome. MBB done. The patient was told to rest for 1 day, then resume activity.",
    ],
)
def test_a_duration_of_the_plan_or_of_a_relief_is_not_the_conditions(text):
    assert "chronicity-not-documented" in gap_ids(text)


# -- what is not a trauma the patient had ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "With PT her headache days fell from 6 to 3 per week.",
        "Her NDI dropped from 44% and pain scores fell to 2/10.",
        "CONSENT: risks incl bleeding, infection, nerve injury, spinal cord injury/paralysis - discussed; signed.",
        "Risks, incl. infection and spinal cord injury, were reviewed with the patient.",
    ],
)
def test_words_that_are_not_a_trauma_leave_the_injury_timeline_alone(sentence):
    text = f"HPI: neck pain x 9 months, no trauma. {sentence}\nA: Cervical facet syndrome C3-4, C4-5."
    assert "injury-timeline-unclear" not in gap_ids(text)


def test_a_form_that_asks_about_injury_and_is_told_none_has_no_unclear_injury():
    text = (
        "DOCTOR'S FIRST REPORT OF OCCUPATIONAL INJURY OR ILLNESS\n"
        "9. Date of injury or onset of illness: gradual - first noticed approx 08/2025 (~3 months)\n"
        '13. Describe how the accident or exposure happened: "Long shifts on the phone, neck gets stiff." '
        "No fall, no specific incident.\n"
        "16. Diagnosis: Cervicocranial syndrome - M53.0, with occipital headaches.\n"
    )
    assert "injury-timeline-unclear" not in gap_ids(text)


def test_a_fall_without_its_date_is_still_unclear():
    text = "HPI: fell on the ice, no date given. Neck pain since.\nA: Cervical facet syndrome C3-4."
    assert "injury-timeline-unclear" in gap_ids(text)


def test_a_denied_new_injury_leaves_an_old_untimed_one_unclear():
    text = "HPI: neck pain after a work injury; no new injury.\nA: Cervical facet syndrome C5-6 x 2 years."
    assert "injury-timeline-unclear" in gap_ids(text)


# -- a region a concept only implies -------------------------------------------------------------------------------


def test_a_pain_name_lends_no_region_to_a_fracture_of_another_bone():
    text = (
        "ER consult, L hip: 81F, groin pain after a twist, lytic lesion L proximal femur on x-ray.\n"
        "Known history of sciatica, but today's pain looks like a metastatic lesion with probable pathological "
        "fracture.\n"
        "Plan: hemiarthroplasty, oncology consult."
    )
    assert "uncertain-diagnosis" not in gap_ids(text)


def test_a_level_in_the_sentence_still_places_an_unqualified_fracture():
    text = "A: probable pathological fracture at L2, metastatic workup pending."
    assert "uncertain-diagnosis" in gap_ids(text)


# -- a trauma told without its date -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "told",
    [
        "He was rear-ended in his truck 'not that long ago' and cannot give a date.",
        "Says his back \"went out\" at work; could not say which day or how long ago.",
        "She slipped on a wet floor at home at some point, not sure whether before or after the pain began.",
        "Bumped the back of her head on a cupboard door a while back.",
        "Nursing to find the incident report for the wheelchair slide and its date.",
    ],
)
def test_a_trauma_told_without_its_date_is_unclear(told):
    text = f"S: low back pain, 3 months, 4/10. {told}\nA: Lumbar facet syndrome L4-5."
    assert "injury-timeline-unclear" in gap_ids(text)


def test_an_idiom_for_a_back_injury_with_a_year_is_dated():
    text = "S: threw out his back shoveling snow in 2019, fully recovered.\nA: Lumbar facet syndrome L4-5 x 8 months."
    assert "injury-timeline-unclear" not in gap_ids(text)
