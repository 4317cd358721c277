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
