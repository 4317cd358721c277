"""Sections: medSpaCy's Sectionizer with notecoder's titles (data), plus the assertion a section lends."""


import json
from functools import cache
from importlib.resources import files

from medspacy.section_detection import SectionRule, Sectionizer
from pydantic import BaseModel, ConfigDict
from spacy.language import Language

from notecoder.result import Assertion


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    category: str
    titles: tuple[str, ...]


class SectionRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    version: int
    about: str = ""
    sections: tuple[_Section, ...]
    assertions: dict[str, Assertion]


@cache
def section_rules() -> SectionRules:
    raw = files(__package__).joinpath("rules.json").read_text(encoding="utf-8")
    return SectionRules.model_validate(json.loads(raw))


def _medspacy_rules(rules: SectionRules) -> list[SectionRule]:
    return [
        SectionRule(literal=f"{title}:", category=section.category)
        for section in rules.sections
        for title in section.titles
    ]


@Language.factory("notecoder_sections", assigns=["doc._.sections"])
def make_sections(nlp: Language, name: str) -> Sectionizer:
    sectionizer = Sectionizer(nlp, name=name, rules=None, span_attrs=None, input_span_type=None)
    sectionizer.add(_medspacy_rules(section_rules()))
    return sectionizer
