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
from notecoder.spoken import enough_signs, spoken_rules

_MAX_REMEMBERED = 10_000  # whitespace tokens whose line breaks are remembered (distinct runs of spaces)
_ATTRS = [ORTH, LOWER, LENGTH, IS_SPACE, IS_LOWER, IS_UPPER, IS_ALPHA, IS_DIGIT, IS_TITLE, SPACY]


# what a token's ORTH or LOWER is, as bits: one binary search per note and attribute instead of one per word list
_TERMINAL, _OPENER, _CLOSER, _WORD = 1, 2, 4, 8
_ABBREVIATION, _BEFORE_NUMBER, _BEFORE_LOWER, _CONTINUING, _JOINED, _SPOKEN_STOP, _SPOKEN_SIGN = 1, 2, 4, 8, 16, 32, 64


def _flag_table(groups: dict[int, list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Sorted hashes and, for each, the bits of the word lists that hold it."""
    bits: dict[int, int] = {}
    for bit, hashes in groups.items():
        for h in hashes:
            bits[h] = bits.get(h, 0) | bit
    keys = np.array(sorted(bits), dtype=np.uint64)
    return keys, np.array([bits[int(k)] for k in keys], dtype=np.int64)


class ClinicalSentenceSplitter(SavedRules[SentenceRules]):
    rules_package = "notecoder.sentences"
    rules_model = SentenceRules

    def __init__(self, nlp: Language, rules: str | None = None) -> None:
        self.nlp = nlp
        strings = nlp.vocab.strings
        self._terminal = [strings.add(t) for t in (".", "?", "!")]
        self._colon = strings.add(":")
        self._period = strings.add(".")
        self._question = strings.add("?")
        self._openers = [strings.add(t) for t in (":", "):", "(", "[", '"', "\u201c", "'")]
        self._paren = strings.add(")")
        self._bracket = strings.add("[")
        self._line_breaks: dict[int, int] = {}  # whitespace token (its ORTH) -> line breaks in it
        self._load_rules(rules)

    def _build(self, rules: SentenceRules) -> None:
        strings = self.nlp.vocab.strings

        def hashes(words) -> list[int]:
            return [strings.add(w) for w in words]

        self._by_orth = _flag_table(
            {
                _TERMINAL: self._terminal,
                _OPENER: self._openers,
                _CLOSER: hashes(rules.closers),
                _WORD: hashes(rules.not_abbreviations),
            }
        )
        self._by_lower = _flag_table(
            {
                _ABBREVIATION: hashes(rules.abbreviations),
                _BEFORE_NUMBER: hashes(rules.before_numbers),
                _BEFORE_LOWER: hashes(rules.before_lower),
                _CONTINUING: hashes(rules.continuing_fields),
                _JOINED: hashes(rules.joined_fields),
                _SPOKEN_STOP: hashes(spoken_rules().stops),
                _SPOKEN_SIGN: hashes(spoken_rules().signs),
            }
        )

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
        by_orth, by_lower = _flags(orth, *self._by_orth), _flags(lower, *self._by_lower)
        space, is_lower, is_upper, is_alpha, is_digit, is_title, trailing = (
            arr[:, k].astype(bool) for k in range(3, 10)
        )
        before = np.s_[:-1]
        glued = _shift(~trailing[before])  # no space between a token and the one before it
        # a question mark standing apart at the start of a line or sentence, before a diagnosis ("LBP. ? L5-S1
        # instability", "A: ? facet syndrome") asks about it: it opens the sentence of what it asks about
        previous_word = np.maximum.accumulate(np.where(~space, np.arange(n), -1))
        previous = np.concatenate(([-1], previous_word[:-1]))  # the last non-space token before each token
        spoken = enough_signs(int(np.count_nonzero(by_lower & _SPOKEN_SIGN)))
        opens = (previous < 0) | (by_orth[np.maximum(previous, 0)] & (_TERMINAL | _OPENER) != 0)
        if spoken:  # "... period ? left T7 T8 facet syndrome": after a spoken full stop
            opens |= (by_lower[np.maximum(previous, 0)] & _SPOKEN_STOP != 0) & (previous >= 0)
        # ... or glued to the word or level it asks about ("Referral: ?thoracic instability", "LBP - ?L4-5
        # instability"): such a mark never ends a sentence, wherever it stands
        glued_after = ~trailing & np.append((is_alpha | is_upper | is_title)[1:], False)
        asks = (orth == self._question) & ((trailing & opens) | glued_after)
        closer = (by_orth & _CLOSER != 0) & ~asks
        content = ~(space | closer)
        # next_content[i]: the first content token at or after i (n when none)
        next_content = np.minimum.accumulate(np.where(content, np.arange(n), n)[::-1])[::-1]
        next_content = np.append(next_content, n)
        starts = np.zeros(n + 1, dtype=bool)
        starts[0] = True

        terminal = by_orth & _TERMINAL != 0
        abbreviation = _shift((by_lower[before] & _ABBREVIATION != 0) & (by_orth[before] & _WORD == 0)) & glued
        number_next = np.append(is_digit, False)[next_content[1:]]  # the next content token after each is a number
        abbreviation &= ~_shift(by_lower[before] & _BEFORE_NUMBER != 0) | number_next
        lower_next = np.append(is_lower | is_digit, False)[next_content[1:]]  # "sx. Tried PT" ends; "hx. of" not
        abbreviation &= ~_shift(by_lower[before] & _BEFORE_LOWER != 0) | lower_next
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
            ends |= by_lower & _SPOKEN_STOP != 0
        ends = np.flatnonzero(ends)
        starts[next_content[ends + 1]] = True

        spaces = np.flatnonzero(space)
        breaks = np.array([self._breaks_in(doc, o) for o in orth[spaces].tolist()], dtype=np.int64)
        after = next_content[spaces + 1]
        lower_after = np.append(is_lower, True)[after]  # past the end counts as lower case: no start there
        # "Status: [X] Provisional" under a diagnosis field qualifies it: its line goes on with the field's sentence
        continuing = np.append(by_lower & _CONTINUING != 0, [False, False, False])
        field = continuing[after] | continuing[after + 1]  # "Status:", "Diagnosis status:"
        is_colon = np.append(orth == self._colon, [False] * 5)
        colon_next = is_colon[after + 1] | is_colon[after + 2] | is_colon[after + 3]  # "Status of diagnosis:"
        field_colon = colon_next | is_colon[after + 4]  # "Current status of diagnosis:"
        starts[after[(breaks >= 2) | ((breaks == 1) & ~lower_after & ~(field & field_colon))]] = True
        # "Onset: 2 months ago    Mechanism: none": a template's fields side by side on one line, set apart by a run of
        # spaces, are sentences of their own (the second's "none" does not negate the first)
        wide = (breaks == 0) & (length[spaces] >= 2) & ~lower_after & colon_next
        wide &= np.append(by_lower, 0)[after] & _JOINED == 0
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


def _flags(values: np.ndarray, keys: np.ndarray, bits: np.ndarray) -> np.ndarray:
    """The bits of each value's word lists (0 for a word in none): one binary search per value."""
    if not len(keys):
        return np.zeros(len(values), dtype=np.int64)
    at = np.minimum(np.searchsorted(keys, values), len(keys) - 1)
    return np.where(keys[at] == values, bits[at], 0)


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
