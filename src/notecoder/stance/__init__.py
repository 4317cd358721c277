"""Stance: the author's stance toward each diagnosis mention, from cue classes (`rules.json`), and for the mentions
no cue reached, from the stance model (`component.py`)."""

from notecoder.stance.component import StanceReader, make_stance, model_folder
from notecoder.stance.rules import StanceRules, stance_rules

__all__ = ["StanceReader", "StanceRules", "make_stance", "model_folder", "stance_rules"]
