"""A spine joint named by its anatomy, a dictation split, or in lay and translated words, and the pain said to come
from it (issue 22, class 3). Classes from blind words batch r12; the notes here are new."""

import pytest

from tests.coding import m53_codes


@pytest.mark.parametrize(
    "note, codes",
    [
        ("Impression: left sacral iliac joint pain, mechanical, 6 months, no radicular signs.", {"M53.3"}),
        ("Dx: R occipito-atlantal joint pain, 4 mo, no trauma.", {"M53.81"}),
        ("A: 90% relief with the C1-2 injection: her suboccipital pain arises from the left lateral atlanto-axial "
         "joint.", {"M53.81"}),
        ("Assessment: the pain comes from the right C5-6 facet joint, confirmed by two concordant blocks.",
         {"M53.82"}),
        ("A: sore tailbone for 5 months, worse sitting, no injury. Cushion, naproxen.", {"M53.3"}),
        ("Diagnosis: shoulder-arm syndrome of cervical origin, left, without root deficit.", {"M53.1"}),
        ("A: hypermobile, clinically unstable L4/5 motion segment on prone instability testing.", {"M53.2X6"}),
        ("Flexion-extension films: 5 mm translation at L4-5.\nAssessment: the L4-5 segment is mechanically "
         "unstable.", {"M53.2X6"}),
    ],
)
def test_spine_joints_and_their_pain_in_other_words(note, codes):
    assert m53_codes(note) == codes


@pytest.mark.parametrize(
    "note",
    [
        "Overnight the patient was clinically unstable and went to ICU. PMH: lumbar spondylosis.",
        "A: her pain arises from the right shoulder joint (subacromial); neck exam normal.",
        "Ankle: mechanically unstable lateral ligament complex after the sprain.",
    ],
)
def test_the_same_words_about_the_patient_or_a_limb_joint_are_not_the_spine(note):
    assert m53_codes(note) == set()


# Classes from blind words batch r13 (scored once at 22e0abc); the notes below are new.


@pytest.mark.parametrize(
    "note, codes",
    [
        ("Dx: L4-5 articular-process joint syndrome, right, 6 months, no radicular signs.", {"M53.86"}),
        ("Impression: posterior intervertebral joint pain C3-4 on the left.", {"M53.82"}),
        ("Diagnosis: lumbar interapophyseal joint syndrome L4-L5, bilateral.", {"M53.86"}),
        ("Conclusion: low-dorsal posterior articular syndrome T10-T11, right.", {"M53.84"}),
        ("A: R T7-8 FJS, 3 months, neuro intact.", {"M53.84"}),
        ("Right buttock pain since spring: it arises from the right L5-S1 apophyseal joint, per two blocks.",
         {"M53.87"}),
        ("Neck pain 2 years; after two concordant blocks the source is the left C2-3 zygapophyseal joint.", {"M53.82"}),
        ("Secondary diagnoses: unstable spinal segment, brace when out of bed.", {"M53.2X9"}),
        ("Impression: L4-5 unstable motion segment on dynamic films, no radicular cause.", {"M53.2X6"}),
        ("Dx: right servico brachial syndrome, arm ache to the elbow, 3 months.", {"M53.1"}),
        ("Impression: Barre-Lieou syndrome after the 2019 whiplash: occipital headache, tinnitus, dizziness.",
         {"M53.0"}),
        ("Diagnosis (translated): cervicocephalic syndrome with occipital headache and vertigo.", {"M53.0"}),
    ],
)
def test_joint_and_syndrome_names_other_writers_use(note, codes):
    assert m53_codes(note) == codes


def test_a_diagnosis_the_work_up_discarded_is_not_coded():
    note = (
        "Interscapular pain; CT angiogram shows a type B aortic dissection. The first impression of a thoracic facet "
        "syndrome was discarded."
    )
    assert m53_codes(note) == set()
