"""Official ICD-10-CM titles and leaf status (simple_icd_10_cm), and how a templated code is made emittable."""

from functools import cache

import simple_icd_10_cm as cm


def _valid(code: str) -> bool:
    return bool(code) and cm.is_valid_item(code)


@cache
def emittable(code: str) -> str:
    """A billable leaf as is; otherwise the nearest existing ancestor, with a trailing "-" unless it is a leaf.

    "M47.17" (no such code) becomes "M47.1-", "M48.06" (needs a 6th character) "M48.06-"."""
    if code.endswith("-"):
        return code
    candidate = code
    while candidate and not _valid(candidate):
        candidate = candidate[:-1].rstrip(".")
    if not candidate:
        raise ValueError(f"no ICD-10-CM code or category matches {code!r}")
    return candidate if cm.is_leaf(candidate) else f"{candidate}-"


@cache
def title(code: str) -> str:
    """The official title of a code, or of the category a trailing-dash code names."""
    candidate = code.rstrip("-")
    while candidate and not _valid(candidate):
        candidate = candidate[:-1].rstrip(".")
    if not candidate:
        raise ValueError(f"no ICD-10-CM title for {code!r}")
    return cm.get_description(candidate)


def block_excludes1(block: str = "M50-M54") -> tuple[str, ...]:
    return tuple(cm.get_excludes1(block))
