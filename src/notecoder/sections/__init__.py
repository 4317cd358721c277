"""Sections: note titles (data) found in one pass, as medSpaCy `Section`s in `doc._.notecoder_sections`."""

from notecoder.sections.component import SectionStage, assessed, make_sections, treats
from notecoder.sections.rules import SectionRules, section_rules

__all__ = ["SectionRules", "SectionStage", "assessed", "make_sections", "section_rules", "treats"]
