"""Spinal levels: read "C5-6", "C7-T1", "fifth cervical vertebra", "cervicothoracic junction" as vertebrae and
give them the ICD-10-CM region digit; the vocabulary is data (`regions.json`)."""

from notecoder.levels.parse import LEVEL_PATTERN, ORDINAL_PATTERN, VERTEBRAE, Levels, region_of
from notecoder.levels.reading import parse_levels, region_groups
from notecoder.levels.vocabulary import RegionVocabulary, RegionWord, is_non_spinal, vocabulary

__all__ = [
    "LEVEL_PATTERN",
    "ORDINAL_PATTERN",
    "VERTEBRAE",
    "Levels",
    "RegionVocabulary",
    "RegionWord",
    "is_non_spinal",
    "parse_levels",
    "region_groups",
    "region_of",
    "vocabulary",
]
