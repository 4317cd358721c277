"""One check across the rules files: a name one file gives another (a concept, a section, a gap, a family) must
exist there, so a concept renamed in the targets or a section category renamed in the sectionizer fails at load,
not as a rule that silently never fires. Each file validates its own references; this checks the ones between them.
It reads the targets stage's rules, whose package imports spaCy: it runs when a pipeline is loaded and in a test,
never with the mapper, which stays free of spaCy."""

from collections.abc import Iterable
from functools import cache

from notecoder.rules_file import raw_rules, rules_where


def _missing(names: Iterable[str], known: set[str], what: str, where: str) -> list[str]:
    unknown = sorted(set(names) - known)
    return [f"{where} names {what} {unknown} that no rules file defines"] if unknown else []


def cross_reference_problems(
    mapper=None, findings: dict | None = None, sections: dict | None = None, targets: dict | None = None
) -> list[str]:
    """What does not resolve between the mapper's, findings', sections' and targets' rules (the shipped ones unless
    given): empty when every reference does."""
    from notecoder.mapper.note import ASSESSMENT_SECTIONS
    from notecoder.mapper.rules import mapper_rules
    from notecoder.targets.rules import expanded_rules

    mapper = mapper or mapper_rules()
    findings = findings if findings is not None else raw_rules("notecoder.findings")
    sections = sections if sections is not None else raw_rules("notecoder.sections")
    targets_raw = targets if targets is not None else raw_rules("notecoder.targets")
    target_groups = expanded_rules(targets_raw, rules_where("notecoder.targets", None)).groups
    by_kind: dict[str, set[str]] = {}
    for group in target_groups:
        by_kind.setdefault(group.kind, set()).add(group.concept)
    conditions = by_kind.get("condition", set())
    symptoms = by_kind.get("symptom", set())
    categories = {s["category"] for s in sections["sections"]}

    problems: list[str] = []
    problems += _missing(mapper.concepts, conditions, "condition concepts", "mapper rules.json concepts")
    problems += _missing(mapper.exclusion_concepts, conditions, "condition concepts", "mapper exclusion_concepts")
    problems += _missing(
        mapper.headache_without_syndrome.concepts, conditions, "condition concepts", "mapper headache_without_syndrome"
    )
    problems += _missing(mapper.axes.claudication.concepts, conditions, "condition concepts", "mapper claudication")
    pain = mapper.axes.disc_pain
    problems += _missing(
        pain.back_pain_concepts | pain.leg_pain_concepts, conditions | symptoms, "concepts", "mapper disc_pain"
    )
    problems += _missing(mapper.exam_concepts, by_kind.get("neuro_exam", set()), "neuro exam concepts", "mapper")
    fragility = mapper.fragility_fracture
    problems += _missing(fragility.disease, conditions, "condition concepts", "mapper fragility_fracture")
    problems += _missing(fragility.major_trauma, by_kind.get("trauma", set()), "trauma concepts", "mapper")
    chronicity = mapper.acute_chronicity | mapper.remote_chronicity
    problems += _missing(chronicity, by_kind.get("chronicity", set()), "chronicity concepts", "mapper")
    mapper_sections = (
        mapper.diagnostic_sections_exclude
        | mapper.injury_sections_exclude
        | mapper.operative_sections
        | ASSESSMENT_SECTIONS
    )
    problems += _missing(mapper_sections, categories, "section categories", "mapper rules.json")
    problems += _missing(sections.get("assertions", {}), categories, "section categories", "sections assertions")
    pasted = sections.get("pasted_reports", {})
    problems += _missing(
        {*pasted.get("after", ()), *pasted.get("authors", ()), pasted.get("category", "imaging")},
        categories,
        "section categories",
        "sections pasted_reports",
    )
    problems += _missing(
        findings.get("concept_levels", {}), conditions | symptoms, "concepts", "findings concept_levels"
    )
    problems += _missing(
        findings.get("section_kind_assertions", {}),
        categories,
        "section categories",
        "findings section_kind_assertions",
    )
    for key in ("root_levels", "limb_qualifiers"):
        problems += _missing(
            findings.get(key, {}).get("concepts", ()), conditions, "condition concepts", f"findings {key}"
        )
    report = findings.get("report_section")
    if report is not None:
        problems += _missing({report}, categories, "section categories", "findings report_section")
    return problems


def check_rules(**files) -> None:
    """Refuse rules whose references between files do not resolve, naming each one."""
    problems = cross_reference_problems(**files)
    if problems:
        raise ValueError("rules files do not agree: " + "; ".join(problems))


@cache
def check_shipped_rules() -> None:
    """The check on the rules the package ships, once per process (when a pipeline is first loaded)."""
    check_rules()
