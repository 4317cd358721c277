"""Durations and onsets as ISO 8601 ("x 5 months" -> P5M), so chronicity can be compared and thresholded."""

import re

from notecoder.number_words import NUMBER_WORDS as _NUMBER_WORDS

_UNITS = (("d", "D"), ("w", "W"), ("m", "M"), ("y", "Y"))
_AMOUNT = re.compile(
    r"(?P<num>\d+(?:\.\d+)?)(?:\s*(?:-|to)\s*(?P<upper>\d+(?:\.\d+)?))?"
    r"|(?P<word>one\s+and\s+a\s+half|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
_UNIT = re.compile(r"(?<![a-z])(days?|d|weeks?|wks?|wk|w|months?|mos?|mo|m|years?|yrs?|yr|y)\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_PAST_ONE = re.compile(r"\b(?:past|last|previous)\s+(day|week|month|year)\b", re.IGNORECASE)
_FRACTION = re.compile(r"(\d{1,2})/(52|12)\b")  # British notation: 6/52 is six weeks, 3/12 three months


def _number(text: str) -> float | None:
    text = re.sub(r"\ba\s+(?=couple|few)", "", text, flags=re.IGNORECASE)
    for match in _AMOUNT.finditer(text):
        if match.group("num"):
            return float(match.group("upper") or match.group("num"))
        word = match.group("word").lower()
        return 1.5 if word.startswith("one and") else float(_NUMBER_WORDS[" ".join(word.split())])
    return None


def _unit(text: str) -> str | None:
    match = _UNIT.search(text)
    if match is None:
        return None
    word = match.group(1).lower()
    if word.startswith("mo") or word == "m":
        return "M"
    return next(iso for prefix, iso in _UNITS if word.startswith(prefix))


def iso_duration(text: str) -> str | None:
    """ISO 8601 duration of a phrase, or None when the amount is vague ("several weeks")."""
    past_one = _PAST_ONE.search(text)
    if past_one:
        return f"P1{past_one.group(1)[0].upper()}"
    fraction = _FRACTION.search(text)
    if fraction:
        return f"P{int(fraction.group(1))}{'W' if fraction.group(2) == '52' else 'M'}"
    unit, number = _unit(text), _number(text)
    if unit is None or number is None:
        return None
    amount = int(number) if number.is_integer() else number
    return f"P{amount}{unit}"


def onset_year(text: str) -> str | None:
    match = _YEAR.search(text)
    return match.group() if match else None


_DAYS = {"D": 1, "W": 7, "M": 30, "Y": 365}
_ISO = re.compile(r"P(\d+(?:\.\d+)?)([DWMY])")


def duration_days(iso: str | None) -> float | None:
    match = _ISO.fullmatch(iso or "")
    return float(match.group(1)) * _DAYS[match.group(2)] if match else None
