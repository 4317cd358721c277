"""Targets: medSpaCy's TargetMatcher loaded with notecoder's rules (`rules.json`) and the level vocabulary.

Every matched span goes into one span group; its rule's metadata says which finding kind and concept it is,
or which modifier (result, response, timing, exclusion) it is."""

import json
import re
from functools import cache
from importlib.resources import files
from typing import Literal

from medspacy.target_matcher import TargetMatcher, TargetRule
from pydantic import BaseModel, ConfigDict, field_validator, model_validator
from spacy.language import Language
from spacy.tokens import Doc, Span

from notecoder.levels import LEVEL_PATTERN, ORDINAL_PATTERN, vocabulary
from notecoder.result import FindingKind

SPAN_GROUP = "notecoder_targets"
MODIFIER_KINDS = ("result", "response", "timing", "exclusion")
Kind = Literal[
    "spinal_level", "condition", "imaging", "neuro_exam", "conservative_care", "symptom", "trauma", "chronicity",
    "result", "response", "timing", "exclusion",
]  # fmt: skip


class TargetGroup(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Kind
    concept: str
    value: str | None = None
    qualifier: Literal["none", "optional", "required"] = "none"
    phrases: tuple[str, ...] = ()
    cased: tuple[str, ...] = ()
    regex: tuple[str, ...] = ()

    @field_validator("regex")
    @classmethod
    def _compiles(cls, patterns: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in patterns:
            re.compile(pattern)
        return patterns

    @model_validator(mode="after")
    def _has_patterns(self) -> "TargetGroup":
        if not (self.phrases or self.cased or self.regex):
            raise ValueError(f"target group {self.concept!r} has no phrases, cased tokens or regex")
        return self


class TargetRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    version: int
    about: str = ""
    groups: tuple[TargetGroup, ...]

    @model_validator(mode="after")
    def _phrases_are_unique(self) -> "TargetRules":
        seen: dict[str, str] = {}
        for group in self.groups:
            for phrase in group.phrases:
                key = phrase.lower()
                if key in seen:
                    raise ValueError(f"phrase {phrase!r} is in both {seen[key]!r} and {group.concept!r}")
                seen[key] = group.concept
        return self


@cache
def target_rules() -> TargetRules:
    """The shipped rules plus the level vocabulary's region words and their non-spinal look-alikes."""
    raw = json.loads(files(__package__).joinpath("rules.json").read_text(encoding="utf-8"))
    vocab = vocabulary()
    level_groups = [
        {"kind": "spinal_level", "concept": "level", "regex": [LEVEL_PATTERN, ORDINAL_PATTERN]},
        {"kind": "spinal_level", "concept": "region",
         "phrases": [w.phrase for w in vocab.region_words if w.standalone]},
        {"kind": "exclusion", "concept": "not_spinal", "phrases": list(vocab.not_spinal.phrases)},
    ]  # fmt: skip
    raw["groups"] = level_groups + raw["groups"]
    return TargetRules.model_validate(raw)


def _metadata(group: TargetGroup) -> dict[str, str | None]:
    return {"concept": group.concept, "value": group.value, "qualifier": group.qualifier}


def medspacy_rules(rules: TargetRules, nlp: Language) -> list[TargetRule]:
    """Phrase and cased-token rules for medSpaCy's TargetMatcher (regex rules run in `TargetStage`)."""
    out = []
    for group in rules.groups:
        meta = _metadata(group)
        out += [TargetRule(literal=p, category=group.kind, metadata=meta) for p in group.phrases]
        for word in group.cased:
            pattern = [{"TEXT": token.text} for token in nlp.make_doc(word)]
            out.append(TargetRule(literal=word, category=group.kind, pattern=pattern, metadata=meta))
    return out


def regex_rules(rules: TargetRules) -> list[tuple[re.Pattern[str], TargetRule]]:
    return [
        (re.compile(regex, re.IGNORECASE), TargetRule(f"{g.concept}/regex{i}", g.kind, pattern=regex, metadata=_metadata(g)))
        for g in rules.groups
        for i, regex in enumerate(g.regex)
    ]


def longest_first(spans: list[Span]) -> list[Span]:
    """Overlapping matches resolve to the longest (then the earliest): "neck pain" wins over "neck"."""
    taken: set[int] = set()
    kept = []
    for span in sorted(spans, key=lambda s: (s.start - s.end, s.start)):
        tokens = range(span.start, span.end)
        if not taken.intersection(tokens):
            taken.update(tokens)
            kept.append(span)
    kept.sort(key=lambda s: (s.start, s.end))
    return kept


class TargetStage:
    """medSpaCy's TargetMatcher for phrases, plus regex rules run once over the text.

    medSpaCy's RegexMatcher rebuilds the document text for every pattern; with levels, durations and timing
    expressed as regexes that alone cost more than the rest of the pipeline."""

    def __init__(self, nlp: Language, name: str, rules: TargetRules) -> None:
        self.matcher = TargetMatcher(nlp, name=name, result_type=None)
        self.matcher.add(medspacy_rules(rules, nlp))
        self.regexes = regex_rules(rules)

    def __call__(self, doc: Doc) -> Doc:
        spans = list(self.matcher(doc))
        text = doc.text
        for regex, rule in self.regexes:
            for match in regex.finditer(text):
                span = doc.char_span(match.start(), match.end(), label=rule.category, alignment_mode="expand")
                if span is not None:
                    span._.target_rule = rule
                    spans.append(span)
        doc.spans[SPAN_GROUP] = longest_first(spans)
        return doc


@Language.factory("notecoder_targets", assigns=["doc.spans"])
def make_targets(nlp: Language, name: str) -> TargetStage:
    return TargetStage(nlp, name, target_rules())


FINDING_KINDS = frozenset(k.value for k in FindingKind)
