"""The characters a regex's match can begin with, as a lookahead in front of it.

Python's `re` skips ahead to a candidate position fast only when the pattern opens with a known character; a rule
that opens with a word boundary, a lookbehind or an alternation of words is tried at every character of the note
(the duration rule's "(?:\\b(?:x|for|over...)" cost 0.27 ms a note; with `(?=[xfodl])` in front, 0.11). The
lookahead is derived from the parsed pattern, so a rule written as data gets it without anyone spelling it out,
and it never changes what matches: every match begins with one of those characters."""

import re
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

_ZERO_WIDTH = {sre.AT, sre.ASSERT, sre.ASSERT_NOT}
_CATEGORIES = {sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_SPACE: r"\s", sre.CATEGORY_WORD: r"\w"}
_INLINE_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")


class _Unknown(Exception):
    """The pattern can begin with any character, or with a construct this reading does not follow."""


def _first(items) -> tuple[set[str], bool]:
    """The character-class parts a match of `items` can begin with, and whether it can match the empty string."""
    found: set[str] = set()
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        if op is sre.LITERAL:
            found.add(re.escape(chr(av)))
            return found, False
        if op is sre.IN:
            found |= _charset(av)
            return found, False
        if op is sre.SUBPATTERN:
            first, empty = _first(av[-1])
        elif op is sre.BRANCH:
            firsts = [_first(alternative) for alternative in av[1]]
            first = set().union(*(f for f, _ in firsts))
            empty = any(e for _, e in firsts)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            low, _, item = av
            first, empty = _first(item)
            empty = empty or low == 0
        else:
            raise _Unknown
        found |= first
        if not empty:
            return found, False
    return found, True


def _charset(items) -> set[str]:
    parts = set()
    for op, av in items:
        if op is sre.LITERAL:
            parts.add(re.escape(chr(av)))
        elif op is sre.RANGE:
            parts.add(f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}")
        elif op is sre.CATEGORY and av in _CATEGORIES:
            parts.add(_CATEGORIES[av])
        else:  # a negated set or category: nearly any character
            raise _Unknown
    return parts


def with_first_characters(pattern: str) -> str:
    """`pattern` with a lookahead for the characters its matches begin with, when they are known."""
    try:
        first, empty = _first(sre_parse.parse(pattern))
    except _Unknown:
        return pattern
    if empty or not first:
        return pattern
    flags = _INLINE_FLAGS.match(pattern)
    head, body = (flags.group(), pattern[flags.end() :]) if flags else ("", pattern)
    return f"{head}(?=[{''.join(sorted(first))}])(?:{body})"
