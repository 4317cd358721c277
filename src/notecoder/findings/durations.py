"""Durations and onsets as ISO 8601 ("x 5 months" -> P5M), so chronicity can be compared and thresholded; dates as
written ("03/14/2025", "2025-03-14", "14 Mar 2025"), so an onset can be counted from the date of service."""

import calendar
import re
from datetime import date

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


_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DATES = (
    (re.compile(r"\b((?:19|20)\d\d)-(\d{1,2})-(\d{1,2})\b"), ("y", "m", "d")),
    (re.compile(r"\b(\d{1,2})/(\d{1,2})/((?:19|20)?\d\d)\b"), ("m", "d", "y")),
    (re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)\b", re.IGNORECASE), ("b", "d", "y")),
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}\s+((?:19|20)\d\d)\b", re.IGNORECASE), ("d", "b", "y")),
)
_MONTH_YEAR = re.compile(rf"\b{_MONTH}\s+((?:19|20)\d\d)\b|\b(\d{{1,2}})/((?:19|20)\d\d)\b", re.IGNORECASE)


def calendar_dates(text: str) -> list[tuple[int, int, date]]:
    """(start, end, date) of every whole date written in `text`, in order. Slashes read month first unless the first
    number cannot be a month (14/03/2025)."""
    found = []
    for pattern, order in _DATES:
        for match in pattern.finditer(text):
            parts = dict(zip(order, match.groups(), strict=True))
            year = int(parts["y"]) + (2000 if len(parts["y"]) == 2 else 0)
            month = _MONTHS[parts["b"][:3].lower()] if "b" in parts else int(parts["m"])
            day = int(parts["d"])
            if month > 12 >= day:
                month, day = day, month
            try:
                found.append((match.start(), match.end(), date(year, month, day)))
            except ValueError:
                continue
    return sorted(found)


def calendar_date(text: str) -> date | None:
    """The first whole date written in `text`."""
    dates = calendar_dates(text)
    return dates[0][2] if dates else None


def onset_dates(text: str) -> tuple[date, date] | None:
    """The first and last day an onset written in `text` can mean: "since March 2024" -> 2024-03-01..2024-03-31,
    "since 2021" -> 2021-01-01..2021-12-31, "since 03/14/2024" -> that day twice. A duration is long enough only when
    counted from the last day, and too short only when counted from the first."""
    if whole := calendar_date(text):
        return whole, whole
    if match := _MONTH_YEAR.search(text):
        month = _MONTHS[match.group(1)[:3].lower()] if match.group(1) else int(match.group(3))
        year = int(match.group(2) or match.group(4))
        if 1 <= month <= 12:
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    if named := onset_year(text):
        return date(int(named), 1, 1), date(int(named), 12, 31)
    return None
