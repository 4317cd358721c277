"""The mapper's rules (`rules.json`), validated at load: unknown keys, unknown families or gaps are errors."""

from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from notecoder.result import Assertion
from notecoder.rules_file import RulesFile, RulesModel, read_rules


class Decision(RulesModel):
    topic: str
    seeds: str
    tabular: str
    choice: str


class Variant(RulesModel):
    code: str
    """A template: {digit} is the region digit, {seventh} the injury's 7th character, {pain} M51.3-'s 6th,
    {claudication} M48.06-'s 6th."""
    regions: tuple[int, ...] | None = None
    digits: Literal["region", "m99", "cervical_disc"] | None = None
    unspecified: str | None = None
    multiple: str | None = None
    """The digit for several regions named with the diagnosis ('multiple sites in spine')."""


class Family(RulesModel):
    variants: tuple[Variant, ...]
    by_vertebra: dict[str, str] = {}
    """The code when every vertebra the diagnosis names maps to the same one ('L1 fracture' is S32.01-)."""


class Concept(RulesModel):
    role: Literal["m53", "specific", "injury", "pain"]
    family: str
    reason: str = ""
    seed: str = ""
    blocks_residual: bool = False
    stated_as_diagnosis: bool = False
    """Only a mention in an assessment (or in a note without sections) is a diagnosis: 'spine problem' in a
    complaint is not."""
    family_by_text: tuple[tuple[str, str], ...] = ()
    part_of: frozenset[str] = frozenset()
    """Families that already code this concept when built for the same region: sciatica is part of a disc
    disorder with radiculopathy, cord compression of a myelopathy."""
    superseded_by: frozenset[str] = frozenset()
    """Concepts that, documented in the same region, say what this mention is: a fracture beside an
    'osteoporotic compression fracture' is that fracture, not an injury."""


class Combination(RulesModel):
    concepts: tuple[str, str]
    family: str
    reason: str


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


class DiscPain(RulesModel):
    about: str = ""
    back_and_leg: str
    back_only: str
    leg_only: str
    neither: str
    back_pain_concepts: frozenset[str]
    leg_pain_concepts: frozenset[str]


class Claudication(RulesModel):
    about: str = ""
    with_: str = Field(alias="with")
    without: str
    concepts: frozenset[str]


class HeadacheWithoutSyndrome(RulesModel):
    concepts: frozenset[str]
    reason: str
    seed: str = ""


class RegionNeighbours(RulesModel):
    model_config = ConfigDict(extra="allow", frozen=True)
    about: str = ""

    def regions(self, region: int | None) -> frozenset[int | None]:
        covering = (self.model_extra or {}).get(str(region))
        return frozenset(covering) if covering else frozenset({region})

    def near(self, one: int | None, other: int | None) -> bool:
        return one is None or other is None or other in self.regions(one) or one in self.regions(other)


class MapperRules(RulesFile):
    tabular: str
    decisions: tuple[Decision, ...]
    diagnostic_sections_exclude: frozenset[str]
    injury_sections_exclude: frozenset[str]
    """An injury seen anywhere but these (a CT's acute fracture too) is current injury enough to exclude M53."""
    supporting_assertions: frozenset[Assertion]
    region_names: dict[int, str]
    digit_maps: dict[str, dict[int, str]]
    cervical_disc_levels: dict[str, str]
    families: dict[str, Family]
    disc_pain_characters: DiscPain
    stenosis_claudication: Claudication
    seventh_characters: dict[str, str]
    concepts: dict[str, Concept]
    combinations: tuple[Combination, ...]
    residual_families: frozenset[str]
    yields_to_combinations: frozenset[str]
    """Named M53 codes that a combination code of their region (disc disorder or spondylosis with radiculopathy
    or myelopathy) replaces, though a plain radiculopathy does not."""
    region_neighbours: RegionNeighbours
    code_also: dict[str, CodeAlso]
    cranial_symptom_value: str
    cranial_families: frozenset[str]
    """Codes whose evidence includes the cranial symptoms (headache, dizziness) the note documents."""
    unnamed_family: str
    """The code of a dorsopathy the note does not name: outranked by any named one, and its gap says so."""
    headache_without_syndrome: HeadacheWithoutSyndrome
    acute_chronicity: frozenset[str]
    """Chronicity concepts that make an injury in their sentence a current one."""
    exam_concepts: frozenset[str]
    exclusion_concepts: frozenset[str]
    operative_sections: frozenset[str]
    """Sections of an operative or procedure note: such a note is not asked for the conservative care before it."""
    family_gaps: dict[str, tuple[str, ...]]
    gaps: dict[str, GapText]

    @model_validator(mode="after")
    def _references_resolve(self) -> "MapperRules":
        families = set(self.families)
        for name, concept in self.concepts.items():
            named = {concept.family} | {family for _, family in concept.family_by_text} | concept.part_of
            if not named <= families:
                raise ValueError(f"concept {name!r} names an unknown family: {sorted(named - families)}")
            if not concept.superseded_by <= set(self.concepts):
                raise ValueError(f"concept {name!r} is superseded by an unknown concept")
        for combination in self.combinations:
            if combination.family not in families or not set(combination.concepts) <= set(self.concepts):
                raise ValueError(f"combination {combination.concepts} names an unknown family or concept")
        for family, gap_ids in self.family_gaps.items():
            if family not in families or not set(gap_ids) <= set(self.gaps):
                raise ValueError(f"family_gaps[{family!r}] names an unknown family or gap")
        stated = self.cranial_families | {self.unnamed_family} | self.residual_families | self.yields_to_combinations
        if not stated <= families:
            raise ValueError(f"rules name unknown families: {sorted(stated - families)}")
        if not self.headache_without_syndrome.concepts <= set(self.concepts):
            raise ValueError("headache_without_syndrome names an unknown concept")
        for defined in self.families.values():
            for variant in defined.variants:
                if variant.digits is not None and variant.digits not in self.digit_maps:
                    raise ValueError(f"variant {variant.code!r} uses unknown digits {variant.digits!r}")
        return self


def mapper_rules(path: str | None = None) -> MapperRules:
    return read_rules(MapperRules, __package__, path)
