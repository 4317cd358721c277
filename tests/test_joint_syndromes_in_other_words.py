"""A spinal joint syndrome named by its joint or in shorthand (issue 22, class 3): the uncovertebral joints (of
Luschka), the costovertebral and costotransverse joints, "z-jt synd", dictation splits ("facet ted", "zygo apo
fiscal"); and sacrodynia, an M53 code whichever reading builds it."""

import pytest

import notecoder
from tests.coding import m53_codes


@pytest.mark.parametrize(
    ("note", "code"),
    [
        ("Impression: left C4-5 uncovertebral joint syndrome; no radicular signs.", "M53.82"),
        ("A: right C5-6 joint of Luschka syndrome.", "M53.82"),
        ("Dx: R T7 costovertebral joint syndrome - pain with deep breath and rib springing.", "M53.84"),
        ("A/P: L T4-5 costotransverse joint syndrome; ice, mobs.", "M53.84"),
        ("A: R C6-7 z-jt synd.", "M53.82"),
        ("assessment colon right C5 6 facet ted joint syndrome period", "M53.82"),
        ("impression colon left C3 4 zygo apo fiscal joint syndrome period", "M53.82"),
        ("A: CT-jxn z-jt synd, L.", "M53.83"),
    ],
)
def test_a_joint_syndrome_in_other_words_codes_its_region(note, code):
    assert m53_codes(note) == {code}


def test_sacrodynia_is_a_proposed_m53_code():
    result = notecoder.extract("Physio impression: sacrodynia, 1 yr, local sacral pain; NSAID helped 30%.")
    assert "M53.3" in {c.code for c in result.codes}
    assert "M53.3" not in {a.code for a in result.alternatives}


@pytest.mark.parametrize(
    ("note", "code"),
    [
        ("A: TLJS, L side, T12-L1 tender; no radicular signs.", "M53.85"),
        ("Impression: pain of the left sacroiliac joint, 4 months.", "M53.3"),
        ("Diagnostic judgement: lumbar facetary syndrome L4-L5.", "M53.86"),
        ("Post-procedure diagnosis: chronic pain at the sacrococcygeal junction.", "M53.3"),
        ("My diagnosis is dysfunction of the cervicothoracic junction, left-sided.", "M53.83"),
    ],
)
def test_abbreviations_calques_and_inverted_names(note, code):
    assert m53_codes(note) == {code}


@pytest.mark.parametrize(
    ("note", "code"),
    [
        ("A: pain arising from the L sacroiliac articulation, 3 months.", "M53.3"),
        ("Impression: dorsolumbar junctional syndrome (T12-L1), left.", "M53.85"),
        ("Impression: posterior ligamentous complex incompetence at T12-L1, symptomatic.", "M53.2X5"),
        ("A: transverse ligament insufficiency C1-2 on flexion views.", "M53.2X1"),
    ],
)
def test_instability_by_its_ligament_and_other_prose_names(note, code):
    assert m53_codes(note) == {code}


def test_a_wrists_carpal_instability_is_not_the_spine():
    assert m53_codes("Post-op dx: dynamic carpal instability, L wrist; scapholunate instability.") == set()
