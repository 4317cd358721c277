"""Context: medSpaCy's ConText with its default rules plus notecoder's (`rules.json`).

ConText builds one graph per note, comparing every modifier with every other and with every target. A modifier's
scope never leaves its sentence (no global `max_scope` is set), so `SentenceConText` builds the same graph one
sentence at a time, and only for sentences that hold a target: the same edges, a fraction of the comparisons.
One difference, on purpose: a modifier inside a finding's own words ("moist with no erythema" as one finding) is
dropped, as NegEx annotates; stock ConText drops it only when told to prune on any target, result words included.

ConText's defaults spell many rules as token patterns ("rule (the patient) out"); spaCy's Matcher tests every
token against every such pattern, which made ConText the slowest stage. Patterns built only from lower-case
words and optional tokens are expanded here into the literal phrases they match, which the PhraseMatcher finds
in one hashed pass. The rules and what they match are unchanged."""

import notecoder.medspacy_import  # noqa: F401  (medSpaCy without its process-wide warnings filter)

import itertools
import json
from bisect import bisect_right
from collections import defaultdict
from functools import cache
from importlib.resources import files
from pathlib import Path

from medspacy.context import ConText, ConTextGraph, ConTextModifier, ConTextRule
from spacy.language import Language
from spacy.tokens import Doc

from notecoder.targets import FINDING_KINDS, MODIFIER_KINDS, SPAN_GROUP, medspacy_matches

_MAX_FORMS = 256


@cache
def _raw() -> dict:
    raw = json.loads(files(__package__).joinpath("rules.json").read_text(encoding="utf-8"))
    unknown = set(raw) - {"version", "about", "replace_defaults", "terminating_types", "context_rules"}
    if unknown:
        raise ValueError(f"context/rules.json: unknown keys {sorted(unknown)}")
    return raw


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
    replaced = set(_raw().get("replace_defaults", ()))
    defaults = json.loads(Path(default_rules_path).read_text(encoding="utf-8"))["context_rules"]
    kept = [rule for rule in defaults if rule["literal"] not in replaced]
    return [ConTextRule.from_dict(r) for rule in (*kept, *_raw()["context_rules"]) for r in _expanded(dict(rule))]


class SentenceConText(ConText):
    def __call__(self, doc: Doc, targets: str | None = None) -> Doc:
        spans = doc.spans[self.span_group_name] if self.span_group_name in doc.spans else ()
        starts = [sent.start for sent in doc.sents]
        targets_by_sentence = defaultdict(list)
        for span in spans:
            if span.label_ in FINDING_KINDS:
                targets_by_sentence[bisect_right(starts, span.start)].append(span)
        matcher = self._ConText__matcher  # medSpaCy keeps its rule matcher private (pinned: medspacy==1.3.1)
        matches_by_sentence = defaultdict(list)
        for match_id, start, end in medspacy_matches(matcher, doc):
            sentence = bisect_right(starts, start)
            if sentence in targets_by_sentence:
                matches_by_sentence[sentence].append((match_id, start, end))
        all_modifiers, edges = [], []
        for sentence, matches in matches_by_sentence.items():
            # a cue inside a finding's own words ("moist with no erythema") does not modify it
            graph = ConTextGraph(prune_on_modifier_overlap=True)
            graph.targets = targets_by_sentence[sentence]
            graph.modifiers = [
                ConTextModifier(matcher.rule_map[self.nlp.vocab[match_id].text], start, end, doc)
                for match_id, start, end in matches
            ]
            all_modifiers += graph.modifiers
            graph.update_scopes()
            graph.apply_modifiers()
            edges += graph.edges
        for target, modifier in edges:
            target._.modifiers += (modifier,)
        if self.context_attributes_mapping:
            self.set_context_attributes(edges)
        doc._.context_graph = ConTextGraph(targets=list(spans), modifiers=all_modifiers, edges=edges)
        return doc


@Language.factory("notecoder_context", assigns=["span._.is_negated"], requires=["token.is_sent_start"])
def make_context(nlp: Language, name: str) -> ConText:
    context = SentenceConText(
        nlp,
        name=name,
        rules=None,
        input_span_type="group",
        span_group_name=SPAN_GROUP,
        excluded_types=set(MODIFIER_KINDS),
        terminating_types=_raw().get("terminating_types", {}),
    )
    context.add(context_rules(context.DEFAULT_RULES_FILEPATH))
    return context
