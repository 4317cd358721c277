"""The uncertain-diagnosis gap asks the physician to confirm or rule out a dorsopathy when the uncertain mention is
the note's only one (coding brief, gap table): beside a confirmed spine diagnosis of any region the note already
says what is coded, and the doubt is a question for another day."""

import notecoder


def _gaps(note: str) -> set[str]:
    return {g.id for g in notecoder.extract(note).gaps}


def test_an_uncertain_mention_beside_a_confirmed_diagnosis_elsewhere_raises_no_uncertain_gap():
    note = (
        "P&S report. Dx: 1. L5-S1 disc herniation with right S1 radiculopathy. 2. Possible cervicogenic headaches."
    )
    assert "uncertain-diagnosis" not in _gaps(note)


def test_the_only_dorsopathy_uncertain_raises_the_gap():
    note = "A: possible cervicogenic headaches. Neck stiff x 3 mo. Plan: PT."
    assert "uncertain-diagnosis" in _gaps(note)
