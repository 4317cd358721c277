"""Section titles by category (`rules.json`) and the assertion each category lends the findings under it."""

from notecoder.result import Assertion
from notecoder.rules_file import RulesFile, RulesModel, read_rules


class _Section(RulesModel):
    category: str
    titles: tuple[str, ...]


class _PastedReports(RulesModel):
    about: str = ""
    titles: frozenset[str]
    """The titles (with their colon) of a study's conclusion: "impression:"."""
    after: frozenset[str]
    """The categories a study's conclusion follows (its findings, an imaging section)."""
    authors: frozenset[str]
    """The categories in which a note's author assesses the patient."""
    category: str


class SectionRules(RulesFile):
    sections: tuple[_Section, ...]
    assertions: dict[str, Assertion]
    pasted_reports: _PastedReports
    misreadings: tuple[tuple[str, str], ...] = ()
    """Letter groups a scanned note misreads ('I' read as 'l'): titles match in those forms too."""


def section_rules(path: str | None = None) -> SectionRules:
    return read_rules(SectionRules, __package__, path)
