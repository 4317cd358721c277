"""What turns matches into findings (`rules.json`): assertion precedence, what a section lends, which finding
kinds borrow a region from their sentence, qualifier words, value links and patterns."""

import re
from typing import Literal

from notecoder.result import Assertion, FindingKind
from notecoder.rules_file import RulesFile, RulesModel, read_rules


class _ValueLink(RulesModel):
    kind: Literal["result", "response", "timing"]
    max_chars: int | None = None
    concepts: frozenset[str] | None = None
    """Only these concepts of the kind take the value (injury diagnoses take a timing, other conditions none)."""
    values: frozenset[str] | None = None
    """Only modifiers with these values link ('sprain ... of 03/12/2024, sequela': the encounter, not the date)."""
    preferred_values: frozenset[str] = frozenset()
    """Values that link before any other of the sentence: 'permanent and stationary as of today with regards to her
    injuries' is a sequela, though 'today' stands nearer."""
    fallback_values: frozenset[str] = frozenset()
    """Values that link only when no other does: 'injuries of 05/16/03': a date says when, not which encounter."""
    pointing_back: frozenset[str] = frozenset()
    """Words that open the next sentence to give this one's findings their value ('Two courses of PT and
    naproxen. Each gave some temporary relief.'): a finding with no value of its own sentence takes that one's."""
    pointing_back_leads: frozenset[str] = frozenset()
    """Words that may come before the pointing word ('With that care, ...', 'After these, ...')."""
    later_sentences: int = 0
    """How many sentences after a finding with no value of its own may still give it one, outside the sections that
    make its kind planned: a treatment's response is often told after it ('PT 8 visits in the spring. She can garden
    again and is much better.'), or in a discussion after a records list. Only for findings told as done, and only
    values of `later_values`."""
    later_values: frozenset[str] = frozenset()


class _ValuePattern(RulesModel):
    kind: FindingKind
    pattern: str
    value: str


class _SentenceRegion(RulesModel):
    kinds: frozenset[FindingKind]
    except_concepts: frozenset[str]


class _Qualifier(RulesModel):
    inside: frozenset[str]
    after: frozenset[str]
    joining: frozenset[str]
    """Tokens that join the levels of one list after a phrase ("C5-6 and bilat L4-5")."""
    max_tokens: int
    after_max_tokens: int


class _LimbQualifiers(RulesModel):
    concepts: frozenset[str]
    window: int
    words: dict[str, str]


class _TrailingRegion(RulesModel):
    kinds: frozenset[FindingKind]
    connectors: tuple[str, ...]
    window: int


class _TrailingQualifiers(RulesModel):
    about: str = ""
    concepts: frozenset[str]
    pattern: str
    window: int
    leading: str
    """A side written just before the diagnosis, searched in the `window` before it."""


class _LeadingCause(RulesModel):
    about: str = ""
    concepts: frozenset[str]
    pattern: str
    window: int
    value: str
    """The value of an injury the author names as the cause of something, with no timing of its own."""
    over: dict[str, str]
    """What a timing of the mention's own becomes when the author names the injury as a cause: an old one, sequela."""


class _Scored(RulesModel):
    about: str = ""
    value: str
    """The value of the target rules' outcome-scale responses, computed here from their scores."""
    bands: dict[str, float]
    """Each response and the least share of the first score that must be gone for it, highest first."""


class _RootLevels(RulesModel):
    concepts: frozenset[str]
    roots: dict[str, str]


class _References(RulesModel):
    """A stance said of "that diagnosis" (targets of kind 'reference') reaches the diagnosis named just before."""

    assertions: frozenset[Assertion]
    """The assertions a reference passes on: a rejection or resolution (negated), a doubt (possible)."""
    reach_sentences: int
    naming_next: frozenset[str]
    """Words after a reference that make it name its own diagnosis ('this diagnosis of diffuse axonal injury')."""
    openers_only: frozenset[str] = frozenset()
    """References that point back only when they open their sentence ('Post-procedure diagnosis: Same, not yet
    confirmed'); elsewhere the word is an ordinary one ('the same side'). Written as tokens ('status :')."""
    not_diagnoses: frozenset[str]
    """Concepts a reference does not point at: pain named as a symptom ('Assessment: neck pain. I cannot confirm
    that diagnosis' is about the diagnosis named before the pain)."""
    clause_break: re.Pattern[str]
    """What ends the clause of a diagnosis, so that a reference after it in the same sentence points back to it
    ("queried a C7 radiculopathy; I don't think that is what is going on", "... label - he no longer thinks that's
    what this is")."""


class FindingRules(RulesFile):
    not_done_categories: frozenset[str] = frozenset()
    """ConText categories saying an exam or study was not done: no result, where a negated sign is a normal one."""
    scored: _Scored
    kind_assertions: dict[FindingKind, dict[Assertion, Assertion]]
    current_categories: frozenset[str]
    section_kind_assertions: dict[str, dict[FindingKind, Assertion]]
    sentence_region: _SentenceRegion
    title_kinds_kept: frozenset[FindingKind]
    concept_levels: dict[str, str]
    limb_qualifiers: _LimbQualifiers
    trailing_region: _TrailingRegion
    trailing_qualifiers: _TrailingQualifiers
    leading_cause: _LeadingCause
    root_levels: _RootLevels
    value_links: dict[FindingKind, _ValueLink]
    given_when_valued: frozenset[FindingKind] = frozenset()
    """Kinds that a plan section makes planned unless they carry a value: a treatment with a response was given
    ('Treatment: PT 12 visits (no lasting change)')."""
    value_patterns: tuple[_ValuePattern, ...]
    negated_exam_value: str
    acute_trauma_value: str
    remote_trauma_value: str
    duration_concept: str
    """The chronicity concept whose value is an ISO 8601 duration (the others give an onset year)."""
    acute_concepts: frozenset[str]
    report_section: str
    """The section whose conditions after a study are its report's findings."""
    trauma_current_max_days: int
    qualifier: _Qualifier
    references: _References


def finding_rules(path: str | None = None) -> FindingRules:
    return read_rules(FindingRules, __package__, path)
