"""Tokenizer adjustments for note exports: MTSamples and other flattened exports glue a comma to the next word
(",FHX", "Valsalva.,I", "IMPRESSION:,1."), and text pasted from EHRs carries zero-width characters ("pain\u200b");
either hides a word from every rule unless it is split off as its own token. Work per token stays linear: a suffix is
looked for only at the end of a long token, and a long run of one punctuation mark is one affix."""

from spacy.language import Language
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

_COMMA_BEFORE_WORD = r",(?=[^\d\s])"
_PERIOD_BEFORE_COMMA = r"\.(?=,)"
_COLON_COMMA = r":(?=,)|(?<=:),"
_ZERO_WIDTH = r"[\u200b\u200c\u200d\u2060\ufeff]"
_SUFFIX_WINDOW = 64  # longer than any suffix rule's match (an ellipsis longer than this splits in two)


_RUN = 32  # a run of one punctuation mark this long is one affix, split off in one step


class _Run:
    """A match-like span for a run of one character (spaCy's tokenizer reads only start() and end())."""

    def __init__(self, start: int, end: int) -> None:
        self._start, self._end = start, end

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end


def _head_search(pattern):
    """The prefix pattern's search, a long run of one punctuation mark taken whole: spaCy copies the rest of the
    token after each prefix it strips, so 16,000 parentheses took 40 seconds one at a time."""

    def search(string: str):
        if len(string) > _RUN and not string[0].isalnum() and not string[0].isspace():
            run = len(string) - len(string.lstrip(string[0]))
            if run >= _RUN:
                return _Run(0, run)
        return pattern.search(string)

    return search


def _tail_search(pattern):
    """The suffix pattern's search, started near the end of the token (its rules end with '$'), and a long run of
    one punctuation mark taken whole."""

    def search(string: str):
        if len(string) > _RUN and not string[-1].isalnum() and not string[-1].isspace():
            kept = len(string.rstrip(string[-1]))
            if len(string) - kept >= _RUN:
                return _Run(kept, len(string))
        return pattern.search(string, max(0, len(string) - _SUFFIX_WINDOW))

    return search


def adapt_tokenizer(nlp: Language) -> None:
    nlp.tokenizer.prefix_search = _head_search(
        compile_prefix_regex([*(nlp.Defaults.prefixes or ()), _COMMA_BEFORE_WORD, _ZERO_WIDTH])
    )
    nlp.tokenizer.suffix_search = _tail_search(compile_suffix_regex([*(nlp.Defaults.suffixes or ()), _ZERO_WIDTH]))
    nlp.tokenizer.infix_finditer = compile_infix_regex(
        [*(nlp.Defaults.infixes or ()), _COMMA_BEFORE_WORD, _PERIOD_BEFORE_COMMA, _COLON_COMMA, _ZERO_WIDTH]
    ).finditer
