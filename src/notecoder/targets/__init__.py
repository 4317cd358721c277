"""Targets: the phrases, words and patterns that make findings, matched into one span group."""

from notecoder.targets.component import (
    TargetStage,
    cased_rules,
    longest_first,
    make_targets,
    medspacy_rules,
    quiet_matchers,
    resolve_overlaps,
)
from notecoder.targets.rules import (
    CONTEXT_KINDS,
    FINDING_KINDS,
    MODIFIER_KINDS,
    REFERENCE_KIND,
    TargetRules,
    target_rules,
)

__all__ = [
    "CONTEXT_KINDS",
    "FINDING_KINDS",
    "MODIFIER_KINDS",
    "REFERENCE_KIND",
    "TargetRules",
    "TargetStage",
    "cased_rules",
    "longest_first",
    "make_targets",
    "quiet_matchers",
    "medspacy_rules",
    "resolve_overlaps",
    "target_rules",
]
