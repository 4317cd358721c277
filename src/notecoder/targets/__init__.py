"""Targets: medSpaCy's TargetMatcher loaded with notecoder's rules (`rules.json`) and the level vocabulary.

Every matched span goes into one span group; its rule's metadata says which finding kind and concept it is,
or which modifier (result, response, timing, exclusion) it is."""

import notecoder.medspacy_import  # noqa: F401  (medSpaCy without its process-wide warnings filter)

import json
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Literal

import numpy as np
from medspacy.target_matcher import TargetMatcher, TargetRule
from pydantic import BaseModel, ConfigDict, field_validator, model_validator
from spacy.attrs import IS_SPACE, SENT_START
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from notecoder.doctext import note_text
from notecoder.levels import LEVEL_PATTERN, ORDINAL_PATTERN, vocabulary
from notecoder.mapper.icd import condition_terms
from notecoder.misreadings import misread_forms
from notecoder.result import FindingKind

SPAN_GROUP = "notecoder_targets"
_ANCHOR_WINDOW = 60
_WRAP_REACH = 10  # tokens either side of a line break: longer than any phrase rule
MODIFIER_KINDS = ("result", "response", "timing", "exclusion")
Kind = Literal[
    "spinal_level", "condition", "imaging", "neuro_exam", "conservative_care", "symptom", "trauma", "chronicity",
    "result", "response", "timing", "exclusion",
]  # fmt: skip


class RegexRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    pattern: str
    anchors: tuple[str, ...] = ()
    """Lower-case strings, one of which must occur nearby for `pattern` to be tried; none: tried everywhere."""

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern: str) -> str:
        try:
            re.compile(pattern)
        except re.error as error:
            raise ValueError(f"regex does not compile ({error}): {pattern!r}") from None
        return pattern

    @field_validator("anchors")
    @classmethod
    def _lower_case(cls, anchors: tuple[str, ...]) -> tuple[str, ...]:
        if any(not a or a != a.lower() for a in anchors):
            raise ValueError("anchors are non-empty lower-case strings")
        return anchors


class TargetGroup(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Kind
    concept: str
    value: str | None = None
    qualifier: Literal["none", "optional", "required"] = "none"
    phrases: tuple[str, ...] = ()
    cased: tuple[str, ...] = ()
    regex: tuple[RegexRule, ...] = ()

    @model_validator(mode="after")
    def _has_patterns(self) -> "TargetGroup":
        if not (self.phrases or self.cased or self.regex):
            raise ValueError(f"target group {self.concept!r} has no phrases, cased tokens or regex")
        return self


class TabularTerms(BaseModel):
    """Phrases for a concept taken from the official tabular: the titles and inclusion terms of `codes`."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Kind = "condition"
    concept: str
    qualifier: Literal["none", "optional", "required"] = "optional"
    codes: tuple[str, ...]
    skip: dict[str, str] = {}
    """Terms not taken, each with the reason (another concept's wording, or not the spine in notes)."""


class TargetRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    version: int
    about: str = ""
    tabular: tuple[TabularTerms, ...] = ()
    misreadings: tuple[tuple[str, str], ...] = ()
    """Letter groups a scanned note misreads ('m' read as 'rn'): condition phrases match in those forms too."""
    misread_kinds: tuple[Kind, ...] = ()
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
        {"kind": "spinal_level", "concept": "level", "regex": [
            {"pattern": LEVEL_PATTERN},
            {"pattern": ORDINAL_PATTERN, "anchors": ["first", "second", "third", "fourth", "fifth", "sixth",
                                                      "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth"]}]},
        {"kind": "spinal_level", "concept": "region",
         "phrases": [w.phrase for w in vocab.region_words if w.standalone]},
        {"kind": "exclusion", "concept": "not_spinal", "phrases": list(vocab.not_spinal.phrases)},
    ]  # fmt: skip
    raw["groups"] = level_groups + raw["groups"] + tabular_groups(raw)
    add_misread_forms(raw)
    return TargetRules.model_validate(raw)


def add_misread_forms(raw: dict) -> None:
    """Each phrase of the kinds named also in its misread forms, unless a form is another phrase already."""
    misreadings = [tuple(pair) for pair in raw.get("misreadings", ())]
    kinds = set(raw.get("misread_kinds", ()))
    taken = {p.lower() for group in raw["groups"] for p in group.get("phrases", ())}
    for group in raw["groups"]:
        if group["kind"] not in kinds or not group.get("phrases"):
            continue
        forms = [f for p in group["phrases"] for f in misread_forms(p.lower(), misreadings) if f not in taken]
        forms = list(dict.fromkeys(forms))
        taken.update(forms)
        group["phrases"] = [*group["phrases"], *forms]


def tabular_groups(raw: dict) -> list[dict]:
    """One phrase group per `tabular` entry: the tabular's own wording of the condition, less the terms a group
    written here already holds (the written rule decides) and the ones the entry skips."""
    written = {p.lower() for group in raw["groups"] for p in group.get("phrases", ())}
    groups = []
    for entry in (TabularTerms.model_validate(e) for e in raw.get("tabular", ())):
        terms = [t for code in entry.codes for t in condition_terms(code)]
        unknown = set(entry.skip) - set(terms)
        if unknown:
            raise ValueError(f"tabular entry {entry.concept!r} skips terms its codes do not have: {sorted(unknown)}")
        phrases = list(dict.fromkeys(t for t in terms if t not in written and t not in entry.skip))
        written.update(phrases)
        if phrases:
            groups.append({"kind": entry.kind, "concept": entry.concept, "qualifier": entry.qualifier,
                           "phrases": phrases})  # fmt: skip
    return groups


def _metadata(group: TargetGroup) -> dict[str, str | None]:
    return {"concept": group.concept, "value": group.value, "qualifier": group.qualifier}


def medspacy_rules(rules: TargetRules) -> list[TargetRule]:
    """Phrase rules for medSpaCy's TargetMatcher (cased and regex rules run in `TargetStage`)."""
    return [
        TargetRule(literal=phrase, category=group.kind, metadata=_metadata(group))
        for group in rules.groups
        for phrase in group.phrases
    ]


def cased_rules(rules: TargetRules) -> list[TargetRule]:
    return [
        TargetRule(literal=word, category=group.kind, metadata=_metadata(group))
        for group in rules.groups
        for word in group.cased
    ]


@dataclass(frozen=True)
class CompiledRegex:
    pattern: re.Pattern[str]
    anchors: tuple[str, ...]
    rule: TargetRule

    def finditer(self, text: str, lower: str) -> Iterator[re.Match[str]]:
        """Matches of the pattern, tried only in windows around anchors when the rule has anchors.

        `lower` is `text.lower()`; plain substring search in it costs far less than any regex scan."""
        if not self.anchors or len(lower) != len(text):
            yield from self.pattern.finditer(text)
            return
        for low, high in _windows(sorted(_occurrences(lower, self.anchors)), len(text), text):
            yield from self.pattern.finditer(text, low, high)


def _occurrences(lower: str, anchors: tuple[str, ...]) -> Iterator[tuple[int, int]]:
    for anchor in anchors:
        at = lower.find(anchor)
        while at >= 0:
            yield at, at + len(anchor)
            at = lower.find(anchor, at + 1)


def _merged(ranges) -> list[tuple[int, int]]:
    """Overlapping or touching (low, high) ranges, in order, merged."""
    merged: list[list[int]] = []
    for low, high in ranges:
        if merged and low <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    return [(low, high) for low, high in merged]


def _windows(hits: list[tuple[int, int]], size: int, text: str) -> list[tuple[int, int]]:
    """Merged character windows around the anchor hits, each ending at a space."""
    ranges = []
    for start, end in hits:
        high = text.find(" ", end + _ANCHOR_WINDOW)
        ranges.append((max(0, start - _ANCHOR_WINDOW), size if high < 0 else high))
    return _merged(ranges)


def regex_rules(rules: TargetRules) -> list[CompiledRegex]:
    compiled = []
    for group in rules.groups:
        for i, regex in enumerate(group.regex):
            rule = TargetRule(f"{group.concept}/regex{i}", group.kind, pattern=regex.pattern, metadata=_metadata(group))
            compiled.append(CompiledRegex(re.compile(regex.pattern, re.IGNORECASE), regex.anchors, rule))
    return compiled


def resolve_overlaps(spans: list[Span]) -> list[Span]:
    """Overlaps resolve to the longest span, except that a duration or onset may overlap what it dates:
    "since a fall" is both when the pain began and a fall."""
    timing = [s for s in spans if s.label_ == FindingKind.CHRONICITY]
    others = [s for s in spans if s.label_ != FindingKind.CHRONICITY]
    return sorted(longest_first(others) + longest_first(timing), key=lambda s: (s.start, s.end))


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


def medspacy_matches(matcher, doc: Doc):
    """What a medSpaCy matcher finds. It runs spaCy's token Matcher even when that holds no pattern (phrase rules
    only), and spaCy warns of it (W036): silenced inside this call only, never in the host program."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"\[W036\]")
        return matcher(doc)


class TargetStage:
    """medSpaCy's TargetMatcher for phrases, plus regex rules run once over the text.

    medSpaCy's RegexMatcher rebuilds the document text for every pattern; with levels, durations and timing
    expressed as regexes that alone cost more than the rest of the pipeline."""

    def __init__(self, nlp: Language, name: str, rules: TargetRules) -> None:
        self.matcher = TargetMatcher(nlp, name=name, result_type=None)
        self.matcher.add(medspacy_rules(rules))
        # spaCy's token Matcher costs a pass per pattern; exact-case words ("PT", "HA") need only a hash lookup
        self.cased = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.cased_rules: dict[int, TargetRule] = {}
        for rule in cased_rules(rules):
            name = f"cased/{rule.literal}"
            self.cased_rules[nlp.vocab.strings.add(name)] = rule
            self.cased.add(name, [nlp.make_doc(rule.literal)])
        self.regexes = regex_rules(rules)

    def __call__(self, doc: Doc) -> Doc:
        spans = list(medspacy_matches(self.matcher, doc)) + self._wrapped(doc)
        for key, start, end in self.cased(doc):
            rule = self.cased_rules[key]
            span = Span(doc, start, end, label=rule.category)
            span._.target_rule = rule
            spans.append(span)
        text = note_text(doc)
        lower = text.lower()
        for regex in self.regexes:
            for match in regex.finditer(text, lower):
                span = doc.char_span(match.start(), match.end(), label=regex.rule.category, alignment_mode="expand")
                if span is not None:
                    span._.target_rule = regex.rule
                    spans.append(span)
        doc.spans[SPAN_GROUP] = resolve_overlaps(spans)
        return doc

    def _wrapped(self, doc: Doc) -> list[Span]:
        """Phrases broken by a line wrap ("uncovertebral\\nhypertrophy"): spaCy makes the break a token, so the
        tokens around each break inside a sentence are matched again without it."""
        flags = doc.to_array([IS_SPACE, SENT_START]).astype(np.int64)
        breaks = np.flatnonzero((flags[:-1, 0] == 1) & (flags[1:, 1] != 1))
        if not len(breaks):
            return []
        removed = set(breaks.tolist())
        spans = []
        for low, high in _merged((int(i) - _WRAP_REACH, int(i) + _WRAP_REACH + 1) for i in breaks):
            kept = [t for t in doc[max(0, low) : min(len(doc), high)] if t.i not in removed]
            spaces = [bool(t.whitespace_) or t.i + 1 in removed for t in kept]
            joined = Doc(doc.vocab, words=[t.text for t in kept], spaces=spaces)
            for span in medspacy_matches(self.matcher, joined):
                start, end = kept[span.start].i, kept[span.end - 1].i + 1
                if end - start > len(span):  # it spans a removed break: a match the note's own tokens could not give
                    own = Span(doc, start, end, label=span.label_)
                    own._.target_rule = span._.target_rule
                    spans.append(own)
        return spans


@Language.factory("notecoder_targets", assigns=["doc.spans"])
def make_targets(nlp: Language, name: str) -> TargetStage:
    return TargetStage(nlp, name, target_rules())


FINDING_KINDS = frozenset(k.value for k in FindingKind)
