"""The rules files agree: every concept, section, gap and family one names exists in the file that defines it."""

import copy

import pytest

from notecoder.mapper.rules import MapperRules, mapper_rules
from notecoder.rules_check import check_rules, cross_reference_problems
from notecoder.rules_file import raw_rules


def test_the_shipped_rules_agree():
    assert cross_reference_problems() == []


def test_a_mapper_concept_no_target_makes_is_refused():
    rules = mapper_rules()
    renamed = {**rules.concepts, "facet_joint_syndrome": rules.concepts["facet_syndrome"]}
    with pytest.raises(ValueError, match="facet_joint_syndrome"):
        check_rules(mapper=rules.model_copy(update={"concepts": renamed}))


def test_a_section_category_the_sectionizer_lost_is_refused():
    sections = copy.deepcopy(raw_rules("notecoder.sections"))
    sections["sections"] = [s for s in sections["sections"] if s["category"] != "operation"]
    problems = cross_reference_problems(sections=sections)
    assert any("operation" in p for p in problems)


def test_a_findings_concept_level_for_an_unknown_concept_is_refused():
    findings = copy.deepcopy(raw_rules("notecoder.findings"))
    findings["concept_levels"]["neck_ache_syndrome"] = "C1-C7"
    assert any("neck_ache_syndrome" in p for p in cross_reference_problems(findings=findings))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda raw: raw["exclusions"][0]["by"].update(families=["no_such_family"]), "no_such_family"),
        (lambda raw: raw["gaps"]["imaging-not-documented"].update(applies_to=["M53.99"]), "M53.99"),
        (lambda raw: raw["axes"]["disc_level"].update(gap="level-gap"), "level-gap"),
        (lambda raw: raw["concepts"]["sciatica"].update(family="M54.39"), "M54.39"),
    ],
)
def test_a_mapper_rules_file_whose_names_do_not_resolve_is_refused(change, message):
    raw = copy.deepcopy(raw_rules("notecoder.mapper"))
    change(raw)
    with pytest.raises(ValueError, match=message):
        MapperRules.model_validate(raw)
