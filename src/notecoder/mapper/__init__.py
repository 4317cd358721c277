"""Code mapper: findings in, M53 proposals, more specific alternatives and documentation gaps out. Pure: no spaCy."""

from notecoder.mapper.note import ASSESSMENT_SECTIONS, TREATING_SECTIONS
from notecoder.mapper.propose import Mapper, Proposal, default_mapper, propose
from notecoder.mapper.rules import MapperRules, mapper_rules

__all__ = [
    "ASSESSMENT_SECTIONS",
    "TREATING_SECTIONS",
    "Mapper",
    "MapperRules",
    "Proposal",
    "default_mapper",
    "mapper_rules",
    "propose",
]
