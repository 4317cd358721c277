"""notecoder: ICD-10-CM M53.x dorsopathy codes from clinical notes, with evidence spans and documentation gaps.

`extract` and `load` are imported on first use: `import notecoder` does not load spaCy (seconds) until a note is
read."""

from importlib import import_module
from importlib.metadata import version

from notecoder import result as _result
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
    "Coder",
    "Finding",
    "FindingKind",
    "Gap",
    "NoteResult",
    "Region",
    "Setting",
    "displacy_options",
    "extract",
    "load",
]
__version__ = version("notecoder")

_LAZY = {
    "Coder": "notecoder.extraction",
    "extract": "notecoder.extraction",
    "load": "notecoder.pipeline",
    "displacy_options": "notecoder.display",
}


def _note_html(text, result):
    from notecoder.review import note_html

    return note_html(text, result)


def _fhir_bundle(result, *args, **kwargs):
    from notecoder.fhir_r4 import to_fhir

    return to_fhir(result, *args, **kwargs)


# the result model imports no layer above it: its notebook view and its FHIR Bundle are wired in here, and the
# layers that make them are imported only when a result is shown or converted
_result.present_with("html", _note_html)
_result.present_with("fhir", _fhir_bundle)


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'notecoder' has no attribute {name!r}")
