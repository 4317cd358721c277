"""The conservative care a spine code asks for is the spine's (issue 22, class 5): a medication the past history
or review of systems gives for blood pressure or diabetes ("on medications and has been controlled") does not
document it; the same words with the back pain in their sentence do."""

import notecoder


def _gaps(note: str) -> set[str]:
    return {g.id for g in notecoder.extract(note).gaps}


def test_medication_for_another_condition_documents_no_spine_care():
    note = (
        "HPI: 3 mo of coccyx pain when sitting.\nPAST MEDICAL HISTORY: Hypertensive. She has been on medications "
        "and has been controlled.\nA: coccygodynia."
    )
    assert "conservative-care-not-documented" in _gaps(note)


def test_spine_care_told_in_the_past_history_still_counts():
    note = (
        "HPI: 3 mo of coccyx pain when sitting.\nPAST MEDICAL HISTORY: coccyx pain treated with a cushion and "
        "naproxen, which helped partially.\nA: coccygodynia."
    )
    assert "conservative-care-not-documented" not in _gaps(note)
