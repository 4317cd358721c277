"""Round ten of issue 22: a letter's diagnosis in prose inside the paragraph its examination heading opened, joint
names abbreviated as notes abbreviate them ("facet jt", "SI jt"), a sacrococcygeal joint pain syndrome, and a joint's
pain beside the instability that explains it. Notes written here in letter and telegraphic styles."""

import pytest

import notecoder
from tests.coding import m53_codes

LETTER = (
    "Dear Dr Okonkwo,\nRe: Ms P. Raman\n"
    "Examination: reflexes brisk and equal, power 5/5, Spurling's negative. Nerve conduction studies are normal and "
    "the cervical MRI shows no disc prolapse. {phrase} a cervico-brachial syndrome rather than a radiculopathy. "
    "Ten months of symptoms; physiotherapy gave modest relief only.\nI have suggested a further course of therapy.\n"
)


@pytest.mark.parametrize("phrase", ["I am satisfied this is", "My diagnosis is", "My impression is that this is"])
def test_a_first_person_diagnosis_inside_the_examination_paragraph_is_the_assessment(phrase):
    text = LETTER.format(phrase=phrase)
    syndrome = next(f for f in notecoder.extract(text).findings if f.concept == "cervicobrachial_syndrome")
    assert syndrome.section == "assessment"
    assert m53_codes(text) == {"M53.1"}


def test_the_examination_goes_on_after_the_line_of_prose():
    text = (
        "Examination: full range. My diagnosis is a right C5-6 facet syndrome, 9 months.\n"
        "Reflexes 2+ and symmetric, no Hoffmann sign.\nPlan: medial branch blocks."
    )
    sections = {f.text: f.section for f in notecoder.extract(text).findings}
    assert sections["C5-6 facet syndrome"] == "assessment"
    assert sections["Reflexes"] == sections["Hoffmann sign"] == "physical_exam"


def test_someone_elses_diagnosis_in_records_stays_theirs():
    text = (
        "Records reviewed: chiropractic notes 2025; the chiropractor wrote my diagnosis is cervicobrachial syndrome.\n"
        "Opinion: no current spinal diagnosis."
    )
    assert not m53_codes(text)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("A: Bilat lumbar apophyseal jt syndrome L3-4, L4-5. No radicular features.", "M53.86"),
        ("A: R C5-6 facet jt syndrome, 8 mo.", "M53.82"),
        ("Dx (pre and post): Sacro-coccygeal joint pain syndrome. 18 months, after delivery.", "M53.3"),
    ],
)
def test_joint_names_as_notes_abbreviate_them(text, code):
    assert m53_codes(text) == {code}


def test_a_joints_pain_is_part_of_the_instability_that_explains_it():
    text = (
        "43F, R SI jt pain x 1 yr, giving way on stairs. PT 12 wk - 30% better.\n"
        "O/E: ASLR +, thigh thrust +; str 5/5, DTR 2+. MRI SIJ: no sacroiliitis.\n"
        "A: R sacroiliac joint instability (hypermobile SIJ)."
    )
    assert m53_codes(text) == {"M53.2X8"}


def test_an_examiners_opinions_are_the_assessment_and_outweigh_the_claim():
    text = (
        "IME -- opinions\nClaimed condition: 'chronic lumbar facet syndrome secondary to work injury of 05/2021'\n"
        "Records: 05/2021 lumbar sprain, MMI with no residuals 02/2022.\n"
        "Examination: facet loading negative, no radicular signs, reflexes and strength normal.\n"
        "Opinions:\n1. The 2021 lumbar sprain resolved by 02/2022.\n"
        "2. I find no evidence of a lumbar facet syndrome; that diagnosis is not supported.\n"
        "3. Current diagnosis: non-specific low back pain."
    )
    assert not m53_codes(text)
    assert {"M54.50"} <= {a.code for a in notecoder.extract(text).alternatives}


def test_dorsolumbar_is_the_thoracolumbar_junction():
    assert m53_codes("My diagnosis is a dorsolumbar junction syndrome, left T12-L1, for two years.") == {"M53.85"}
