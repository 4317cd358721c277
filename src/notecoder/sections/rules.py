"""Section titles by category (`rules.json`) and the assertion each category lends the findings under it."""

import re

from notecoder.result import Assertion
from notecoder.rules_file import RulesFile, RulesModel, read_rules


class _Section(RulesModel):
    category: str
    titles: tuple[str, ...]


class _TitleWords(RulesModel):
    """Titles made of a head word and the words written before or after it ("post-procedure diagnosis",
    "diagnosis (ICD-10)"): a rule over words, so a title is found in every combination its words take."""

    category: str
    heads: tuple[str, ...]
    before: tuple[str, ...] = ()
    others: dict[str, tuple[str, ...]] = {}
    """Per section, the words that, before the head or in its qualifier, make it that section's rather than the
    author's ("Diagnoses (treating physician, per records):" is the records', "Dx on original order:" the
    referral's)."""
    after: tuple[str, ...] = ()

    def titles(self) -> list[str]:
        return [
            *self.heads,
            *(f"{b} {h}" for b in self.before for h in self.heads),
            *(f"{h} {a}" for h in self.heads for a in self.after),
        ]


class _PastedReports(RulesModel):
    about: str = ""
    titles: frozenset[str]
    """The titles (with their colon) of a study's conclusion: "impression:"."""
    after: frozenset[str]
    """The categories a study's conclusion follows (its findings, an imaging section)."""
    authors: frozenset[str]
    """The categories in which a note's author assesses the patient."""
    category: str


class _Superseded(RulesModel):
    about: str = ""
    category: str
    """The section a later assessment supersedes (an admission diagnosis)."""
    by: frozenset[str]
    """The categories of the author's assessment that supersede it when they come after it."""
    then: str
    """Its category when superseded."""
    alone: str
    """Its category when not."""


class _InlineAssessments(RulesModel):
    about: str = ""
    phrases: tuple[str, ...]
    """First-person openings of the author's diagnosis in prose ("My diagnosis is", "I am satisfied this is")."""
    not_in: frozenset[str]
    """Sections where such words are already the author's assessment, or are someone else's."""
    category: str


class _CopiedBlocks(RulesModel):
    """Lines an EHR writes around text it copied from an earlier note: the block between them is that note's
    record, whatever titles it holds, until its closing line or the next title after it."""

    about: str = ""
    opens: re.Pattern[str]
    closes: re.Pattern[str]
    category: str


class SectionRules(RulesFile):
    sections: tuple[_Section, ...]
    title_words: tuple[_TitleWords, ...] = ()
    assertions: dict[str, Assertion]
    pasted_reports: _PastedReports
    superseded: _Superseded | None = None
    inline_assessments: _InlineAssessments | None = None
    copied_blocks: _CopiedBlocks | None = None
    field_words: frozenset[str] = frozenset()
    """Words that, before a head, make the title a form's field ("Date of exam:"), not a section."""
    request_fields: frozenset[str] = frozenset()
    """A form's field titles that ask for a treatment ("Requested service:"): no section, but the note treats."""
    misreadings: tuple[tuple[str, str], ...] = ()
    """Letter groups a scanned note misreads ('I' read as 'l'): titles match in those forms too."""


def section_rules(path: str | None = None) -> SectionRules:
    return read_rules(SectionRules, __package__, path)


def all_sections(rules: SectionRules) -> list[_Section]:
    """The written sections, then one per `title_words` entry with the titles it makes that no section writes."""
    written = {title for section in rules.sections for title in section.titles}
    made = [
        _Section(category=words.category, titles=tuple(dict.fromkeys(t for t in words.titles() if t not in written)))
        for words in rules.title_words
    ]
    return [*rules.sections, *(section for section in made if section.titles)]
