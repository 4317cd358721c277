"""A dash ends a cue's scope, but a cue written after a dash comments on what stands before it: an examiner's list
"X — resolved", "Y -- not substantiated" rejects X and Y. Notes written as examiners write them."""

import notecoder


def conditions(text: str) -> dict[str, str]:
    return {f.text: f.assertion.value for f in notecoder.extract(text).findings if f.kind.value == "condition"}


def test_a_diagnosis_the_examiner_calls_resolved_after_a_dash_is_not_current():
    text = (
        "DIAGNOSES:\n1. Lumbar strain of 08/12/2025 — resolved by January 2026.\n"
        "2. Left L5 radiculopathy listed in the claim file -- not substantiated: normal EMG.\n"
        "3. Bilateral L4-5 facet syndrome — symptomatic since February 2026."
    )
    found = conditions(text)
    assert found["Lumbar strain"] == "negated"
    assert found["L5 radiculopathy"] == "negated"
    assert found["L4-5 facet syndrome"] == "present"
    result = notecoder.extract(text)
    assert {c.code for c in result.codes} == {"M53.86"}
    assert not {a.code for a in result.alternatives} & {"M54.16", "S39.012A"}


def test_a_dash_still_ends_a_negation_before_it():
    found = {f.text: f.assertion.value for f in notecoder.extract("Denies fever — neck pain for 3 weeks.").findings}
    assert found["neck pain"] == "present"
