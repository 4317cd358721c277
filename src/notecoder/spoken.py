"""Spoken punctuation (`spoken.json`): a dictation whose recogniser wrote "comma", "period" and "colon" as words has
sentences and section titles all the same; the sections and sentence stages read those words as the marks."""

import numpy as np
from spacy.attrs import LOWER
from spacy.tokens import Doc

from notecoder.rules_file import RulesFile, read_rules


class SpokenRules(RulesFile):
    signs: frozenset[str]
    min_signs: int
    stops: frozenset[str]
    colon: str


def spoken_rules() -> SpokenRules:
    return read_rules(SpokenRules, "notecoder", name="spoken.json")


def dictated(doc: Doc) -> bool:
    """The note writes its punctuation as words."""
    rules = spoken_rules()
    strings = doc.vocab.strings
    signs = np.array([strings.add(sign) for sign in rules.signs], dtype=np.uint64)
    return enough_signs(int(np.isin(doc.to_array([LOWER]), signs).sum()))


def enough_signs(count: int) -> bool:
    """Spoken punctuation words enough to read the note as dictated: a typed note says "period" now and then."""
    return count >= spoken_rules().min_signs
