"""Stance: the author's stance toward each diagnosis mention, from cue classes (`rules.json`)."""

from notecoder.stance.rules import StanceRules, stance_rules

__all__ = ["StanceRules", "stance_rules"]
