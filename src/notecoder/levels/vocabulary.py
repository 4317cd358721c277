"""The region vocabulary (`regions.json`): region words ("neck", "cervicothoracic junction") with the vertebrae
they name, and the contexts in which level-shaped text is not the spine (a heart sound S1, a T2-weighted image)."""

import re
from functools import cache

from notecoder.levels.parse import parse_expression
from notecoder.rules_file import RulesFile, RulesModel, read_rules


class RegionWord(RulesModel):
    phrase: str
    levels: str
    standalone: bool


class _ContextRule(RulesModel):
    levels: tuple[str, ...]
    window: int
    cues: tuple[str, ...]


class _NotSpinal(RulesModel):
    about: str = ""
    phrases: tuple[str, ...]


class _NonSpinalContexts(RulesModel):
    about: str = ""
    rules: tuple[_ContextRule, ...]


class RegionVocabulary(RulesFile):
    region_words: tuple[RegionWord, ...]
    not_spinal: _NotSpinal
    non_spinal_contexts: _NonSpinalContexts


@cache
def vocabulary() -> RegionVocabulary:
    vocab = read_rules(RegionVocabulary, __package__, name="regions.json")
    for word in vocab.region_words:
        if parse_expression(word.levels) is None:
            raise ValueError(f"regions.json: region word {word.phrase!r} has unreadable levels {word.levels!r}")
    return vocab


@cache
def region_word_re() -> re.Pattern[str]:
    phrases = sorted((w.phrase for w in vocabulary().region_words), key=len, reverse=True)
    body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases)
    return re.compile(rf"(?<![A-Za-z])(?:{body})(?![A-Za-z])", re.IGNORECASE)


@cache
def region_word_levels() -> dict[str, frozenset[int]]:
    table = {}
    for word in vocabulary().region_words:
        covered = parse_expression(word.levels)
        assert covered is not None  # checked when the vocabulary loads
        table[word.phrase.lower()] = covered
    return table


@cache
def _context_rules() -> tuple[tuple[frozenset[str], int, re.Pattern[str]], ...]:
    rules = []
    for rule in vocabulary().non_spinal_contexts.rules:
        cues = "|".join(re.escape(c) for c in sorted(rule.cues, key=len, reverse=True))
        rules.append((frozenset(rule.levels), rule.window, re.compile(rf"(?<![a-z0-9])(?:{cues})(?![a-z0-9])", re.I)))
    return tuple(rules)


def is_non_spinal(levels: tuple[str, ...], text: str, start: int, end: int) -> bool:
    """True when level-shaped text is a heart sound, an MRI weighting, a hormone or a tumour stage."""
    for names, window, cue in _context_rules():
        if set(levels) <= names:
            before = text[max(0, start - window) : start]
            after = text[end : end + window]
            if cue.search(before) or cue.search(after):
                return True
    return False
