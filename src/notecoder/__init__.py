"""notecoder: ICD-10-CM M53.x dorsopathy codes from clinical notes, with evidence spans and documentation gaps."""

from notecoder.extract import extract
from notecoder.pipeline import load
from notecoder.result import (
    Alternative,
    Assertion,
    CodeProposal,
    Finding,
    FindingKind,
    Gap,
    NoteResult,
    Region,
    Setting,
)

__all__ = [
    "Alternative",
    "Assertion",
    "CodeProposal",
    "Finding",
    "FindingKind",
    "Gap",
    "NoteResult",
    "Region",
    "Setting",
    "extract",
    "load",
]
__version__ = "0.1.0"
