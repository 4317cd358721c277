"""Section titles as other writers set them: without a colon on a line of their own, a study's impression pasted
into a clinic note, a records review and a differential diagnosis."""

import notecoder


def sections_of(text: str, concept: str) -> list[str | None]:
    return [f.section for f in notecoder.extract(text).findings if f.concept == concept]


def test_a_title_alone_on_its_line_needs_no_colon():
    text = (
        "HPI: neck pain x3 months.\nExam: tender C5-6 facets.\nASSESSMENT AND PLAN\n1. Cervical facet syndrome C5-6.\n"
    )
    assert sections_of(text, "facet_syndrome") == ["assessment_and_plan"]
    assert "M53.82" in {c.code for c in notecoder.extract(text).codes}


def test_a_title_word_inside_a_sentence_is_still_prose():
    text = "Exam: tender.\nWe discussed the assessment\nof her neck with her. Facet syndrome suspected.\n"
    assert "assessment" not in sections_of(text, "facet_syndrome")


def test_a_pasted_study_impression_is_the_studys_not_the_authors_assessment():
    text = (
        "MRI LUMBAR SPINE 01/22/2026\nFINDINGS: L4-5 extrusion. L5-S1: mild disc bulge.\n"
        "IMPRESSION:\n1. L4-5 disc extrusion.\n2. Mild L5-S1 disc bulge.\n\n"
        "Assessment: Left L5 radiculopathy due to L4-L5 disc extrusion.\nPlan: TFESI.\n"
    )
    found = {a.code for a in notecoder.extract(text).alternatives}
    assert "M51.16" in found and "M51.27" not in found


def test_a_standalone_radiology_report_keeps_its_impression():
    text = "EXAM: MRI lumbar spine.\nFINDINGS: L4-5 disc protrusion.\nIMPRESSION: L4-5 disc protrusion.\n"
    assert "M51.26" in {a.code for a in notecoder.extract(text).alternatives}


def test_diagnoses_listed_from_old_records_are_not_todays():
    text = (
        "RECORDS REVIEWED:\n1. Dr. Ruiz 2021: lumbar radiculopathy, lumbar sprain.\n\n"
        "Assessment: chronic mechanical low back pain. No radicular findings today.\n"
    )
    found = {a.code for a in notecoder.extract(text).alternatives}
    assert not found & {"M54.16", "S33.5XXA"} and "M54.50" in found


def test_a_differential_diagnosis_is_not_asserted():
    text = "Assessment: back pain.\nDIFFERENTIAL DIAGNOSIS: discitis, vertebral osteomyelitis, strain.\n"
    findings = [f for f in notecoder.extract(text).findings if f.concept in ("discitis", "vertebral_osteomyelitis")]
    assert findings and all(f.assertion == "possible" for f in findings)
