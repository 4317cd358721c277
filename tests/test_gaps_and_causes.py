"""Gaps a coder can trust and assertions that say why: each gap names what it rests on and goes with its code; each
finding that is not simply present names the cue or the section that made it so."""

import pytest

import notecoder
from notecoder.mapper import mapper_rules
from notecoder.result import Assertion, NoteResult
from notecoder.review import note_html


def gaps_of(text: str) -> dict[str, list]:
    return {g.id: g for g in notecoder.extract(text).gaps}


def test_every_gap_has_a_label():
    assert all(text.label and text.label[0].isupper() for text in mapper_rules().gaps.values())
    result = notecoder.extract("Assessment: dorsopathy.")
    assert {g.id: g.label for g in result.gaps}["condition-not-named"] == "Condition not named"


def test_a_documentation_gap_rests_on_the_diagnosis_it_is_about():
    text = "HPI: neck pain.\nAssessment: cervical facet syndrome."
    gap = gaps_of(text)["imaging-not-documented"]
    assert [e.text for e in gap.evidence] == ["cervical facet syndrome"]
    assert gap.looked_for  # what was looked for and not found


def test_an_unclear_injury_gap_points_at_the_injury():
    text = "HPI: fell on the ice.\nAssessment: cervical facet syndrome."
    gap = gaps_of(text)["injury-timeline-unclear"]
    assert any(e.text.lower().startswith("fell") for e in gap.evidence)


def test_an_uncertain_diagnosis_gap_quotes_the_uncertain_mention():
    gap = gaps_of("Assessment: possible cervical facet syndrome.")["uncertain-diagnosis"]
    assert [(e.text, e.assertion) for e in gap.evidence] == [("cervical facet syndrome", Assertion.POSSIBLE)]


def test_gaps_go_with_the_code_dropped_by_min_confidence():
    result = notecoder.extract("Assessment: cervical facet syndrome. Low back pain x 2 weeks.")
    codes = {p.code for p in (*result.codes, *result.alternatives)}
    assert {"M53.82", "M54.50"} <= codes
    lowered = result.model_copy(update={"codes": tuple(c.model_copy(update={"confidence": 0.1}) for c in result.codes)})
    kept = lowered.above(0.5)
    assert not kept.codes and all(g.code != "M53.82" for g in kept.gaps)
    assert [g for g in result.gaps if g.code not in {"M53.82"}] == list(kept.gaps)


@pytest.mark.parametrize(
    ("text", "finding", "assertion", "source", "cue", "rule"),
    [
        ("Denies radiculopathy.", "radiculopathy", "negated", "context", "Denies", "NEGATED_EXISTENCE: denies"),
        ("No evidence of myelopathy.", "myelopathy", "negated", "context", "No evidence of", "NEGATED_EXISTENCE"),
        ("Hx of L4-5 disc herniation.", "L4-5 disc herniation", "historical", "context", "Hx of", "HISTORICAL"),
        ("Possible facet syndrome.", "facet syndrome", "possible", "context", "Possible", "POSSIBLE_EXISTENCE"),
        ("Family history: scoliosis.", "scoliosis", "family", "section", "Family history:", "family_history"),
        ("Mother has scoliosis.", "scoliosis", "family", "context", "Mother", "FAMILY"),
    ],
)
def test_an_assertion_names_what_set_it(text, finding, assertion, source, cue, rule):
    found = next(f for f in notecoder.extract(text).findings if f.text == finding)
    assert found.assertion == assertion
    cause = found.assertion_cause
    assert (cause.source, cause.text, text[cause.start : cause.end]) == (source, cue, cue)
    assert cause.rule.startswith(rule)


def test_a_present_finding_has_no_cause():
    assert all(f.assertion_cause is None for f in notecoder.extract("Assessment: lumbar facet syndrome.").findings)


def test_the_review_view_says_negated_by_what():
    text = "Denies radiculopathy."
    html = note_html(text, notecoder.extract(text))
    assert "negated by &#x27;Denies&#x27;" in html or "negated by 'Denies'" in html


def test_a_cause_round_trips_through_json():
    result = notecoder.extract("Denies radiculopathy. Family history: scoliosis.")
    assert NoteResult.model_validate_json(result.model_dump_json()) == result


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("Assessment: lumbar facet syndrome L4-5. Lumbar spinal stenosis L4-5.", False),  # stenosis: an alternative
        ("Assessment: lumbar facet syndrome L4-5. No radiculopathy.", False),  # ruled out
        ("Assessment: cervical facet syndrome C5-6. No lumbar radiculopathy.", True),  # another region's cause
        ("Assessment: thoracic facet syndrome T6-7. Lumbar disc herniation L4-5 with radiculopathy.", True),
        ("Assessment: cervical facet syndrome C5-6.", True),
    ],
)
def test_no_gap_asks_about_a_cause_the_note_already_addresses(text, asked):
    assert ("exclusions-not-documented" in gaps_of(text)) is asked


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        (
            "PREOPERATIVE DIAGNOSIS: L4-5 facet syndrome.\nOPERATIVE PROCEDURE: L4-5 medial branch neurotomy.\n"
            "ANESTHESIA: Local.\nDESCRIPTION OF PROCEDURE: The L4 and L5 medial branches were lesioned.",
            False,
        ),
        (
            "Assessment: L4-5 facet syndrome.\nProcedures: CMT 2 regions.",
            True,
        ),  # a visit's procedures, not an operation
        ("Assessment: L4-5 facet syndrome.", True),
    ],
)
def test_an_operative_note_is_not_asked_for_the_care_before_it(text, asked):
    assert ("conservative-care-not-documented" in gaps_of(text)) is asked
