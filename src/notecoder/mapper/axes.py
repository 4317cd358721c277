"""Codes assembled from axes: a family's template names the axes its billable code needs (region, disc level, side,
fracture type, encounter, the M51.36-/M48.06- characters), each axis reads its value from the diagnosis or the note,
and an axis the note does not document gives the tabular's 'unspecified' code or the category, with the gap that
asks for it. Each resolver is registered by its placeholder's name."""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import product

from notecoder.levels.parse import VERTEBRAE, region_of
from notecoder.mapper.icd import MISSING, category, emittable, placeholders
from notecoder.mapper.note import K, NoteIndex
from notecoder.mapper.registry import registrar
from notecoder.mapper.rules import Family, MapperRules, Variant
from notecoder.result import AxisValue, Finding
from notecoder.word_forms import is_plural

_NAMED_VERTEBRAE = 2
_WORD = re.compile(r"(?<![a-z0-9])[a-z]+(?![a-z0-9])")  # "L" in "L sciatica", not in "L5"


@dataclass(frozen=True)
class Unit:
    """What one code is built from: the diagnosis, and the region, disc level or vertebra it is about."""

    finding: Finding
    region: int | None
    region_source: str = "finding"
    segment: str | None = None
    vertebra: str | None = None
    encounter: str | None = None
    """An injury's timing (current, subsequent, sequela), None when the note does not say."""
    default_encounter: str | None = None
    """The encounter assumed when none is stated (a pathological fracture in active treatment)."""

    @property
    def site(self) -> str | None:
        return self.segment or self.vertebra


@dataclass
class Built:
    code: str
    axes: tuple[AxisValue, ...]
    gaps: list[tuple[str, str]] = field(default_factory=list)
    """(gap id, axis) for each axis the note does not document."""

    @property
    def unspecified_region(self) -> bool:
        return any(a.axis == "region" and a.source == "unspecified" for a in self.axes)


Resolver = Callable[[MapperRules, Variant, Unit, NoteIndex], list[AxisValue]]
_RESOLVERS: dict[str, Resolver] = {}
resolver = registrar(_RESOLVERS)


def missing(axis: str) -> AxisValue:
    return AxisValue(axis=axis, source="missing")


@resolver("region")
def _region(rules: MapperRules, variant: Variant, unit: Unit, note: NoteIndex) -> list[AxisValue]:
    names = rules.region_names
    if variant.multiple is not None and note.several_regions(unit.finding):
        return [
            AxisValue(
                axis="region",
                value="multiple sites",
                characters=variant.multiple,
                source="finding",
                evidence=unit.finding,
            )
        ]
    if unit.region in (None, 0):
        if variant.unspecified is None:
            return []
        return [AxisValue(axis="region", value=None, characters=variant.unspecified, source="unspecified")]
    digit = rules.digit_maps[variant.digits or "region"].get(unit.region, "")
    source = "finding" if unit.region_source == "finding" else "another mention"
    if not digit:
        return [missing("region")]
    return [
        AxisValue(axis="region", value=names.get(unit.region), characters=digit, source=source, evidence=unit.finding)
    ]


@resolver("disc_level")
def _disc_level(rules: MapperRules, variant: Variant, unit: Unit, note: NoteIndex) -> list[AxisValue]:
    axis = rules.axes.disc_level
    if unit.segment is not None and unit.segment in axis.segments:
        return [
            AxisValue(
                axis="disc_level",
                value=unit.segment,
                characters=axis.segments[unit.segment],
                source="finding",
                evidence=unit.finding,
            )
        ]
    if unit.region in axis.regions:
        return [
            AxisValue(
                axis="disc_level",
                value=rules.region_names[unit.region or 0],
                characters=axis.regions[unit.region or 0],
                source="finding",
                evidence=unit.finding,
            )
        ]
    return [AxisValue(axis="disc_level", value=None, characters=axis.unspecified, source="unspecified")]


def _words(axis_name: str) -> Resolver:
    def resolve(rules: MapperRules, variant: Variant, unit: Unit, note: NoteIndex) -> list[AxisValue]:
        axis = getattr(rules.axes, axis_name)
        said = set(_WORD.findall(unit.finding.text.lower()))
        for word, characters in axis.words:
            if set(word.split()) <= said:  # every word of the entry, in any order ("burst fracture, stable")
                if not characters:
                    return [missing(axis_name)]
                return [
                    AxisValue(axis=axis_name, value=word, characters=c, source="finding", evidence=unit.finding)
                    for c in characters
                ]
        return [AxisValue(axis=axis_name, value=None, characters=axis.unspecified, source="unspecified")]

    return resolve


_RESOLVERS["side"] = _words("side")
_RESOLVERS["fracture_type"] = _words("fracture_type")


@resolver("seventh")
def _seventh(rules: MapperRules, variant: Variant, unit: Unit, note: NoteIndex) -> list[AxisValue]:
    characters = rules.axes.seventh.characters
    stated = unit.encounter in characters  # else the encounter assumed (a pathological fracture in treatment)
    encounter = unit.encounter if stated else unit.default_encounter
    if encounter not in characters:
        return [missing("seventh")]
    return [
        AxisValue(
            axis="seventh",
            value=encounter,
            characters=characters[encounter],
            source="finding" if stated else "note",
            evidence=unit.finding if stated else None,
        )
    ]


@resolver("disc_pain")
def _disc_pain(rules: MapperRules, variant: Variant, unit: Unit, note: NoteIndex) -> list[AxisValue]:
    pain = rules.axes.disc_pain
    back = note.present(K.CONDITION, pain.back_pain_concepts)
    leg = note.present(K.SYMPTOM, pain.leg_pain_concepts) + note.present(K.CONDITION, pain.leg_pain_concepts)
    character, value = {
        (True, True): (pain.back_and_leg, "back and leg pain"),
        (True, False): (pain.back_only, "discogenic back pain only"),
        (False, True): (pain.leg_only, "lower extremity pain only"),
    }.get((bool(back), bool(leg)), (pain.neither, "neither mentioned"))
    evidence = min(back + leg, key=lambda f: f.start, default=None)  # the first in the note, whatever set order
    return [AxisValue(axis="disc_pain", value=value, characters=character, source="note", evidence=evidence)]


@resolver("claudication")
def _claudication(rules: MapperRules, variant: Variant, unit: Unit, note: NoteIndex) -> list[AxisValue]:
    rule = rules.axes.claudication
    found = note.present(K.CONDITION, rule.concepts)
    if found:
        return [
            AxisValue(
                axis="claudication",
                value="neurogenic claudication",
                characters=rule.with_,
                source="note",
                evidence=min(found, key=lambda f: f.start),
            )
        ]
    return [AxisValue(axis="claudication", value="without", characters=rule.without, source="note")]


def known_axes() -> frozenset[str]:
    return frozenset(_RESOLVERS)


def variant_for(family: Family, region: int | None) -> Variant | None:
    return next((v for v in family.variants if v.regions is None or region in v.regions), None)


def build(rules: MapperRules, family_name: str, unit: Unit, note: NoteIndex) -> list[Built]:
    """The codes a family gives for one unit (several when an axis has several values, 'bilateral'); empty when the
    family has no code for the unit's region."""
    family = rules.families[family_name]
    variant = variant_for(family, unit.region)
    if variant is None:
        return []
    template = family.by_vertebra.get(unit.vertebra or "", variant.code) if unit.vertebra else variant.code
    names = placeholders(template)
    choices = []
    for name in names:
        values = _RESOLVERS[name](rules, variant, unit, note)
        if not values:
            return []
        choices.append(values)
    built = []
    for combo in product(*choices) if names else [()]:
        code = _fill(template, dict(zip(names, combo, strict=True)))
        gaps = [(_gap(rules, axis.axis), axis.axis) for axis in combo if axis.source in ("missing", "unspecified")]
        if family.by_vertebra and unit.vertebra is None:  # a family coded by vertebra, and none is named
            gaps.append((rules.axes.disc_level.gap, "vertebra"))
        if template.endswith("-"):
            gaps.append((rules.axes.category_gap, family.category_detail))
        built.append(Built(code=code, axes=tuple(combo), gaps=gaps))
    return built


def _fill(template: str, axes: dict[str, AxisValue]) -> str:
    """The code the axes give; at the first missing axis the category, ending in '-'."""
    code = template.format(**{n: a.characters if a.source != "missing" else MISSING for n, a in axes.items()})
    return category(code) if MISSING in code else emittable(code)


def _gap(rules: MapperRules, axis: str) -> str:
    return getattr(rules.axes, axis).gap


def units(
    rules: MapperRules, family_name: str, best: Finding, region: int | None, region_source: str, **timing: str | None
) -> Iterator[Unit]:
    """One unit per disc level or vertebra the diagnosis names, where its family codes by them; else one."""
    family = rules.families[family_name]
    segments = best.segments or _adjacent(best.levels)
    if family.per_segment and segments:
        for segment in segments:
            yield Unit(best, segment_region(segment), "finding", segment=segment, **timing)
        return
    several = family.per_region or (family.per_region_when_plural and _named_plural(best))
    if several and region == 0 and best.levels:
        for zone in _zones(best.levels):
            yield Unit(best, zone, "finding", **timing)
        return
    named = 0 < len(best.levels) <= _NAMED_VERTEBRAE  # more is a region word ("thoracic" is T1-T12), not vertebrae
    if family.per_vertebra and named and all(v in family.by_vertebra for v in best.levels):
        for vertebra in best.levels:
            yield Unit(best, region, region_source, vertebra=vertebra, **timing)
        return
    yield Unit(best, region, region_source, **timing)


def _named_plural(finding: Finding) -> bool:
    words = [w for w in finding.text.split() if w.isalpha()]
    return bool(words) and is_plural(words[-1])


def _zones(levels: tuple[str, ...]) -> list[int]:
    """The regions of a mention that names several ("cervical and lumbar radiculopathy", "C5, T4, L5")."""
    zones: dict[str, set[int]] = {}
    for vertebra in levels:
        zones.setdefault("C" if vertebra == "C0" else vertebra[0], set()).add(VERTEBRAE.index(vertebra))
    return [int(region_of(indices)) for indices in zones.values()]


def _adjacent(levels: tuple[str, ...]) -> tuple[str, ...]:
    """Two adjacent vertebrae named alone ("C5 and C6", "the C5, C6 disc") are the segment between them."""
    if len(levels) == 2 and VERTEBRAE.index(levels[1]) - VERTEBRAE.index(levels[0]) == 1:
        return (f"{levels[0]}-{levels[1]}",)
    return ()


def segment_region(segment: str) -> int:
    upper, lower = segment.split("-")
    return int(region_of({VERTEBRAE.index(upper), VERTEBRAE.index(lower)}))
