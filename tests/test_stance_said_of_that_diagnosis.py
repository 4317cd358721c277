"""The author's stance said in a later sentence about "that diagnosis": a rejection, a resolution or a doubt whose
sentence names no condition of its own is about the diagnosis named just before it."""

import pytest

import notecoder
from tests.coding import m53_codes


@pytest.mark.parametrize(
    "note",
    [
        "HPI: 52M, neck pain 1 yr. Dr. Patel diagnosed right C5-6 facet syndrome in March.\n"
        "Exam: non-focal, full ROM.\nAssessment: Chronic neck pain. I am not able to confirm that diagnosis.",
        "A: Thoracolumbar junction syndrome was suggested by the chiropractor. That label does not fit: the pain is "
        "diffuse and non-mechanical.",
        "Assessment: Coccygodynia after the fall in 2019. This diagnosis no longer applies; she has been pain free "
        "since the ganglion impar block.",
        "IME opinion: the treating chiropractor records cervicocranial syndrome. Having examined her, I do not accept "
        "that diagnosis.",
    ],
)
def test_a_rejection_of_that_diagnosis_leaves_it_uncoded(note):
    assert m53_codes(note) == set()


@pytest.mark.parametrize(
    "note",
    [
        "Impression: L5-S1 segmental instability. This diagnosis remains provisional until flexion-extension films "
        "are done.",
        "Impression: R C3-4 facet syndrome.\nThat diagnosis remains to be confirmed by a medial branch block.",
    ],
)
def test_a_doubt_about_that_diagnosis_makes_it_uncertain(note):
    result = notecoder.extract(note)
    assert not [c for c in result.codes if c.code.startswith("M53")]
    assert "uncertain-diagnosis" in {g.id for g in result.gaps}


def test_the_stance_names_its_cue():
    result = notecoder.extract("A: Coccygodynia. That diagnosis is not supported by today's exam.")
    found = [f for f in result.findings if f.concept == "coccygodynia"]
    assert found and found[0].assertion.value == "negated"
    assert found[0].assertion_cause is not None and "not supported" in found[0].assertion_cause.text


@pytest.mark.parametrize(
    ("note", "code"),
    [
        ("A: Cervicocranial syndrome. That diagnosis explains her occipital headaches and dizziness.", "M53.0"),
        ("A: C5-6 facet syndrome. The diagnosis of radiculopathy is not supported.", "M53.82"),
        ("A: L4-5 facet syndrome. No radicular findings, and that diagnosis fits the exam.", "M53.86"),
        ("A: Coccygodynia.\nPlan: ganglion impar block. That diagnosis is not in doubt.", "M53.3"),
        ("A: Coccygodynia.\nCT head: changes possibly compatible with this diagnosis of axonal injury.", "M53.3"),
    ],
)
def test_that_diagnosis_without_a_stance_or_beside_its_own_condition_changes_nothing(note, code):
    assert code in m53_codes(note)


@pytest.mark.parametrize(
    "note",
    [
        "PRE-PROCEDURE DIAGNOSIS: L4-5 facet syndrome.\nPOST-PROCEDURE DIAGNOSIS: Same - not yet confirmed; "
        "comparative block to follow.",
        "Pre-op dx: R C3-4 facet syndrome\nPost-op dx: same as pre-op, unconfirmed pending the second block",
        "A: L4-5 segmental instability (presumptive) - to be confirmed on standing films.",
        "Dx: R C5-6 facet syndrome (query dx), MBB planned.",
    ],
)
def test_a_procedure_diagnosis_still_to_be_confirmed_is_uncertain(note):
    result = notecoder.extract(note)
    assert not [c for c in result.codes if c.code.startswith("M53")]
    assert "uncertain-diagnosis" in {g.id for g in result.gaps}


@pytest.mark.parametrize(
    "note",
    [
        'Insurer\'s form lists "cervicobrachial syndrome" as the claimed condition.\nToday: R carpal tunnel syndrome, '
        "EMG confirmed.",
        "Condition per the insurer: cervicobrachial syndrome.\nA: R carpal tunnel syndrome, splint.",
        "Employer's paperwork says lumbar facet syndrome.\nAssessment: right hip osteoarthritis.",
    ],
)
def test_a_payers_or_employers_diagnosis_is_theirs(note):
    assert m53_codes(note) == set()


@pytest.mark.parametrize(
    ("note", "code"),
    [
        ("PRE-PROCEDURE DIAGNOSIS: L4-5 facet syndrome.\nPOST-PROCEDURE DIAGNOSIS: Same.", "M53.86"),
        ("A: L4-5 facet syndrome, same side as last year; not radiating.", "M53.86"),
        (
            "Insurer's form lists cervicobrachial syndrome.\nA: Cervicobrachial syndrome, confirmed on exam; PT.",
            "M53.1",
        ),
    ],
)
def test_a_confirmed_procedure_diagnosis_or_an_adopted_claim_is_coded(note, code):
    assert code in m53_codes(note)


@pytest.mark.parametrize(
    "note",
    [
        "Opinion: the C4-C5 instability diagnosed by the treating surgeon, repeated in four reports and used to justify "
        "the fusion request, is not a diagnosis that I can support on these films.",
        "Problem list: cervicobrachial syndrome - removed; never fit the picture.",
        "Problem list update: cervicobrachial syndrome is not a current diagnosis and was retired.",
        "Consent: we discussed that cervical instability could develop after the laminectomy.",
    ],
)
def test_a_rejection_in_a_relative_clause_a_retired_entry_or_a_risk_is_not_coded(note):
    assert m53_codes(note) == set()


def test_a_working_diagnosis_that_needs_confirmation_is_uncertain():
    result = notecoder.extract("Working dx T8-T9 facet syndrome - needs confirmation.")
    assert not [c for c in result.codes if c.code.startswith("M53")]
    assert "uncertain-diagnosis" in {g.id for g in result.gaps}


@pytest.mark.parametrize(
    ("note", "code"),
    [
        ("A: L4-5 facet syndrome, a diagnosis that I can support on today's exam.", "M53.86"),
        ("A: C5-6 facet syndrome. Radicular pain never fit; no radiculopathy.", "M53.82"),
        ("Problem list: C5-6 facet syndrome (active). Hypertension - retired.", "M53.82"),
    ],
)
def test_support_a_rejection_of_something_else_or_another_retired_entry_keep_the_code(note, code):
    assert code in m53_codes(note)


def test_a_disc_removed_at_operation_was_there():
    from tests.coding import alternatives

    text = (
        "PREOPERATIVE DIAGNOSIS: Herniated cervical disk C5-C6 with radiculopathy.\n"
        "PROCEDURE: I encountered herniated disk material, which was removed in large pieces; the C6 root was freed."
    )
    assert any(code.startswith("M50.1") for code in alternatives(text))


def test_a_status_field_after_the_diagnosis_gives_its_stance():
    assert m53_codes("Diagnosis: cervicocranial syndrome. Current status: resolved, no residual symptoms.") == set()
    assert m53_codes("Diagnosis: C5-6 facet syndrome. Current status: improving with PT.") == {"M53.82"}
