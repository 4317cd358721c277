"""The author's final statement is what is coded (issue 22): a dorsopathy named only outside the assessment (the exam,
a study, another clinician's records, the past history) beside an assessment that names the author's own spine
diagnoses and not it is not today's diagnosis. The history of the present illness keeps its own (the M53.82 seed's
pitfall 4: an incidental dorsopathy is coded, sequenced after the assessment's), and without such an assessment, or
with only a pain in it, the mention stands as before."""

import pytest

from tests.coding import alternatives, m53_codes


@pytest.mark.parametrize(
    "note",
    [
        "Exam: L5 dermatomal numbness, EHL 4/5, SLR + left; tender L4-5 facets, facet syndrome by exam.\n"
        "MRI: L4-5 left paracentral extrusion.\nAssessment: L4-5 disc herniation with left L5 radiculopathy.",
        "Records reviewed: 2021 chiropractic notes list cervicobrachial syndrome.\nExam: Spurling negative.\n"
        "Impression: C5-6 spondylosis without myelopathy or radiculopathy; mechanical neck pain.",
    ],
)
def test_a_dorsopathy_the_assessment_leaves_out_is_not_coded(note):
    assert m53_codes(note) == set()


def test_the_assessment_s_own_diagnosis_is_still_coded():
    note = (
        "HPI: known L4-5 facet syndrome, worse since October.\nExam: facet loading + L4-5 bilat.\n"
        "Assessment: lumbar facet syndrome L4-5; also L5-S1 disc degeneration."
    )
    assert m53_codes(note) == {"M53.86"}
    assert "M51.37" in {a[:6] for a in alternatives(note)}


@pytest.mark.parametrize(
    "note, codes",
    [
        ("HPI: cervicothoracic junction syndrome for 5 months, failed PT.\nExam: tender C7-T1.\nPlan: MBB C7-T1.",
         {"M53.83"}),
        ("HPI: thoracolumbar junction syndrome per the PCP, 4 months.\nExam: T12-L1 tender.\nA: low back pain.",
         {"M53.85"}),
    ],
)
def test_without_an_assessment_of_spine_diagnoses_the_mention_stands(note, codes):
    assert m53_codes(note) == codes


@pytest.mark.parametrize(
    "note, codes",
    [
        ("A: cervicothoracic junction syndrome, right, 5 months.", {"M53.83"}),
        ("Impression: CTJ syndrome, C7-T1 tender, neuro intact.", {"M53.83"}),
        ("Dx: lumbosacral junction syndrome, L5-S1.", {"M53.87"}),
    ],
)
def test_a_junction_syndrome_is_named_at_each_junction(note, codes):
    assert m53_codes(note) == codes


def test_a_problem_oriented_plan_keeps_its_own_problem():
    note = (
        "A: L4-5 facet syndrome, right.\nP: RF ablation R L4-5.\n#2 Coccygodynia since 2023, no trauma: cushion, "
        "ganglion impar block if no better."
    )
    assert m53_codes(note) == {"M53.86", "M53.3"}


@pytest.mark.parametrize(
    "note",
    [
        "Referral dx: cervicothoracic junction syndrome.\nS: neck ache.\nThe referral diagnosis was not assessed "
        "at this visit; exam deferred to the consultant.",
        "Referral dx: cervicothoracic junction syndrome.\nThat diagnosis was not assessed at this visit.",
        "CHIRO DISCHARGE\nIntake dx: cervicothoracic junction syndrome, C7-T1.\nToday: 0/10 for a month.\n"
        "Assessment: the junction complaint has run its course. Goals met.",
    ],
)
def test_a_referral_not_assessed_or_a_complaint_that_has_run_its_course_is_not_coded(note):
    assert m53_codes(note) == set()
