"""Official ICD-10-CM titles, leaf status and index wording (simple_icd_10_cm), and how a templated code is made
emittable.

Reading the tabular through simple_icd_10_cm takes over a second per process, so what the rules can ask of it (every
code their templates can build, the titles of what they emit, the terms of the `tabular` target entries, the block's
Excludes1 notes) ships precomputed in `tabular.json`, written by `write_snapshot()` and checked against the package
by a test. Anything else is looked up in the tabular itself, read once when first needed."""

import json
import re
import string
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from importlib.resources import files
from itertools import product
from pathlib import Path

SNAPSHOT = "tabular.json"
BLOCK = "M50-M54"


@cache
def _tabular():
    import simple_icd_10_cm

    return simple_icd_10_cm


@cache
def _snapshot() -> dict:
    return json.loads(files(__package__).joinpath(SNAPSHOT).read_text(encoding="utf-8"))


def _valid(code: str) -> bool:
    return bool(code) and _tabular().is_valid_item(code)


def emittable(code: str) -> str:
    """A billable leaf as is; otherwise the nearest existing ancestor, with a trailing "-" unless it is a leaf.

    "M47.17" (no such code) becomes "M47.1-", "M48.06" (needs a 6th character) "M48.06-"."""
    known = _snapshot()["emittable"].get(code)
    return known if known is not None else _emittable(code)


@cache
def _emittable(code: str) -> str:
    if code.endswith("-"):
        return code
    candidate = code
    while candidate and not _valid(candidate):
        candidate = candidate[:-1].rstrip(".")
    if not candidate:
        raise ValueError(f"no ICD-10-CM code or category matches {code!r}")
    return candidate if _tabular().is_leaf(candidate) else f"{candidate}-"


def title(code: str) -> str:
    """The official title of a code, or of the category a trailing-dash code names."""
    known = _snapshot()["titles"].get(code)
    return known if known is not None else _title(code)


@cache
def _title(code: str) -> str:
    candidate = code.rstrip("-")
    while candidate and not _valid(candidate):
        candidate = candidate[:-1].rstrip(".")
    if not candidate:
        raise ValueError(f"no ICD-10-CM title for {code!r}")
    return _tabular().get_description(candidate)


def tabular_titles() -> dict[str, str]:
    """The official title of every code the rules can emit, by code."""
    return dict(_snapshot()["titles"])


def block_excludes1(block: str = BLOCK) -> tuple[str, ...]:
    if block == BLOCK:
        return tuple(_snapshot()["block_excludes1"])
    return tuple(_tabular().get_excludes1(block))


_NOS = re.compile(r"\bNOS\b")
_TARGET = re.compile(r"\(([A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]*)?)-?\)")


def excludes1_targets(code: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The codes the Excludes1 notes of `code` and of its categories and block name (without dots or dashes), with
    the category whose note names them: M54.12 gives ("M54.1", ("M501", "M511", "M472")) among others."""
    return _excludes1_targets(code.rstrip("-"))


@cache
def _excludes1_targets(code: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    notes: dict[str, list[str]] = _snapshot()["excludes1"]
    out = []
    for category in _categories(code, notes):
        # a note about the unspecified form ("pathological fracture NOS (M84.4)") names what the condition is coded
        # as when nothing more is said; beside a more specific diagnosis it excludes nothing
        targets = tuple(
            match.group(1).replace(".", "")
            for note in notes[category]
            if not _NOS.search(note) and (match := _TARGET.search(note)) is not None
        )
        if targets:
            out.append((category, targets))
    return tuple(out)


def _categories(code: str, known) -> list[str]:
    """`code` and every category above it that the snapshot has notes for, nearest first."""
    out, candidate = [], code
    while candidate:
        if candidate in known:
            out.append(candidate)
        candidate = candidate[:-1].rstrip(".")
    out += [block for block in known if "-" in block and block.split("-")[0] <= code[:3] <= block.split("-")[1]]
    return out


_QUALIFIERS = re.compile(r"\s*\([^)]*\)|,\s*(?:unspecified|not elsewhere classified)$|\s+NOS$")


def condition_terms(code: str) -> tuple[str, ...]:
    """The ways the tabular names a code's condition: its title and inclusion terms, lower case, without the
    qualifiers a note never writes ("NOS", "(pyogenic)", ", not elsewhere classified"). A term that still lists
    several things ("Brachial neuritis or radiculitis NOS", "..., site unspecified") is left out."""
    known = _snapshot()["condition_terms"].get(code)
    return tuple(known) if known is not None else _condition_terms(code)


@cache
def _condition_terms(code: str) -> tuple[str, ...]:
    if not _valid(code):
        raise ValueError(f"{code!r} is not an ICD-10-CM code or category")
    cm = _tabular()
    terms: list[str] = []
    for term in (cm.get_description(code), *cm.get_inclusion_term(code)):
        plain = _QUALIFIERS.sub("", term).strip().lower()
        if plain and "," not in plain and " or " not in plain and plain not in terms:
            terms.append(plain)
    return tuple(terms)


# -- the snapshot ------------------------------------------------------------------------------------------------


def placeholders(template: str) -> list[str]:
    """The named placeholders of a code template ("M48.06{claudication}" has one)."""
    return list(_placeholders(template))


@cache
def _placeholders(template: str) -> tuple[str, ...]:
    """Read once per template: the templates are the rules', and every code built parses its own."""
    return tuple(sorted({name for _, name, _, _ in string.Formatter().parse(template) if name}))


MAY_BE_MISSING = frozenset({"region", "fracture_type", "seventh"})
"""The axes whose resolvers can find nothing (`axes.py`): the others always give a value, 'unspecified' at worst."""
MISSING = "\0"
"""What an axis the note does not document puts in a template: the code is cut there (`category`)."""


def category(code: str) -> str:
    """A filled template as proposed: up to the first missing axis, the category ending in "-"; else the code."""
    if MISSING not in code:
        return code
    return code[: code.index(MISSING)].rstrip(".") + "-"


def template_codes(template: str, values: Mapping[str, Iterable[str]]) -> set[str]:
    """Every code a template builds from the values each of its placeholders can take."""
    names = placeholders(template)
    choices = [sorted(set(values[name])) for name in names]
    return {template.format(**dict(zip(names, combo, strict=True))) for combo in product(*choices)}


def axis_values(rules) -> dict[str, set[str]]:
    """Every character each axis but the region can put into a template (the region's digits are a variant's)."""
    axes = rules.axes
    pain = axes.disc_pain
    level = axes.disc_level
    return {
        "disc_level": set(level.segments.values()) | set(level.regions.values()) | {level.unspecified},
        "side": {c for _, chars in axes.side.words for c in chars} | {axes.side.unspecified},
        "fracture_type": {c for _, chars in axes.fracture_type.words for c in chars} | {axes.fracture_type.unspecified},
        "seventh": set(axes.seventh.characters.values()),
        "disc_pain": {pain.back_and_leg, pain.back_only, pain.leg_only, pain.neither},
        "claudication": {axes.claudication.with_, axes.claudication.without},
    }


def _region_digits(rules, variant) -> set[str]:
    """The digits a variant's region axis can give: its digit map over the regions it covers, and its digits for
    no region and several."""
    table = rules.digit_maps[variant.digits or "region"]
    covered = set(variant.regions) if variant.regions is not None else set(table)
    return {d for r, d in table.items() if r in covered} | {
        d for d in (variant.unspecified, variant.multiple) if d is not None
    }


def templates(rules) -> set[str]:
    return {t for t, _ in _templates_with_regions(rules)}


def _templates_with_regions(rules) -> Iterator[tuple[str, set[str]]]:
    for family in rules.families.values():
        for variant in family.variants:
            yield variant.code, _region_digits(rules, variant)
        for template in family.by_vertebra.values():
            yield template, set()


def proposable(rules) -> tuple[dict[str, str], set[str]]:
    """What the templates can give: every filled template with the code it is emitted as, and every category a
    missing axis cuts a template to."""
    built: set[str] = set()
    cut: set[str] = set()
    others = axis_values(rules)
    for template, regions in _templates_with_regions(rules):
        values = {**others, "region": regions}
        built |= template_codes(template, values)
        with_missing = {name: {*c, MISSING} if name in MAY_BE_MISSING else c for name, c in values.items()}
        cut |= {category(code) for code in template_codes(template, with_missing)}
    return {code: _emittable(code) for code in sorted(built)}, cut - built


def snapshot() -> dict:
    """What `tabular.json` holds, computed from simple_icd_10_cm and the rules that ship with the package."""
    from notecoder.mapper.rules import mapper_rules
    from notecoder.rules_file import raw_rules

    emitted, cut = proposable(mapper_rules())
    tabular_codes = sorted({c for entry in raw_rules("notecoder.targets").get("tabular", ()) for c in entry["codes"]})
    categories = {a for code in set(emitted.values()) for a in _ancestors(code.rstrip("-"))}
    return {
        "about": "Generated by notecoder.mapper.icd.write_snapshot() from simple_icd_10_cm: do not edit by hand.",
        "block_excludes1": list(_tabular().get_excludes1(BLOCK)),
        "emittable": emitted,
        "titles": {code: _title(code) for code in sorted(set(emitted.values()) | cut)},
        "condition_terms": {code: list(_condition_terms(code)) for code in tabular_codes},
        "excludes1": {c: notes for c in sorted(categories) if (notes := list(_tabular().get_excludes1(c)))},
    }


def _ancestors(code: str) -> list[str]:
    """`code` (or its nearest existing category) and every category and block above it, chapters left out."""
    while code and not _valid(code):
        code = code[:-1].rstrip(".")
    cm = _tabular()
    return [code] + [a for a in cm.get_ancestors(code) if not a.isdigit()]


def write_snapshot(path: Path | None = None) -> None:
    target = path or Path(str(files(__package__).joinpath(SNAPSHOT)))
    target.write_text(json.dumps(snapshot(), indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
