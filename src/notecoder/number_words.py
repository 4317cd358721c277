"""Numbers written as words ("fourteen months", "two years"): one table for the rules that find durations and for
the parser that reads them, so a word the rules find is always one the parser can read."""

import re

NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "couple": 2,
}  # fmt: skip

COUNTED = "|".join(sorted((w for w in NUMBER_WORDS if w not in ("a", "an", "couple")), key=len, reverse=True))
"""A regex alternation of the number words that count ("fourteen", not "a"), longest first."""

TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_UNITS = {"zero": 0} | {w: n for w, n in NUMBER_WORDS.items() if 1 <= n <= 19 and w not in ("a", "an", "couple")}
_SPELLED = re.compile(
    r"\b(?:(?P<hundred>(?:a|one) hundred)|(?P<tens>"
    + "|".join(TENS)
    + r")(?:[- ](?P<unit>"
    + "|".join(w for w, n in _UNITS.items() if 0 < n < 10)
    + r"))?|(?P<small>"
    + "|".join(sorted(_UNITS, key=len, reverse=True))
    + r"))\b",
    re.IGNORECASE,
)


def spelled_as_digits(text: str) -> str:
    """`text` with each number written in words replaced by its digits, padded with spaces to the same length
    ("from a seven to a one, about eighty-six percent" -> "from a 7     to a 1  , about 86         percent"), so
    that a pattern written for digits reads a dictated note and its matches are at the note's own offsets."""

    def digits(match: re.Match) -> str:
        if match.group("hundred"):
            value = 100
        elif match.group("tens"):
            unit = match.group("unit")
            value = TENS[match.group("tens").lower()] + (_UNITS[unit.lower()] if unit else 0)
        else:
            value = _UNITS[match.group("small").lower()]
        return str(value).ljust(len(match.group(0)))

    return _SPELLED.sub(digits, text)
