"""What a note's findings say, indexed once for the mapper: every rule asks the same few questions."""

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import cached_property

from notecoder.mapper.rules import Concept, MapperRules
from notecoder.result import TOLD, Assertion, Finding, FindingKind, Stance

K = FindingKind
ASSESSMENT_SECTIONS = frozenset({"assessment", "assessment_and_plan", "provisional_diagnosis"})
AUTHOR_SECTIONS = ASSESSMENT_SECTIONS | {None}  # where the author states today's diagnoses (a letter has no titles)
TREATING_SECTIONS = frozenset({"plan", "procedure", "operation"})  # where the author treats today
_DIAGNOSTIC_ROLES = frozenset({"m53", "specific", "injury"})
_STUDY_REACH = 200  # characters: a dictation run into one sentence reports a study far from its diagnosis
# the members read in loops over every finding, once: an enum member looked up on its class costs a few lookups each
_PRESENT, _NEGATED, _POSSIBLE = Assertion.PRESENT, Assertion.NEGATED, Assertion.POSSIBLE
_HISTORICAL = Assertion.HISTORICAL
_SPINAL_LEVEL, _CONDITION, _IMAGING, _NEURO_EXAM = K.SPINAL_LEVEL, K.CONDITION, K.IMAGING, K.NEURO_EXAM
_REFERRAL_ONLY = Stance.REFERRAL_ONLY


class NoteIndex:
    """What the findings say, indexed once: every rule asks the same few questions, often per finding."""

    def __init__(
        self,
        findings: Sequence[Finding],
        rules: MapperRules,
        setting: str = "outpatient",
        assessed: bool = False,
        treated: bool = False,
    ) -> None:
        self.findings = list(findings)
        self.assessed, self.treated = assessed, treated
        self.rules = rules
        self.inpatient = setting == "inpatient"
        self.rejections: list[Finding] = []
        self.by_kind: dict[FindingKind, list[Finding]] = defaultdict(list)
        self.by_sentence: dict[int, list[Finding]] = defaultdict(list)
        self.present_concepts: dict[FindingKind, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
        self.levels_at: dict[tuple[int, tuple[str, ...]], Finding] = {}
        self.concept_region: dict[str, int] = {}
        self._diagnoses: dict[tuple[str, frozenset[Assertion], bool], list[tuple[Finding, Concept]]] = {}
        # one pass over the findings, each attribute and enum member read once: this runs for every note
        by_kind, by_sentence, present_concepts = self.by_kind, self.by_sentence, self.present_concepts
        levels_at, concept_region, concepts = self.levels_at, self.concept_region, rules.concepts
        for finding in self.findings:
            kind, assertion = finding.kind, finding.assertion
            by_kind[kind].append(finding)
            by_sentence[finding.sentence_start].append(finding)
            if assertion == _PRESENT:
                present_concepts[kind][finding.concept].append(finding)
            if kind == _SPINAL_LEVEL:
                levels_at.setdefault((finding.sentence_start, finding.levels), finding)
            elif kind == _CONDITION:
                if assertion != _NEGATED:
                    if finding.region is not None:
                        concept_region.setdefault(finding.concept, int(finding.region))
                    continue
                concept = concepts.get(finding.concept)
                role = concept.role if concept is not None else None
                if (role in _DIAGNOSTIC_ROLES and (finding.section in AUTHOR_SECTIONS or self._explicit(finding))) or (
                    role == "pain" and finding.section in ASSESSMENT_SECTIONS  # "the thoracic pain is cardiac"
                ):
                    self.rejections.append(finding)

    def _explicit(self, finding: Finding) -> bool:
        """The author rejects or resolves the diagnosis in so many words, in a section of the author's own voice. A
        stance model's reading is not in so many words: it does not outweigh the note's other mentions."""
        stances, cause = self.rules.explicit_stances, finding.assertion_cause
        if stances is None or cause is None or cause.source == "model" or finding.section in stances.not_in:
            return False
        return cause.category in stances.categories

    def assertion(self, finding: Finding) -> Assertion:
        """The assertion a diagnosis has for coding: an uncertain diagnosis still documented in an inpatient
        discharge's diagnoses is coded as established (Official Guidelines II.H); outpatient it stays uncertain. A
        referral's diagnosis field is adopted when today's author takes it up (brief v3)."""
        if self.inpatient and finding.assertion == _POSSIBLE and finding.section in ASSESSMENT_SECTIONS:
            return _PRESENT
        if finding.stance == _REFERRAL_ONLY and finding.section in self.rules.referral_sections:
            return _PRESENT if self.adopted(finding) else _HISTORICAL
        return finding.assertion

    def adopted(self, finding: Finding) -> bool:
        """A referral's diagnosis that the author takes up: restated in the assessment, or examined or treated by an
        author with no spine diagnosis of their own ("A: as per referral, treating"; a plan of care). Not when
        rejected anywhere, nor beside the author's own diagnosis of its part of the spine ("A: sacroiliitis") or of
        another part only (a disability form's claimed cervical condition beside the physician's lumbar stenosis), nor
        by a note that neither assesses, examines nor treats (a nurse's triage that books the referral, a review that
        restates it)."""
        if self._named_among(finding, (f for f in self.by_kind[_CONDITION] if f.assertion == _NEGATED)):
            return False  # "instability NOT demonstrated", wherever the form says it
        cause = finding.assertion_cause
        if cause is not None and cause.source == "context":
            return False  # the note says whose it is in so many words: "referral diagnosis not assessed at this visit"
        authors = self._assessed_diagnoses
        return self._named_among(finding, authors) or (not authors and self._takes_up)

    @cached_property
    def _takes_up(self) -> bool:
        """The author assesses, examines or treats today: an assessment, a plan or a procedure (with words or
        findings), an examination, or a neurological finding of the author's own (not the referral's)."""
        return (
            self.has_assessment
            or self.treated
            or any(
                f.section in TREATING_SECTIONS
                or f.section == "physical_exam"
                or (f.kind == _NEURO_EXAM and f.section not in self.rules.referral_sections)
                for f in self.findings
            )
        )

    def _named_among(self, finding: Finding, others: Iterable[Finding]) -> bool:
        """One of `others` names the finding's condition, in its region or a neighbouring one."""
        region, near = self.region(finding), self.rules.region_neighbours.near
        return any(f.concept == finding.concept and near(self.region(f), region) for f in others)

    def _set_aside(self, finding: Finding) -> bool:
        """A dorsopathy named only outside the assessment (before the first heading, in the exam, the imaging,
        another clinician's records; not in `final_sections`) beside an assessment that names the author's own spine
        diagnoses and not this one: the author's final statement is what is coded."""
        authors = [f for f in self._assessed_diagnoses if self.rules.concepts[f.concept].role != "pain"]
        return bool(authors) and not self._named_among(finding, authors)

    @cached_property
    def _assessed_diagnoses(self) -> list[Finding]:
        """The spine diagnoses and pains the author asserts in the assessment, from the role index, once a note."""
        by_role = self._conditions_by_role
        return [
            finding
            for role in (*_DIAGNOSTIC_ROLES, "pain")
            for finding, _ in by_role.get(role, ())
            if finding.assertion == _PRESENT and finding.section in ASSESSMENT_SECTIONS
        ]

    def rejected(self, finding: Finding) -> bool:
        """The author rejects or resolves the diagnosis ('I do not think this is facet syndrome', 'referral
        diagnosis not confirmed', 'resolved after RFA'): a mention before that word, or outside the assessment (a
        referral label, a copied-forward line), supports no code. A later assertion in the assessment stands."""
        injury = self.rules.concepts[finding.concept].role == "injury"
        if injury and finding.value == "sequela":
            return False  # "facet syndrome as a residual of the sprain; the acute sprain resolved": its sequela stands
        for rejection in self.rejections:
            if rejection.concept != finding.concept:
                continue
            # "deleting cervical instability from the problem list" retires the list's "cervical instability (C1-2)":
            # a rejection naming a region word and no level covers the vertebrae that word spans
            if not same_region(rejection.region, finding.region) and (
                rejection.segments or not finding.levels or not set(finding.levels) <= set(rejection.levels)
            ):
                continue
            # an injury of a stated region the author calls resolved (or absent) is not a current one, wherever else
            # it is named; "no other fracture" says nothing of the fractures the note does name
            anywhere = injury and rejection.region is not None and rejection.region == finding.region
            if anywhere or finding.section not in AUTHOR_SECTIONS or finding.start < rejection.start:
                return True
        return False

    def diagnoses(
        self, role: str, assertions: frozenset[Assertion], anywhere: bool = False
    ) -> list[tuple[Finding, Concept]]:
        """The mentions of a role's concepts that state a diagnosis; `anywhere`: a symptom from the whole note, not
        only the assessment (the diagnosis is uncertain, so the documented symptoms are what is coded). Answered
        once per question: the stages ask the same ones again."""
        key = (role, assertions, anywhere)
        found = self._diagnoses.get(key)
        if found is None:
            found = self._diagnoses[key] = self._find_diagnoses(role, assertions, anywhere)
        return found

    def _find_diagnoses(
        self, role: str, assertions: frozenset[Assertion], anywhere: bool
    ) -> list[tuple[Finding, Concept]]:
        out: list[tuple[Finding, Concept]] = []
        candidates = self._conditions_by_role.get(role)
        if not candidates:
            return out
        injury = role == "injury"
        excluded = self.rules.injury_sections_exclude if injury else self.rules.diagnostic_sections_exclude
        rejections = self.rejections
        for finding, concept in candidates:
            section = finding.section
            if self.assertion(finding) not in assertions:
                continue
            if rejections and self.rejected(finding):
                continue
            if section in excluded or (not injury and self.reports_study(finding)):
                continue
            if section not in AUTHOR_SECTIONS and (
                concept.stated_as_diagnosis or (concept.from_assessment and not anywhere and self.has_assessment)
            ):
                continue
            if (
                concept.role == "m53"
                and section not in ASSESSMENT_SECTIONS
                and section not in self.rules.final_sections
                and self._set_aside(finding)
            ):
                continue
            out.append((finding, concept))
        return out

    @cached_property
    def _conditions_by_role(self) -> dict[str, list[tuple[Finding, Concept]]]:
        """The conditions with a concept of the rules, by the concept's role, in note order."""
        out: dict[str, list[tuple[Finding, Concept]]] = defaultdict(list)
        concepts = self.rules.concepts
        for finding in self.by_kind[_CONDITION]:
            concept = concepts.get(finding.concept)
            if concept is not None:
                out[concept.role].append((finding, concept))
        return out

    @cached_property
    def has_assessment(self) -> bool:
        return self.assessed or any(f.section in ASSESSMENT_SECTIONS for f in self.findings)

    def reports_study(self, finding: Finding) -> bool:
        """A condition in a sentence that reports a study done ('MRI shows C5-6 facet arthropathy') is its finding,
        evidence rather than a diagnosis, unless the sentence stands in the assessment, or the note has no
        assessment of its author's to carry it (a consult cut off after the history): then what it reports stands."""
        return finding.section not in ASSESSMENT_SECTIONS and self._assessed and self._in_study_sentence(finding)

    def _in_study_sentence(self, finding: Finding) -> bool:
        starts = self._studies.get(finding.sentence_start)
        if not starts:
            return False
        i = bisect_left(starts, finding.start - _STUDY_REACH)  # the first study that may be in reach
        return i < len(starts) and starts[i] <= finding.start + _STUDY_REACH

    @cached_property
    def _assessed(self) -> bool:
        """The author states a diagnosis of their own: an assessment section, or a diagnosis outside any study's
        sentence ('My impression is a right L4 radiculopathy' in a dictated letter)."""
        return self.has_assessment or any(
            f.assertion == _PRESENT
            and f.concept in self.rules.concepts
            and self.rules.concepts[f.concept].role in _DIAGNOSTIC_ROLES
            and not self._in_study_sentence(f)
            for f in self.by_kind[_CONDITION]
        )

    @cached_property
    def _studies(self) -> dict[int, list[int]]:
        """Where each sentence reports a study done, in order: a lookup per condition, not a scan of its sentence
        (a dictated run-on sentence can hold thousands of findings)."""
        starts: dict[int, list[int]] = defaultdict(list)
        for f in self.by_kind[_IMAGING]:
            if f.assertion == _PRESENT:
                starts[f.sentence_start].append(f.start)
        return {sentence: sorted(found) for sentence, found in starts.items()}

    def region(self, finding: Finding) -> int | None:
        """The finding's region, else the region another mention of the same condition gives (often imaging)."""
        if finding.region is not None:
            return int(finding.region)
        region = self.concept_region.get(finding.concept)
        if region is None:
            lent = {self.concept_region.get(c) for c in self.rules.region_lenders.get(finding.concept, ())} - {None}
            region = lent.pop() if len(lent) == 1 else None
        return region

    def region_evidence(self, finding: Finding) -> list[Finding]:
        """The level a finding borrowed its region from, so the reviewer sees both spans."""
        if finding.region_source != "sentence":
            return []
        level = self.levels_at.get((finding.sentence_start, finding.levels))
        return [level] if level is not None else []

    def several_regions(self, finding: Finding) -> bool:
        """The diagnosis's sentence names several regions ('cervical and lumbar spine', 'C5-6 and L4-5'): a
        'multiple sites' code."""
        named, spanning = self._sentence_regions.get(finding.sentence_start, (frozenset(), False))
        return len(named | ({int(finding.region)} if finding.region else set())) > 1 or spanning

    def imaged_regions(self, study: Finding) -> frozenset[int | None]:
        """The regions a study images: its own, and the others its sentence names ("XR C-spine & T-spine")."""
        if study.region is None:
            return frozenset({None})
        named, _ = self._sentence_regions.get(study.sentence_start, (frozenset(), False))
        return named | {int(study.region)}

    @cached_property
    def _sentence_regions(self) -> dict[int, tuple[frozenset[int], bool]]:
        """Per sentence: the regions its levels name, and whether one level runs across regions ("C7-T2")."""
        out: dict[int, tuple[frozenset[int], bool]] = {}
        levels: dict[int, list[Finding]] = defaultdict(list)
        for f in self.by_kind[_SPINAL_LEVEL]:
            levels[f.sentence_start].append(f)
        for sentence, found in levels.items():
            named = frozenset(int(f.region) for f in found if f.region)
            spanning = any(len(f.levels) > 2 and len({v.rstrip("0123456789") for v in f.levels}) > 1 for f in found)
            out[sentence] = (named, spanning)
        return out

    def present(self, kind: FindingKind, concepts: frozenset[str] | set[str]) -> list[Finding]:
        found = self.present_concepts[kind]
        return [f for concept in concepts for f in found.get(concept, ())]

    @cached_property
    def told_trauma(self) -> list[Finding]:
        """The trauma the note tells of, now or in the past (a fall, a crash), in note order."""
        return [f for f in self.by_kind[K.TRAUMA] if f.assertion in TOLD]

    @cached_property
    def cranial_symptoms(self) -> list[Finding]:
        symptoms = self.present_concepts[K.SYMPTOM].values()
        return [f for found in symptoms for f in found if f.value == self.rules.cranial_symptom_value]


def same_region(one: int | None, other: int | None) -> bool:
    """The same region, or one of them unstated or site unspecified: such a mention may be about either."""
    return not one or not other or int(one) == int(other)  # None or 0: unstated, or site unspecified
