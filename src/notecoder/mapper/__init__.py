"""Code mapper: findings in, M53 proposals, more specific alternatives and documentation gaps out.

Pure: it reads `Finding`s and the rules in `rules.json`, never spaCy, so every rule is testable from a table.
The order of decisions follows the coding brief: a current injury is coded to the injury (block Excludes1); a
documented radiculopathy, disc disorder, spondylosis, myelopathy or deformity replaces an 'other specified'
dorsopathy of the same region; an uncertain diagnosis is not coded (outpatient rule); pain alone is coded as
pain; what remains is an M53 code by region, with the gaps that would make it defensible."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property

from notecoder.mapper.icd import block_excludes1, emittable, title
from notecoder.mapper.rules import Concept, MapperRules, mapper_rules
from notecoder.result import Alternative, Assertion, CodeProposal, Finding, FindingKind, Gap

K = FindingKind
ASSESSMENT_SECTIONS = frozenset({"assessment", "assessment_and_plan"})
_AUTHOR_SECTIONS = ASSESSMENT_SECTIONS | {None}  # where the author states today's diagnoses (a letter has no titles)
_DIAGNOSTIC_ROLES = frozenset({"m53", "specific"})
_STUDY_REACH = 200  # characters: a dictation run into one sentence reports a study far from its diagnosis


@dataclass(frozen=True)
class Proposal:
    codes: tuple[CodeProposal, ...]
    alternatives: tuple[Alternative, ...]
    gaps: tuple[Gap, ...]


@dataclass
class _Built:
    code: str
    unspecified_region: bool


@dataclass
class _Draft:
    """An M53 code or an alternative while evidence accumulates; several mentions can support one code."""

    code: str
    family: str
    region: int | None
    evidence: list[Finding] = field(default_factory=list)
    reason: str = ""
    unspecified_region: bool = False


class _Note:
    """What the findings say, indexed once: every rule asks the same few questions, often per finding."""

    def __init__(self, findings: Sequence[Finding], rules: MapperRules, setting: str = "outpatient") -> None:
        self.findings = list(findings)
        self.rules = rules
        self.inpatient = setting == "inpatient"
        self.rejections: list[Finding] = []
        self.by_kind: dict[FindingKind, list[Finding]] = defaultdict(list)
        self.by_sentence: dict[int, list[Finding]] = defaultdict(list)
        self.present_concepts: dict[FindingKind, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
        self.levels_at: dict[tuple[int, tuple[str, ...]], Finding] = {}
        self.concept_region: dict[str, int] = {}
        for finding in self.findings:
            self.by_kind[finding.kind].append(finding)
            self.by_sentence[finding.sentence_start].append(finding)
            if finding.assertion == Assertion.PRESENT:
                self.present_concepts[finding.kind][finding.concept].append(finding)
            if finding.kind == K.SPINAL_LEVEL:
                self.levels_at.setdefault((finding.sentence_start, finding.levels), finding)
            elif finding.kind == K.CONDITION and finding.region is not None and finding.assertion != Assertion.NEGATED:
                self.concept_region.setdefault(finding.concept, int(finding.region))
            if finding.kind == K.CONDITION and finding.assertion == Assertion.NEGATED:
                concept = rules.concepts.get(finding.concept)
                role = concept.role if concept is not None else None
                if (role in _DIAGNOSTIC_ROLES and finding.section in _AUTHOR_SECTIONS) or (
                    role == "pain" and finding.section in ASSESSMENT_SECTIONS  # "the thoracic pain is cardiac"
                ):
                    self.rejections.append(finding)

    def assertion(self, finding: Finding) -> Assertion:
        """The assertion a diagnosis has for coding: an uncertain diagnosis still documented in an inpatient
        discharge's diagnoses is coded as established (Official Guidelines II.H); outpatient it stays uncertain."""
        if self.inpatient and finding.assertion == Assertion.POSSIBLE and finding.section in ASSESSMENT_SECTIONS:
            return Assertion.PRESENT
        return finding.assertion

    def rejected(self, finding: Finding) -> bool:
        """The author rejects or resolves the diagnosis ('I do not think this is facet syndrome', 'referral
        diagnosis not confirmed', 'resolved after RFA'): a mention before that word, or outside the assessment (a
        referral label, a copied-forward line), supports no code. A later assertion in the assessment stands."""
        for rejection in self.rejections:
            if rejection.concept != finding.concept or not _same_region(rejection.region, finding.region):
                continue
            if finding.section not in _AUTHOR_SECTIONS or finding.start < rejection.start:
                return True
        return False

    def diagnoses(self, role: str, assertions: frozenset[Assertion]) -> list[tuple[Finding, Concept]]:
        out = []
        for finding in self.by_kind[K.CONDITION]:
            concept = self.rules.concepts.get(finding.concept)
            if concept is None or concept.role != role or self.assertion(finding) not in assertions:
                continue
            if role != "injury" and self.rejected(finding):
                continue
            excluded = (
                self.rules.injury_sections_exclude if role == "injury" else self.rules.diagnostic_sections_exclude
            )
            if finding.section in excluded or (role != "injury" and self.reports_study(finding)):
                continue
            if concept.stated_as_diagnosis and finding.section not in ASSESSMENT_SECTIONS | {None}:
                continue
            out.append((finding, concept))
        return out

    def reports_study(self, finding: Finding) -> bool:
        """A condition in a sentence that reports a study done ('MRI shows C5-6 facet arthropathy') is its finding,
        evidence rather than a diagnosis, unless the sentence stands in the assessment."""
        if finding.section in ASSESSMENT_SECTIONS:
            return False
        return any(
            f.kind == K.IMAGING and f.assertion == Assertion.PRESENT and abs(f.start - finding.start) <= _STUDY_REACH
            for f in self.by_sentence[finding.sentence_start]
        )

    def region(self, finding: Finding) -> int | None:
        """The finding's region, else the region another mention of the same condition gives (often imaging)."""
        if finding.region is not None:
            return int(finding.region)
        return self.concept_region.get(finding.concept)

    def region_evidence(self, finding: Finding) -> list[Finding]:
        """The level a finding borrowed its region from, so the reviewer sees both spans."""
        if finding.region_source != "sentence":
            return []
        level = self.levels_at.get((finding.sentence_start, finding.levels))
        return [level] if level is not None else []

    def several_regions(self, finding: Finding) -> bool:
        """The diagnosis's sentence names several regions ('cervical and lumbar spine', 'C5-6 and L4-5'): a
        'multiple sites' code."""
        levels = [f for f in self.by_sentence[finding.sentence_start] if f.kind == K.SPINAL_LEVEL]
        named = {int(f.region) for f in levels if f.region} | ({int(finding.region)} if finding.region else set())
        spanning = any(len(f.levels) > 2 and len({v.rstrip("0123456789") for v in f.levels}) > 1 for f in levels)
        return len(named) > 1 or spanning

    def present(self, kind: FindingKind, concepts: frozenset[str] | set[str]) -> list[Finding]:
        found = self.present_concepts[kind]
        return [f for concept in concepts for f in found.get(concept, ())]

    @cached_property
    def cranial_symptoms(self) -> list[Finding]:
        symptoms = self.present_concepts[K.SYMPTOM].values()
        return [f for found in symptoms for f in found if f.value == self.rules.cranial_symptom_value]

    @cached_property
    def claudication(self) -> str:
        """The 6th character of M48.06-: neurogenic claudication documented as present."""
        rule = self.rules.stenosis_claudication
        return rule.with_ if self.present(K.CONDITION, rule.concepts) else rule.without

    @cached_property
    def disc_pain(self) -> str:
        """The 6th character of M51.36-/M51.37-: documented low back pain and leg pain."""
        pain = self.rules.disc_pain_characters
        back = bool(self.present(K.CONDITION, pain.back_pain_concepts))
        leg = bool(self.present(K.SYMPTOM, pain.leg_pain_concepts) or self.present(K.CONDITION, pain.leg_pain_concepts))
        return {(True, True): pain.back_and_leg, (True, False): pain.back_only, (False, True): pain.leg_only}.get(
            (back, leg), pain.neither
        )


class Mapper:
    def __init__(self, rules: MapperRules) -> None:
        self.rules = rules
        self._block_note = "; ".join(e for e in block_excludes1() if "injury" in e)

    # -- building codes ----------------------------------------------------------------------------------------

    def build(
        self, family_name: str, region: int | None, finding: Finding, note: _Note, seventh: str = ""
    ) -> _Built | None:
        """The code a family gives for a region; None when the family has no variant for it."""
        family = self.rules.families[family_name]
        variants = [v for v in family.variants if v.regions is None or (region in v.regions)]
        if not variants:
            return None
        variant = variants[0]
        unspecified = False
        digit = ""
        if variant.digits is not None:
            if variant.multiple is not None and note.several_regions(finding):
                digit = variant.multiple
            elif region in (None, 0):
                if variant.unspecified is None:
                    return None
                digit, unspecified = variant.unspecified, True
            elif variant.digits == "cervical_disc":
                digit = self._cervical_disc_digit(finding, region)
            else:
                digit = self.rules.digit_maps[variant.digits].get(region, "")
        template = variant.code
        by_vertebra = {family.by_vertebra.get(v) for v in finding.levels}
        if family.by_vertebra and finding.levels and len(by_vertebra) == 1 and None not in by_vertebra:
            template = by_vertebra.pop()
        pain = note.disc_pain if "{pain}" in template else ""
        claudication = note.claudication if "{claudication}" in template else ""
        code = template.format(digit=digit, seventh=seventh or "-", pain=pain, claudication=claudication)
        return _Built(emittable(code), unspecified)

    def family_label(self, family_name: str) -> str:
        """The code categories a family can give, for a gap about a code that could not be built ("M50.3-/M51.3-")."""
        variants = self.rules.families[family_name].variants
        return "/".join(dict.fromkeys(emittable(v.code.format(digit="", seventh="", pain="")) for v in variants))

    def _cervical_disc_digit(self, finding: Finding, region: int) -> str:
        levels = finding.levels
        if len(levels) == 2:
            digit = self.rules.cervical_disc_levels.get(f"{levels[0]}-{levels[1]}")
            if digit is not None:
                return digit
        return self.rules.digit_maps["cervical_disc"].get(region, "")

    # -- the decisions -----------------------------------------------------------------------------------------

    def propose(self, findings: Sequence[Finding], setting: str = "outpatient") -> Proposal:
        note = _Note(findings, self.rules, setting)
        alternatives: dict[str, _Draft] = {}
        gaps: dict[tuple[str, str | None], Gap] = {}

        injured_regions, sequela_regions, unclear_injury, timed_injury = self._injuries(note, alternatives, gaps)
        covered_regions, blocking_regions, combined_regions = self._specific(note, alternatives, gaps)
        codes = self._m53(note, injured_regions, blocking_regions, combined_regions, alternatives)
        uncertain = self._uncertain(note, gaps)
        trauma_unclear = unclear_injury or (self._trauma_unclear(note) and not timed_injury)
        self._pain(
            note, codes, covered_regions | injured_regions, sequela_regions, bool(uncertain), trauma_unclear,
            alternatives, gaps,
        )  # fmt: skip
        for draft in codes.values():
            for gap_id in self.rules.family_gaps.get(draft.family, ()):
                if self._gap_applies(gap_id, draft, note, trauma_unclear):
                    self._add_gap(gaps, gap_id, draft.code)
        return Proposal(
            codes=tuple(self._code_proposal(d) for d in self._primary_first(codes.values())),
            alternatives=tuple(
                Alternative(code=d.code, title=title(d.code), reason=d.reason, evidence=tuple(_unique(d.evidence)))
                for d in alternatives.values()
            ),
            gaps=tuple(gaps.values()),
        )

    def _injuries(self, note: _Note, alternatives: dict[str, _Draft], gaps: dict) -> tuple[set, set, bool, bool]:
        """Current injuries: the S-code, the regions where M53 is excluded (block Excludes1), the regions whose
        condition is a documented sequela of an injury, and whether an injury's timing is unclear or known."""
        injured: set[int | None] = set()
        sequela: set[int | None] = set()
        unclear = timed = False
        coded: set[tuple[int, int | None]] = set()
        for finding, concept in note.diagnoses("injury", self.rules.supporting_assertions):
            region = note.region(finding)
            if any(_same_region(other.region, region) for other in note.present(K.CONDITION, concept.superseded_by)):
                continue  # the fracture the note calls osteoporotic or pathological, not an injury
            if (finding.sentence_start, region) in coded:
                continue  # "acute cervical strain (whiplash)": one injury, one code
            coded.add((finding.sentence_start, region))
            timing = self._injury_timing(finding, note)
            timed = timed or timing is not None
            if timing == "remote":
                continue
            family = self._family_for_text(concept, finding.text)
            seventh = self.rules.seventh_characters.get(timing or "", "")
            built = self.build(family, region, finding, note, seventh)
            if timing is None:
                unclear = True
                if built is not None:
                    self._add_gap(gaps, "injury-timeline-unclear", built.code)
            elif timing == "sequela":
                sequela.add(region)  # coded after the condition it left, which is coded as it is now
            else:
                injured.add(region)
            if built is not None:
                when = f"{timing} encounter" if timing else "timing not documented"
                reason = (
                    f"{concept.reason} ('{finding.text}', {when}); M50-M54 Excludes1: {self._block_note}"
                    if timing
                    else f"{concept.reason.replace('a current', 'an')} ('{finding.text}'); whether it is current is "
                    "not documented, and a current injury excludes M53"
                )
                self._add_alternative(alternatives, built.code, family, region, finding, reason, note)
        return injured, sequela, unclear, timed

    def _injury_timing(self, injury: Finding, note: _Note) -> str | None:
        """Current, subsequent, sequela or remote; a bare date says when, not which encounter, so it does not count."""
        if injury.value is not None:
            return injury.value  # stated with the diagnosis: "strain, subsequent encounter"
        region = note.region(injury)
        for other in note.by_kind[K.CONDITION]:
            if other.concept == injury.concept and other.value and note.region(other) == region:
                return other.value  # stated with another mention of the same injury
        encounters = self.rules.seventh_characters.keys() | {"remote"}
        for finding in note.by_sentence[injury.sentence_start]:
            if finding.kind == K.CHRONICITY and finding.concept == "acute":
                return "current"
            if finding.kind == K.TRAUMA and finding.value in encounters:
                return finding.value
        timed = [f for f in note.by_kind[K.TRAUMA] if f.value in encounters and f.assertion != Assertion.NEGATED]
        if timed:
            return min(timed, key=lambda f: abs(f.start - injury.start)).value
        if injury.assertion == Assertion.HISTORICAL:
            return "remote"
        return None

    def _trauma_unclear(self, note: _Note) -> bool:
        trauma = [f for f in note.by_kind[K.TRAUMA] if f.assertion in (Assertion.PRESENT, Assertion.HISTORICAL)]
        return bool(trauma) and not any(f.value for f in trauma)

    def _family_for_text(self, concept: Concept, text: str) -> str:
        lower = text.lower()
        for word, family in concept.family_by_text:
            if word in lower:
                return family
        return concept.family

    def _specific(self, note: _Note, alternatives: dict[str, _Draft], gaps: dict) -> tuple[set, set, set]:
        """Diagnoses with a more specific code than M53: combination codes first, then each on its own. Returns
        the regions with any such code, with one that replaces a residual M53 code, and with a combination code."""
        by_region: dict[int | None, list[Finding]] = defaultdict(list)
        for finding, _ in note.diagnoses("specific", self.rules.supporting_assertions):
            by_region[note.region(finding)].append(finding)
        covered: set[int | None] = set()
        blocking: set[int | None] = set()
        combined: set[int | None] = set()
        built: dict[int | None, set[str]] = defaultdict(set)  # families coded, by region
        waiting: list[tuple[int | None, Finding]] = []
        near = self.rules.region_neighbours.near
        # a symptom-like concept with no level of its own (sciatica) joins a combination of its part of the spine
        floating = [(r, f) for r, found in by_region.items() for f in found if self.rules.concepts[f.concept].part_of]
        joined: set[tuple[int, int]] = set()
        for region, findings in by_region.items():
            consumed: set[str] = set()
            pool = findings + [f for r, f in floating if r != region and near(r, region)]
            concepts_here = {f.concept for f in pool}
            for combination in self.rules.combinations:
                wanted = set(combination.concepts)
                if wanted <= concepts_here and not wanted & consumed:
                    support = [f for f in pool if f.concept in wanted]
                    self._specific_code(
                        combination.family, region, support, combination.reason, note, alternatives, gaps
                    )
                    consumed |= wanted
                    joined.update((f.start, f.end) for f in support)
                    combined.add(region)
                    built[region].add(combination.family)
            for finding in findings:
                concept = self.rules.concepts[finding.concept]
                if finding.concept in consumed:
                    continue
                if concept.part_of:
                    waiting.append((region, finding))
                    continue
                family = self._family_for_text(concept, finding.text)
                self._specific_code(family, region, [finding], concept.reason, note, alternatives, gaps)
                built[region].add(concept.family)
            covered.add(region)
            if any(self.rules.concepts[f.concept].blocks_residual for f in findings):
                blocking.add(region)
        # a concept that is part of another code of its part of the spine (sciatica of a lumbar disc
        # radiculopathy, cord compression of a myelopathy) is coded only where no such code was built
        for region, finding in waiting:
            concept = self.rules.concepts[finding.concept]
            if (finding.start, finding.end) in joined or any(
                near(other, region) and concept.part_of & families for other, families in built.items()
            ):
                continue
            family = self._family_for_text(concept, finding.text)
            self._specific_code(family, region, [finding], concept.reason, note, alternatives, gaps)
            built[region].add(concept.family)
        return covered, blocking, combined

    def _specific_code(self, family, region, support, reason, note, alternatives, gaps) -> None:
        # the level digit comes from the diagnosis as stated, at a disc level where one is given
        best = min(support, key=lambda f: (f.section not in ASSESSMENT_SECTIONS, len(f.levels) != 2, f.start))
        # a pathological fracture's 7th character: the encounter stated with it, else active treatment
        seventh = self.rules.seventh_characters.get(best.value or "current", "")
        built = self.build(family, region, best, note, seventh)
        if built is None:
            self._add_gap(gaps, "region-not-documented", self.family_label(family))
            return
        where = self.rules.region_names.get(region if region is not None else 0, "site unspecified")
        text = ", ".join(f"'{f.text}'" for f in support)
        self._add_alternative(alternatives, built.code, family, region, support, f"{reason} ({text}; {where})", note)
        if built.unspecified_region:
            self._add_gap(gaps, "region-not-documented", built.code)

    def _m53(
        self, note: _Note, injured: set, blocking: set, combined: set, alternatives: dict[str, _Draft]
    ) -> dict[str, _Draft]:
        codes: dict[str, _Draft] = {}
        for finding, concept in note.diagnoses("m53", self.rules.supporting_assertions):
            region = note.region(finding)
            if region in injured or None in injured or (region is None and injured):
                continue  # a current injury in this region: the S-code, not M53
            residual = concept.family in self.rules.residual_families
            yields = concept.family in self.rules.yields_to_combinations
            if (residual and (region in blocking or (None in blocking and region is None))) or (
                yields and (region in combined or (region is None and combined))
            ):
                self._note_replaced(finding, concept, region, note, alternatives)
                continue  # a more specific code of this region is among the alternatives
            built = self.build(concept.family, region, finding, note)
            if built is None:
                continue
            draft = codes.setdefault(built.code, _Draft(built.code, concept.family, region))
            draft.evidence += [finding, *note.region_evidence(finding)]
            draft.unspecified_region = built.unspecified_region
            draft.reason = draft.reason or self._rationale(finding, region, built, concept.family)
            if concept.family == "M53.0":
                draft.evidence += note.cranial_symptoms
                self._code_also(note, draft, alternatives)
        if any(d.family != "M53.9" for d in codes.values()):
            codes = {c: d for c, d in codes.items() if d.family != "M53.9"}  # a named condition outranks M53.9
        return codes

    def _note_replaced(self, finding: Finding, concept: Concept, region, note: _Note, alternatives) -> None:
        """Say in the replacing alternative which M53 code it stands instead of, and for which mention."""
        built = self.build(concept.family, region, finding, note)
        for alternative in alternatives.values():
            blocks = any(
                self.rules.concepts[f.concept].blocks_residual
                for f in alternative.evidence
                if f.concept in self.rules.concepts
            )
            if alternative.region == region and blocks and built is not None:
                alternative.reason += f"; documented, it replaces {built.code} for '{finding.text}'"
                alternative.evidence.append(finding)
                return

    def _code_also(self, note: _Note, draft: _Draft, alternatives: dict[str, _Draft]) -> None:
        rule = self.rules.code_also.get(draft.family)
        if rule is None:
            return
        for alternative in alternatives.values():
            if any(f.concept in rule.concepts for f in alternative.evidence) and rule.reason not in alternative.reason:
                alternative.reason = f"{alternative.reason}; with {draft.code}: {rule.reason}"

    def _rationale(self, finding: Finding, region: int | None, built: _Built, family: str) -> str:
        section = (finding.section or "the note").replace("_", " ")
        if all(v.digits is None for v in self.rules.families[family].variants):
            return f"named condition '{finding.text}' in {section}: {built.code} (no region character)"
        if region is None or built.unspecified_region:
            where = "no region documented -> site unspecified"
        else:
            levels = f"{finding.levels[0]}-{finding.levels[-1]}" if len(finding.levels) > 1 else "".join(finding.levels)
            source = "its sentence" if finding.region_source == "sentence" else "stated with the diagnosis"
            where = f"region {levels} ({source}) -> {self.rules.region_names[region]}"
            if finding.region is None:
                where = f"region from another mention of the condition -> {self.rules.region_names[region]}"
        return f"named condition '{finding.text}' in {section}, {where}: {built.code}"

    def _uncertain(self, note: _Note, gaps: dict) -> list[Finding]:
        """Possible / rule-out diagnoses: not coded; the gap asks the physician to confirm or rule out."""
        possible = {Assertion.POSSIBLE}
        uncertain = []
        confirmed = {
            role: {note.region(f) for f, _ in note.diagnoses(role, self.rules.supporting_assertions)}
            for role in ("m53", "specific", "injury")
        }
        dorsopathies = confirmed["m53"] | confirmed["specific"]
        for role in ("m53", "specific", "injury"):
            for finding, concept in note.diagnoses(role, possible):
                if note.present(K.CONDITION, {finding.concept}):
                    continue
                region = note.region(finding)
                if role == "injury" and region in confirmed["injury"]:
                    continue  # "likely whiplash" beside a confirmed cervical strain: the injury is documented
                if role != "injury" and (region in dorsopathies or (region is None and dorsopathies)):
                    continue  # "probable instability" beside a confirmed stenosis: not the only dorsopathy
                built = self.build(self._family_for_text(concept, finding.text), region, finding, note)
                self._add_gap(gaps, "uncertain-diagnosis", built.code if built else self.family_label(concept.family))
                uncertain.append(finding)
        return uncertain

    def _pain(self, note, codes, covered, sequela, uncertain: bool, trauma_unclear: bool, alternatives, gaps) -> None:
        """Pain with no structural diagnosis of its region: the pain code, and the gap naming what is missing
        (none when the pain is the documented sequela of an injury: its cause is named)."""
        structural_regions = covered | {d.region for d in codes.values()}
        cranial = note.cranial_symptoms
        for finding, concept in note.diagnoses("pain", self.rules.supporting_assertions):
            region = note.region(finding)
            if structural_regions & (self.rules.region_neighbours.regions(region) | {None}):
                continue
            if region is None and structural_regions:
                continue  # pain of no stated region beside a structural diagnosis: that diagnosis explains it
            built = self.build(concept.family, region, finding, note)
            if built is None:
                continue
            reason = concept.reason
            if uncertain:
                reason += "; the diagnosis is uncertain, so the documented symptom is coded (outpatient rule)"
            if finding.concept == "neck_pain" and cranial and not codes:
                reason += "; with headache but no named cervicocranial syndrome this is M54.2, not M53.0"
            self._add_alternative(alternatives, built.code, concept.family, region, [finding, *cranial], reason, note)
            if not codes and not uncertain and region not in sequela:
                self._add_gap(gaps, "condition-not-named", built.code)
            if trauma_unclear:
                self._add_gap(gaps, "injury-timeline-unclear", built.code)  # an injury would change the code

    # -- gaps --------------------------------------------------------------------------------------------------

    def _gap_applies(self, gap_id: str, draft: _Draft, note: _Note, trauma_unclear: bool) -> bool:
        rules = self.rules
        if gap_id == "region-not-documented":
            return draft.unspecified_region
        if gap_id == "condition-not-named":
            return draft.family == "M53.9"
        if gap_id == "imaging-not-documented":
            near = self.rules.region_neighbours.near
            return not any(
                f.value and f.assertion == Assertion.PRESENT and near(f.region, draft.region)
                for f in note.by_kind[K.IMAGING]
            )
        if gap_id == "neuro-exam-not-documented":
            return not any(f.value and f.concept in rules.exam_concepts for f in note.by_kind[K.NEURO_EXAM])
        if gap_id == "conservative-care-not-documented":
            prior = (Assertion.PRESENT, Assertion.HISTORICAL)
            return not any(f.value and f.assertion in prior for f in note.by_kind[K.CONSERVATIVE_CARE])
        if gap_id == "exclusions-not-documented":
            return not any(
                f.concept in rules.exclusion_concepts and f.assertion == Assertion.NEGATED
                for f in note.by_kind[K.CONDITION]
            )
        if gap_id == "symptom-cluster-not-documented":
            return not note.cranial_symptoms
        if gap_id == "chronicity-not-documented":
            return not any(
                f.assertion not in (Assertion.NEGATED, Assertion.HYPOTHETICAL) for f in note.by_kind[K.CHRONICITY]
            )
        if gap_id == "injury-timeline-unclear":
            return trauma_unclear
        raise ValueError(f"no test for gap {gap_id!r}")

    def _add_gap(self, gaps: dict, gap_id: str, code: str | None) -> None:
        text = self.rules.gaps[gap_id]
        gaps.setdefault(
            (gap_id, code),
            Gap(id=gap_id, message=text.message, code=code, query=text.query, looked_for=text.looked_for),
        )

    # -- output ------------------------------------------------------------------------------------------------

    def _add_alternative(self, alternatives, code, family, region, evidence, reason, note: _Note) -> None:
        support = evidence if isinstance(evidence, list) else [evidence]
        draft = alternatives.setdefault(code, _Draft(code, family, region, reason=reason))
        for finding in support:
            draft.evidence += [finding, *note.region_evidence(finding)]

    def _primary_first(self, drafts) -> list[_Draft]:
        def key(draft: _Draft) -> tuple[int, int]:
            first = min(draft.evidence, key=lambda f: (f.section not in ASSESSMENT_SECTIONS, f.start))
            return (first.section not in ASSESSMENT_SECTIONS, first.start)

        return sorted(drafts, key=key)

    def _code_proposal(self, draft: _Draft) -> CodeProposal:
        return CodeProposal(
            code=draft.code, title=title(draft.code), evidence=tuple(_unique(draft.evidence)), rationale=draft.reason
        )


def _same_region(one: int | None, other: int | None) -> bool:
    """The same region, or one of them unstated: a mention without a region may be about either."""
    return one is None or other is None or int(one) == int(other)


def _unique(findings: list[Finding]) -> list[Finding]:
    seen, out = set(), []
    for finding in sorted(findings, key=lambda f: (f.start, f.end)):
        key = (finding.kind, finding.start, finding.end)
        if key not in seen:
            seen.add(key)
            out.append(finding)
    return out


@cache
def _mapper() -> Mapper:
    return Mapper(mapper_rules())


def propose(findings: Sequence[Finding], setting: str = "outpatient") -> Proposal:
    """Codes, alternatives and gaps for a note's findings; `setting` decides how uncertain diagnoses are coded."""
    return _mapper().propose(findings, setting)
