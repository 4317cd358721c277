"""An outcome scale read before and after care as the care's response ("NDI 40% -> 22%", "VAS eight out of ten when
she started therapy, today four out of ten"): the note shows the response in numbers, not words."""

import re

from notecoder.number_words import COUNTED, NUMBER_WORDS

_SCORE = re.compile(
    rf"(?P<number>\d{{1,3}}(?:\.\d)?|\b(?:{COUNTED})\b)\s*(?=%|/\s*10\b|\s*out\s+of\s+(?:10|ten)\b|\s*per\s*cent"
    r"|\s*percent|\s*(?:->|→|=>))"
    r"|(?:->|→|=>)\s*(?P<last>\d{1,3}(?:\.\d)?)",
    re.IGNORECASE,
)


def score_response(text: str, bands: dict[str, float]) -> str | None:
    """The response the first and last score of `text` show: the share of the first score that is gone, against
    `bands` (the least share for each response, highest first); None with fewer than two scores."""
    scores = [_value(m.group("number") or m.group("last")) for m in _SCORE.finditer(text)]
    if len(scores) < 2 or not scores[0]:
        return None
    gone = (scores[0] - scores[-1]) / scores[0]
    return next((response for response, least in bands.items() if gone >= least), "worsened")


def _value(number: str) -> float:
    word = number.lower()
    return float(NUMBER_WORDS[word]) if word in NUMBER_WORDS else float(number)
