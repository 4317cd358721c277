"""Code mapper: findings in, M53 proposals, more specific alternatives and documentation gaps out.

Pure: it reads `Finding`s and the rules in `rules.json`, never spaCy, so every rule is testable from a table.
The order of decisions follows the coding brief: a current injury is coded to the injury (block Excludes1); a
documented radiculopathy, disc disorder, spondylosis, myelopathy or deformity replaces an 'other specified'
dorsopathy of the same region; an uncertain diagnosis is not coded (outpatient rule); pain alone is coded as
pain; what remains is an M53 code by region, with the gaps that would make it defensible."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from notecoder.mapper.decisions import Decisions, Draft, unique
from notecoder.mapper.icd import block_excludes1, emittable, placeholders, title
from notecoder.mapper.note import ASSESSMENT_SECTIONS, K, NoteIndex, same_region
from notecoder.mapper.rules import Concept, MapperRules, mapper_rules
from notecoder.result import Alternative, Assertion, CodeProposal, Finding, Gap


@dataclass(frozen=True)
class Proposal:
    codes: tuple[CodeProposal, ...]
    alternatives: tuple[Alternative, ...]
    gaps: tuple[Gap, ...]


@dataclass
class _Built:
    code: str
    unspecified_region: bool


_GAP_TESTS = frozenset({
    "region-not-documented", "condition-not-named", "imaging-not-documented", "neuro-exam-not-documented",
    "conservative-care-not-documented", "exclusions-not-documented", "symptom-cluster-not-documented",
    "chronicity-not-documented", "injury-timeline-unclear",
})  # fmt: skip
"""The gap ids of the coding brief that `_gap_applies` can test on a code's documentation."""


class Mapper:
    def __init__(self, rules: MapperRules) -> None:
        untested = {gap for gaps in rules.family_gaps.values() for gap in gaps} - _GAP_TESTS
        if untested:
            raise ValueError(f"mapper rules give families gaps the mapper has no test for: {sorted(untested)}")
        self.rules = rules
        self._block_note = "; ".join(e for e in block_excludes1() if "injury" in e)

    # -- building codes ----------------------------------------------------------------------------------------

    def build(
        self, family_name: str, region: int | None, finding: Finding, note: NoteIndex, seventh: str = ""
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
        if family.by_vertebra and finding.levels and len(by_vertebra) == 1:
            template = by_vertebra.pop() or template
        pain = note.disc_pain if "{pain}" in template else ""
        claudication = note.claudication if "{claudication}" in template else ""
        code = template.format(digit=digit, seventh=seventh or "-", pain=pain, claudication=claudication)
        return _Built(emittable(code), unspecified)

    def family_label(self, family_name: str) -> str:
        """The code categories a family can give, for a gap about a code that could not be built ("M50.3-/M51.3-")."""
        variants = self.rules.families[family_name].variants
        return "/".join(dict.fromkeys(emittable(_category(v.code)) for v in variants))

    def _cervical_disc_digit(self, finding: Finding, region: int) -> str:
        levels = finding.levels
        if len(levels) == 2:
            digit = self.rules.cervical_disc_levels.get(f"{levels[0]}-{levels[1]}")
            if digit is not None:
                return digit
        return self.rules.digit_maps["cervical_disc"].get(region, "")

    # -- the decisions -----------------------------------------------------------------------------------------

    def propose(self, findings: Sequence[Finding], setting: str = "outpatient") -> Proposal:
        note = NoteIndex(findings, self.rules, setting)
        decided = Decisions(self.rules.gaps)
        self._injuries(note, decided)
        self._specific(note, decided)
        self._m53(note, decided)
        self._uncertain(note, decided)
        decided.trauma_unclear = decided.unclear_injury or (self._trauma_unclear(note) and not decided.timed_injury)
        self._pain(note, decided)
        for draft in decided.codes.values():
            for gap_id in self.rules.family_gaps.get(draft.family, ()):
                if self._gap_applies(gap_id, draft, note, decided.trauma_unclear):
                    untimed = gap_id == "injury-timeline-unclear"
                    decided.gap(gap_id, draft.code, self._untimed_trauma(note) if untimed else draft.evidence)
        return Proposal(
            codes=tuple(self._code_proposal(d) for d in self._primary_first(decided.codes.values())),
            alternatives=tuple(
                Alternative(code=d.code, title=title(d.code), reason=d.reason, evidence=tuple(unique(d.evidence)))
                for d in decided.alternatives.values()
            ),
            gaps=decided.finished_gaps(),
        )

    def _injuries(self, note: NoteIndex, decided: Decisions) -> None:
        """Current injuries: the S-code, the regions where M53 is excluded (block Excludes1), the regions whose
        condition is a documented sequela of an injury, and whether an injury's timing is unclear or known."""
        coded: set[tuple[int, int | None]] = set()
        for finding, concept in note.diagnoses("injury", self.rules.supporting_assertions):
            region = note.region(finding)
            if any(same_region(other.region, region) for other in note.present(K.CONDITION, concept.superseded_by)):
                continue  # the fracture the note calls osteoporotic or pathological, not an injury
            if (finding.sentence_start, region) in coded:
                continue  # "acute cervical strain (whiplash)": one injury, one code
            coded.add((finding.sentence_start, region))
            timing = self._injury_timing(finding, note)
            decided.timed_injury = decided.timed_injury or timing is not None
            if timing == "remote":
                continue
            family = self._family_for_text(concept, finding.text)
            seventh = self.rules.seventh_characters.get(timing or "", "")
            built = self.build(family, region, finding, note, seventh)
            if timing is None:
                decided.unclear_injury = True
                if built is not None:
                    decided.gap("injury-timeline-unclear", built.code, [finding])
            elif timing == "sequela":
                decided.sequela.add(region)  # coded after the condition it left, which is coded as it is now
            else:
                decided.injured.add(region)
            if built is not None:
                when = f"{timing} encounter" if timing else "timing not documented"
                reason = (
                    f"{concept.reason} ('{finding.text}', {when}); M50-M54 Excludes1: {self._block_note}"
                    if timing
                    else f"{concept.reason.replace('a current', 'an')} ('{finding.text}'); whether it is current is "
                    "not documented, and a current injury excludes M53"
                )
                decided.alternative(built.code, family, region, finding, reason, note)

    def _injury_timing(self, injury: Finding, note: NoteIndex) -> str | None:
        """Current, subsequent, sequela or remote; a bare date says when, not which encounter, so it does not count."""
        if injury.value is not None:
            return injury.value  # stated with the diagnosis: "strain, subsequent encounter"
        region = note.region(injury)
        for other in note.by_kind[K.CONDITION]:
            if other.concept == injury.concept and other.value and note.region(other) == region:
                return other.value  # stated with another mention of the same injury
        encounters = self.rules.seventh_characters.keys() | {"remote"}
        for finding in note.by_sentence[injury.sentence_start]:
            if finding.kind == K.CHRONICITY and finding.concept in self.rules.acute_chronicity:
                return "current"
            if finding.kind == K.TRAUMA and finding.value in encounters:
                return finding.value
        timed = [f for f in note.by_kind[K.TRAUMA] if f.value in encounters and f.assertion != Assertion.NEGATED]
        if timed:
            return min(timed, key=lambda f: abs(f.start - injury.start)).value
        if injury.assertion == Assertion.HISTORICAL:
            return "remote"
        return None

    def _trauma_unclear(self, note: NoteIndex) -> bool:
        trauma = [f for f in note.by_kind[K.TRAUMA] if f.assertion in (Assertion.PRESENT, Assertion.HISTORICAL)]
        return bool(trauma) and not any(f.value for f in trauma)

    def _untimed_trauma(self, note: NoteIndex) -> list[Finding]:
        """The injuries and trauma the note mentions without saying when: what an unclear timeline rests on."""
        told = (Assertion.PRESENT, Assertion.HISTORICAL)
        trauma = [f for f in note.by_kind[K.TRAUMA] if f.assertion in told and not f.value]
        injuries = [f for f, _ in note.diagnoses("injury", self.rules.supporting_assertions) if not f.value]
        return trauma + injuries

    def _family_for_text(self, concept: Concept, text: str) -> str:
        lower = text.lower()
        for word, family in concept.family_by_text:
            if word in lower:
                return family
        return concept.family

    def _specific(self, note: NoteIndex, decided: Decisions) -> None:
        """Diagnoses with a more specific code than M53: combination codes first, then each on its own."""
        by_region: dict[int | None, list[Finding]] = defaultdict(list)
        for finding, _ in note.diagnoses("specific", self.rules.supporting_assertions):
            by_region[note.region(finding)].append(finding)
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
                    self._specific_code(combination.family, region, support, combination.reason, note, decided)
                    consumed |= wanted
                    joined.update((f.start, f.end) for f in support)
                    decided.combined.add(region)
                    built[region].add(combination.family)
            for finding in findings:
                concept = self.rules.concepts[finding.concept]
                if finding.concept in consumed:
                    continue
                if concept.part_of:
                    waiting.append((region, finding))
                    continue
                family = self._family_for_text(concept, finding.text)
                self._specific_code(family, region, [finding], concept.reason, note, decided)
                built[region].add(concept.family)
            decided.covered.add(region)
            if any(self.rules.concepts[f.concept].blocks_residual for f in findings):
                decided.blocking.add(region)
        # a concept that is part of another code of its part of the spine (sciatica of a lumbar disc
        # radiculopathy, cord compression of a myelopathy) is coded only where no such code was built
        for region, finding in waiting:
            concept = self.rules.concepts[finding.concept]
            if (finding.start, finding.end) in joined or any(
                near(other, region) and concept.part_of & families for other, families in built.items()
            ):
                continue
            family = self._family_for_text(concept, finding.text)
            self._specific_code(family, region, [finding], concept.reason, note, decided)
            built[region].add(concept.family)

    def _specific_code(self, family, region, support, reason, note: NoteIndex, decided: Decisions) -> None:
        # the level digit comes from the diagnosis as stated, at a disc level where one is given
        best = min(support, key=lambda f: (f.section not in ASSESSMENT_SECTIONS, len(f.levels) != 2, f.start))
        # a pathological fracture's 7th character: the encounter stated with it, else active treatment
        seventh = self.rules.seventh_characters.get(best.value or "current", "")
        built = self.build(family, region, best, note, seventh)
        if built is None:
            decided.gap("region-not-documented", self.family_label(family), support)
            return
        where = self.rules.region_names.get(region if region is not None else 0, "site unspecified")
        text = ", ".join(f"'{f.text}'" for f in support)
        decided.alternative(built.code, family, region, support, f"{reason} ({text}; {where})", note)
        if built.unspecified_region:
            decided.gap("region-not-documented", built.code, support)

    def _m53(self, note: NoteIndex, decided: Decisions) -> None:
        injured, blocking, combined, codes = decided.injured, decided.blocking, decided.combined, decided.codes
        for finding, concept in note.diagnoses("m53", self.rules.supporting_assertions):
            region = note.region(finding)
            if region in injured or None in injured or (region is None and injured):
                continue  # a current injury in this region: the S-code, not M53
            residual = concept.family in self.rules.residual_families
            yields = concept.family in self.rules.yields_to_combinations
            if (residual and (region in blocking or (None in blocking and region is None))) or (
                yields and (region in combined or (region is None and combined))
            ):
                self._note_replaced(finding, concept, region, note, decided)
                continue  # a more specific code of this region is among the alternatives
            built = self.build(concept.family, region, finding, note)
            if built is None:
                continue
            draft = codes.setdefault(built.code, Draft(built.code, concept.family, region))
            draft.evidence += [finding, *note.region_evidence(finding)]
            draft.unspecified_region = built.unspecified_region
            draft.reason = draft.reason or self._rationale(finding, region, built, concept.family)
            if concept.family in self.rules.cranial_families:
                draft.evidence += note.cranial_symptoms
            self._code_also(draft, decided)
        unnamed = self.rules.unnamed_family
        if any(d.family != unnamed for d in codes.values()):  # a named condition outranks the unnamed dorsopathy
            decided.codes = {c: d for c, d in codes.items() if d.family != unnamed}

    def _note_replaced(self, finding: Finding, concept: Concept, region, note: NoteIndex, decided: Decisions) -> None:
        """Say in the replacing alternative which M53 code it stands instead of, and for which mention."""
        built = self.build(concept.family, region, finding, note)
        for alternative in decided.alternatives.values():
            blocks = any(
                self.rules.concepts[f.concept].blocks_residual
                for f in alternative.evidence
                if f.concept in self.rules.concepts
            )
            if alternative.region == region and blocks and built is not None:
                alternative.reason += f"; documented, it replaces {built.code} for '{finding.text}'"
                alternative.evidence.append(finding)
                return

    def _code_also(self, draft: Draft, decided: Decisions) -> None:
        rule = self.rules.code_also.get(draft.family)
        if rule is None:
            return
        for alternative in decided.alternatives.values():
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

    def _uncertain(self, note: NoteIndex, decided: Decisions) -> None:
        """Possible / rule-out diagnoses: not coded; the gap asks the physician to confirm or rule out."""
        possible = frozenset({Assertion.POSSIBLE})
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
                code = built.code if built else self.family_label(concept.family)
                decided.gap("uncertain-diagnosis", code, [finding])
                decided.uncertain.append(finding)

    def _pain(self, note: NoteIndex, decided: Decisions) -> None:
        """Pain with no structural diagnosis of its region: the pain code, and the gap naming what is missing
        (none when the pain is the documented sequela of an injury: its cause is named)."""
        codes, uncertain = decided.codes, bool(decided.uncertain)
        structural_regions = decided.covered | decided.injured | {d.region for d in codes.values()}
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
            headache = self.rules.headache_without_syndrome
            if finding.concept in headache.concepts and cranial and not codes:
                reason += f"; {headache.reason}"
            decided.alternative(built.code, concept.family, region, [finding, *cranial], reason, note)
            if not codes and not uncertain and region not in decided.sequela:
                decided.gap("condition-not-named", built.code, [finding])
            if decided.trauma_unclear:  # an injury would change the code
                decided.gap("injury-timeline-unclear", built.code, self._untimed_trauma(note))

    # -- gaps --------------------------------------------------------------------------------------------------

    def _gap_applies(self, gap_id: str, draft: Draft, note: NoteIndex, trauma_unclear: bool) -> bool:
        rules = self.rules
        if gap_id == "region-not-documented":
            return draft.unspecified_region
        if gap_id == "condition-not-named":
            return draft.family == self.rules.unnamed_family
        if gap_id == "imaging-not-documented":
            near = self.rules.region_neighbours.near
            return not any(
                f.value and f.assertion == Assertion.PRESENT and near(f.region, draft.region)
                for f in note.by_kind[K.IMAGING]
            )
        if gap_id == "neuro-exam-not-documented":
            return not any(f.value and f.concept in rules.exam_concepts for f in note.by_kind[K.NEURO_EXAM])
        if gap_id == "conservative-care-not-documented":
            if any(f.section in rules.operative_sections for f in note.findings):
                return False  # an operative note documents the operation, not the care that came before it
            prior = (Assertion.PRESENT, Assertion.HISTORICAL)
            return not any(f.value and f.assertion in prior for f in note.by_kind[K.CONSERVATIVE_CARE])
        if gap_id == "exclusions-not-documented":
            # a disc, radicular or cord cause documented as absent or as present (then among the alternatives)
            # has been considered: asking whether it was would contradict the note's own proposals
            considered = (Assertion.NEGATED, Assertion.PRESENT)
            near = rules.region_neighbours.near
            return not any(
                f.concept in rules.exclusion_concepts
                and f.assertion in considered
                and near(note.region(f), draft.region)
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

    # -- output ------------------------------------------------------------------------------------------------

    def _primary_first(self, drafts) -> list[Draft]:
        def key(draft: Draft) -> tuple[int, int]:
            first = min(draft.evidence, key=lambda f: (f.section not in ASSESSMENT_SECTIONS, f.start))
            return (first.section not in ASSESSMENT_SECTIONS, first.start)

        return sorted(drafts, key=key)

    def _code_proposal(self, draft: Draft) -> CodeProposal:
        return CodeProposal(
            code=draft.code, title=title(draft.code), evidence=tuple(unique(draft.evidence)), rationale=draft.reason
        )


def _category(template: str) -> str:
    """A variant's template with every placeholder ({digit}, {seventh}, {pain}, {claudication}) left empty."""
    return template.format_map({name: "" for name in placeholders(template)})


@cache
def _mapper() -> Mapper:
    return Mapper(mapper_rules())


def propose(findings: Sequence[Finding], setting: str = "outpatient") -> Proposal:
    """Codes, alternatives and gaps for a note's findings; `setting` decides how uncertain diagnoses are coded."""
    return _mapper().propose(findings, setting)
