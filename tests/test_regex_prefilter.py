"""The first-character lookahead put in front of each regex rule never changes what the rule matches."""

import random
import re

import pytest

from notecoder.targets.prefilter import with_first_characters
from notecoder.targets.rules import target_rules

PATTERNS = [x.pattern for group in target_rules().groups for x in group.regex]


def _alphabet() -> str:
    return "abcdefghijklmnopqrstuvwxyzCTLS0123456789 \n\t.,;:/-()~>"


def _texts() -> list[str]:
    rng = random.Random(2026)
    words = [
        "x3",
        "for",
        "over",
        "past",
        "2 weeks",
        "3/52",
        "x6w",
        "C5-6",
        "L4-L5",
        "T12-L1",
        "since",
        "ago",
        "in 2019",
        "admitted after",
        "occiput-C1",
        "first",
        "fifth",
        "pain",
        "radiating",
        "to the",
        "left",
        "leg",
        "duration of",
        "osteoporotic",
        "fracture of the",
        "rib",
        "5/5",
        "strength",
        "motor",
        "about",
        "several",
        "months",
        "yrs",
    ]
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 30))) for _ in range(400)]
    texts += ["".join(rng.choice(_alphabet()) for _ in range(rng.randint(1, 80))) for _ in range(400)]
    return texts


@pytest.mark.parametrize("pattern", PATTERNS)
def test_a_rule_matches_the_same_spans_with_its_lookahead(pattern):
    plain, fast = re.compile(pattern, re.I), re.compile(with_first_characters(pattern), re.I)
    for text in _texts():
        assert [m.span() for m in plain.finditer(text)] == [m.span() for m in fast.finditer(text)]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\b(?:for|over)\s+\d+", "(?=[fo])(?:\\b(?:for|over)\\s+\\d+)"),
        (r"(?<![a-z])x(?=\d)|\bduration", "(?=[dx])(?:(?<![a-z])x(?=\\d)|\\bduration)"),
        (r"(?:the\s+)?past", "(?=[pt])(?:(?:the\\s+)?past)"),
        (r"(?i)\d+/52", "(?i)(?=[\\d])(?:\\d+/52)"),
    ],
)
def test_the_lookahead_names_the_characters_a_match_can_begin_with(pattern, expected):
    assert with_first_characters(pattern) == expected


@pytest.mark.parametrize("pattern", [r"(?:abc)?", r"[^a-z]+x", r".ab", r"\Wfoo"])
def test_a_pattern_that_can_begin_anywhere_is_left_as_it_is(pattern):
    assert with_first_characters(pattern) == pattern
