"""What a note, and a request's notes together, must be before a process codes them: Unicode text (a lone
surrogate, which JSON's \\ud800 escapes can carry, is no character and could never be written back), and within
the service's caps. Problems name the field, never the note."""

import re
from collections.abc import Sequence

from notecoder.service.problems import Invalid, Problem, TooLarge
from notecoder.service.settings import ServiceSettings

_SURROGATE = re.compile("[\ud800-\udfff]")


def holds_surrogate(value: object) -> bool:
    """Whether any string in `value` (a note, a footer, a FHIR resource) holds a lone surrogate."""
    if isinstance(value, str):
        return _SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(holds_surrogate(k) or holds_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(holds_surrogate(item) for item in value)
    return False


def note_problem(text: str, field: str, settings: ServiceSettings) -> Problem | None:
    """Why the note in `field` ("text", "content[2].text") cannot be coded, if it cannot."""
    if holds_surrogate(text):
        return Invalid(f"{field} is not Unicode text: it holds a lone surrogate (\\ud800 to \\udfff)")
    if len(text) > settings.max_note_chars:
        return TooLarge(f"{field} is {len(text):,} characters; this service reads at most "
                        f"{settings.max_note_chars:,} a note")  # fmt: skip
    return None


def check_request(texts: Sequence[str], settings: ServiceSettings) -> None:
    """The caps on a whole request: its number of notes and their characters together (TooLarge past either)."""
    if len(texts) > settings.max_notes:
        raise TooLarge(f"the request holds {len(texts):,} notes; this service reads at most {settings.max_notes:,} "
                       "a request: send them in smaller requests")  # fmt: skip
    total = sum(len(text) for text in texts)
    if total > settings.request_chars:
        raise TooLarge(f"the notes of the request are {total:,} characters; this service reads at most "
                       f"{settings.request_chars:,} a request: send them in smaller requests")  # fmt: skip
