"""Levels in note text: explicit levels first, then ordinals, then region words; and a level list split into the
runs that share a region."""

from functools import lru_cache

from notecoder.levels.parse import (
    LEVEL_RE,
    LIST_RE,
    ORDINAL_RE,
    VERTEBRAE,
    Levels,
    expression_segments,
    parse_expression,
    parse_ordinals,
    region_of,
    segment_names,
)
from notecoder.levels.vocabulary import region_word_levels, region_word_re


def _levels(covered: set[int] | frozenset[int], explicit: bool, segments: tuple[str, ...] = ()) -> Levels:
    return Levels(tuple(VERTEBRAE[i] for i in sorted(covered)), region_of(covered), explicit, segments)


@lru_cache(maxsize=8192)
def parse_levels(text: str) -> Levels | None:
    """Levels named in `text`: explicit levels win over ordinals, which win over region words.

    Remembered: the same few phrases ("C5-6", "neck pain", "lumbar") come back in every note (Levels is frozen)."""
    for regex, parse in ((LEVEL_RE, parse_expression), (ORDINAL_RE, parse_ordinals)):
        covered: set[int] = set()
        upper: set[int] = set()
        for match in regex.finditer(text):
            found = parse(match.group())
            if found:
                covered |= found
                if regex is LEVEL_RE:
                    upper |= expression_segments(match.group())
        if covered:
            return _levels(covered, explicit=True, segments=segment_names(upper))
    table = region_word_levels()
    covered = set()
    for match in region_word_re().finditer(text):
        covered |= table[" ".join(match.group().lower().split())]
    return _levels(covered, explicit=False) if covered else None


def region_groups(expression: str) -> list[tuple[int, int]]:
    """Character ranges of a level list's runs that share a region: "occiput-C1 and T4" is two mentions.

    A range ("C7-T1") is one junction, and so is a contiguous list ("L4-5 and L5-S1"); a list with a gap that
    names vertebrae in different regions is one mention per region."""
    whole = parse_expression(expression)
    if whole is not None and max(whole) - min(whole) + 1 == len(whole):
        return [(0, len(expression))]
    elements, start = [], 0
    for separator in LIST_RE.finditer(expression):
        elements.append((start, separator.start()))
        start = separator.end()
    elements.append((start, len(expression)))
    groups: list[list[int]] = []
    previous_region = None
    for low, high in elements:
        covered = parse_expression(expression[low:high])
        region = region_of(covered) if covered else None
        if groups and region == previous_region:
            groups[-1][1] = high
        else:
            groups.append([low, high])
        previous_region = region
    return [(low, high) for low, high in groups]
