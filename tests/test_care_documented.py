"""Prior care is documented when a treatment and its response are (brief v2: "care, a prior treatment with its
response"), in the words notes use for a response that was poor, partial or told a sentence later, and under a
"Treatment:" heading; a plan's "if no better" is a condition, not a response. The conservative-care gap was the
gap most often raised against outside labels (issue 22)."""

import pytest

import notecoder

GAP = "conservative-care-not-documented"
DIAGNOSIS = (
    "\nExam: tender R L4-5 facets, extension-rotation reproduces pain; reflexes 2+, strength 5/5, SLR neg."
    "\nMRI L-spine 03/2026: no disc herniation, no stenosis.\nA: Right L4-5 facet syndrome, 9 months.\n"
)


def gaps(text: str) -> set[str]:
    return {g.id for g in notecoder.extract(text).gaps}


@pytest.mark.parametrize(
    "care",
    [
        "S: LBP. PT x 8 wks and NSAIDs - little change.",
        'S: LBP. Ibuprofen 400 mg prn - "barely touches it".',
        "S: LBP. Treatment: PT 12 visits (no lasting change); naproxen, stopped for dyspepsia.",
        "S: LBP. She has had ten sessions of physiotherapy with a useful but incomplete response.",
        "S: LBP. Her GP managed earlier flares with meloxicam, which worked well within a few days.",
        "S: LBP. Two courses of physical therapy and regular naproxen. Each gave some temporary relief.",
        "S: LBP. Chiropractic x 6 and a TENS unit. Neither made a lasting difference.",
    ],
)
def test_a_treatment_with_its_response_is_documented_care(care):
    text = care + DIAGNOSIS + "P: R L4-5 medial branch blocks."
    assert {c.code for c in notecoder.extract(text).codes} == {"M53.86"}
    assert GAP not in gaps(text)


@pytest.mark.parametrize(
    "plan",
    [
        "P: Start meloxicam 15 mg daily; PT referral; consider L4-5 MBB if no better in 8 wks.",
        "Plan: naproxen 500 mg BID, pelvic floor PT; x-rays if not improved in 6 weeks.",
        "Plan: home exercise program. It should help.",
    ],
)
def test_a_plans_treatment_and_its_hoped_for_response_are_not_prior_care(plan):
    text = "S: LBP. Has not tried any treatment yet." + DIAGNOSIS + plan
    assert GAP in gaps(text)


def test_a_therapist_treating_the_referral_diagnosis_adopts_it():
    text = (
        'PHYSICAL THERAPY - Re-evaluation, visit 8\nReferral order reads: "L4-5 segmental instability"\n'
        "Subjective: LBP 3/10 (6/10 at initial eval), 18 months of catching on bending; no injury.\n"
        "Objective: prone instability test positive L4-5; myotomes 5/5, reflexes 2+; flexion-extension films 4 mm "
        "translation L4-5; MRI without herniation.\n"
        "Assessment: Continuing to treat the referral diagnosis of L4-5 lumbar segmental instability with a "
        "stabilization program; responding well.\n"
    )
    assert {c.code for c in notecoder.extract(text).codes} == {"M53.2X6"}


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("No arm sx. PT x 8 wks and NSAIDs - little change.", 2),
        ("Hx. of falls. SLR neg. Reflexes 2+ sym.", 3),
        ("Pt has fx. of L1 on CT.", 1),
    ],
)
def test_shorthand_written_without_a_period_ends_its_sentence_before_a_capital(text, sentences):
    """Read as one sentence, 'No arm sx. Tried PT ...' negated the treatment with the symptom."""
    assert len(list(notecoder.load()(text).sents)) == sentences


def test_a_denied_symptom_before_the_care_leaves_the_care_documented():
    text = "S: LBP 9 mo. No B/B sx. Tried PT (2 courses), acetaminophen - modest benefit only." + DIAGNOSIS
    care = [f for f in notecoder.extract(text).findings if f.kind.value == "conservative_care"]
    assert care and all(f.assertion == "present" for f in care)
    assert GAP not in gaps(text)


@pytest.mark.parametrize(
    "consent",
    [
        "CONSENT: Risks, benefits and alternatives were discussed, including bleeding, infection, nerve injury and "
        "worsening pain. Signed.",
        "Consent: Risks incl. bleeding, infection, dural tear, nerve injury and failure of relief discussed.",
    ],
)
def test_a_consents_nerve_injury_is_a_risk_not_an_injury_to_date(consent):
    text = "PROCEDURE NOTE - R L4-5 medial branch block\n" + consent + DIAGNOSIS
    found = [f for f in notecoder.extract(text).findings if f.kind.value == "trauma"]
    assert not found
    assert "injury-timeline-unclear" not in gaps(text)


def test_a_ganglion_impar_block_with_its_relief_is_documented_care():
    text = "Ganglion impar block 06/18/2025 -> ~70% relief x 4 mo, then gradual return." + DIAGNOSIS
    block = next(f for f in notecoder.extract(text).findings if f.kind.value == "conservative_care")
    assert block.text == "Ganglion impar block" and block.value == "improved"
    assert GAP not in gaps(text)
