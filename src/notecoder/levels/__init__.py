"""Spinal levels: read "C5-6", "C7-T1", "fifth cervical vertebra", "cervicothoracic junction" as vertebrae and
give them the ICD-10-CM region digit. Pure functions; the vocabulary is data (`regions.json`)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from pydantic import BaseModel, ConfigDict

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
_ATOM = r"(?:occiput|occ|C0|[CTLS]-?(?:1[0-2]|[0-9]))"
_NUM = r"(?:1[0-2]|[0-9])"
_RANGE = r"\s?(?:-|–|—|/|\bto\b|\bthrough\b|\bthru\b)\s?"
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

_LEVEL_RE = re.compile(LEVEL_PATTERN, re.IGNORECASE)
_LIST_RE = re.compile(_LIST, re.IGNORECASE)
_ORDINAL_RE = re.compile(ORDINAL_PATTERN, re.IGNORECASE)
_PIECE_RE = re.compile(
    r"(?P<atom>occiput|occ|C0|[CTLS]-?\d{1,2}|(?-i:Co))|(?P<num>\d{1,2})"
    r"|(?P<range>-|–|—|/|\bto\b|\bthrough\b|\bthru\b)|(?P<list>,|\band\b|&|\bor\b)",
    re.IGNORECASE,
)
_ORD_PIECE_RE = re.compile(
    rf"(?P<ord>{_ORD})|(?P<range>-|\bthrough\b|\bthru\b|\bto\b)|(?P<list>,|\band\b)", re.IGNORECASE
)


class RegionWord(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    phrase: str
    levels: str
    standalone: bool


class _ContextRule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    levels: tuple[str, ...]
    window: int
    cues: tuple[str, ...]


class _NotSpinal(BaseModel):
    model_config = ConfigDict(extra="forbid")
    about: str = ""
    phrases: tuple[str, ...]


class _NonSpinalContexts(BaseModel):
    model_config = ConfigDict(extra="forbid")
    about: str = ""
    rules: tuple[_ContextRule, ...]


class RegionVocabulary(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int
    about: str = ""
    region_words: tuple[RegionWord, ...]
    not_spinal: _NotSpinal
    non_spinal_contexts: _NonSpinalContexts


@dataclass(frozen=True)
class Levels:
    levels: tuple[str, ...]
    region: Region
    explicit: bool
    """True for named vertebrae ("C5-6", "fifth cervical"), False for region words ("neck", "cervical")."""


@cache
def vocabulary() -> RegionVocabulary:
    raw = files(__package__).joinpath("regions.json").read_text(encoding="utf-8")
    vocab = RegionVocabulary.model_validate(json.loads(raw))
    for word in vocab.region_words:
        if _parse_expression(word.levels) is None:
            raise ValueError(f"regions.json: region word {word.phrase!r} has unreadable levels {word.levels!r}")
    return vocab


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
    if atom == "Co":
        return "Co"
    return low[0].upper() + str(int(low[1:]))


def _covered(pieces: Iterator[str | int | None]) -> frozenset[int] | None:
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


def _expression_pieces(expression: str) -> Iterator[str | int | None]:
    letter: str | None = None
    for piece in _PIECE_RE.finditer(expression):
        kind = piece.lastgroup
        if kind in ("range", "list"):
            yield kind
            continue
        if kind == "atom":
            name = _normalize_atom(piece.group())
        elif letter is not None:
            name = f"{letter}{int(piece.group())}"
        else:
            continue
        index = _INDEX.get(name or "")
        if index is not None:
            letter = name[0] if name != "Co" else "S"
        yield index


def _parse_expression(expression: str) -> frozenset[int] | None:
    """Vertebrae of one level expression; None when any piece is not a real vertebra (C9, L7)."""
    return _covered(_expression_pieces(expression))


def _parse_ordinals(expression: str) -> frozenset[int] | None:
    """Vertebrae of "fifth and sixth cervical vertebrae"."""
    letter = next((_ORD_REGION[w] for w in expression.lower().split() if w in _ORD_REGION), None)
    if letter is None:
        return None
    pieces = (
        p.lastgroup if p.lastgroup in ("range", "list") else _INDEX.get(f"{letter}{_ORDINALS[p.group().lower()]}")
        for p in _ORD_PIECE_RE.finditer(expression)
    )
    return _covered(pieces)


@cache
def _region_word_re() -> re.Pattern[str]:
    phrases = sorted((w.phrase for w in vocabulary().region_words), key=len, reverse=True)
    body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases)
    return re.compile(rf"(?<![A-Za-z])(?:{body})(?![A-Za-z])", re.IGNORECASE)


@cache
def _region_word_levels() -> dict[str, frozenset[int]]:
    table = {}
    for word in vocabulary().region_words:
        covered = _parse_expression(word.levels)
        assert covered is not None  # checked when the vocabulary loads
        table[word.phrase.lower()] = covered
    return table


def _levels(covered: set[int] | frozenset[int], explicit: bool) -> Levels:
    return Levels(tuple(VERTEBRAE[i] for i in sorted(covered)), region_of(covered), explicit)


def parse_levels(text: str) -> Levels | None:
    """Levels named in `text`: explicit levels win over ordinals, which win over region words."""
    for regex, parse in ((_LEVEL_RE, _parse_expression), (_ORDINAL_RE, _parse_ordinals)):
        covered: set[int] = set()
        for match in regex.finditer(text):
            covered |= parse(match.group()) or set()
        if covered:
            return _levels(covered, explicit=True)
    table = _region_word_levels()
    covered = set()
    for match in _region_word_re().finditer(text):
        covered |= table[" ".join(match.group().lower().split())]
    return _levels(covered, explicit=False) if covered else None


def region_groups(expression: str) -> list[tuple[int, int]]:
    """Character ranges of a level list's runs that share a region: "occiput-C1 and T4" is two mentions.

    A range ("C7-T1") is one junction, and so is a contiguous list ("L4-5 and L5-S1"); a list with a gap that
    names vertebrae in different regions is one mention per region."""
    whole = _parse_expression(expression)
    if whole is not None and max(whole) - min(whole) + 1 == len(whole):
        return [(0, len(expression))]
    elements, start = [], 0
    for separator in _LIST_RE.finditer(expression):
        elements.append((start, separator.start()))
        start = separator.end()
    elements.append((start, len(expression)))
    groups: list[list[int]] = []
    previous_region = None
    for low, high in elements:
        covered = _parse_expression(expression[low:high])
        region = region_of(covered) if covered else None
        if groups and region == previous_region:
            groups[-1][1] = high
        else:
            groups.append([low, high])
        previous_region = region
    return [(low, high) for low, high in groups]


@cache
def _context_rules() -> tuple[tuple[frozenset[str], int, re.Pattern[str]], ...]:
    rules = []
    for rule in vocabulary().non_spinal_contexts.rules:
        cues = "|".join(re.escape(c) for c in sorted(rule.cues, key=len, reverse=True))
        rules.append((frozenset(rule.levels), rule.window, re.compile(rf"(?<![a-z0-9])(?:{cues})(?![a-z0-9])", re.I)))
    return tuple(rules)


def is_non_spinal(levels: tuple[str, ...], text: str, start: int, end: int) -> bool:
    """True when level-shaped text is a heart sound, an MRI weighting, a hormone or a tumour stage."""
    for names, window, cue in _context_rules():
        if set(levels) <= names:
            before = text[max(0, start - window) : start]
            after = text[end : end + window]
            if cue.search(before) or cue.search(after):
                return True
    return False
