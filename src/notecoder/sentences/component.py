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

from notecoder.doc_keys import SECTIONS_EXTENSION
from notecoder.rules_disk import SavedRules
from notecoder.sentences.rules import SentenceRules
from notecoder.spoken import dictated, spoken_rules

_MAX_REMEMBERED = 10_000  # whitespace tokens whose line breaks are remembered (distinct runs of spaces)
_ATTRS = [ORTH, LOWER, LENGTH, IS_SPACE, IS_LOWER, IS_UPPER, IS_ALPHA, IS_DIGIT, IS_TITLE, SPACY]


def _table(hashes) -> np.ndarray:
    return np.unique(np.array(hashes, dtype=np.uint64))


class ClinicalSentenceSplitter(SavedRules[SentenceRules]):
    rules_package = "notecoder.sentences"
    rules_model = SentenceRules

    def __init__(self, nlp: Language, rules: str | None = None) -> None:
        self.nlp = nlp
        strings = nlp.vocab.strings
        self._terminal = _table([strings.add(t) for t in (".", "?", "!")])
        self._colon = strings.add(":")
        self._period = strings.add(".")
        self._question = strings.add("?")
        self._openers = _table([strings.add(t) for t in (":", "):", "(", "[", '"', "\u201c", "'")])
        self._paren = strings.add(")")
        self._bracket = strings.add("[")
        self._line_breaks: dict[int, int] = {}  # whitespace token (its ORTH) -> line breaks in it
        self._load_rules(rules)

    def _build(self, rules: SentenceRules) -> None:
        strings = self.nlp.vocab.strings
        self._closers = _table([strings.add(t) for t in rules.closers])
        self._abbreviations = _table([strings.add(a) for a in rules.abbreviations])
        self._words = _table([strings.add(w) for w in rules.not_abbreviations])
        self._before_numbers = _table([strings.add(w) for w in rules.before_numbers])
        self._before_lower = _table([strings.add(w) for w in rules.before_lower])
        self._continuing = _table([strings.add(w) for w in rules.continuing_fields])
        self._joined = _table([strings.add(w) for w in rules.joined_fields])
        self._spoken_stops = _table([strings.add(w) for w in spoken_rules().stops])

    def __call__(self, doc: Doc) -> Doc:
        if len(doc):
            starts = self.boundaries(doc)
            flags = np.where(starts, 1, -1).astype(np.int64).astype(np.uint64).reshape(-1, 1)
            doc.from_array([SENT_START], flags)  # type: ignore[arg-type]  # thinc types it Ints2d: any int array
        return doc

    def _breaks_in(self, doc: Doc, orth: int) -> int:
        breaks = self._line_breaks.get(orth)
        if breaks is None:
            if len(self._line_breaks) > _MAX_REMEMBERED:
                self._line_breaks.clear()
            text = doc.vocab.strings[orth]
            breaks = self._line_breaks[orth] = text.count("\n") + text.count("\r") - text.count("\r\n")
        return breaks

    def boundaries(self, doc: Doc) -> np.ndarray:
        n = len(doc)
        arr = doc.to_array(_ATTRS)
        orth, lower, length = arr[:, 0], arr[:, 1], arr[:, 2]
        space, is_lower, is_upper, is_alpha, is_digit, is_title, trailing = (
            arr[:, k].astype(bool) for k in range(3, 10)
        )
        before = np.s_[:-1]
        glued = _shift(~trailing[before])  # no space between a token and the one before it
        # a question mark standing apart at the start of a line or sentence, before a diagnosis ("LBP. ? L5-S1
        # instability", "A: ? facet syndrome") asks about it: it opens the sentence of what it asks about
        previous_word = np.maximum.accumulate(np.where(~space, np.arange(n), -1))
        previous = np.concatenate(([-1], previous_word[:-1]))  # the last non-space token before each token
        spoken = dictated(doc, lower)
        opens = (
            (previous < 0)
            | _isin(orth[np.maximum(previous, 0)], self._terminal)
            | _isin(orth[np.maximum(previous, 0)], self._openers)
        )
        if spoken:  # "... period ? left T7 T8 facet syndrome": after a spoken full stop
            opens |= _isin(lower[np.maximum(previous, 0)], self._spoken_stops) & (previous >= 0)
        # ... or glued to the word it asks about ("Referral: ?thoracic instability")
        glued_after = ~trailing & np.append(is_alpha[1:], False)
        asks = (orth == self._question) & (trailing | glued_after) & opens
        closer = _isin(orth, self._closers) & ~asks
        content = ~(space | closer)
        # next_content[i]: the first content token at or after i (n when none)
        next_content = np.minimum.accumulate(np.where(content, np.arange(n), n)[::-1])[::-1]
        next_content = np.append(next_content, n)
        starts = np.zeros(n + 1, dtype=bool)
        starts[0] = True

        terminal = _isin(orth, self._terminal)
        abbreviation = _shift(_isin(lower[before], self._abbreviations) & ~_isin(orth[before], self._words)) & glued
        number_next = np.append(is_digit, False)[next_content[1:]]  # the next content token after each is a number
        abbreviation &= ~_shift(_isin(lower[before], self._before_numbers)) | number_next
        lower_next = np.append(is_lower | is_digit, False)[next_content[1:]]  # "sx. Tried PT" ends; "hx. of" not
        abbreviation &= ~_shift(_isin(lower[before], self._before_lower)) | lower_next
        initial = _shift(is_alpha[before] & is_upper[before] & (length[before] == 1)) & glued  # "J. Smith"
        next_title = np.append(is_title[1:], False)
        list_mark = _shift(is_digit[before] & (length[before] <= 2)) & next_title  # "1. Facet syndrome"
        ends = terminal & ~asks & ~((abbreviation | initial | list_mark) & (orth == self._period))
        # a form's question answered by its boxes on the same line ("Disc disease?  [ ] Yes  [X] No") is one sentence
        # with its answer: the next content token is a box's bracket, and the tokens between break no line
        questions = np.flatnonzero(orth == self._question)
        if len(questions):
            following = next_content[questions + 1]
            boxed = questions[(following < n) & (orth[np.minimum(following, n - 1)] == self._bracket)]
            for i in boxed.tolist():
                if not any(self._breaks_in(doc, orth[k]) for k in range(i + 1, int(next_content[i + 1])) if space[k]):
                    ends[i] = False
        if spoken:  # "no injury period": the recogniser wrote the full stop as a word
            ends |= _isin(lower, self._spoken_stops)
        ends = np.flatnonzero(ends)
        starts[next_content[ends + 1]] = True

        spaces = np.flatnonzero(space)
        breaks = np.array([self._breaks_in(doc, o) for o in orth[spaces].tolist()], dtype=np.int64)
        after = next_content[spaces + 1]
        lower_after = np.append(is_lower, True)[after]  # past the end counts as lower case: no start there
        # "Status: [X] Provisional" under a diagnosis field qualifies it: its line goes on with the field's sentence
        continuing = np.append(_isin(lower, self._continuing), [False, False, False])
        field = continuing[after] | continuing[after + 1]  # "Status:", "Diagnosis status:"
        is_colon = np.append(orth == self._colon, [False] * 4)
        colon_next = is_colon[after + 1] | is_colon[after + 2] | is_colon[after + 3]  # "Status of diagnosis:"
        starts[after[(breaks >= 2) | ((breaks == 1) & ~lower_after & ~(field & colon_next))]] = True
        # "Onset: 2 months ago    Mechanism: none": a template's fields side by side on one line, set apart by a run of
        # spaces, are sentences of their own (the second's "none" does not negate the first)
        wide = (breaks == 0) & (length[spaces] >= 2) & ~lower_after & colon_next
        wide &= ~_isin(np.append(lower, 0)[after], self._joined)
        starts[after[wide]] = True

        capital_word = is_upper & is_alpha
        colons = np.flatnonzero(is_colon[1:n]) + 1
        for i in colons[capital_word[colons - 1] & (length[colons - 1] > 1)].tolist():
            # "EXTREMITIES:" run into text: the header starts a sentence and so does what follows it
            j = i - 1
            while j > 0 and capital_word[j - 1] and i - j < 4:
                j -= 1
            starts[j] = True
            starts[next_content[i + 1]] = True

        # "1) Neck pain", "2. Facet syndrome": a list number starts a sentence
        marks = np.flatnonzero(is_digit[1 : n - 2] & (length[1 : n - 2] <= 2)) + 1
        mark, word = orth[marks + 1], marks + 2
        numbered = is_alpha[word] & (
            (mark == self._paren) | ((mark == self._period) & is_title[word] & ~is_digit[marks - 1])
        )
        starts[marks[numbered]] = True

        for section in doc._.notecoder_sections or ():
            if section.category is not None:
                starts[section.title_start] = True
                starts[next_content[section.title_end]] = True
        return starts[:n]


def _isin(values: np.ndarray, table: np.ndarray) -> np.ndarray:
    """`np.isin` for a small sorted table: a binary search per value, without np.isin's sort of both arrays."""
    if not len(table):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(table, values), len(table) - 1)
    return table[at] == values


def _shift(values: np.ndarray) -> np.ndarray:
    """Align a property of token i-1 with token i."""
    return np.concatenate(([False], values))


@Language.factory(
    "notecoder_sentences",
    assigns=["token.is_sent_start"],
    requires=[f"doc._.{SECTIONS_EXTENSION}"],
    default_config={"rules": None},
)
def make_sentences(nlp: Language, name: str, rules: str | None) -> ClinicalSentenceSplitter:
    """`rules`: a sentence rules file to use instead of the package's."""
    return ClinicalSentenceSplitter(nlp, rules)
