"""Numbers written as words ("fourteen months", "two years"): one table for the rules that find durations and for
the parser that reads them, so a word the rules find is always one the parser can read."""

NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "couple": 2,
}  # fmt: skip

COUNTED = "|".join(sorted((w for w in NUMBER_WORDS if w not in ("a", "an", "couple")), key=len, reverse=True))
"""A regex alternation of the number words that count ("fourteen", not "a"), longest first."""
