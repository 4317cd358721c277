"""What excludes what: one rule type (`ExclusionRule` in rules.json), applied in the order listed. A rule that
follows the tabular's Excludes1 notes reads them from tabular.json (generated from simple_icd_10_cm), never from a
hand-typed list."""

from collections.abc import Callable
from collections.abc import Set as AbstractSet

from notecoder.mapper.decisions import Draft
from notecoder.mapper.icd import excludes1_targets
from notecoder.mapper.note import same_region
from notecoder.mapper.rules import ExclusionRule, MapperRules, Selector
from notecoder.result import Exclusion

UNKNOWN_ENCOUNTER = "unknown"  # an injury whose encounter the note does not give, as a selector names it


def selects(selector: Selector, draft: Draft) -> bool:
    if selector.families and draft.family not in selector.families:
        return False
    if selector.roles and draft.role not in selector.roles:
        return False
    if selector.concepts and not all(f.concept in selector.concepts for f in draft.evidence if f.kind == "condition"):
        return False
    return not selector.encounters or (draft.encounter or UNKNOWN_ENCOUNTER) in selector.encounters


def _scopes(rules: MapperRules) -> dict[str, Callable[[int | None, int | None], bool]]:
    return {
        "same": lambda one, other: one == other,
        "region": same_region,
        "neighbours": rules.region_neighbours.near,
        "note": lambda one, other: True,
    }


def named_by_excludes1(excluded: Draft, by: Draft) -> str:
    """The category whose Excludes1 note names `by`'s code, or ''."""
    code = by.code.replace(".", "").rstrip("-")
    for category, targets in excludes1_targets(excluded.code):
        if code.startswith(targets):  # any of them
            return category
    return ""


def apply_exclusions(rules: MapperRules, drafts: list[Draft]) -> None:
    """Mark each proposal another keeps out (`excluded_by`), and record it on the one that does."""
    if len(drafts) < 2:
        return  # nothing to keep out, nothing to keep it out
    scopes = _scopes(rules)
    # a rule whose selector names families or roles no proposal has selects none: skipped before any scan (a
    # proposal's family and role never change here, only whether it is alive)
    families = {d.family for d in drafts}
    roles = {d.role for d in drafts}
    for rule in rules.exclusions:
        if not (_may_select(rule.by, families, roles) and _may_select(rule.excludes, families, roles)):
            continue
        in_scope = scopes[rule.scope]
        alive = [d for d in drafts if d.excluded_by is None]
        excluders = [d for d in alive if selects(rule.by, d)]
        if not excluders:
            continue
        for draft in alive:
            if not draft.built or not selects(rule.excludes, draft):
                continue
            for by in excluders:
                if by is draft or not by.alive or not in_scope(draft.region, by.region):
                    continue
                cites = named_by_excludes1(draft, by) if rule.excludes1 else rule.cites
                if (rule.excludes1 and not cites) or (rule.less_specific and not draft.less_specific_than(by)):
                    continue
                if rule.later_encounter and not _later_encounter(rules, draft.code, by.code):
                    continue
                _exclude(rule, draft, by, cites)
                break


def _may_select(selector: Selector, families: AbstractSet[str], roles: AbstractSet[str]) -> bool:
    """Whether any proposal of these families and roles can be one the selector selects."""
    return not (selector.families and selector.families.isdisjoint(families)) and not (
        selector.roles and selector.roles.isdisjoint(roles)
    )


def _later_encounter(rules: MapperRules, code: str, by: str) -> bool:
    """The same code but for a 7th character that ranks after the excluder's in the seventh axis's precedence."""
    seventh = rules.axes.seventh
    rank = {seventh.characters[t]: i for i, t in enumerate(seventh.precedence) if t in seventh.characters}
    if code[:-1] != by[:-1] or code[-1] not in rank or by[-1] not in rank:
        return False
    return rank[by[-1]] < rank[code[-1]]


def _exclude(rule: ExclusionRule, draft: Draft, by: Draft, cites: str) -> None:
    mention = next((f.text for f in draft.evidence if f.kind == "condition"), "")
    exclusion = Exclusion(rule=rule.id, code=draft.code, mention=mention, source=rule.source, cites=cites, why=rule.why)
    draft.excluded_by = exclusion
    by.excluded.append(exclusion)
    if rule.evidence:
        by.evidence += [f for f in draft.evidence if f.kind == "condition"][:1]
