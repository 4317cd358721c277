"""The tokenizer's searches, each linear in a token's length: prefixes, suffixes, the URL match, and the LIKE_URL
attribute a new word's lexeme is given.

spaCy strips a token's affixes one per step, and each step copies and hashes the rest of the token: 16,000 parentheses
took 40 seconds, and a million characters of "()()()..." 384. So a run of one punctuation mark is one affix, and in a
chunk longer than any word all the affixes in a row at either end are one: a few steps, whatever the marks. A note's
words split as before."""

import re
import types
from collections.abc import Callable
from typing import Any

from spacy.lang import lex_attrs

_RUN = 32  # a run of one punctuation mark this long is one affix
_LONG = 256  # longer than any word of a note (63 characters in the corpora)
_WINDOW = 64  # longer than any affix rule's match (an ellipsis longer than this splits in two)
_REPEAT = re.compile(rf"(?=[\W_])(\S)\1{{{_RUN - 1},}}")  # punctuation: neither a letter, a digit nor a space
# spaCy's URL user info: ":\S*" after "\S+" is only more "\S+", but the regex retries it at every colon of a token
_USER_INFO = r"(?:\S+(?::\S*)?@)?"


class Span:
    """A match-like span of affixes (spaCy's tokenizer reads only start() and end())."""

    def __init__(self, start: int, end: int) -> None:
        self._start, self._end = start, end

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end


class HeadSearch:
    """The prefix pattern's search. `pattern` is what spaCy writes when the tokenizer is saved."""

    def __init__(self, compiled: re.Pattern[str]) -> None:
        self.compiled, self.pattern = compiled, compiled.pattern

    def search(self, string: str):
        if len(string) > _LONG and (end := self._prefixes_end(string)):
            return Span(0, end)
        if len(string) > _RUN and (repeat := _REPEAT.match(string)):
            return repeat
        return self.compiled.search(string)

    def _prefixes_end(self, string: str) -> int:
        """Where the prefixes in a row at the start end, each looked for in a window of the string."""
        at = 0
        while at < len(string):
            if repeat := _REPEAT.match(string, at):
                at = repeat.end()
                continue
            window = string[at : at + _WINDOW]
            found = self.compiled.search(window)
            # a match up to the window's end may be cut short, or its lookahead misled: the run stops before it
            if not found or not found.end() or found.end() == len(window) < len(string) - at:
                break
            at += found.end()
        return at


class TailSearch(HeadSearch):
    """The suffix pattern's search, started near the end of the token (its rules end with '$')."""

    def search(self, string: str):
        if len(string) > _LONG and (start := self._suffixes_start(string)) < len(string):
            return Span(start, len(string))
        if len(string) > _RUN and (repeat := _REPEAT.match(string[::-1])):
            return Span(len(string) - repeat.end(), len(string))
        return self.compiled.search(string, max(0, len(string) - _WINDOW))

    def _suffixes_start(self, string: str) -> int:
        """Where the suffixes in a row at the end start. Each is the shortest match that ends where the next begins,
        one start tried at a time (a search of the window tries every start for each); runs of one mark are measured
        in the reversed string."""
        backwards, start = string[::-1], len(string)
        while start:
            if repeat := _REPEAT.match(backwards, len(string) - start):
                start -= repeat.end() - repeat.start()
                continue
            starts = range(start - 1, max(0, start - _WINDOW) - 1, -1)
            found = next((at for at in starts if self.compiled.match(string, at, start)), start)
            if found == start:
                break
            start = found
        return start


def linear_url_match(url_match: Any) -> Any:
    """spaCy's URL match with its user info written "\\S+@": the same tokens match, in time linear in their length
    (8,000 characters of colons and at signs took 1.7 s)."""
    compiled = url_match.__self__
    return re.compile(compiled.pattern.replace(_USER_INFO, r"(?:\S+@)?"), compiled.flags).match


def linear_like_url() -> Callable[[str], bool]:
    """spaCy's LIKE_URL getter, its own code reading the linear URL match where it reads spaCy's: the getter runs for
    every new word, and ":.:.:..." of 16,000 characters took 1.2 s in it."""
    like_url = lex_attrs.like_url
    url_match = linear_url_match(like_url.__globals__["URL_MATCH"])
    return types.FunctionType(like_url.__code__, {**like_url.__globals__, "URL_MATCH": url_match})
