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


def dictated(doc: Doc, lower: np.ndarray | None = None) -> bool:
    """The note writes its punctuation as words; `lower`: the doc's LOWER array, when the caller has it."""
    rules = spoken_rules()
    strings = doc.vocab.strings
    if lower is None:
        lower = doc.to_array([LOWER])
    signs = np.array([strings.add(sign) for sign in rules.signs], dtype=np.uint64)
    return int(np.isin(lower, signs).sum()) >= rules.min_signs
