"""The author's stance where forms, referrals and dictations put it (issue 22, class 2): a diagnosis named only as a
future concern, a claim form's ticked "Resolved", a dictation that speaks its section titles' colons, a referral
quoted in prose or on a referral order, and a history the patient reports on an intake form. Written from the classes
the blind stance batch r20 showed; the notes here are new."""

import pytest

import notecoder
from tests.coding import alternatives, m53_codes


@pytest.mark.parametrize(
    "note",
    [
        "A: L4-5 spondylosis w/o radiculopathy. Lumbar instability would be a concern only if the slip progresses; "
        "nothing suggests it today.",
        "Impression: cervical spondylosis. I told her that cervicocranial syndrome would only become a concern if "
        "she developed headaches with dizziness, which she has not.",
    ],
)
def test_a_diagnosis_named_as_a_future_concern_is_not_coded(note):
    assert m53_codes(note) == set()


@pytest.mark.parametrize(
    "note",
    [
        "RETURN TO WORK REPORT\nClaim diagnosis: cervical facet syndrome C5-6 (M53.82)\nCurrent status: "
        "[ ] Improving [ ] Same [x] Resolved\nExam: full ROM, nontender. Full duty.",
        "Diagnosis: Thoracolumbar junction syndrome\nStatus of diagnosis: [X] Resolved  [ ] Ongoing\n"
        "Released from care.",
    ],
)
def test_a_ticked_resolved_box_on_the_status_line_leaves_the_diagnosis_uncoded(note):
    assert m53_codes(note) == set()


def test_an_empty_resolved_box_leaves_the_diagnosis_coded():
    note = (
        "Claim diagnosis: lumbar facet syndrome L4-5\nCurrent status: [X] Improving [ ] Resolved\n"
        "Exam: facet loading positive L4-5 bilat. Continue PT."
    )
    assert m53_codes(note) == {"M53.86"}


@pytest.mark.parametrize(
    "note, codes",
    [
        (
            "Chief complaint left neck pain. History colon 52 year old nurse, pain 6 months worse turning left comma "
            "no arm symptoms.\nExam: tender C3-4 C4-5 facets on the left. Assessment colon left cervical facet "
            "syndrome C3-4 C4-5 period. Plan colon medial branch blocks.",
            {"M53.82"},
        ),
        (
            "Exam: tender T11-L1 paraspinals, extension painful. Impression colon thoracolumbar junction syndrome "
            "period. Plan colon PT.",
            {"M53.85"},
        ),
    ],
)
def test_a_dictation_that_speaks_its_title_colons_has_an_assessment(note, codes):
    result = notecoder.extract(note)
    assert {c.code for c in result.codes} == codes
    assert {f.section for f in result.findings if note[f.start : f.end].endswith("syndrome")} == {"assessment"}


def test_colon_after_a_title_in_a_typed_note_is_still_the_organ():
    note = "Diagnosis colon cancer, in remission.\nA: chronic low back pain."
    assert m53_codes(note) == set()


@pytest.mark.parametrize(
    "note, alternative",
    [
        (
            "HPI: seen at the request of urgent care with a referral that says cervicothoracic junction syndrome. "
            "Pain is in the upper trapezius only, no arm symptoms.\nAssessment: neck pain, myofascial.",
            "M54.2",
        ),
        (
            "PT EVAL\nReferral Rx: \"Eval and treat - Dx thoracic facet syndrome\"\nS: mid back ache 3 wks.\n"
            "A: thoracic spine pain, postural. Plan: mobility, HEP.",
            "M54.6",
        ),
    ],
)
def test_a_referral_quoted_beside_the_authors_own_assessment_is_not_coded(note, alternative):
    assert m53_codes(note) == set()
    assert alternative in alternatives(note)


def test_a_referral_order_the_author_takes_up_is_coded():
    note = (
        "Referral Rx: eval and treat, lumbar facet syndrome.\nO: facet loading + L4-5 bilat.\n"
        "A: lumbar facet syndrome L4-5 as referred. Plan: PT 2x/wk."
    )
    assert m53_codes(note) == {"M53.86"}


@pytest.mark.parametrize(
    "note",
    [
        "Intake history (patient-reported): \"sacroiliac joint dysfunction\" 2017, no problems since.\n"
        "CC: neck stiffness x 1 wk.\nA: cervicalgia.",
        "Intake history: lumbar instability per patient, treated 2016.\nCC: mid back pain.\nA: thoracic pain.",
    ],
)
def test_a_history_the_patient_reports_on_intake_is_not_todays_diagnosis(note):
    assert m53_codes(note) == set()


# Classes from blind stance batch r21 (scored once at 437668c); the notes below are new.


@pytest.mark.parametrize(
    "note",
    [
        "Seen 18 months after the fall that left him with a cervicocranial syndrome, with headaches and dizziness. "
        "These have all but vanished; nothing further arranged, discharged to the GP.",
        "PHYSIO D/C SUMMARY\nDx on referral: R cervicobrachial syndrome.\nNDI 30% -> 2%.\nAssessment: presenting "
        "condition has fully settled; goals met.",
    ],
)
def test_a_resolution_said_of_these_or_of_the_presenting_condition_is_not_coded(note):
    assert m53_codes(note) == set()


def test_a_study_planned_to_look_for_a_diagnosis_does_not_assert_it():
    note = (
        "A: segmental dysfunction L4, L5 (M99.03).\nIf the give-way episodes persist by visit 6 I would order "
        "flexion-extension films to look at L4-5 for instability."
    )
    assert m53_codes(note) == set()


def test_an_understated_refusal_of_the_label_rejects_it():
    note = (
        "Thank you for sending Mr Byrne with arm tingling you had put down to a cervicobrachial syndrome. I would be "
        "slow to attach that label to him: nerve conduction shows an ulnar neuropathy at the elbow, and the neck "
        "is normal."
    )
    assert m53_codes(note) == set()


def test_a_diagnosis_another_clinician_lists_is_referral_only():
    note = (
        "Neurology follow-up. Migraine improving on propranolol. Her osteopath lists her diagnosis as upper "
        "cervical instability; I have not assessed her neck and offer no view on it.\n"
        "Assessment: migraine without aura, improving."
    )
    assert m53_codes(note) == set()


def test_an_assessment_the_scribe_attributes_to_the_clinician_is_the_authors():
    note = (
        "Ambient scribe note, signed by Dr K. Osei\nHPI: 5 months of right low back pain, no leg symptoms, "
        "failed PT.\nExam: tender T12-L1 facet on the right; neuro normal.\n"
        "Assessment per clinician: thoracolumbar junction syndrome, right."
    )
    assert m53_codes(note) == {"M53.85"}


def test_an_edit_deleting_a_hedge_word_asserts_the_diagnosis():
    note = (
        "AI DRAFT, edited before signing\nAssessment: Possible L5-S1 instability. [Edit: delete \"possible\" - "
        "the flexion-extension films show 5 mm translation; this is L5-S1 segmental instability.]"
    )
    assert m53_codes(note) == {"M53.2X7"}


def test_a_relative_who_tells_the_history_is_the_informant_not_the_patient():
    note = "Spoke with her father, who says she has had neck pain for 4 months.\nA: left C4-5 facet syndrome."
    assert m53_codes(note) == {"M53.82"}
    assert "M54.2" not in alternatives(note)  # the neck pain is the patient's and part of her facet syndrome


def test_a_sibling_found_to_have_the_diagnosis_is_family():
    note = (
        "Sports physical. Per dad, her older sister, who also has Down syndrome, was found to have atlantoaxial "
        "instability at 12 and had a fusion. Patient: no neck pain, normal gait, normal neuro exam; flexion-"
        "extension films normal. Cleared."
    )
    assert m53_codes(note) == set()


# Classes from blind stance batch r22 (scored once at 22e0abc); the notes below are new.


def test_a_status_line_above_the_diagnosis_field_qualifies_it():
    note = (
        "IMAGING PRE-AUTHORIZATION\nDiagnosis status: [ ] Confirmed  [X] Provisional, pending the films requested\n"
        "Diagnosis: L4-5 segmental instability\nClinical: LBP 6 months, catching on rising, no leg symptoms."
    )
    assert m53_codes(note) == set()
    assert "uncertain-diagnosis" in {g.id for g in notecoder.extract(note).gaps}


def test_a_confirmed_status_above_the_field_leaves_it_coded():
    note = (
        "Diagnosis status: [X] Confirmed  [ ] Provisional\nDiagnosis: L4-5 segmental instability, 5 mm translation "
        "on flexion-extension films.\nLBP 8 months; failed PT."
    )
    assert m53_codes(note) == {"M53.2X6"}


@pytest.mark.parametrize(
    "note",
    [
        "UR DETERMINATION\nSubmitted dx: lumbar facet syndrome, right L3-4.\nTreating note 10/2026: R L3-4 facet pain "
        "- gone since the RFA, nothing to treat. Non-certified.",
        "PROBLEM LIST\n| Problem | Status |\n| Hypertension | Active |\n| Coccygodynia | Inactive |\n"
        "A/P: HTN stable.",
        "PT D/C SUMMARY\nReferral dx: L5-S1 segmental instability.\nA: goals met, no giving way for 8 weeks; I "
        "would consider that issue behind him.",
    ],
)
def test_a_diagnosis_gone_inactive_or_behind_the_patient_is_not_coded(note):
    assert m53_codes(note) == set()


def test_a_problem_list_row_still_active_is_coded():
    note = "PROBLEM LIST\n| Problem | Status |\n| Coccygodynia | Active |\nA/P: coccygodynia, cushion, NSAID, 4 months."
    assert m53_codes(note) == {"M53.3"}


@pytest.mark.parametrize(
    "note",
    [
        "Dear Dr Ahmed, thank you for seeing Mr Lowe about his knee. Your letter also mentions a lumbosacral "
        "instability his chiropractor treats; I did not examine his back.\nImpression: medial meniscal tear.",
        "IME. Q2 Pre-existing condition? A2. Dr Shah's chart from 2015 records 'C5-6 facet syndrome', treated with "
        "PT. I did not examine for it today.\nQ1 Diagnosis: lumbar strain, resolved.",
        "I'm worried about occipitocervical instability given her Down syndrome, but flexion-extension films are "
        "needed first.\nPlan: films, no contact sport until read.",
    ],
)
def test_another_clinicians_record_or_a_worry_is_not_todays_diagnosis(note):
    assert m53_codes(note) == set()
