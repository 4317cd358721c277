"""Round nine of issue 22: the author's stance said where the earlier rounds did not look for it. A withdrawal in a
procedure note's addendum or a resolution in a discharge status line outweighs the diagnosis lines above it; a form
says its doubt in a ticked status box or answers its question with "[X] No"; a letter leans towards one of two
diagnoses; a dictated "?" follows a spoken full stop. Notes written here in those styles."""

import pytest

import notecoder
from notecoder.result import Assertion, Stance
from tests.coding import m53_codes


def finding(text: str, concept: str):
    return [f for f in notecoder.extract(text).findings if f.concept == concept]


def test_a_withdrawal_in_a_procedure_addendum_outweighs_the_diagnosis_lines():
    text = (
        "PROCEDURE NOTE\nPre-procedure diagnosis: Bilateral L4-L5 facet syndrome\n"
        "Post-procedure diagnosis: Bilateral L4-L5 facet syndrome\n"
        "Procedure: bilateral L3 and L4 medial branch blocks, fluoroscopic guidance.\n"
        "Indication: 8 months of axial low back pain; PT and NSAIDs without benefit; MRI no disc herniation.\n"
        "ADDENDUM 11/20/2026: Pain diary shows 0-10% relief. Facet syndrome is not confirmed and I am withdrawing "
        "it. Post-procedure diagnosis corrected to: chronic axial low back pain."
    )
    withdrawn = finding(text, "facet_syndrome")[-1]
    assert withdrawn.stance == Stance.REJECTED and withdrawn.assertion_cause is not None
    assert withdrawn.assertion_cause.rule.startswith("REJECTED")  # the withdrawal, not the bare negation, is named
    assert not m53_codes(text)


def test_a_resolution_in_a_discharge_status_line_outweighs_the_referral():
    text = (
        "PHYSIOTHERAPY DISCHARGE SUMMARY\nReferred 07/2026 by Dr. Lowe for coccydynia after delivery.\n"
        "Treatment: 7 sessions of coccygeal mobilisation and a wedge cushion.\n"
        "Status at discharge: Coccydynia resolved. Sits two hours without pain.\nPlan: discharged."
    )
    assert not m53_codes(text)


def test_a_resolution_in_the_history_does_not_outweigh_todays_diagnosis():
    text = (
        "PMH: lumbar facet syndrome 2019, resolved after RFA.\n"
        "HPI: 4 months of recurrent right L4-5 facet pain; PT without benefit; MRI no herniation; reflexes 2+.\n"
        "Assessment: Recurrent right L4-5 facet syndrome."
    )
    assert m53_codes(text) == {"M53.86"}


@pytest.mark.parametrize(
    "status",
    ["   Status: [X] Provisional   [ ] Confirmed", "   Status of diagnosis: [ ] Confirmed  [X] Provisional - pending"],
)
def test_a_ticked_provisional_box_under_the_diagnosis_makes_it_uncertain(status):
    text = (
        "ATTENDING PHYSICIAN STATEMENT\n1. Diagnosis: Cervicobrachial syndrome, right\n" + status + "\n"
        "2. Symptoms: neck pain into the right arm for 7 weeks.\n3. Treatment: naproxen - partial relief."
    )
    syndrome = finding(text, "cervicobrachial_syndrome")[0]
    assert syndrome.assertion == Assertion.POSSIBLE and syndrome.stance == Stance.UNCERTAIN
    assert not m53_codes(text)
    assert "uncertain-diagnosis" in {g.id for g in notecoder.extract(text).gaps}


def test_a_confirmed_box_leaves_the_diagnosis_asserted():
    text = (
        "ATTENDING PHYSICIAN STATEMENT\n1. Diagnosis: Right C5-6 facet syndrome\n   Status: [ ] Provisional  "
        "[X] Confirmed\n2. Symptoms: neck pain for 9 months; MRI no disc herniation; reflexes 2+; PT - partial relief."
    )
    assert m53_codes(text) == {"M53.82"}


def test_a_form_question_answered_no_negates_what_it_asks():
    text = (
        "LIFE INSURANCE - ATTENDING PHYSICIAN'S QUESTIONNAIRE\n"
        "Family history: Father - cervical spinal instability (C1-C2), fused at 58.\n"
        "Back or neck disorder, sciatica, disc disease or spinal surgery?   [ ] Yes   [X] No\n"
        "Exam: full painless spinal range of motion."
    )
    found = [f for f in notecoder.extract(text).findings if f.kind.value == "condition"]
    assert {f.text.lower(): f.assertion for f in found if f.text.lower() in ("neck disorder", "sciatica")} == {
        "neck disorder": Assertion.NEGATED,
        "sciatica": Assertion.NEGATED,
    }
    assert not notecoder.extract(text).codes


def test_a_form_question_answered_yes_keeps_the_condition():
    text = "Neck disorder now?   [X] Yes   [ ] No\nDiagnosis: cervicobrachial syndrome, right, for 3 months."
    assert m53_codes(text) == {"M53.1"}


@pytest.mark.parametrize(
    ("text", "stance"),
    [
        ("I lean towards a right L4-5 facet syndrome rather than a myofascial source, but I can't separate the two "
         "with confidence until a medial branch block.", Stance.UNCERTAIN),
        ("I do not believe he has lumbar instability, and I suggest it be removed from his problem list.",
         Stance.REJECTED),
        ("He told her that the problem the urgent care doctor called a cervicobrachial syndrome, which the nerve "
         "study and the wrist findings explain better, he does not believe she has.", Stance.REJECTED),
    ],
)  # fmt: skip
def test_more_words_for_doubt_and_rejection(text, stance):
    mention = next(f for f in notecoder.extract(text).findings if f.kind.value == "condition")
    assert mention.stance == stance
    assert not m53_codes(text)


def test_a_dictated_question_mark_after_a_spoken_full_stop():
    text = (
        "office note comma mid back pain for three weeks comma no injury period exam colon tender left T7 T8 facet "
        "period assessment colon number one left mid back pain period ? left T7 T8 facet syndrome period plan colon "
        "physical therapy period"
    )
    facet = finding(text, "facet_syndrome")[0]
    assert facet.stance == Stance.UNCERTAIN
    assert not m53_codes(text)


def test_a_cause_the_author_excludes_is_negated():
    text = (
        "Impression: cervicothoracic facet syndrome at C7-T1, without radicular features, not due to a disc "
        "herniation. MRI: no disc herniation. 5 months. PT - 30% better. Reflexes 2+."
    )
    herniations = finding(text, "disc_displacement") or finding(text, "disc_herniation")
    assert herniations and all(f.assertion == Assertion.NEGATED for f in herniations)
    assert m53_codes(text) == {"M53.83"}


def test_a_claims_referral_on_file_beside_the_requesting_physicians_own_diagnosis():
    text = (
        "PRIOR AUTHORIZATION REQUEST\nReferral on file (PCP, 09/2026): Dx M53.2X6 - Spinal instabilities, lumbar "
        "region\nDiagnosis for this request: L4-L5 disc herniation with left L5 radiculopathy\n"
        "Clinical summary: left leg pain for 10 weeks, EHL 4/5, MRI L4-5 extrusion compressing L5."
    )
    instability = finding(text, "spinal_instability")[0]
    assert instability.section == "referral"
    assert not m53_codes(text)


def test_a_referring_physicians_diagnosis_the_examiner_concurs_with_is_coded():
    text = (
        "TREATING PHYSICIAN REPORT\nDiagnosis per referring physician (Dr. Kohl): L4-5 segmental instability.\n"
        "[X] I concur with this diagnosis   [ ] I do not concur\n"
        "Findings: flexion-extension films 14 degrees angulation at L4-5; MRI no disc herniation; DTR 2+.\n"
        "Prior care: PT 12 sessions, NSAIDs - minimal lasting benefit. Pain continuous for 3 years."
    )
    assert m53_codes(text) == {"M53.2X6"}


def test_a_forms_diagnosis_status_line_and_a_working_qualifier_are_doubt():
    status = (
        "ATTENDING PHYSICIAN'S REPORT\nDiagnosis: L4-5 segmental instability   ICD-10: M53.2X6\n"
        "Diagnosis status: [X] Provisional  [ ] Final\nTreatment to date: PT x 4 weeks - minimal change"
    )
    working = (
        "ATTENDING PHYSICIAN STATEMENT\nPrimary diagnosis (working): lumbosacral posterior element syndrome, L5-S1\n"
        "Symptoms: low back pain across the belt line.\nDiagnosis will be confirmed or revised after: [X] MRI"
    )
    for text in (status, working):
        assert not m53_codes(text)
        assert "uncertain-diagnosis" in {g.id for g in notecoder.extract(text).gaps}


def test_symptoms_under_a_working_diagnosis_field_are_still_the_patients():
    text = (
        "Clinical indication / working diagnosis: r/o cervicocranial syndrome\n"
        "Symptoms:  [X] Neck pain  [X] Headache (occipital)\nDuration: 6-12 wk"
    )
    neck = next(f for f in notecoder.extract(text).findings if f.concept == "neck_pain")
    assert neck.assertion == Assertion.PRESENT


@pytest.mark.parametrize(
    "text",
    [
        "assessment colon number 1 right sided neck pain comma question mark right C2 3 facet syndrome period "
        "plan colon diagnostic medial branch block period",
        "Impression: mechanical low back pain. Segmental instability at L5-S1 is a strong contender, but I would not "
        "label him with it until standing flexion-extension radiographs have been done.",
    ],
)
def test_a_spoken_question_mark_and_a_contender_are_doubt(text):
    assert not m53_codes(text)


def test_an_examiners_answer_not_present_rejects_the_treaters_diagnosis():
    text = (
        "INDEPENDENT MEDICAL EVALUATION\nQuestion 1 - Diagnosis. The treating chiropractor has diagnosed "
        "cervicocranial syndrome after the collision.\nImaging: cervical MRI 08/2024 normal.\n"
        "Answers: 1) Cervical sprain/strain: resolved. 2) Cervicocranial syndrome: not present; the headaches are "
        "migrainous."
    )
    assert not m53_codes(text)


def test_a_label_named_before_the_first_heading_gives_way_to_the_authors_own_assessment():
    text = (
        "Ms R, 52, referred by her chiropractor, who diagnosed lumbar instability and has been adjusting L4-5.\n"
        "Exam: reflexes 2+, SLR negative. Flexion-extension films: no abnormal motion.\n"
        "Assessment: L4-5 degenerative disc disease with discogenic low back pain, 2 years."
    )
    assert not m53_codes(text)


def test_the_preambles_diagnosis_stands_when_the_assessment_restates_it_or_names_none():
    restated = (
        "Referred for right L4-5 facet syndrome, 9 months; PT without benefit.\nExam: facet loading positive.\n"
        "Assessment: right L4-5 facet syndrome."
    )
    none_named = "Right L4-5 facet syndrome, 9 months; PT without benefit.\nExam: facet loading positive.\nPlan: MBB."
    assert m53_codes(restated) == m53_codes(none_named) == {"M53.86"}
