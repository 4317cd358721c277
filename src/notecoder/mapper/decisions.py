"""The mapper's proposals while evidence accumulates, and the gaps raised for them."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from notecoder.mapper.rules import GapText, Role
from notecoder.result import AxisValue, Exclusion, Explanation, Finding, Gap


@dataclass
class Draft:
    """An M53 code or an alternative; several mentions can support one code."""

    code: str
    family: str
    role: Role
    rule: str
    region: int | None
    group: str = "other"
    evidence: list[Finding] = field(default_factory=list)
    reason: str = ""
    axes: tuple[AxisValue, ...] = ()
    axis_gaps: list[tuple[str, str]] = field(default_factory=list)
    encounter: str | None = None
    site: str | None = None
    """The disc level or vertebra the code is for, where its family codes by them."""
    built: bool = True
    """False for a family that has no code without a region: only its gap is raised."""
    excluded: list[Exclusion] = field(default_factory=list)
    """What this proposal kept out."""
    excluded_by: Exclusion | None = None

    @property
    def alive(self) -> bool:
        return self.excluded_by is None

    def less_specific_than(self, other: "Draft") -> bool:
        """The same condition coded with less detail: the same family and site (or none stated here), and either a
        category holding the other code, or every axis alike but one this code leaves unspecified that the other
        documents (M50.20 beside M50.222)."""
        if other.family != self.family or self.site not in (None, other.site):
            return False
        if self.code.endswith("-") and other.code.startswith(self.code.rstrip("-")) and other.code != self.code:
            return True  # a category beside a code inside it ("S22.0-" beside "S22.089A")
        if len(other.axes) != len(self.axes):
            return False
        vaguer = False
        for mine, theirs in zip(self.axes, other.axes, strict=True):
            if mine.characters == theirs.characters and mine.source == theirs.source:
                continue
            if mine.source not in ("unspecified", "missing") or theirs.source in ("unspecified", "missing"):
                return False
            vaguer = True
        return vaguer or (self.site is None and other.site is not None)

    def explanation(self) -> Explanation:
        return Explanation(
            family=self.family,
            role=self.role,
            rule=self.rule,
            group=self.group,
            axes=self.axes,
            excluded=tuple(self.excluded),
        )


@dataclass
class Gaps:
    texts: dict[str, GapText]
    raised: dict[tuple[str, str | None], list[Finding]] = field(default_factory=dict)
    """Each gap (its id and the code it is about) with the findings it rests on."""
    detail: dict[tuple[str, str | None], str] = field(default_factory=dict)

    def raise_(self, gap_id: str, code: str | None, evidence: Iterable[Finding] = (), detail: str = "") -> None:
        self.raised.setdefault((gap_id, code), []).extend(evidence)
        if detail:
            self.detail[(gap_id, code)] = detail

    def has(self, gap_id: str, code: str | None) -> bool:
        return (gap_id, code) in self.raised

    def finished(self) -> tuple[Gap, ...]:
        out = []
        for (gap_id, code), evidence in self.raised.items():
            text = self.texts[gap_id]
            detail = self.detail.get((gap_id, code))
            message = f"{text.message} Missing: {detail}." if detail else text.message
            out.append(
                Gap(
                    id=gap_id,
                    label=text.label,
                    message=message,
                    code=code,
                    query=text.query,
                    looked_for=text.looked_for,
                    evidence=tuple(unique(evidence)),
                )
            )
        return tuple(out)


def unique(findings: Iterable[Finding]) -> list[Finding]:
    """Each finding once, in note order."""
    seen, out = set(), []
    for finding in sorted(findings, key=lambda f: (f.start, f.end)):
        key = (finding.kind, finding.start, finding.end)
        if key not in seen:
            seen.add(key)
            out.append(finding)
    return out
