"""The author's stance in therapy discharges, counselling and second opinions (issue 22, class 2; classes from blind
stance batch r26 and words batch r17, notes new): "not (yet) resolved" resolves nothing; an "Inactive / historical" problem list retires what it lists; a
complication that "could follow" surgery, or a condition a symptom would need "assessment for", is hypothetical; a
diagnosis that is "their description" stays theirs; one "replaced by" the author's own is rejected."""

import pytest

from tests.coding import m53_codes


@pytest.mark.parametrize(
    "note, codes",
    [
        ("PT DISCHARGE SUMMARY\nReferral: GP - R cervicobrachial syndrome.\nTreatment: 8 sessions, neural "
         "mobilisation.\nDischarge status: cervicobrachial syndrome improving, not yet resolved; HEP.", {"M53.1"}),
    ],
)  # fmt: skip
def test_a_therapy_discharge_keeps_a_condition_not_yet_resolved(note, codes):
    assert m53_codes(note) == codes


def test_an_inactive_or_historical_problem_list_retires_what_it_lists():
    note = (
        "ACTIVE PROBLEMS\n - Lumbar radiculopathy, R L4\nINACTIVE / HISTORICAL\n - Cervicocranial syndrome (2021) - "
        "treated with PT\nA/P: R L4 radiculopathy, improving after TFESI."
    )
    assert m53_codes(note) == set()


@pytest.mark.parametrize(
    "note",
    [
        "I agree with an L4-5 laminectomy. Were the decompression to take more than half of each facet, an "
        "iatrogenic instability at L4-5 could follow, and a fusion might then be needed.",
        "Counselled mother: if he ever develops neck pain or new clumsiness, that would need urgent assessment for "
        "atlantoaxial instability. Neck ROM full, no symptoms today.",
    ],
)
def test_a_complication_that_could_follow_or_a_condition_to_assess_for_is_hypothetical(note):
    assert m53_codes(note) == set()


def test_a_diagnosis_that_is_their_description_stays_theirs():
    note = (
        "Portal reply: I got the physio clinic's letter. They've written \"thoracic facet syndrome\" - that's their "
        "description, and I have not examined your back myself yet. Let's book a visit next week."
    )
    assert m53_codes(note) == set()


def test_a_referral_diagnosis_replaced_by_the_authors_own_is_rejected():
    note = (
        "Reason: LBP, PCP referral for facet syndrome.\nExam: facet loading + bilat L4-5.\n"
        "A: lumbar facet arthropathy L4-5, symptomatic. Referral dx of facet syndrome replaced by this dx.\n"
        "P: bilat L4-5 MBB."
    )
    assert m53_codes(note) == set()


def test_a_diagnosis_that_would_come_into_consideration_later_is_hypothetical():
    note = (
        "Phone advice: acute low back pain x 3 days, no red flags. Stay active, ibuprofen. Should the pain outlast six "
        "weeks and settle over the L5-S1 facets, a lumbosacral facet syndrome would come into consideration."
    )
    assert m53_codes(note) == set()


def test_the_earlier_condition_named_in_an_opinion_is_history():
    note = (
        "Injuries: sprain of the right wrist, now resolved.\nPast history: coccydynia in 2016, settled within months.\n"
        "Opinion: the wrist injury resolved within five months. The earlier coccydynia has no bearing on this claim."
    )
    assert m53_codes(note) == set()
