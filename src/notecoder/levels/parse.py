"""The grammar of a level expression ("C5-6", "C7-T1", "L4-5 and L5-S1", "fifth and sixth cervical vertebrae"):
vertebrae by index, and the ICD-10-CM region digit of the vertebrae named. Pure functions."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from notecoder.result import Region

VERTEBRAE: tuple[str, ...] = (
    ("C0", "C1", "C2", "C3", "C4", "C5", "C6", "C7")
    + tuple(f"T{i}" for i in range(1, 13))
    + tuple(f"L{i}" for i in range(1, 6))
    + tuple(f"S{i}" for i in range(1, 6))
    + ("Co",)
)
_INDEX = {name: i for i, name in enumerate(VERTEBRAE)}
_C2, _C7, _T12, _L5 = _INDEX["C2"], _INDEX["C7"], _INDEX["T12"], _INDEX["L5"]
_ZONE_REGION = {"C": Region.CERVICAL, "T": Region.THORACIC, "L": Region.LUMBAR, "S": Region.SACRAL}
_JUNCTION_PAIRS = {
    Region.CERVICOTHORACIC: {_INDEX["C7"], _INDEX["T1"]},
    Region.THORACOLUMBAR: {_INDEX["T12"], _INDEX["L1"]},
    Region.LUMBOSACRAL: {_INDEX["L5"], _INDEX["S1"]},
}
_JUNCTION_REGION = {
    ("C", "T"): Region.CERVICOTHORACIC,
    ("T", "L"): Region.THORACOLUMBAR,
    ("L", "S"): Region.LUMBOSACRAL,
}

# A level expression: atoms (C5, T12, occiput) joined by range marks ("-", "/", "to") and list marks ("," "and").
_ATOM = r"(?:occiput|occ|C0|[CTLS]-?(?:1[0-2]|[0-9])|(?-i:Co)[1-4])"  # Co1-Co4: the coccygeal segments
_NUM = r"(?:1[0-2]|[0-9])"
# a dictated segment has no mark: "L5 S1", "C4 5" ("C4 C5 and C5 C6"); its pieces say whether it is one
_RANGE = r"(?:\s?(?:-|–|—|/|\bto\b|\bthrough\b|\bthru\b)\s?|[ \t])"
_LIST = r"(?:\s?,\s?(?:and\s|&\s?)?|\s(?:and|&|or)\s)"
_ELEMENT = rf"{_ATOM}(?:{_RANGE}(?:{_ATOM}|{_NUM}))*"
LEVEL_PATTERN = rf"(?<![A-Za-z0-9]){_ELEMENT}(?:{_LIST}{_ELEMENT})*(?![A-Za-z0-9])"

_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
}  # fmt: skip
_ORD = "(?:" + "|".join(_ORDINALS) + ")"
_ORD_REGION = {"cervical": "C", "thoracic": "T", "dorsal": "T", "lumbar": "L", "sacral": "S"}
ORDINAL_PATTERN = (
    rf"\b{_ORD}(?:\s?(?:,|-|and|through|thru|to)\s?(?:and\s)?{_ORD})*\s(?:cervical|thoracic|dorsal|lumbar|sacral)"
    r"\s(?:vertebrae|vertebra|vertebral\sbod(?:y|ies)|levels?|segments?|nerve\sroots?|roots?|discs?|disks?"
    r"|interspaces?|spinous\sprocess(?:es)?)\b"
)

LEVEL_RE = re.compile(LEVEL_PATTERN, re.IGNORECASE)
LIST_RE = re.compile(_LIST, re.IGNORECASE)
ORDINAL_RE = re.compile(ORDINAL_PATTERN, re.IGNORECASE)
_PIECE_RE = re.compile(
    r"(?P<atom>occiput|occ|C0|[CTLS]-?\d{1,2}|(?-i:Co)[1-4]?)|(?P<num>\d{1,2})"
    r"|(?P<range>-|–|—|/|\bto\b|\bthrough\b|\bthru\b)|(?P<list>,|\band\b|&|\bor\b)",
    re.IGNORECASE,
)
_ORD_PIECE_RE = re.compile(
    rf"(?P<ord>{_ORD})|(?P<range>-|\bthrough\b|\bthru\b|\bto\b)|(?P<list>,|\band\b)", re.IGNORECASE
)

Piece = int | Literal["range", "list"] | None
"""One step of an expression: a vertebra's index, a range or list mark, or None for a name that is no vertebra."""


@dataclass(frozen=True)
class Levels:
    levels: tuple[str, ...]
    region: Region
    explicit: bool
    """True for named vertebrae ("C5-6", "fifth cervical"), False for region words ("neck", "cervical")."""
    segments: tuple[str, ...] = ()
    """The motion segments (disc levels) a range names: "C5-C6 and C6-C7" and "C5-7" both name C5-C6 and C6-C7,
    where the vertebrae alone (C5, C6, C7) cannot tell "C4-5 and C6-7" from "C4-7". Codes by disc level need them."""


def region_of(indices: set[int] | frozenset[int]) -> Region:
    """Region digit of a set of vertebrae: one that holds both vertebrae of a junction (C7 and T1) and reaches
    no further zone is that junction's region; vertebrae of several regions otherwise are site unspecified."""
    lo, hi = min(indices), max(indices)
    if hi <= _C2:
        return Region.OCCIPITO_ATLANTO_AXIAL
    zones = (_zone(lo), _zone(hi))
    if zones[0] == zones[1]:
        return _ZONE_REGION[zones[0]]
    junction = _JUNCTION_REGION.get(zones)
    if junction is not None and _JUNCTION_PAIRS[junction] <= set(indices):
        return junction
    return Region.SITE_UNSPECIFIED


def _zone(index: int) -> str:
    if index <= _C7:
        return "C"
    if index <= _T12:
        return "T"
    if index <= _L5:
        return "L"
    return "S"


def _normalize_atom(atom: str) -> str | None:
    low = atom.lower().replace("-", "")
    if low in ("occiput", "occ"):
        return "C0"
    if atom.startswith("Co"):
        return "Co"  # the coccyx is one vertebra here: its segments code alike (S32.2-, M53.3)
    return low[0].upper() + str(int(low[1:]))


def _covered(pieces: Iterator[Piece]) -> frozenset[int] | None:
    """Vertebrae named by a walk of vertebra indexes and "range"/"list" marks; None if any piece is not real."""
    covered: set[int] = set()
    previous: int | None = None
    in_range = False
    for piece in pieces:
        if piece == "range":
            in_range = True
        elif piece == "list":
            in_range = False
        elif piece is None:
            return None
        else:
            if in_range and previous is not None:
                covered.update(range(min(previous, piece), max(previous, piece) + 1))
            else:
                covered.add(piece)
            previous, in_range = piece, False
    return frozenset(covered) or None


def _expression_pieces(expression: str) -> Iterator[Piece]:
    letter: str | None = None
    previous: int | None = None  # the vertebra just before, when nothing but the pieces' own words came since
    after = 0  # where the previous piece ended
    for piece in _PIECE_RE.finditer(expression):
        kind = piece.lastgroup
        spaced = previous is not None and not expression[after : piece.start()].strip()
        after = piece.end()
        if kind == "range":
            yield "range"
            previous = None
            continue
        if kind == "list":
            yield "list"
            previous = None
            continue
        if kind == "atom":
            name = _normalize_atom(piece.group())
        elif letter is not None:
            name = "Co" if letter == "Co" else f"{letter}{int(piece.group())}"
        else:
            continue
        if name == "C8":  # the C8 root, between C7 and T1 (there is no C8 vertebra): the cervicothoracic junction
            yield from (_INDEX["C7"], "range", _INDEX["T1"])
            letter = "C"
            continue
        index = _INDEX.get(name or "")
        if spaced and previous is not None:
            if index == previous + 1:  # "L5 S1", "C4 5": the segment between two vertebrae named side by side
                yield "range"
            elif kind == "num":
                return  # "C5 12 months": the number is not a vertebra's
            else:
                yield "list"
        if index is not None and name is not None:
            letter = name[0] if name != "Co" else "Co"
        previous = index
        yield index


def expression_segments(expression: str) -> frozenset[int]:
    """The upper vertebra of each motion segment a level expression's ranges name ("C5-6" -> {C5}); a lone
    vertebra ("C6") names none."""
    upper: set[int] = set()
    previous: int | None = None
    in_range = False
    for piece in _expression_pieces(expression):
        if piece == "range":
            in_range = True
        elif piece == "list" or piece is None:
            in_range, previous = False, None
        else:
            if in_range and previous is not None:
                upper.update(range(min(previous, piece), max(previous, piece)))
            previous, in_range = piece, False
    return frozenset(upper)


def segment_names(upper: frozenset[int] | set[int]) -> tuple[str, ...]:
    return tuple(f"{VERTEBRAE[i]}-{VERTEBRAE[i + 1]}" for i in sorted(upper) if i + 1 < len(VERTEBRAE))


def parse_expression(expression: str) -> frozenset[int] | None:
    """Vertebrae of one level expression; None when any piece is not a real vertebra (C9, L7)."""
    return _covered(_expression_pieces(expression))


def parse_ordinals(expression: str) -> frozenset[int] | None:
    """Vertebrae of "fifth and sixth cervical vertebrae"."""
    letter = next((_ORD_REGION[w] for w in expression.lower().split() if w in _ORD_REGION), None)
    if letter is None:
        return None
    return _covered(_ordinal_pieces(expression, letter))


def _ordinal_pieces(expression: str, letter: str) -> Iterator[Piece]:
    for piece in _ORD_PIECE_RE.finditer(expression):
        kind = piece.lastgroup
        if kind == "range":
            yield "range"
        elif kind == "list":
            yield "list"
        else:
            yield _INDEX.get(f"{letter}{_ORDINALS[piece.group().lower()]}")
