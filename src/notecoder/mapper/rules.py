"""The mapper's rules (`rules.json`), validated at load: unknown keys are errors, and every name one part of the
file gives another (families, concepts, gaps, axes) must resolve."""

from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from notecoder.mapper.icd import placeholders
from notecoder.result import Assertion
from notecoder.rules_file import RulesFile, RulesModel, read_rules

Role = Literal["m53", "specific", "combination", "injury", "pain"]


class Decision(RulesModel):
    topic: str
    seeds: str
    tabular: str
    choice: str


class Variant(RulesModel):
    code: str
    """A template whose placeholders are axes: {region}, {disc_level}, {side}, {fracture_type}, {seventh},
    {disc_pain}, {claudication}."""
    regions: tuple[int, ...] | None = None
    digits: str | None = None
    """The digit map (`digit_maps`) the region axis reads for this variant."""
    unspecified: str | None = None
    """The region digit when no region is documented; None: the family has no such code."""
    multiple: str | None = None
    """The digit for several regions named with the diagnosis ('multiple sites in spine')."""


class Family(RulesModel):
    group: str = "other"
    """A coarse family for the confidence model: degenerative, deformity, pain_or_root, injury, segmental, other."""
    variants: tuple[Variant, ...]
    by_vertebra: dict[str, str] = {}
    """The template when the diagnosis names one vertebra ('L1 fracture' is S32.01-)."""
    per_segment: bool = False
    """One code per disc level the diagnosis names ("C5-C6 and C6-C7": two codes)."""
    per_region: bool = False
    """One code per region a mention names that spans several ("cervical and lumbar radiculopathy"), where the
    tabular has no 'multiple sites' code."""
    per_region_when_plural: bool = False
    """One code per region when the condition is named in the plural ("facet syndromes at C5-6 and L4-5"); named
    once ("posterior element syndrome at C5-6 and L4-5") it is one multilevel condition: site unspecified."""
    per_vertebra: bool = False
    """One code per vertebra the diagnosis names ("T12 and L1 fractures": two codes)."""
    category_detail: str = ""
    """What a template that is itself a category ("S12.1-") lacks, named in its specificity gap: the detail the
    rules do not read (a cervical fracture's type and displacement)."""


class Concept(RulesModel):
    role: Literal["m53", "specific", "injury", "pain"]
    family: str
    reason: str = ""
    seed: str = ""
    stated_as_diagnosis: bool = False
    """Only a mention in an assessment (or in a note without sections) is a diagnosis: 'spine problem' in a
    complaint is not."""
    from_assessment: bool = False
    """A symptom is coded from the author's assessment when the note has one: neck pain a patient mentions in the
    history that the assessment never takes up is not today's diagnosis (without an assessment, from anywhere)."""
    family_by_text: tuple[tuple[str, str], ...] = ()
    joins_nearby: bool = False
    """A mention often written without a level (sciatica) joins a combination of its part of the spine."""
    any_bone: bool = False
    """The word names a lesion of any bone (a fracture): without a spinal region it may be the hip's, so an
    uncertain one does not make the note's symptoms what is coded."""


class Combination(RulesModel):
    concepts: tuple[str, str]
    family: str
    reason: str


class Selector(RulesModel):
    """Which proposals a rule speaks of: by family, by role, and for injuries by encounter."""

    families: frozenset[str] = frozenset()
    roles: frozenset[Role] = frozenset()
    encounters: frozenset[str] = frozenset()
    """Injuries by encounter: current, subsequent, sequela, or unknown (the note does not give it)."""
    concepts: frozenset[str] = frozenset()
    """Only proposals whose every diagnosis mention is one of these concepts ('degenerative changes' alone)."""


class ExclusionRule(RulesModel):
    """One proposal keeps another out: the `by` proposal, in `scope` of the `excludes` one, removes it. Rules apply
    in the order listed; a proposal already excluded excludes nothing after."""

    id: str
    excludes: Selector
    by: Selector
    scope: Literal["same", "region", "neighbours", "note"]
    """same: the same region digit; region: the same, or either unstated; neighbours: the regions one part of the
    spine's wording covers (`region_neighbours`), or either unstated; note: anywhere in the note."""
    source: Literal["tabular", "guideline", "brief"]
    cites: str = ""
    excludes1: bool = False
    """The excluding code must be one that the excluded code's Excludes1 notes name (tabular.json)."""
    less_specific: bool = False
    """Only a code that says less than its excluder about the same condition (`Draft.less_specific_than`)."""
    later_encounter: bool = False
    """Only the same code with another 7th character that the seventh axis's precedence ranks after the excluder's
    (an osteoporotic fracture named at its follow-up, 'healing as expected', and in the history: D, not A and D)."""
    evidence: bool = False
    """The excluded mention joins the excluding proposal's evidence (the reviewer sees what it replaces)."""
    why: str


class CodeAlso(RulesModel):
    concepts: tuple[str, ...]
    reason: str
    seed: str = ""


class GapText(RulesModel):
    label: str
    """A short human name shown beside the id."""
    answers: tuple[str, ...]
    """The choices of the physician query, not leading: 'Other' and 'Clinically undetermined' are always added."""
    message: str
    query: str
    looked_for: str
    seed: str = ""
    applies_to: frozenset[str] = frozenset()
    """The families whose proposals this gap's documentation test is run for (the brief's table); empty for a gap an
    axis or a stage raises."""


class RegionAxis(RulesModel):
    about: str = ""
    gap: str


class DiscLevelAxis(RulesModel):
    about: str = ""
    gap: str
    segments: dict[str, str]
    regions: dict[int, str]
    unspecified: str


class WordsAxis(RulesModel):
    about: str = ""
    gap: str
    words: tuple[tuple[str, tuple[str, ...]], ...]
    """The first word found in the diagnosis's words gives its characters (several: one code each); none: missing."""
    unspecified: str


class SeventhAxis(RulesModel):
    about: str = ""
    gap: str
    characters: dict[str, str]
    covered_by: str
    """A gap that, raised for the same code, already asks for the encounter."""
    precedence: tuple[str, ...]
    """Timings in the order one wins over another when an injury's mentions disagree."""
    together: dict[str, frozenset[str]] = {}
    """A timing that mentions give only together: an old injury that another mention names as today's cause."""
    inpatient: str | None = None
    """The encounter of an injury an inpatient discharge lists without a timing: the admission treated it."""


class DiscPainAxis(RulesModel):
    about: str = ""
    back_and_leg: str
    back_only: str
    leg_only: str
    neither: str
    back_pain_concepts: frozenset[str]
    leg_pain_concepts: frozenset[str]


class ClaudicationAxis(RulesModel):
    about: str = ""
    with_: str = Field(alias="with")
    without: str
    concepts: frozenset[str]


class Axes(RulesModel):
    category_gap: str
    """The gap a family's literal category template raises (`Family.category_detail` says what it lacks)."""
    region: RegionAxis
    disc_level: DiscLevelAxis
    side: WordsAxis
    fracture_type: WordsAxis
    seventh: SeventhAxis
    disc_pain: DiscPainAxis
    claudication: ClaudicationAxis

    def gap_ids(self) -> set[str]:
        return {
            self.category_gap,
            self.region.gap,
            self.disc_level.gap,
            self.side.gap,
            self.fracture_type.gap,
            self.seventh.gap,
        }


class FragilityFracture(RulesModel):
    """A fracture in a note that documents the bone disease, without trauma that breaks a healthy bone, is the
    disease's pathological fracture (ICD-10-CM I.C.13.d.1), not an injury."""

    about: str = ""
    fractures: frozenset[str]
    disease: frozenset[str]
    """Condition concepts (targets) naming the disease, present or in the history: a chronic disease stays."""
    major_trauma: frozenset[str]
    """Trauma concepts (targets) that would break a normal bone: then the fracture is an injury."""
    concept: str
    """The concept the fracture is coded as."""
    reason: str


class HeadacheWithoutSyndrome(RulesModel):
    concepts: frozenset[str]
    reason: str
    seed: str = ""


class RegionNeighbours(RulesModel):
    model_config = ConfigDict(extra="allow", frozen=True)
    about: str = ""

    def regions(self, region: int | None) -> frozenset[int | None]:
        covering = self._covering(region)
        return frozenset(covering) if covering else frozenset({region})

    def near(self, one: int | None, other: int | None) -> bool:
        # `other in self.regions(one) or one in self.regions(other)`, without building the sets: asked per pair of
        # proposals in every note
        return not one or not other or self._covers(one, other) or self._covers(other, one)

    def _covers(self, region: int, other: int) -> bool:
        covering = self._covering(region)
        return other in covering if covering else other == region

    def _covering(self, region: int | None) -> list[int] | None:
        """The regions the rules list as near `region`, or None."""
        return (self.model_extra or {}).get(str(region))


class ExplicitStances(RulesModel):
    """The author's rejection or resolution said in so many words ("I am withdrawing it", "coccydynia resolved"):
    it outweighs the earlier mentions of the diagnosis wherever the author says it, not only in the assessment (a
    procedure note's addendum, a discharge status line, a letter's closing paragraph)."""

    categories: frozenset[str]
    """The ConText categories of such cues."""
    not_in: frozenset[str]
    """Sections that lend their findings someone else's voice or another time (records, history, family)."""


class MapperRules(RulesFile):
    tabular: str
    decisions: tuple[Decision, ...]
    diagnostic_sections_exclude: frozenset[str]
    injury_sections_exclude: frozenset[str]
    """An injury seen anywhere but these (a CT's acute fracture too) is current injury enough to exclude M53."""
    supporting_assertions: frozenset[Assertion]
    region_names: dict[int, str]
    digit_maps: dict[str, dict[int, str]]
    axes: Axes
    families: dict[str, Family]
    concepts: dict[str, Concept]
    combinations: tuple[Combination, ...]
    exclusions: tuple[ExclusionRule, ...]
    region_neighbours: RegionNeighbours
    code_also: dict[str, CodeAlso]
    cranial_symptom_value: str
    cranial_families: frozenset[str]
    """Codes whose evidence includes the cranial symptoms (headache, dizziness) the note documents."""
    unnamed_family: str
    proposed_category: str
    """The category whose codes are proposals (`codes`), whichever rule built them; others are alternatives."""
    """The code of a dorsopathy the note does not name: its gap says so."""
    headache_without_syndrome: HeadacheWithoutSyndrome
    fragility_fracture: FragilityFracture
    acute_chronicity: frozenset[str]
    """Chronicity concepts that make an injury in their sentence a current one."""
    remote_chronicity: frozenset[str] = frozenset()
    """Chronicity words that, written just before an injury ('a chronic mild compression deformity of T11'), say it
    is old: not a current injury."""
    exam_concepts: frozenset[str]
    not_imaging_concepts: frozenset[str]
    """Studies found as imaging that do not answer imaging-not-documented (an EMG shows no structure)."""
    history_sections: frozenset[str] = frozenset()
    """Sections where the patient tells: what they deny there ("no new weakness") is a report, not an exam."""
    region_lenders: dict[str, frozenset[str]] = {}
    """A condition written without its region takes the one region these other concepts of the note name ('back
    pain' in the assessment, 'lower back pain' in the history)."""
    exclusion_concepts: frozenset[str]
    operative_sections: frozenset[str]
    other_care_sections: frozenset[str] = frozenset()
    """Sections about the patient's other conditions (past history, review of systems, medication lists): a
    treatment there documents the spine's care only when its sentence names a spine condition ("on medications for
    her blood pressure and has been controlled" is not)."""
    """Sections of an operative or procedure note: such a note is not asked for the conservative care before it."""
    referral_sections: frozenset[str] = frozenset()
    final_sections: frozenset[str] = frozenset()
    """Sections besides the assessment whose dorsopathies are never set aside beside it: the plan (a
    problem-oriented note's "#2 Coccygodynia" under P:), the history of the present illness (an incidental
    dorsopathy is coded after the assessment's: the M53.82 seed's pitfall 4) and a referral's field (its adoption is
    decided apart)."""
    """Sections holding a referral's or payer form's diagnosis: adopted when the author takes it up."""
    explicit_stances: ExplicitStances | None = None
    gaps: dict[str, GapText]

    @model_validator(mode="after")
    def _references_resolve(self) -> "MapperRules":
        families, concepts = set(self.families), set(self.concepts)

        def known(names, what: str, where: str) -> None:
            unknown = sorted(set(names) - (families if what == "family" else concepts))
            if unknown:
                raise ValueError(f"{where} names an unknown {what}: {unknown}")

        for name, concept in self.concepts.items():
            known({concept.family} | {family for _, family in concept.family_by_text}, "family", f"concept {name!r}")
        for combination in self.combinations:
            known({combination.family}, "family", f"combination {combination.concepts}")
            known(combination.concepts, "concept", f"combination {combination.concepts}")
        for rule in self.exclusions:
            known(rule.excludes.families | rule.by.families, "family", f"exclusion {rule.id!r}")
            known(rule.excludes.concepts | rule.by.concepts, "concept", f"exclusion {rule.id!r}")
        for gap_id, gap in self.gaps.items():
            known(gap.applies_to, "family", f"gap {gap_id!r}")
        known(self.cranial_families | {self.unnamed_family}, "family", "cranial_families/unnamed_family")
        known(self.headache_without_syndrome.concepts, "concept", "headache_without_syndrome")
        fragility = self.fragility_fracture
        known(fragility.fractures | {fragility.concept}, "concept", "fragility_fracture")
        for name, lenders in self.region_lenders.items():
            known({name} | lenders, "concept", "region_lenders")
        unknown_gaps = self.axes.gap_ids() - set(self.gaps)
        if unknown_gaps:
            raise ValueError(f"axes name unknown gaps: {sorted(unknown_gaps)}")
        axes = set(Axes.model_fields) - {"category_gap"}
        for name, family in self.families.items():
            literal = [v.code for v in family.variants if v.code.endswith("-")]
            literal += [t for t in family.by_vertebra.values() if t.endswith("-")]
            if literal and not family.category_detail:
                raise ValueError(f"family {name!r} proposes categories {literal} without a category_detail")
            for template in [v.code for v in family.variants] + list(family.by_vertebra.values()):
                if not set(placeholders(template)) <= axes:
                    raise ValueError(f"family {name!r} template {template!r} names an unknown axis")
            for variant in family.variants:
                if variant.digits is not None and variant.digits not in self.digit_maps:
                    raise ValueError(f"variant {variant.code!r} uses unknown digits {variant.digits!r}")
        return self


def mapper_rules(path: str | None = None) -> MapperRules:
    return read_rules(MapperRules, __package__, path)
