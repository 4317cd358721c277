"""Rule-based sentence splitter for clinical notes: periods (not after abbreviations), flattened '.,' joins, line
breaks, section titles, capitalized headers and numbered lists.

PyRuSH is accurate but dominates medSpaCy's run time; this works on token attribute arrays, visiting in Python
only the few tokens that can start a sentence."""

import numpy as np
from spacy.attrs import (
    IS_ALPHA,
    IS_DIGIT,
    IS_LOWER,
    IS_SPACE,
    IS_TITLE,
    IS_UPPER,
    LENGTH,
    LOWER,
    ORTH,
    SENT_START,
    SPACY,
)
from spacy.language import Language
from spacy.tokens import Doc

from notecoder.sentences.rules import SentenceRules, sentence_rules

_ATTRS = [ORTH, LOWER, LENGTH, IS_SPACE, IS_LOWER, IS_UPPER, IS_ALPHA, IS_DIGIT, IS_TITLE, SPACY]


class ClinicalSentenceSplitter:
    def __init__(self, nlp: Language, rules: SentenceRules) -> None:
        strings = nlp.vocab.strings
        self._terminal = np.array([strings.add(t) for t in (".", "?", "!")], dtype=np.uint64)
        self._closers = np.array([strings.add(t) for t in rules.closers], dtype=np.uint64)
        self._abbreviations = np.array([strings.add(a) for a in rules.abbreviations], dtype=np.uint64)
        self._words = np.array([strings.add(w) for w in rules.not_abbreviations], dtype=np.uint64)
        self._colon = strings.add(":")
        self._period = strings.add(".")
        self._paren = strings.add(")")

    def __call__(self, doc: Doc) -> Doc:
        if len(doc):
            starts = self.boundaries(doc)
            flags = np.where(starts, 1, -1).astype(np.int64).astype(np.uint64).reshape(-1, 1)
            doc.from_array([SENT_START], flags)  # type: ignore[arg-type]  # thinc types it Ints2d: any int array
        return doc

    def boundaries(self, doc: Doc) -> np.ndarray:
        n = len(doc)
        arr = doc.to_array(_ATTRS)
        orth, lower, length = arr[:, 0], arr[:, 1], arr[:, 2]
        space, is_lower, is_upper, is_alpha, is_digit, is_title, trailing = (
            arr[:, k].astype(bool) for k in range(3, 10)
        )
        closer = np.isin(orth, self._closers)
        content = ~(space | closer)
        # next_content[i]: the first content token at or after i (n when none)
        next_content = np.minimum.accumulate(np.where(content, np.arange(n), n)[::-1])[::-1]
        next_content = np.append(next_content, n)
        starts = np.zeros(n + 1, dtype=bool)
        starts[0] = True

        terminal = np.isin(orth, self._terminal)
        before = np.s_[:-1]
        glued = _shift(~trailing[before])  # no space between a token and the one before it
        abbreviation = _shift(np.isin(lower[before], self._abbreviations) & ~np.isin(orth[before], self._words)) & glued
        initial = _shift(is_alpha[before] & is_upper[before] & (length[before] == 1)) & glued  # "J. Smith"
        next_title = np.append(is_title[1:], False)
        list_mark = _shift(is_digit[before] & (length[before] <= 2)) & next_title  # "1. Facet syndrome"
        ends = np.flatnonzero(terminal & ~((abbreviation | initial | list_mark) & (orth == self._period)))
        starts[next_content[ends + 1]] = True

        for i in np.flatnonzero(space):
            text = doc[i].text
            breaks = text.count("\n") + text.count("\r") - text.count("\r\n")
            j = next_content[i + 1]
            if breaks >= 2 or (breaks == 1 and j < n and not is_lower[j]):
                starts[j] = True

        for i in np.flatnonzero(orth == self._colon):
            if i > 0 and is_upper[i - 1] and is_alpha[i - 1] and length[i - 1] > 1:
                # "EXTREMITIES:" run into text: the header starts a sentence and so does what follows it
                j = i - 1
                while j > 0 and is_upper[j - 1] and is_alpha[j - 1] and i - j < 4:
                    j -= 1
                starts[j] = True
                starts[next_content[i + 1]] = True

        for i in np.flatnonzero(is_digit):
            if 0 < i < n - 2 and length[i] <= 2 and is_alpha[i + 2]:
                if orth[i + 1] == self._paren or (
                    orth[i + 1] == self._period and is_title[i + 2] and not is_digit[i - 1]
                ):
                    starts[i] = True

        for section in doc._.sections:
            if section.category is not None:
                starts[section.title_start] = True
                starts[next_content[section.title_end]] = True
        return starts[:n]


def _shift(values: np.ndarray) -> np.ndarray:
    """Align a property of token i-1 with token i."""
    return np.concatenate(([False], values))


@Language.factory(
    "notecoder_sentences", assigns=["token.is_sent_start"], requires=["doc._.sections"], default_config={"rules": None}
)
def make_sentences(nlp: Language, name: str, rules: str | None) -> ClinicalSentenceSplitter:
    """`rules`: a sentence rules file to use instead of the package's."""
    return ClinicalSentenceSplitter(nlp, sentence_rules(rules))
