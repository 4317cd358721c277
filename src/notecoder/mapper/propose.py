"""Code mapper: findings in, M53 proposals, more specific alternatives and documentation gaps out.

Pure: it reads `Finding`s and the rules in `rules.json`, never spaCy, so every rule is testable from a table.
The stages: each diagnosis the note asserts today becomes a proposal of its concept's family (injuries with their
encounter, combination codes from the pairs the rules list, M53 codes, then pain), its code assembled from axes
(`axes.py`); the exclusion rules (`exclusions.py`) remove what another proposal keeps out; the gap tests
(`gaps.py`) run for the families the rules say they apply to, and each axis the note does not document raises the
gap that asks for it. An uncertain diagnosis is not coded outpatient: its gap asks to confirm it."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from notecoder.mapper.axes import Built, build, known_axes, units
from notecoder.mapper.decisions import Draft, Gaps, unique
from notecoder.mapper.exclusions import apply_exclusions
from notecoder.mapper.gaps import GAP_TESTS, Facts, check_tests
from notecoder.mapper.icd import MISSING, block_excludes1, category, emittable, placeholders, templates, title
from notecoder.mapper.note import ASSESSMENT_SECTIONS, K, NoteIndex
from notecoder.mapper.rules import Concept, MapperRules, Role, mapper_rules
from notecoder.result import TOLD, Alternative, Assertion, CodeProposal, Finding, Gap

_Mentions = dict[tuple[str | None, int | None], list[Finding]]
"""A note's injury mentions by family and region."""


_QUALIFIER_REACH = 24  # characters between a word and the diagnosis it qualifies ("chronic mild wedge ...")


@dataclass(frozen=True)
class Origin:
    """What a proposal comes from: the family its rule gives, its role, and the rule (a concept or combination)."""

    family: str
    role: Role
    rule: str


@dataclass(frozen=True)
class Proposal:
    codes: tuple[CodeProposal, ...]
    alternatives: tuple[Alternative, ...]
    gaps: tuple[Gap, ...]


class Mapper:
    def __init__(self, rules: MapperRules) -> None:
        check_tests(rules)
        unresolved = {name for t in templates(rules) for name in placeholders(t)} - known_axes()
        if unresolved:
            raise ValueError(f"mapper rules name axes no resolver reads: {sorted(unresolved)}")
        self.rules = rules
        self._combining_pain = frozenset(
            c for combination in rules.combinations for c in combination.concepts if rules.concepts[c].role == "pain"
        )
        self._block_note = "; ".join(e for e in block_excludes1() if "injury" in e)
        self._combinations = [(frozenset(c.concepts), c) for c in rules.combinations]
        """Each combination with the set of its concepts, built once rather than per region of every note."""
        self._applies: dict[str, list[str]] = defaultdict(list)
        for gap_id, gap in rules.gaps.items():
            for family in gap.applies_to:
                self._applies[family].append(gap_id)

    def family_label(self, family_name: str) -> str:
        """The code categories a family can give, for a gap about a code that could not be built ("M50.3-/M51.3-")."""
        variants = self.rules.families[family_name].variants
        return "/".join(dict.fromkeys(emittable(_category(v.code)) for v in variants))

    # -- the stages --------------------------------------------------------------------------------------------

    def propose(
        self, findings: Sequence[Finding], setting: str = "outpatient", assessed: bool = False, treated: bool = False
    ) -> Proposal:
        note = NoteIndex(findings, self.rules, setting, assessed, treated)
        gaps = Gaps(self.rules.gaps)
        facts = Facts(note, self.rules, codes=[])
        facts.trauma_told = bool(note.told_trauma)
        drafts: dict[str, Draft] = {}
        self._injuries(note, drafts, facts, gaps)
        self._specific(note, drafts, gaps)
        self._m53(note, drafts)
        facts.uncertain = self._uncertain(note, gaps)
        self._cranial_evidence(note, drafts.values(), self.rules.cranial_families)
        apply_exclusions(self.rules, list(drafts.values()))
        facts.codes = [d for d in drafts.values() if d.role == "m53" and d.alive]
        facts.untimed_trauma = self._untimed_trauma(note)
        facts.trauma_unclear = facts.trauma_unclear or (self._trauma_unclear(note) and not facts.timed_injury)
        self._pain(note, drafts, facts)
        self._cranial_evidence(note, [d for d in drafts.values() if d.role == "pain"], None)
        apply_exclusions(self.rules, list(drafts.values()))  # pain is what remains: kept out by what is coded
        proposed = [d for d in drafts.values() if d.alive and d.built]
        for draft in proposed:
            self._code_also(draft, proposed)
            for gap_id in self._applies.get(draft.family, ()):
                evidence = GAP_TESTS[gap_id](draft, facts)
                if evidence is not None:
                    gaps.raise_(gap_id, draft.code, evidence)
            for gap_id, axis in draft.axis_gaps:
                if not (axis == "seventh" and gaps.has(self.rules.axes.seventh.covered_by, draft.code)):
                    gaps.raise_(gap_id, draft.code, draft.evidence[:1], detail=axis.replace("_", " "))
        # an M53 code is a proposal whichever reading built it: sacral pain (sacrodynia) indexes to M53.3
        category = self.rules.proposed_category
        codes: list[Draft] = []
        others: list[Draft] = []
        for draft in proposed:
            (codes if draft.role == "m53" or draft.code.startswith(category) else others).append(draft)
        return Proposal(
            codes=tuple(self._code_proposal(d) for d in _primary_first(codes)),
            alternatives=tuple(
                Alternative(
                    code=d.code,
                    title=title(d.code),
                    reason=_reason(d),
                    evidence=tuple(unique(d.evidence)),
                    explanation=d.explanation(),
                )
                for d in others
            ),
            gaps=gaps.finished(),
        )

    def _draft(
        self,
        drafts: dict[str, Draft],
        built: Built,
        origin: Origin,
        region,
        support: list[Finding],
        reason: str,
        note: NoteIndex,
        encounter: str | None = None,
        site: str | None = None,
    ) -> Draft:
        draft = drafts.get(built.code)
        if draft is None:
            draft = Draft(
                code=built.code,
                family=origin.family,
                role=origin.role,
                rule=origin.rule,
                region=region,
                group=self.rules.families[origin.family].group,
                reason=reason,
                axes=built.axes,
                axis_gaps=list(built.gaps),
                encounter=encounter,
                site=site,
            )
            drafts[built.code] = draft
        for finding in support:
            draft.evidence += [finding, *note.region_evidence(finding)]
        return draft

    def _unbuilt(
        self, drafts: dict[str, Draft], origin: Origin, region, support: list[Finding], encounter: str | None = None
    ) -> None:
        """A diagnosis whose family has no code without a region: not proposed, but it excludes what it would."""
        label = self.family_label(origin.family)
        drafts.setdefault(
            f"{label} {region}",
            Draft(
                code=label,
                family=origin.family,
                role=origin.role,
                rule=origin.rule,
                region=region,
                evidence=list(support),
                encounter=encounter,
                built=False,
            ),
        )

    def _injuries(self, note: NoteIndex, drafts: dict[str, Draft], facts: Facts, gaps: Gaps) -> None:
        """Current injuries and their encounter; whether an injury's timing is unclear or known."""
        coded: set[tuple[int, int | None]] = set()
        fragility = self.rules.fragility_fracture
        fragile = self._fragile(note)
        injuries = note.diagnoses("injury", self.rules.supporting_assertions)
        mentions = self._injury_mentions(note) if injuries else {}
        for finding, concept in injuries:
            region = note.region(finding)
            if (finding.sentence_start, region) in coded:
                continue  # "acute cervical strain (whiplash)": one injury, one code
            coded.add((finding.sentence_start, region))
            timing = self._injury_timing(finding, note, mentions)
            if timing is None and note.inpatient and finding.section in ASSESSMENT_SECTIONS:
                timing = self.rules.axes.seventh.inpatient
            if fragile and finding.concept in fragility.fractures:
                if timing != "remote":  # an old healed fracture is history, the disease's or not
                    disease = self.rules.concepts[fragility.concept]
                    origin = Origin(disease.family, "specific", fragility.concept)
                    reason = disease.reason + fragility.reason
                    self._specific_code(origin, region, [finding], reason, note, drafts, gaps, encounter=timing)
                continue
            facts.timed_injury = facts.timed_injury or timing is not None
            if timing == "remote":
                continue
            if timing is None and facts.trauma_told:
                facts.trauma_unclear = True  # else no trauma is told at all: the 7th character's own gap asks
            elif timing == "sequela":
                facts.sequela.add(region)  # coded after the condition it left, which is coded as it is now
            family = _family_for_text(concept, finding.text)
            origin = Origin(family, "injury", finding.concept)
            when = f"{timing} encounter" if timing else "timing not documented"
            reason = (
                f"{concept.reason} ('{finding.text}', {when}); M50-M54 Excludes1: {self._block_note}"
                if timing
                else f"{concept.reason.replace('a current', 'an')} ('{finding.text}'); whether it is current is "
                "not documented, and a current injury excludes M53"
            )
            built_any = False
            for unit in units(self.rules, family, finding, region, _source(finding), encounter=timing):
                for built in build(self.rules, family, unit, note):
                    self._draft(
                        drafts, built, origin, unit.region, [finding], reason, note, encounter=timing, site=unit.site
                    )
                    built_any = True
            if not built_any:  # no code without its region, but a current injury still keeps M53 and pain out
                self._unbuilt(drafts, origin, region, [finding], encounter=timing)

    def _fragile(self, note: NoteIndex) -> bool:
        """The note documents the bone disease, and no trauma that would break a normal bone."""
        fragility = self.rules.fragility_fracture
        disease = any(f.concept in fragility.disease and f.assertion in TOLD for f in note.by_kind[K.CONDITION])
        return disease and not note.present(K.TRAUMA, fragility.major_trauma)

    def _injury_mentions(self, note: NoteIndex) -> _Mentions:
        """The mentions of each injury by family and region, in note order: each condition's family is read once per
        note, not once for every injury the note names."""
        mentions: _Mentions = defaultdict(list)
        for finding in note.by_kind[K.CONDITION]:
            family = self._injury_family(finding)
            if family is not None:
                mentions[(family, note.region(finding))].append(finding)
        return mentions

    def _injury_timing(self, injury: Finding, note: NoteIndex, mentions_of: _Mentions) -> str | None:
        """Current, subsequent, sequela or remote, read from every mention of the same injury (`mentions_of`): first
        what is stated with a diagnosis ("sequela of the 2018 whiplash"), then its sentence ("acute burst fracture of
        L1"). A bare date says when, not which encounter, so it does not count."""
        same = mentions_of[(self._injury_family(injury), note.region(injury))]  # the injury's own group
        mentions = [injury] + [other for other in same if other is not injury]
        stated = {m.value for m in mentions if m.value is not None}
        stated |= {timing for timing, values in self.rules.axes.seventh.together.items() if values <= stated}
        for timing in self.rules.axes.seventh.precedence:
            if timing in stated:
                return timing
        encounters = self.rules.axes.seventh.characters.keys() | {"remote"}
        for sentence in dict.fromkeys(m.sentence_start for m in mentions):  # each sentence read once
            for finding in note.by_sentence[sentence]:
                if finding.kind == K.CHRONICITY and finding.concept in self.rules.acute_chronicity:
                    return "current"
                if finding.kind == K.CHRONICITY and finding.concept in self.rules.remote_chronicity:
                    if any(0 <= m.start - finding.end <= _QUALIFIER_REACH for m in mentions):
                        return "remote"  # "a chronic compression deformity of T11": old, whatever else is acute
                if finding.kind == K.TRAUMA and finding.value in encounters:
                    return finding.value
        timed = [f for f in note.by_kind[K.TRAUMA] if f.value in encounters and f.assertion != Assertion.NEGATED]
        if timed:
            return min(timed, key=lambda f: abs(f.start - injury.start)).value
        if injury.assertion == Assertion.HISTORICAL:
            return "remote"
        return None

    def _injury_family(self, finding: Finding) -> str | None:
        concept = self.rules.concepts.get(finding.concept)
        return _family_for_text(concept, finding.text) if concept is not None and concept.role == "injury" else None

    def _trauma_unclear(self, note: NoteIndex) -> bool:
        trauma = note.told_trauma
        return bool(trauma) and not any(f.value for f in trauma)

    def _untimed_trauma(self, note: NoteIndex) -> list[Finding]:
        """The injuries and trauma the note mentions without saying when: what an unclear timeline rests on."""
        trauma = [f for f in note.told_trauma if not f.value]
        injuries = [f for f, _ in note.diagnoses("injury", self.rules.supporting_assertions) if not f.value]
        return trauma + injuries

    def _specific(self, note: NoteIndex, drafts: dict[str, Draft], gaps: Gaps) -> None:
        """Diagnoses with a more specific code than M53: combination codes from the pairs the rules list (one code
        for both mentions), then each other mention on its own."""
        by_region: dict[int | None, list[Finding]] = defaultdict(list)
        for finding, _ in note.diagnoses("specific", self.rules.supporting_assertions):
            by_region[note.region(finding)].append(finding)
        for finding, _ in note.diagnoses("pain", self.rules.supporting_assertions):
            if finding.concept in self._combining_pain:  # low back pain and sciatica: lumbago with sciatica
                by_region[note.region(finding)].append(finding)
        near = self.rules.region_neighbours.near
        # a mention with no level of its own (sciatica) joins a combination of its part of the spine
        joins = self.rules.concepts
        floating = [(r, f) for r, found in by_region.items() for f in found if joins[f.concept].joins_nearby]
        joined: set[tuple[int, int]] = set()
        for region, findings in by_region.items():
            consumed: set[str] = set()
            pool = findings + [f for r, f in floating if r != region and near(r, region)]
            concepts_here = {f.concept for f in pool}
            for combined, combination in self._combinations:
                # every pair the rules list makes its code: spondylosis with a radiculopathy and with cord compression
                # is M47.2- and M47.1-; a mention that joined one is not coded alone
                if combined <= concepts_here:
                    support = [f for f in pool if f.concept in combination.concepts]
                    rule = "+".join(combination.concepts)
                    origin = Origin(combination.family, "combination", rule)
                    self._specific_code(origin, region, support, combination.reason, note, drafts, gaps)
                    consumed |= set(combination.concepts)
                    joined.update((f.start, f.end) for f in support)
            for finding in findings:
                if finding.concept in consumed or (finding.start, finding.end) in joined:
                    continue
                if finding.value == "remote":
                    continue  # "osteoporotic T12 fracture in 2021, healed": a history, not today's fracture
                if finding.concept in self._combining_pain:
                    continue  # pain on its own is coded with the other pain, after the diagnoses
                concept = self.rules.concepts[finding.concept]
                family = _family_for_text(concept, finding.text)
                origin = Origin(family, "specific", finding.concept)
                self._specific_code(origin, region, [finding], concept.reason, note, drafts, gaps)

    def _specific_code(
        self,
        origin: Origin,
        region,
        support: list[Finding],
        reason: str,
        note: NoteIndex,
        drafts: dict[str, Draft],
        gaps: Gaps,
        encounter: str | None = None,
    ) -> None:
        family = origin.family
        # the levels come from the diagnosis as stated, at disc levels where they are given
        best = min(
            support,
            key=lambda f: (
                f.concept in self._combining_pain,  # the side and levels are written with the diagnosis, not the pain
                f.section not in ASSESSMENT_SECTIONS,
                -len(f.segments),
                len(f.levels) != 2,
                f.start,
            ),
        )
        # a pathological fracture's 7th character: the encounter stated with it, else active treatment
        timing = {"encounter": encounter or best.value, "default_encounter": "current"}
        built_any = False
        text = ", ".join(f"'{f.text}'" for f in support)
        for unit in units(self.rules, family, best, region, _source(best), **timing):
            for built in build(self.rules, family, unit, note):
                where = self.rules.region_names.get(unit.region if unit.region is not None else 0, "site unspecified")
                at = f" {unit.segment}" if unit.segment else ""
                self._draft(
                    drafts, built, origin, unit.region, support, f"{reason} ({text};{at} {where})", note, site=unit.site
                )
                built_any = True
        if not built_any:
            gaps.raise_("region-not-documented", self.family_label(family), support)
            self._unbuilt(drafts, origin, region, support)

    def _m53(self, note: NoteIndex, drafts: dict[str, Draft]) -> None:
        for finding, concept in note.diagnoses("m53", self.rules.supporting_assertions):
            region = note.region(finding)
            for unit in units(self.rules, concept.family, finding, region, _source(finding)):
                for built in build(self.rules, concept.family, unit, note):
                    origin = Origin(concept.family, "m53", finding.concept)
                    draft = self._draft(drafts, built, origin, region, [finding], "", note)
                    draft.reason = draft.reason or self._rationale(finding, region, built, concept.family)

    def _cranial_evidence(self, note: NoteIndex, drafts, families: frozenset[str] | None) -> None:
        """The cranial symptoms the note documents join the evidence of a cervicocranial code, or of pain (neck pain
        with headache), once per code however many mentions support it."""
        for draft in drafts:
            if families is None or draft.family in families:
                draft.evidence += note.cranial_symptoms  # once: `unique` keeps each finding once

    def _code_also(self, draft: Draft, proposed: list[Draft]) -> None:
        rule = self.rules.code_also.get(draft.family)
        if rule is None:
            return
        for alternative in proposed:
            if alternative.role == "m53":
                continue
            if any(f.concept in rule.concepts for f in alternative.evidence) and rule.reason not in alternative.reason:
                alternative.reason = f"{alternative.reason}; with {draft.code}: {rule.reason}"

    def _rationale(self, finding: Finding, region: int | None, built: Built, family: str) -> str:
        section = (finding.section or "the note").replace("_", " ")
        if all(not placeholders(v.code) for v in self.rules.families[family].variants):
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

    def _uncertain(self, note: NoteIndex, gaps: Gaps) -> bool:
        """Possible / rule-out diagnoses: not coded; the gap asks the physician to confirm or rule out."""
        possible = frozenset({Assertion.POSSIBLE})
        confirmed = {
            role: {note.region(f) for f, _ in note.diagnoses(role, self.rules.supporting_assertions)}
            for role in ("m53", "specific", "injury")
        }
        dorsopathies = confirmed["m53"] | confirmed["specific"]
        raised = False
        for role in ("m53", "specific", "injury"):
            for finding, concept in note.diagnoses(role, possible):
                if note.present(K.CONDITION, {finding.concept}):
                    continue
                region = note.region(finding)
                if concept.any_bone and region is None:
                    continue  # "probable pathological fracture of the proximal femur": not the spine's
                if role == "injury" and region in confirmed["injury"]:
                    continue  # "likely whiplash" beside a confirmed cervical strain: the injury is documented
                if role != "injury" and dorsopathies:
                    continue  # "possibly cervicogenic headaches" beside a confirmed L5-S1 disc herniation: the gap
                    # asks only when the uncertain mention is the note's only dorsopathy (coding brief)
                family = _family_for_text(concept, finding.text)
                unit = next(units(self.rules, family, finding, region, _source(finding)))
                built = build(self.rules, family, unit, note)
                gaps.raise_("uncertain-diagnosis", built[0].code if built else self.family_label(family), [finding])
                raised = True
        return raised

    def _pain(self, note: NoteIndex, drafts: dict[str, Draft], facts: Facts) -> None:
        """Pain: its code; the exclusions then keep it out where a diagnosis of its region explains it."""
        cranial = note.cranial_symptoms
        for finding, concept in note.diagnoses("pain", self.rules.supporting_assertions, anywhere=facts.uncertain):
            region = note.region(finding)
            reason = concept.reason
            if facts.uncertain:
                reason += "; the diagnosis is uncertain, so the documented symptom is coded (outpatient rule)"
            headache = self.rules.headache_without_syndrome
            if finding.concept in headache.concepts and cranial and not facts.codes:
                reason += f"; {headache.reason}"
            unit = next(units(self.rules, concept.family, finding, region, _source(finding)))
            for built in build(self.rules, concept.family, unit, note):
                self._draft(
                    drafts, built, Origin(concept.family, "pain", finding.concept), region, [finding], reason, note
                )

    def _code_proposal(self, draft: Draft) -> CodeProposal:
        return CodeProposal(
            code=draft.code,
            title=title(draft.code),
            evidence=tuple(unique(draft.evidence)),
            rationale=_reason(draft),
            explanation=draft.explanation(),
        )


def _reason(draft: Draft) -> str:
    """The prose a reviewer reads, written from the explanation's fields: the rule's reason, then what it excluded."""
    parts = [draft.reason]
    for exclusion in draft.excluded:
        mention = f" for '{exclusion.mention}'" if exclusion.mention else ""
        authority = {
            "tabular": f"Excludes1 of {exclusion.cites}",
            "guideline": f"Official Guidelines {exclusion.cites}",
            "brief": "coding brief",
        }[exclusion.source]
        parts.append(f"it replaces {exclusion.code}{mention} ({authority})")
    return "; ".join(p for p in parts if p)


def _primary_first(drafts: list[Draft]) -> list[Draft]:
    def key(draft: Draft) -> tuple[bool, int]:
        first = min(draft.evidence, key=lambda f: (f.section not in ASSESSMENT_SECTIONS, f.start))
        return (first.section not in ASSESSMENT_SECTIONS, first.start)

    return sorted(drafts, key=key)


def _source(finding: Finding) -> str:
    """Where a diagnosis's region comes from: its own words or sentence, else another mention of the condition."""
    return "finding" if finding.region is not None else "another mention"


def _family_for_text(concept: Concept, text: str) -> str:
    lower = text.lower()
    for word, family in concept.family_by_text:
        if word in lower:
            return family
    return concept.family


def _category(template: str) -> str:
    """A variant's template cut at its first axis: the category it gives ("M51.3-")."""
    return category(template.format_map({name: MISSING for name in placeholders(template)}))


@cache
def default_mapper() -> Mapper:
    """The mapper of the package's rules, built once per process (its rules are read-only: coders share it)."""
    return Mapper(mapper_rules())


def propose(
    findings: Sequence[Finding], setting: str = "outpatient", assessed: bool = False, treated: bool = False
) -> Proposal:
    """Codes, alternatives and gaps for a note's findings; `setting` decides how uncertain diagnoses are coded;
    `assessed`: the note has an assessment of its author's, even one that names no finding; `treated`: a plan or a
    procedure of its author's, likewise (a referral's diagnosis is taken up only by an author who assesses or
    treats)."""
    return default_mapper().propose(findings, setting, assessed, treated)
