"""What the confidence model sees of a proposal: how the rules reached it, never the note's words.

Each feature is a number read from the findings and the proposal: where its evidence stands (assessment or not,
how many mentions, how far apart), how its region was found, whether the code is complete, what else the rules
proposed and which gaps they raised for it. The proposal's family group and role come from its explanation,
not from its code's prefix. The names are the model's columns; a model trained on other names
refuses to load (`model.ConfidenceModel`)."""

import math
from collections.abc import Iterator
from typing import Literal

from notecoder.mapper import ASSESSMENT_SECTIONS
from notecoder.result import Alternative, Assertion, CodeProposal, Finding, FindingKind, NoteResult

FEATURES = (
    "is_m53_code",
    "category_only",
    "pain_fallback",
    "group_pain_or_root",
    "group_degenerative",
    "group_deformity",
    "group_segmental",
    "group_injury",
    "group_other",
    "log_evidence",
    "log_sentences",
    "spread",
    "in_assessment",
    "region_in_phrase",
    "region_from_sentence",
    "no_region",
    "gaps_for_code",
    "region_gap",
    "uncertain_in_note",
    "log_proposals",
    "log_findings",
    "has_sections",
)

Role = Literal["code", "alternative"]


def _note_features(result: NoteResult) -> dict[str, float]:
    """What every proposal of the note shares."""
    return {
        "uncertain_in_note": float(
            any(f.kind == FindingKind.CONDITION and f.assertion == Assertion.POSSIBLE for f in result.findings)
        ),
        "log_proposals": math.log1p(len(result.codes) + len(result.alternatives)),
        "log_findings": math.log1p(len(result.findings)),
        "has_sections": float(any(f.section is not None for f in result.findings)),
    }


def _features(
    proposal: CodeProposal | Alternative, role: Role, result: NoteResult, note_chars: int, note: dict[str, float]
) -> dict[str, float]:
    evidence: tuple[Finding, ...] = tuple(f for f in proposal.evidence if f.kind != FindingKind.SPINAL_LEVEL)
    conditions = [f for f in evidence if f.kind == FindingKind.CONDITION] or list(evidence)
    starts = [f.start for f in evidence]
    gaps = [g for g in result.gaps if g.code == proposal.code]
    # what the mapper knew, from its explanation (a result read from an older file has none)
    explanation = proposal.explanation
    group = (explanation.group if explanation else "other") if role == "alternative" else None
    values = {
        "is_m53_code": float(role == "code"),
        "category_only": float(proposal.code.endswith("-")),
        "pain_fallback": float(explanation is not None and explanation.role == "pain"),
        "log_evidence": math.log1p(len(evidence)),
        "log_sentences": math.log1p(len({f.sentence_start for f in evidence})),
        "spread": (max(starts) - min(starts)) / note_chars if len(starts) > 1 and note_chars else 0.0,
        "in_assessment": float(any(f.section in ASSESSMENT_SECTIONS for f in evidence)),
        "region_in_phrase": float(any(f.region_source == "phrase" for f in conditions)),
        "region_from_sentence": float(any(f.region_source == "sentence" for f in conditions)),
        "no_region": float(all(f.region is None for f in conditions)),
        "gaps_for_code": float(len(gaps)),
        "region_gap": float(any(g.id == "region-not-documented" for g in gaps)),
        **note,
    }
    for name in ("pain_or_root", "degenerative", "deformity", "segmental", "injury", "other"):
        values[f"group_{name}"] = float(group == name)
    return values


def proposal_features(
    result: NoteResult, note_chars: int
) -> Iterator[tuple[Role, CodeProposal | Alternative, dict[str, float]]]:
    """Every proposal of a result (codes, then alternatives) with its feature values."""
    if not result.codes and not result.alternatives:
        return
    note = _note_features(result)
    for code in result.codes:
        yield "code", code, _features(code, "code", result, note_chars, note)
    for alternative in result.alternatives:
        yield "alternative", alternative, _features(alternative, "alternative", result, note_chars, note)
