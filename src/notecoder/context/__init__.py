"""Context: medSpaCy's ConText with its default rules plus notecoder's (`rules.json`).

ConText's defaults spell many rules as token patterns ("rule (the patient) out"); spaCy's Matcher tests every
token against every such pattern, which made ConText the slowest stage. Patterns built only from lower-case
words and optional tokens are expanded here into the literal phrases they match, which the PhraseMatcher finds
in one hashed pass. The rules and what they match are unchanged."""

import itertools
import json
from functools import cache
from importlib.resources import files
from pathlib import Path

from medspacy.context import ConText, ConTextRule
from spacy.language import Language

from notecoder.targets import MODIFIER_KINDS, SPAN_GROUP

_MAX_FORMS = 256


@cache
def _raw_rules() -> tuple[dict, ...]:
    raw = json.loads(files(__package__).joinpath("rules.json").read_text(encoding="utf-8"))
    unknown = set(raw) - {"version", "about", "context_rules"}
    if unknown:
        raise ValueError(f"context/rules.json: unknown keys {sorted(unknown)}")
    return tuple(raw["context_rules"])


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


def context_rules(default_rules_path: str | Path) -> list[ConTextRule]:
    """medSpaCy's default rules followed by notecoder's, each expanded to literals where it can be."""
    defaults = json.loads(Path(default_rules_path).read_text(encoding="utf-8"))["context_rules"]
    return [ConTextRule.from_dict(r) for rule in (*defaults, *_raw_rules()) for r in _expanded(dict(rule))]


@Language.factory("notecoder_context", assigns=["span._.is_negated"], requires=["token.is_sent_start"])
def make_context(nlp: Language, name: str) -> ConText:
    context = ConText(
        nlp,
        name=name,
        rules=None,
        input_span_type="group",
        span_group_name=SPAN_GROUP,
        excluded_types=set(MODIFIER_KINDS),
    )
    context.add(context_rules(context.DEFAULT_RULES_FILEPATH))
    return context
