"""Diagnoses and documentation where a note states them, in forms the rules had not read (issue 22, classes 1 and
5): titles qualified by their writer or purpose, a question mark before a diagnosis, dictated levels and numbers,
onsets and durations in words. Notes written here: billing blocks, IME lists, ambient wrap-ups, dictation, SOAP."""

import pytest

import notecoder
from notecoder.levels import parse_levels


def section_of(text: str, concept: str) -> str | None:
    return next(f.section for f in notecoder.extract(text).findings if f.concept == concept)


@pytest.mark.parametrize(
    "text",
    [
        "O: fixation C2 R, suboccipital tenderness.\nDiagnoses (billing block):\n 1. M53.0 Cervicocranial syndrome",
        "Examination: pain on extension.\nDiagnoses (examiner):\n 1. Right C5-6 facet syndrome, chronic.",
        "Findings: restricted C1 on C2.\nWrap-up, Dr. Whitfield to patient: \"I'd call this a craniocervical junction "
        'dysfunction."',
        "Exam: stiff.\nClinician's assessment, as said in the room: left C5-6 facet syndrome.",
    ],
)
def test_a_title_qualified_by_its_writer_or_purpose_is_the_assessment(text):
    finding = next(
        f for f in notecoder.extract(text).findings if f.kind.value == "condition" and f.assertion == "present"
    )
    assert finding.section == "assessment"
    assert notecoder.extract(text).codes


@pytest.mark.parametrize(
    ("words", "levels", "segments"),
    [
        ("L5 S1", ("L5", "S1"), ("L5-S1",)),
        ("C4 5", ("C4", "C5"), ("C4-C5",)),
        ("C4 C5 and C5 C6", ("C4", "C5", "C6"), ("C4-C5", "C5-C6")),
        ("C5 T1", ("C5", "T1"), ()),  # not neighbours: two levels, no segment
        ("C5 12", ("C5",), ()),  # a number that is no neighbour is not a level
    ],
)
def test_dictated_levels_without_a_dash_are_segments(words, levels, segments):
    parsed = parse_levels(words)
    assert parsed is not None and parsed.levels == levels and parsed.segments == segments


def test_a_dictated_segment_gives_its_region_to_what_the_study_excludes():
    text = (
        "MRI lumbar spine from March reviewed, small right L5 S1 facet joint effusion, no disc herniation, no "
        "stenosis. Reflexes 2+, strength 5/5. Six weeks of PT, thirty percent better. Pain x 8 months.\n"
        "Diagnosis period right L5 S1 face it syndrome period."
    )
    result = notecoder.extract(text)
    assert {c.code for c in result.codes} == {"M53.87"}
    assert "exclusions-not-documented" not in {g.id for g in result.gaps}


@pytest.mark.parametrize(
    ("phrase", "value"),
    [
        ("fourteen months of pain low in the back", "P14M"),
        ("pain since last winter, about ten months", "P10M"),
        ("Onset Jan 2026.", "2026"),
        ("onset 03/2025", "2025"),
        ("eighteen months of neck ache", "P18M"),
    ],
)
def test_durations_and_onsets_in_words_and_dates_are_read(phrase, value):
    found = [f.value for f in notecoder.extract("Neck pain. " + phrase).findings if f.kind.value == "chronicity"]
    assert value in found


def test_a_follow_up_interval_is_not_a_duration():
    found = [
        f for f in notecoder.extract("Follow up in approximately 1 week.").findings if f.kind.value == "chronicity"
    ]
    assert not found


def test_a_question_mark_after_a_sentence_opens_the_next_one():
    result = notecoder.extract("S: LBP x5 mo.\nA: LBP. ? L5-S1 instability.\nP: flex/ext XR.")
    back_pain = next(f for f in result.findings if f.concept == "low_back_pain" and f.section == "assessment")
    instability = next(f for f in result.findings if f.concept == "spinal_instability")
    assert back_pain.assertion == "present" and instability.assertion == "possible"
    # "No." before a word ends its sentence: the negation stops there
    facet = next(f for f in notecoder.extract("Any numbness ? No. Facet syndrome L4-5.").findings
                 if f.concept == "facet_syndrome")  # fmt: skip
    assert facet.assertion == "present"


@pytest.mark.parametrize(
    ("text", "response"),
    [
        ("Outcome measures: NDI 40% at initial exam (10/01) -> 22% today after 12 visits of cervical adjusting.",
         "partial"),
        ("VAS was eight out of ten when she started cervical traction in February, today it is four out of ten.",
         "improved"),
        ("VAS 7/10 at visit 1, 4/10 today after 3 adjustments.", "partial"),
        ("Completed 12 PT visits; VAS 7 -> 7 -> 6 across that block, PT 'didn't really change anything'.", "minimal"),
        ("Her Oswestry has gone from 30 per cent to 38 per cent with the physio.", "worsened"),
    ],
)  # fmt: skip
def test_an_outcome_scale_before_and_after_care_is_its_response(text, response):
    cares = [f for f in notecoder.extract(text).findings if f.kind.value == "conservative_care"]
    assert cares and response in {f.value for f in cares}


def test_what_the_patient_denies_and_what_the_plan_will_examine_are_no_exam():
    text = (
        "Interval history: 3 years of upper neck pain; collar helps (6/10 down to 3/10). No new weakness.\n"
        "Exam (video): rotation 70 degrees. Neurologic examination not performed over video.\n"
        "Assessment: C1-C2 instability on flexion MRI, no cord compression, no disc herniation.\n"
        "Plan: in-person visit with full neurologic examination."
    )
    assert ("neuro-exam-not-documented", "M53.2X1") in {(g.id, g.code) for g in notecoder.extract(text).gaps}


def test_a_condition_word_in_a_compound_adjective_is_not_the_condition():
    text = "Neck pain. She did 12 weeks of hypermobility-informed physiotherapy for the neck, which helped."
    assert not [f for f in notecoder.extract(text).findings if f.concept == "spinal_instability"]


def test_an_empty_checkbox_negates_what_it_labels_and_a_ticked_one_does_not():
    text = (
        "Pain location: low back; left leg\n[x] low back pain [ ] neck pain [x] leg pain [ ] bowel/bladder changes\n"
        "Assessment: low back pain with left-sided sciatica."
    )
    findings = {f.text.lower(): f.assertion for f in notecoder.extract(text).findings if f.kind.value != "spinal_level"}
    assert findings["neck pain"] == "negated" and findings["leg pain"] == "present"
    assert "M54.2" not in {a.code for a in notecoder.extract(text).alternatives}


@pytest.mark.parametrize(
    ("title", "section"),
    [
        ("Dx on original order:", "referral"),
        ("Condition claimed on application:", "referral"),
        ("INACTIVATED TODAY", "inactive_problems"),
        ("1. Primary diagnosis:", "assessment"),
    ],
)
def test_form_and_problem_list_headings(title, section):
    text = f"Exam: tender over the L4-5 facets.\n{title}\n- Lumbar facet syndrome L4-5, bilateral."
    finding = next(f for f in notecoder.extract(text).findings if f.concept == "facet_syndrome")
    assert finding.section == section
