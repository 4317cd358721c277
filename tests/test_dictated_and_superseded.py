"""Round seven of issue 22: dictation that spells its punctuation ("comma", "period", "colon"), stances in the words
writers used for a rejected or resolved diagnosis, and headings whose diagnosis is someone else's or superseded: an
admitting diagnosis before the discharge diagnoses, a claim's diagnosis on file, a booking's scheduled diagnosis.
Notes written here in the styles that showed each: speech recognition, consultant letters, payer forms, discharge
summaries, procedure notes."""

import pytest

import notecoder
from notecoder.result import Assertion, Stance
from tests.coding import m53_codes

DICTATED = (
    "office note dictated by doctor Ngata for patient Ruth Olsen comma 58 year old female period new paragraph "
    "history colon aching at the base of the neck for 7 months comma no injury period she did 10 weeks of physical "
    "therapy and naproxen without much change period new paragraph exam colon tender over the left C7 T1 facet comma "
    "reflexes 2 plus and symmetric comma strength 5 over 5 period MRI colon no disc herniation comma no stenosis "
    "period new paragraph assessment colon left cervicothoracic facet syndrome at C7 T1 comma no radicular "
    "involvement period plan colon medial branch blocks period"
)


def conditions(text: str, setting: str = "outpatient"):
    result = notecoder.extract(text, setting=setting)
    return result, [f for f in result.findings if f.kind.value == "condition"]


def test_spoken_punctuation_ends_sentences_and_titles_sections():
    doc = notecoder.load()(DICTATED)
    sentences = [s.text for s in doc.sents]
    assert "no radicular involvement period" in sentences[-2] or any(
        s.endswith("no radicular involvement period") for s in sentences
    )
    assert not any("no stenosis" in s and "cervicothoracic" in s for s in sentences)
    titles = {doc[s.title_start : s.title_end].text: s.category for s in doc._.notecoder_sections if s.category}
    assert titles["assessment colon"] == "assessment"
    assert titles["exam colon"] == "physical_exam"


def test_a_dictated_negation_reaches_only_its_own_sentence():
    """Read as one sentence, the MRI's 'no' and the impression's 'no radicular' negated the facet syndrome."""
    result, found = conditions(DICTATED)
    facet = next(f for f in found if f.concept == "facet_syndrome")
    assert facet.assertion == Assertion.PRESENT and facet.section == "assessment"
    assert DICTATED[facet.start : facet.end] == facet.text
    assert {c.code for c in result.codes} == {"M53.83"}


def test_a_spelled_out_abbreviation_heads_a_dictated_section():
    text = (
        "spine clinic dictation comma patient is a 51 year old welder period exam colon painful catch on return from "
        "flexion comma strength 5 over 5 period new paragraph D X colon lumbar segmental instability at L4 dash 5 "
        "period plan colon core program comma brace period"
    )
    _, found = conditions(text)
    instability = next(f for f in found if f.concept == "spinal_instability")
    assert instability.section == "assessment"


@pytest.mark.parametrize(
    "text",
    [
        # typed notes: the words are words, not marks
        "Assessment: neck pain for a period of 6 weeks; no radicular symptoms. Cervical facet syndrome C5-6.",
        "Dx: colon cancer, remote. Exam colon tenderness noted.\nAssessment: C5-6 facet syndrome.",
    ],
)
def test_a_typed_note_keeps_period_and_colon_as_words(text):
    doc = notecoder.load()(text)
    assert not any(doc[s.title_start : s.title_end].text.endswith("colon") for s in doc._.notecoder_sections)
    assert m53_codes(text) == {"M53.82"}


@pytest.mark.parametrize(
    ("text", "concept", "stance", "cue"),
    [
        ("Dear Dr Hale,\nShe had three years of coccydynia before the coccygectomy. I am pleased to say the "
         "coccydynia has gone and she sits through a working day.", "coccygodynia", Stance.RESOLVED, "has gone"),
        ("osteopathic clinic dictation comma the emergency department impression of thoracic spine instability at "
         "T6 T7 comma which she has repeated to her family comma is not one I can support period",
         "spinal_instability", Stance.REJECTED, "not one I can support"),
        ("Assessment: the sacrococcygeal disorder entered by urgent care and copied onto the referral is, on today's "
         "exam and films, not one that I can support. This is a pilonidal abscess.",
         "coccygodynia", Stance.REJECTED, "not one that I can support"),
    ],
)  # fmt: skip
def test_new_words_for_a_resolved_or_rejected_diagnosis(text, concept, stance, cue):
    result = notecoder.extract(text)
    found = [f for f in result.findings if f.concept == concept]
    last = found[-1]
    assert last.stance == stance and last.assertion_cause is not None
    assert last.assertion_cause.text.lower() == cue.lower()
    assert not {c.code for c in result.codes if c.code.startswith("M53")}


def test_a_pain_that_has_gone_up_is_not_resolved():
    result, found = conditions("Neck pain has gone up from 4/10 to 7/10 since the move. Assessment: neck pain.")
    assert all(f.stance != Stance.RESOLVED for f in found)


DISCHARGE = (
    "DISCHARGE SUMMARY\nAdmitted: 11/02/2026  Discharged: 11/05/2026\n"
    "Admitting diagnosis (ED): Lumbar segmental instability\n"
    "Discharge diagnoses:\n1. Acute L1 compression fracture after a fall down the stairs on 11/02/2026\n"
    "2. Type 2 diabetes\nHospital course: CT showed an acute L1 compression fracture; TLSO, analgesia, PT.\n"
)


def test_an_admitting_diagnosis_gives_way_to_the_discharge_diagnoses():
    _, found = conditions(DISCHARGE, "inpatient")
    instability = next(f for f in found if f.concept == "spinal_instability")
    assert instability.section == "records_review" and instability.assertion == Assertion.HISTORICAL
    assert not m53_codes(DISCHARGE, "inpatient")


def test_an_admission_note_keeps_its_admitting_diagnosis():
    text = (
        "ADMISSION H&P\nHPI: 2 years of low back pain catching on extension, failed PT and NSAIDs; MRI no disc "
        "herniation; neuro intact.\nAdmitting diagnosis: L4-5 segmental instability.\nPlan: flexion-extension films."
    )
    _, found = conditions(text, "inpatient")
    instability = next(f for f in found if f.concept == "spinal_instability")
    assert instability.section == "assessment"
    assert m53_codes(text, "inpatient") == {"M53.2X6"}


def test_a_claims_diagnosis_on_file_is_the_carriers_beside_the_authors_own():
    text = (
        "PHYSICIAN'S INITIAL TREATMENT REPORT\n"
        "Carrier's accepted body part / diagnosis on file: Cervical - spinal instability, cervical region (2023)\n"
        "Body part examined today: [X] Low back  [ ] Neck\n"
        "Diagnosis this visit: Sprain of lumbar ligaments, acute, lifting at work 05/04/2026.\n"
    )
    _, found = conditions(text)
    instability = next(f for f in found if f.concept == "spinal_instability")
    assert instability.section == "referral" and instability.stance == Stance.REFERRAL_ONLY
    assert not m53_codes(text)


def test_a_diagnosis_on_file_the_treating_physician_agrees_with_is_coded():
    text = (
        "REPORT OF CONTINUING TREATMENT\nAccepted diagnosis on file: C7-T1 facet syndrome\n"
        "Do you agree with the diagnosis on file? [X] Yes [ ] No. Matches my own examination.\n"
        "Findings: chronic since 2023, tender C7-T1 facets, reflexes 2+, MRI no disc herniation.\n"
        "Plan: C7-T1 radiofrequency neurotomy."
    )
    assert m53_codes(text) == {"M53.83"}


def test_a_bookings_scheduled_diagnosis_the_proceduralist_replaces_is_not_coded():
    text = (
        "PROCEDURE NOTE - lumbar medial branch radiofrequency neurotomy\n"
        "Scheduled diagnosis (booking request): Lumbar spinal instability L3-L5.\n"
        "Diagnosis: Right lumbar facet syndrome, L3-4 and L4-5, for 2 years.\n"
        "Procedure: RF lesioning of the right L2, L3 and L4 medial branches."
    )
    assert m53_codes(text) == {"M53.86"}


@pytest.mark.parametrize(
    ("text", "trauma"),
    [
        ("Neck pain for three years; 10 visits of PT last fall helped for a few weeks.", False),
        ("She slipped and fell on the ice last fall; neck pain since.", True),
        ("Neck pain since a fall down the stairs last week.", True),
    ],
)
def test_last_fall_is_a_season_not_a_fall(text, trauma):
    found = [f for f in notecoder.extract(text).findings if f.kind.value == "trauma"]
    assert bool(found) == trauma


def test_a_problem_list_reconciliation_retires_its_entries():
    text = (
        "A/P:\n1. HTN - controlled.\n2. Problem list reconciliation:\n"
        ' - "Cervicobrachial syndrome, right" (imported 2022 from an outside note): REMOVED. Never substantiated.\n'
        ' - "Chronic low back pain": inactivated - no back pain for 2 yrs.\n'
    )
    _, found = conditions(text)
    assert {f.concept: f.stance for f in found if f.concept == "cervicobrachial_syndrome"} == {
        "cervicobrachial_syndrome": Stance.REJECTED
    }
    assert all(f.assertion != Assertion.PRESENT for f in found)
    assert not notecoder.extract(text).codes


def test_a_referral_forms_diagnosis_told_in_prose_is_the_referrers():
    text = (
        "neurology consult period referred by Dr Gaines comma chiropractor comma whose referral form diagnosis reads "
        "quote posterior cervical sympathetic syndrome end quote period impression colon migraine with aura period"
    )
    _, found = conditions(text)
    syndrome = next(f for f in found if f.concept == "cervicocranial_syndrome")
    assert syndrome.stance == Stance.REFERRAL_ONLY and syndrome.assertion == Assertion.HISTORICAL
    assert not m53_codes(text)


@pytest.mark.parametrize(
    "text",
    [
        "Date of exam: 11/17/2026\n1. Diagnosis (describe in your own words; ICD code optional): Chronic left L4-5 "
        "facet syndrome, since 2021.",
        "Date of examination: 11/17/2026   Time of exam: 09:10\nDiagnosis: Chronic left L4-5 facet syndrome.",
    ],
)
def test_a_date_field_is_not_an_exam_section(text):
    _, found = conditions(text)
    facet = next(f for f in found if f.concept == "facet_syndrome")
    assert facet.section == "assessment"
    assert m53_codes(text) == {"M53.86"}
