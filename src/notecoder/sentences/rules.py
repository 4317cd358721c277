"""What the sentence splitter knows (`rules.json`): abbreviations whose period ends no sentence, closers."""

from notecoder.rules_file import RulesFile, read_rules


class SentenceRules(RulesFile):
    abbreviations: frozenset[str]
    not_abbreviations: frozenset[str] = frozenset()
    before_numbers: frozenset[str] = frozenset()
    """Abbreviations only before a number ('No. 3', 'Fig. 2'): before a word their period ends the sentence ('Any
    numbness? No. Facet syndrome L4-5.')."""
    """Exact (cased) forms of an abbreviation's letters that are words ending a sentence: 'PT.' is physical
    therapy, 'Pt.' the patient."""
    before_lower: frozenset[str] = frozenset()
    """Shorthand mostly written without a period ('sx', 'neg'): its period ends the sentence unless a lower-case
    word or a number follows ('No B/B sx. Tried PT', 'SLR neg. Reflexes 2+'; 'hx. of falls' goes on)."""
    continuing_fields: frozenset[str] = frozenset()
    """Form fields whose line qualifies the field above it ("Status: [X] Provisional" under "Diagnosis: ..."): such
    a line continues the sentence before it."""
    joined_fields: frozenset[str] = frozenset()
    """Fields that belong with the field before them on the same line ("Diagnosis: ...   ICD-10: M53.2X6"): a run of
    spaces before them starts no sentence, as it does before another field ("Onset: 2 months ago    Mechanism:")."""
    closers: frozenset[str]


def sentence_rules(path: str | None = None) -> SentenceRules:
    return read_rules(SentenceRules, __package__, path)
