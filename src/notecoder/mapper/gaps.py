"""Documentation tests, registered by gap id. Which families each gap applies to is data (`applies_to` in
rules.json, the brief's table); a test only answers whether the note documents what the gap asks for, and returns
the findings the gap rests on (None: documented, no gap)."""

from collections.abc import Callable
from dataclasses import dataclass, field

from notecoder.mapper.decisions import Draft
from notecoder.mapper.note import K, NoteIndex
from notecoder.mapper.registry import registrar
from notecoder.mapper.rules import MapperRules
from notecoder.result import TOLD, Assertion, Finding


@dataclass
class Facts:
    """What the stages settled that a gap test reads."""

    note: NoteIndex
    rules: MapperRules
    codes: list[Draft]
    """The M53 codes proposed."""
    uncertain: bool = False
    trauma_unclear: bool = False
    trauma_told: bool = False
    """The note tells of a trauma (a fall, a crash), present or past: without one, an injury's unknown encounter is
    asked for by the 7th character's own gap, not as an unclear injury timeline."""
    timed_injury: bool = False
    sequela: set[int | None] = field(default_factory=set)
    """Regions whose condition is the documented sequela of an injury."""
    untimed_trauma: list[Finding] = field(default_factory=list)


GapTest = Callable[[Draft, Facts], list[Finding] | None]
GAP_TESTS: dict[str, GapTest] = {}
gap_test = registrar(GAP_TESTS)


@gap_test("condition-not-named")
def _condition_not_named(draft: Draft, facts: Facts) -> list[Finding] | None:
    if draft.role == "pain":
        named_elsewhere = facts.codes or facts.uncertain or draft.region in facts.sequela
        return None if named_elsewhere else draft.evidence[:1]
    return draft.evidence if draft.family == facts.rules.unnamed_family else None


@gap_test("imaging-not-documented")
def _imaging(draft: Draft, facts: Facts) -> list[Finding] | None:
    # a study reviewed from the records is documented as much as one done today; one study may image several
    # regions ("XR C-spine & T-spine")
    near, note = facts.rules.region_neighbours.near, facts.note
    documented = any(
        f.value and f.assertion in TOLD and any(near(region, draft.region) for region in note.imaged_regions(f))
        for f in note.by_kind[K.IMAGING]
        if f.concept not in facts.rules.not_imaging_concepts
    )
    return None if documented else draft.evidence


@gap_test("neuro-exam-not-documented")
def _neuro_exam(draft: Draft, facts: Facts) -> list[Finding] | None:
    exams, told = facts.rules.exam_concepts, facts.rules.history_sections
    examined = (Assertion.PRESENT, Assertion.NEGATED)  # "no clonus" is an exam; "will examine" is not
    documented = any(
        f.value
        and f.concept in exams
        and f.assertion in examined
        and not (f.assertion == Assertion.NEGATED and f.section in told)  # "denies weakness" is a report
        for f in facts.note.by_kind[K.NEURO_EXAM]
    )
    return None if documented else draft.evidence


@gap_test("conservative-care-not-documented")
def _conservative_care(draft: Draft, facts: Facts) -> list[Finding] | None:
    note = facts.note
    if any(f.section in facts.rules.operative_sections for f in note.findings):
        return None  # an operative note documents the operation, not the care that came before it
    elsewhere = facts.rules.other_care_sections
    documented = any(
        f.value
        and f.assertion in TOLD
        and (
            f.section not in elsewhere or any(o.kind == K.CONDITION for o in note.by_sentence.get(f.sentence_start, ()))
        )
        for f in note.by_kind[K.CONSERVATIVE_CARE]
    )
    return None if documented else draft.evidence


@gap_test("exclusions-not-documented")
def _exclusions(draft: Draft, facts: Facts) -> list[Finding] | None:
    # a disc, radicular or cord cause documented as absent or as present (then among the alternatives) has been
    # considered: asking whether it was would contradict the note's own proposals
    note, rules = facts.note, facts.rules
    considered = (Assertion.NEGATED, Assertion.PRESENT)
    documented = any(
        f.concept in rules.exclusion_concepts
        and f.assertion in considered
        and rules.region_neighbours.near(note.region(f), draft.region)
        for f in note.by_kind[K.CONDITION]
    )
    return None if documented else draft.evidence


@gap_test("symptom-cluster-not-documented")
def _symptom_cluster(draft: Draft, facts: Facts) -> list[Finding] | None:
    return None if facts.note.cranial_symptoms else draft.evidence


@gap_test("chronicity-not-documented")
def _chronicity(draft: Draft, facts: Facts) -> list[Finding] | None:
    told = [
        f for f in facts.note.by_kind[K.CHRONICITY] if f.assertion not in (Assertion.NEGATED, Assertion.HYPOTHETICAL)
    ]
    return None if told else draft.evidence


@gap_test("injury-timeline-unclear")
def _injury_timeline(draft: Draft, facts: Facts) -> list[Finding] | None:
    if draft.role == "injury":
        return draft.evidence[:1] if draft.encounter is None and facts.trauma_told else None
    return facts.untimed_trauma if facts.trauma_unclear else None


def check_tests(rules: MapperRules) -> None:
    """Every gap that applies to a family has a test: refused when the mapper is built, not at the first note."""
    untested = sorted(gap_id for gap_id, gap in rules.gaps.items() if gap.applies_to and gap_id not in GAP_TESTS)
    if untested:
        raise ValueError(f"mapper rules give families gaps the mapper has no test for: {untested}")
