"""displaCy's colours for notecoder's findings, one per finding kind (a span's label), and the options that show them:

    from spacy import displacy
    displacy.render(doc, style="ent", options=notecoder.displacy_options())
    displacy.render(doc, style="span", options=notecoder.displacy_options("span"))   # overlapping findings too

Given as options, not registered in spaCy's `displacy_colors` registry: that would recolour the same labels in every
other pipeline of the host program. Imports no spaCy."""

from typing import Any

from notecoder.doc_keys import FINDINGS_KEY
from notecoder.result import FindingKind

FINDING_COLORS: dict[str, str] = {
    FindingKind.CONDITION: "#f4a6a6",
    FindingKind.SPINAL_LEVEL: "#a6c8f4",
    FindingKind.IMAGING: "#c6b3f0",
    FindingKind.NEURO_EXAM: "#f7d08a",
    FindingKind.CONSERVATIVE_CARE: "#a8e0b5",
    FindingKind.SYMPTOM: "#f6c2df",
    FindingKind.TRAUMA: "#f0a070",
    FindingKind.CHRONICITY: "#d5d9de",
}
"""A light background per finding kind, dark text readable on each."""


def displacy_options(style: str = "ent", colors: dict[str, str] | None = None) -> dict[str, Any]:
    """displaCy's `options` for a notecoder Doc: the kinds' colours (`colors` added over them) and, for the "span"
    style, the span group of the findings."""
    options: dict[str, Any] = {"colors": {str(kind): color for kind, color in FINDING_COLORS.items()} | (colors or {})}
    if style == "span":
        options["spans_key"] = FINDINGS_KEY
    return options
