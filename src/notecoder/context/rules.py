"""ConText rules (`rules.json`) added to medSpaCy's defaults, and token patterns expanded into the literal phrases
they match (one hashed PhraseMatcher pass instead of a token Matcher pass per pattern)."""

import notecoder.medspacy_import  # noqa: F401  (medSpaCy without its process-wide warnings filter)

import itertools
import json
from collections.abc import Iterable
from pathlib import Path

from medspacy.context import ConTextRule

from notecoder.rules_file import RulesFile, read_rules

_MAX_FORMS = 256


class ContextRules(RulesFile):
    replace_defaults: tuple[str, ...] = ()
    """medSpaCy default rules (by literal) that a rule here replaces."""
    terminating_types: dict[str, tuple[str, ...]] = {}
    """Modifier categories a category's scope ends at, beyond medSpaCy's own."""
    context_rules: tuple[dict, ...]
    """Rules in medSpaCy's ConTextRule form (`ConTextRule.from_dict` checks each)."""
    dash_joined: tuple[str, ...] = ()
    """Dashes that end a scope but join a backward cue written after them to what it comments on ('lumbar strain
    — resolved', 'L5 radiculopathy in the claim file -- not substantiated'): each backward cue of `dash_categories`
    also in the form dash + cue, which the dash alone, a shorter modifier inside it, does not end."""
    dash_categories: tuple[str, ...] = ()
    category_kinds: dict[str, tuple[str, ...]] = {}
    """The finding kinds a category's cues modify, when a rule names none: a condition or symptom resolves, a
    medication that 'has settled previous flares' does not."""
    glued_forward: tuple[str, ...] = ()
    """Cues that, written glued to the next word ("?L4-5 instability", "LBP - ?facet"), qualify that word's finding
    only: their rule's reach is forward, whatever its direction when they stand apart."""
    whole_sentence: tuple[str, ...] = ()
    """Categories whose cues reach their whole sentence in their direction, past a relative clause or a list that
    ends other scopes: an author's disagreement often comes at the far end of a long clause about the diagnosis
    ('The diagnosis of L4-5 instability, advanced by the surgeon in three reports, is not one that the films bear
    out')."""


def context_rules(path: str | None = None) -> ContextRules:
    return read_rules(ContextRules, __package__, path)


def literal_forms(pattern: list[dict]) -> list[str] | None:
    """Every phrase a token pattern matches, or None when it uses anything but LOWER, IN and OP '?'."""
    choices: list[list[str]] = []
    for token in pattern:
        value, op = token.get("LOWER"), token.get("OP")
        if set(token) - {"LOWER", "OP"} or op not in (None, "?"):
            return None
        if isinstance(value, str):
            options = [value]
        elif isinstance(value, dict) and set(value) == {"IN"}:
            options = list(value["IN"])
        else:
            return None
        choices.append(options + [""] if op == "?" else options)
    forms = {" ".join(w for w in combo if w) for combo in itertools.product(*choices)}
    forms.discard("")
    return sorted(forms) if len(forms) <= _MAX_FORMS else None


def _expanded(rule: dict) -> list[dict]:
    pattern = rule.get("pattern")
    forms = literal_forms(pattern) if isinstance(pattern, list) else None
    if forms is None:
        return [rule]
    return [{**rule, "literal": form, "pattern": None} for form in forms]


def _first_per_phrase(rules: Iterable[dict]) -> list[dict]:
    seen: set[str] = set()
    out = []
    for rule in rules:
        if rule.get("pattern") is None:
            phrase = rule["literal"].lower()
            if phrase in seen:
                continue
            seen.add(phrase)
        out.append(rule)
    return out


def medspacy_context_rules(rules: ContextRules, default_rules_path: str | Path) -> list[ConTextRule]:
    """medSpaCy's default rules followed by notecoder's, each expanded to literals where it can be."""
    replaced = set(rules.replace_defaults)
    defaults = json.loads(Path(default_rules_path).read_text(encoding="utf-8"))["context_rules"]
    kept = [rule for rule in defaults if rule["literal"] not in replaced]
    kinds = rules.category_kinds
    written = [
        {**rule, "allowed_types": list(kinds[rule["category"]])}
        if rule["category"] in kinds and "allowed_types" not in rule
        else rule
        for rule in rules.context_rules
    ]
    # one rule per phrase, ours before medSpaCy's and the first written before a later pattern's expansion: two rules
    # on one phrase both match it, and which the overlap pruning kept followed the rules' match-id hashes, which
    # shift whenever a rule is added
    ours = _first_per_phrase(r for rule in written for r in _expanded(dict(rule)))
    taken = {r["literal"].lower() for r in ours if r.get("pattern") is None}
    theirs = [
        r
        for r in _first_per_phrase(r for rule in kept for r in _expanded(dict(rule)))
        if r.get("pattern") is not None or r["literal"].lower() not in taken
    ]
    expanded = [*theirs, *ours]
    return [ConTextRule.from_dict(r) for r in (*expanded, *_dash_joined(rules, expanded))]


def _dash_joined(rules: ContextRules, expanded: list[dict]) -> list[dict]:
    literals = {r["literal"].lower() for r in expanded}
    joined = []
    for rule in expanded:
        backward = rule["direction"] == "BACKWARD" and rule["category"] in rules.dash_categories
        if backward and rule.get("pattern") is None:
            for dash in rules.dash_joined:
                form = f"{dash} {rule['literal']}"
                if form.lower() not in literals:
                    joined.append({**rule, "literal": form})
                    literals.add(form.lower())
    return joined
