"""The mapper on its own: findings in, codes, alternatives and gaps out, with no spaCy and no note text. Each case
states the findings a note would give, so a rule can be checked without writing the sentence that triggers it."""

import pytest

from notecoder.mapper import Mapper, mapper_rules, propose
from notecoder.result import Assertion, AssertionCause, Finding, FindingKind, Region

K = FindingKind


def finding(kind, concept, start, text="x", section="assessment", region=None, levels=(), **extra) -> Finding:
    """A finding at `start`, its sentence the 100 characters from the hundred below it."""
    sentence = start - start % 100
    return Finding(
        kind=kind,
        concept=concept,
        text=text,
        start=start,
        end=start + len(text),
        sentence_start=sentence,
        sentence_end=sentence + 99,
        section=section,
        region=region,
        levels=levels,
        region_source="phrase" if region is not None else None,
        rule=concept,
        **extra,
    )


def facet(region=Region.CERVICAL, levels=("C5", "C6"), start=10, **extra) -> Finding:
    return finding(K.CONDITION, "facet_syndrome", start, "facet syndrome", region=region, levels=levels, **extra)


def codes(findings, setting="outpatient") -> list[str]:
    return [c.code for c in propose(findings, setting).codes]


def alternatives(findings) -> list[str]:
    return [a.code for a in propose(findings).alternatives]


def gaps(findings) -> set[str]:
    return {g.id for g in propose(findings).gaps}


@pytest.mark.parametrize(
    ("region", "code"),
    [
        (Region.OCCIPITO_ATLANTO_AXIAL, "M53.81"),
        (Region.CERVICAL, "M53.82"),
        (Region.CERVICOTHORACIC, "M53.83"),
        (Region.THORACIC, "M53.84"),
        (Region.LUMBAR, "M53.86"),
        (Region.SACRAL, "M53.88"),
        (None, "M53.80"),
    ],
)
def test_a_named_condition_takes_its_regions_digit(region, code):
    assert codes([facet(region=region, levels=())]) == [code]


def test_no_region_asks_for_it():
    assert "region-not-documented" in gaps([facet(region=None, levels=())])
    assert "region-not-documented" not in gaps([facet()])


@pytest.mark.parametrize(
    ("assertion", "expected"),
    [
        (Assertion.PRESENT, ["M53.82"]),
        (Assertion.NEGATED, []),
        (Assertion.HISTORICAL, []),
        (Assertion.FAMILY, []),
        (Assertion.HYPOTHETICAL, []),
        (Assertion.POSSIBLE, []),
    ],
)
def test_only_what_is_asserted_today_is_coded(assertion, expected):
    assert codes([facet(assertion=assertion)]) == expected


def test_an_uncertain_diagnosis_asks_to_confirm_it_and_inpatient_codes_it():
    possible = [facet(assertion=Assertion.POSSIBLE)]
    assert "uncertain-diagnosis" in gaps(possible)
    assert codes(possible, setting="inpatient") == ["M53.82"]


def test_a_radiculopathy_of_the_region_replaces_the_residual_code():
    radiculopathy = finding(K.CONDITION, "radiculopathy", 40, "radiculopathy", region=Region.CERVICAL, levels=("C6",))
    segmental = finding(K.CONDITION, "specified_dorsopathy", 10, "dorsopathy", region=Region.CERVICAL)
    assert codes([segmental, radiculopathy]) == []
    assert alternatives([segmental, radiculopathy]) == ["M54.12"]


def test_a_current_injury_excludes_m53_of_its_region_only():
    strain = finding(K.CONDITION, "sprain_strain", 10, "strain", region=Region.CERVICAL, value="current")
    lumbar = facet(region=Region.LUMBAR, levels=("L4", "L5"), start=210)
    assert codes([strain, lumbar]) == ["M53.86"]
    assert any(a.startswith("S13.4") or a.startswith("S16.1") for a in alternatives([strain, lumbar]))


def test_a_named_condition_outranks_the_unnamed_dorsopathy():
    unnamed = finding(K.CONDITION, "dorsopathy", 10, "dorsopathy", region=Region.CERVICAL)
    assert codes([unnamed]) == ["M53.9"]
    assert codes([unnamed, facet(start=110)]) == ["M53.82"]
    assert "condition-not-named" in gaps([unnamed])


def test_pain_alone_is_the_pain_code_and_asks_for_a_named_condition():
    pain = finding(K.CONDITION, "neck_pain", 10, "neck pain", section="chief_complaint", region=Region.CERVICAL)
    assert codes([pain]) == []
    assert alternatives([pain]) == ["M54.2"]
    assert "condition-not-named" in gaps([pain])


def test_gaps_follow_the_documentation():
    bare = [facet()]
    assert {"imaging-not-documented", "neuro-exam-not-documented", "conservative-care-not-documented"} <= gaps(bare)
    documented = bare + [
        finding(K.IMAGING, "mri", 110, "MRI", section="imaging", region=Region.CERVICAL, value="abnormal"),
        finding(K.NEURO_EXAM, "reflexes", 210, "reflexes", section="exam", value="normal"),
        finding(K.CONSERVATIVE_CARE, "physical_therapy", 310, "PT", section="plan", value="failed"),
        finding(K.CHRONICITY, "duration", 410, "x 3 months", section="hpi", value="P3M"),
    ]
    left = gaps(documented)
    assert not {"imaging-not-documented", "neuro-exam-not-documented", "conservative-care-not-documented"} & left
    assert "chronicity-not-documented" not in left


def test_every_family_label_is_a_category_even_with_a_claudication_character():
    mapper = Mapper(mapper_rules())
    for family in mapper_rules().families:
        label = mapper.family_label(family)
        assert label and "{" not in label, family
    assert mapper.family_label("M48.0") == "M48.06-/M48.0-"


def test_the_mapper_needs_no_spacy():
    import subprocess
    import sys

    code = (
        "import sys; from notecoder.mapper import propose; propose([]); "
        "print(sorted(m for m in ('spacy', 'medspacy') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "[]"


def test_a_family_gap_without_a_test_is_refused_when_the_mapper_is_built():
    rules = mapper_rules()
    untested = rules.gaps["chronicity-not-documented"].model_copy(update={"applies_to": frozenset({"M53.3"})})
    broken = rules.model_copy(update={"gaps": {**rules.gaps, "no-such-gap": untested}})
    with pytest.raises(ValueError, match="no-such-gap"):
        Mapper(broken)


@pytest.mark.parametrize(("source", "coded"), [("context", False), ("model", True)])
def test_only_a_rejection_in_so_many_words_outweighs_the_assessment(source, coded):
    """"I do not accept that diagnosis" said after the assessment, in a later paragraph, retires the diagnosis; the
    stance model's reading of a later mention is not in so many words and leaves the assessment's diagnosis coded."""
    cause = AssertionCause(source=source, text="not accept", start=310, end=320, rule="REJECTED: not accept")
    later = facet(start=300, section="discussion", assertion=Assertion.NEGATED, assertion_cause=cause)
    assert ("M53.82" in codes([facet(start=200), later])) is coded
