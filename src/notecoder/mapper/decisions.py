"""The mapper's decisions for one note, gathered as they are made: the codes, the alternatives and the gaps, and
what earlier steps settled that later ones read (regions with a current injury, with a more specific code, ...)."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from notecoder.mapper.note import NoteIndex
from notecoder.mapper.rules import GapText
from notecoder.result import Finding, Gap


@dataclass
class Draft:
    """An M53 code or an alternative while evidence accumulates; several mentions can support one code."""

    code: str
    family: str
    region: int | None
    evidence: list[Finding] = field(default_factory=list)
    reason: str = ""
    unspecified_region: bool = False


@dataclass
class Decisions:
    gap_texts: dict[str, GapText]
    codes: dict[str, Draft] = field(default_factory=dict)
    alternatives: dict[str, Draft] = field(default_factory=dict)
    gaps: dict[tuple[str, str | None], list[Finding]] = field(default_factory=dict)
    """Each gap (its id and the code it is about) with the findings it rests on."""
    injured: set[int | None] = field(default_factory=set)
    """Regions with a current injury: its S-code, not M53 (block Excludes1)."""
    sequela: set[int | None] = field(default_factory=set)
    """Regions whose condition is the documented sequela of an injury."""
    unclear_injury: bool = False
    timed_injury: bool = False
    covered: set[int | None] = field(default_factory=set)
    """Regions with a code more specific than M53."""
    blocking: set[int | None] = field(default_factory=set)
    """Regions where such a code replaces a residual M53 code."""
    combined: set[int | None] = field(default_factory=set)
    """Regions with a combination code (disc disorder or spondylosis with radiculopathy or myelopathy)."""
    uncertain: list[Finding] = field(default_factory=list)
    trauma_unclear: bool = False

    def gap(self, gap_id: str, code: str | None, evidence: Iterable[Finding] = ()) -> None:
        self.gaps.setdefault((gap_id, code), []).extend(evidence)

    def finished_gaps(self) -> tuple[Gap, ...]:
        out = []
        for (gap_id, code), evidence in self.gaps.items():
            text = self.gap_texts[gap_id]
            out.append(
                Gap(id=gap_id, label=text.label, message=text.message, code=code, query=text.query,
                    looked_for=text.looked_for, evidence=tuple(unique(evidence)))
            )  # fmt: skip
        return tuple(out)

    def alternative(self, code: str, family: str, region, evidence, reason: str, note: NoteIndex) -> None:
        support = evidence if isinstance(evidence, list) else [evidence]
        draft = self.alternatives.setdefault(code, Draft(code, family, region, reason=reason))
        for finding in support:
            draft.evidence += [finding, *note.region_evidence(finding)]


def unique(findings: Iterable[Finding]) -> list[Finding]:
    """Each finding once, in note order."""
    seen, out = set(), []
    for finding in sorted(findings, key=lambda f: (f.start, f.end)):
        key = (finding.kind, finding.start, finding.end)
        if key not in seen:
            seen.add(key)
            out.append(finding)
    return out
