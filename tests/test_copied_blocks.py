"""A block of text the EHR copied from an earlier note ("--- copied from 03/2025 note --- ... --- end copied text ---",
"[Problem list - carried forward from IE] ... [end carried forward]") is an earlier visit's record, not today's
assessment (coding brief v2: a copied-forward block never outweighs the assessment of today's visit)."""

import pytest

import notecoder
from tests.coding import m53_codes


@pytest.mark.parametrize(
    "note",
    [
        "S: new R arm pain x 4 wk.\n--- copied from 03/2025 note ---\nA/P: 1. Thoracic facet syndrome T4-T6 - plan "
        "RFA.\n--- end copied text ---\nA/P (today): neck pain, R arm paraesthesia; MRI C-spine ordered.",
        "---copied fwd from 10/02/2026---\nA: Lumbar segmental instability L4-5.\n---end copy---\nToday: LBP resolved "
        "after PT; A: no spine complaint today, seen for BP.",
    ],
)
def test_a_copied_block_is_not_todays_diagnosis(note):
    assert m53_codes(note) == set()


def test_todays_assessment_after_the_copied_block_still_codes():
    note = (
        "--- copied from 01/2026 note ---\nA: neck pain.\n--- end copied text ---\nA (today): right C5-6 facet "
        "syndrome, 4 months, failed PT."
    )
    assert m53_codes(note) == {"M53.82"}
    sections = {f.section for f in notecoder.extract(note).findings if f.concept == "facet_syndrome"}
    assert sections == {"assessment"}
