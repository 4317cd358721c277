"""Official ICD-10-CM titles, leaf status and index wording (simple_icd_10_cm), and how a templated code is made
emittable. The tabular takes over a second to read: it is read once, when a code is first looked up."""

import re
from functools import cache


@cache
def _tabular():
    import simple_icd_10_cm

    return simple_icd_10_cm


def _valid(code: str) -> bool:
    return bool(code) and _tabular().is_valid_item(code)


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
    return candidate if _tabular().is_leaf(candidate) else f"{candidate}-"


@cache
def title(code: str) -> str:
    """The official title of a code, or of the category a trailing-dash code names."""
    candidate = code.rstrip("-")
    while candidate and not _valid(candidate):
        candidate = candidate[:-1].rstrip(".")
    if not candidate:
        raise ValueError(f"no ICD-10-CM title for {code!r}")
    return _tabular().get_description(candidate)


def block_excludes1(block: str = "M50-M54") -> tuple[str, ...]:
    return tuple(_tabular().get_excludes1(block))


_QUALIFIERS = re.compile(r"\s*\([^)]*\)|,\s*(?:unspecified|not elsewhere classified)$|\s+NOS$")


@cache
def condition_terms(code: str) -> tuple[str, ...]:
    """The ways the tabular names a code's condition: its title and inclusion terms, lower case, without the
    qualifiers a note never writes ("NOS", "(pyogenic)", ", not elsewhere classified"). A term that still lists
    several things ("Brachial neuritis or radiculitis NOS", "..., site unspecified") is left out."""
    if not _valid(code):
        raise ValueError(f"{code!r} is not an ICD-10-CM code or category")
    cm = _tabular()
    terms = []
    for term in (cm.get_description(code), *cm.get_inclusion_term(code)):
        plain = _QUALIFIERS.sub("", term).strip().lower()
        if plain and "," not in plain and " or " not in plain and plain not in terms:
            terms.append(plain)
    return tuple(terms)
