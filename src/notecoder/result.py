"""Typed results: what `extract()` returns and what every later stage (mapper, batch, review) consumes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import IntEnum, StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, PrivateAttr, model_validator


class Assertion(StrEnum):
    PRESENT = "present"
    NEGATED = "negated"
    POSSIBLE = "possible"
    HYPOTHETICAL = "hypothetical"
    HISTORICAL = "historical"
    FAMILY = "family"


TOLD = frozenset({Assertion.PRESENT, Assertion.HISTORICAL})
"""What a note tells as so, now or in the past: a treatment given, a study done, a trauma that happened."""


class Stance(StrEnum):
    """The author's stance toward a diagnosis mention (coding brief v3): only an asserted diagnosis of today is
    coded, and inpatient at discharge an uncertain one."""

    ASSERTED = "asserted"
    REJECTED = "rejected"
    RESOLVED = "resolved"
    UNCERTAIN = "uncertain"
    HYPOTHETICAL = "hypothetical"
    HISTORICAL = "historical"
    FAMILY = "family"
    REFERRAL_ONLY = "referral_only"


class Setting(StrEnum):
    """Where the encounter took place: it decides how an uncertain diagnosis is coded (Official Guidelines IV.H
    outpatient, II.H inpatient discharge)."""

    OUTPATIENT = "outpatient"
    INPATIENT = "inpatient"


class FindingKind(StrEnum):
    SPINAL_LEVEL = "spinal_level"
    CONDITION = "condition"
    IMAGING = "imaging"
    NEURO_EXAM = "neuro_exam"
    CONSERVATIVE_CARE = "conservative_care"
    SYMPTOM = "symptom"
    TRAUMA = "trauma"
    CHRONICITY = "chronicity"


class Region(IntEnum):
    """The region digit ICD-10-CM uses in M53.8-, M53.2X-, M54.1- and M43.8X-."""

    SITE_UNSPECIFIED = 0
    OCCIPITO_ATLANTO_AXIAL = 1
    CERVICAL = 2
    CERVICOTHORACIC = 3
    THORACIC = 4
    THORACOLUMBAR = 5
    LUMBAR = 6
    LUMBOSACRAL = 7
    SACRAL = 8


RegionSource = Literal["phrase", "sentence"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AssertionCause(_Frozen):
    """Why a finding is not simply present: the ConText cue that modifies it ("denies"), the section whose title
    lends it its assertion ("Family history:"), or, for a diagnosis in words no cue holds, the stance model's
    reading with the words that weighed most. A coder's first question is "negated by what?"."""

    source: Literal["context", "section", "model"]
    text: str
    """The cue's words, or the section title, as written in the note."""
    start: int
    end: int
    rule: str
    """The ConText category and rule ("NEGATED_EXISTENCE: denies"), the section's category, or the category of the
    model's stance class and its probability ("REJECTED: stance model 0.91")."""

    @property
    def category(self) -> str | None:
        """The ConText category of a cue or of the model's class ("NEGATED_EXISTENCE"); None for a section's title."""
        return None if self.source == "section" else self.rule.split(":", 1)[0]


class Finding(_Frozen):
    """One mention in the note. `text == note[start:end]` always holds: the span is the evidence."""

    kind: FindingKind
    text: str
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    section: str | None = None
    assertion: Assertion = Assertion.PRESENT
    concept: str
    """Normalized id: condition concept, imaging modality, exam element, care type, symptom, mechanism."""
    value: str | None = None
    """Normalized result: exam/imaging normal|abnormal, care response, trauma current|remote, ISO 8601 duration."""
    levels: tuple[str, ...] = ()
    """Vertebrae covered, in craniocaudal order (C0 is the occiput, Co the coccyx)."""
    segments: tuple[str, ...] = ()
    """The motion segments (disc levels) named, "C5-C6": a list "C5-C6 and C6-C7" is two, where `levels` is C5-C7."""
    region: Region | None = None
    region_source: RegionSource | None = None
    """Where the region came from: "phrase" (the finding's own words) or "sentence" (a level beside it)."""
    rule: str
    """The target rule that matched, so every finding can say why it exists."""
    assertion_cause: AssertionCause | None = None
    """What made the assertion other than present; None for a present finding."""
    stance: Stance | None = None
    """A diagnosis mention's stance class (a condition's; None for other kinds): finer than the assertion (a
    rejected or a referral-only diagnosis), with its cue in `assertion_cause`."""

    @model_validator(mode="after")
    def _span_is_ordered(self) -> Finding:
        if not 0 <= self.start <= self.end or len(self.text) != self.end - self.start:
            raise ValueError("finding span is inconsistent with its text")
        return self


class AxisValue(_Frozen):
    """One axis of a billable code (region, disc level, side, encounter...): what the note documents, the characters
    of the code it gave, and where it came from, so a coder sees why the code has the characters it has."""

    axis: str
    value: str | None = None
    """What was documented ("cervical", "C5-C6", "right", "current"); None when the note does not say."""
    characters: str = ""
    """The characters the value put into the code; empty when the axis is missing and the code is a category."""
    source: Literal["finding", "another mention", "note", "unspecified", "missing"]
    """The diagnosis's own words or level, another mention of the same condition, the note as a whole (pain
    documented anywhere), the tabular's 'unspecified' code for an undocumented axis, or missing (a category)."""
    evidence: Finding | None = None


class Exclusion(_Frozen):
    """A code this proposal kept out, by which rule, on whose authority."""

    rule: str
    code: str
    """The code excluded."""
    mention: str = ""
    """The words of the mention the excluded code stood for."""
    source: Literal["tabular", "guideline", "brief"]
    cites: str = ""
    """The tabular category whose Excludes1 note applies, or the Official Guideline section."""
    why: str = ""


class Explanation(_Frozen):
    """Why a proposal is what it is, as fields (Presidio's AnalysisExplanation): the family and role its rule gave,
    the axes its characters came from and the exclusions it applied. The rationale prose is written from it."""

    family: str
    role: Literal["m53", "specific", "combination", "injury", "pain"]
    rule: str
    """The concept or combination that made it ("facet_syndrome", "disc_herniation+radiculopathy")."""
    group: str = "other"
    """A coarse family (degenerative, deformity, pain_or_root, injury, segmental, other)."""
    axes: tuple[AxisValue, ...] = ()
    excluded: tuple[Exclusion, ...] = ()

    @property
    def missing(self) -> tuple[str, ...]:
        """The axes the note does not document (the proposal's specificity gaps name them)."""
        return tuple(a.axis for a in self.axes if a.source in ("missing", "unspecified"))


class CodeProposal(_Frozen):
    code: str
    title: str
    evidence: tuple[Finding, ...] = ()
    rationale: str = ""
    explanation: Explanation | None = None
    confidence: float | None = None
    """How likely a coder assigns this code, 0 to 1 (calibrated on the annotated corpus; models/)."""


class Alternative(_Frozen):
    code: str
    title: str
    reason: str
    evidence: tuple[Finding, ...] = ()
    explanation: Explanation | None = None
    confidence: float | None = None
    """As for a code proposal: how likely the note supports exactly this code."""


class Gap(_Frozen):
    id: str
    label: str = ""
    """A short human name beside the id ("Region not documented")."""
    message: str
    code: str | None = None
    query: str
    looked_for: str = ""
    """What was looked for in the note and not found."""
    evidence: tuple[Finding, ...] = ()
    """What the gap rests on: the diagnosis it is about, or the findings that fall short (an injury without timing)."""


class Span(_Frozen):
    """Words of the note: `note[start:end] == text`."""

    start: int
    end: int
    text: str


class ProcedureMention(_Frozen):
    """A spine procedure the note names: a facet intervention, an epidural, a sacroiliac injection, chiropractic
    manipulation, or physical therapy (flagged only)."""

    family: Literal["facet", "esi", "si", "cmt", "pt"]
    step: str
    """diagnostic_block, rfa_initial, rfa_repeat, therapeutic_ia, esi, si_diagnostic, si_therapeutic, cmt, pt."""
    state: Literal["performed", "planned", "requested", "negated", "historical"]
    region: str | None = None
    levels: tuple[str, ...] = ()
    side: Literal["left", "right", "bilateral"] | None = None
    block_number: int | None = None
    repeat: bool = False
    evidence: Finding
    """The finding naming the procedure: `note[start:end]` is its mention."""


class CriterionCheck(_Frozen):
    """One documentation item a payer policy lists for the procedure, and what the note records of it."""

    id: str
    status: Literal["documented", "not_documented", "contradicted", "needs_history", "not_applicable"]
    wording: str
    """The item in notecoder's words (never the policy's text)."""
    verified: bool
    """False: the item comes from a third-party summary of the policy, unverified; reported, never enforced."""
    source: str
    """The policy or article id, its section and date."""
    address: str
    evidence: tuple[Span, ...] = ()


class LinkageFlag(_Frozen):
    """A diagnosis notecoder proposes for the note, set against the codes the procedure's policy lists."""

    code: str
    kind: Literal["excluded", "condition_required", "not_listed", "primary_required"]
    message: str
    source: str
    verified: bool


class ProcedureCheck(_Frozen):
    """A procedure read against the policy its family is listed in: what the note records, not whether anything
    is covered or paid."""

    procedure: ProcedureMention
    policy: str | None = None
    """The policy id (an LCD or article); None for physical therapy, which is flagged only."""
    criteria: tuple[CriterionCheck, ...] = ()
    linkage: tuple[LinkageFlag, ...] = ()
    """The proposed diagnoses the policy's code list does not hold for this procedure (or holds only with a
    condition the note does not record)."""


class CodeMatch(_Frozen):
    """A procedure code billed or requested with the note, as the user's code map reads it, against the note."""

    code: str
    family: str | None = None
    step: str | None = None
    status: Literal["named", "other_step", "not_named", "unmapped"]
    """named: the note names the procedure performed, planned or requested; other_step: it names the family at
    another step (a repeat ablation billed, a first one documented); not_named: it does not name it (or only as
    negated or historical); unmapped: the code map does not hold the code."""
    procedure: int | None = None
    """The index in `procedures` of the procedure the code was matched to."""
    message: str


class ClaimCheck(_Frozen):
    """What came with the note (codes, jurisdiction, date of service) and what the note makes of it."""

    codes: tuple[CodeMatch, ...] = ()
    unclaimed: tuple[int, ...] = ()
    """Indices in `procedures` of procedures the note performs that no code supplied names."""
    jurisdiction: str | None = None
    date_of_service: date | None = None
    notes: tuple[str, ...] = ()
    """Which policy the jurisdiction publishes for each family read, and a date of service before the version read."""


class NoteResult(_Frozen):
    setting: Setting = Setting.OUTPATIENT
    findings: tuple[Finding, ...] = ()
    codes: tuple[CodeProposal, ...] = ()
    alternatives: tuple[Alternative, ...] = ()
    gaps: tuple[Gap, ...] = ()
    procedures: tuple[ProcedureCheck, ...] = ()
    """The spine procedures the note names, each read against its policy's documentation items."""
    claim: ClaimCheck | None = None
    """The procedure codes, jurisdiction and date of service given with the note, read against it (None: none)."""
    _text: str | None = PrivateAttr(default=None)
    """The note, kept (never serialized) so that a result from `extract()` can show itself in a notebook."""

    def of_kind(self, kind: FindingKind | str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.kind == kind)

    def __eq__(self, other: object) -> bool:
        """Equal when the results are: the note text a result may hold is not part of it."""
        return type(other) is type(self) and self.__dict__ == other.__dict__

    __hash__ = _Frozen.__hash__

    def above(self, min_confidence: float) -> NoteResult:
        """Only the codes and alternatives scored at or above `min_confidence`, and the gaps of the codes kept."""

        def keep(proposals):
            return tuple(p for p in proposals if p.confidence is None or p.confidence >= min_confidence)

        codes, alternatives = keep(self.codes), keep(self.alternatives)
        proposed = {p.code for p in self.codes} | {p.code for p in self.alternatives}
        dropped = proposed - {p.code for p in codes} - {p.code for p in alternatives}
        gaps = tuple(g for g in self.gaps if g.code not in dropped)  # a gap goes with the code it is about
        return self.model_copy(update={"codes": codes, "alternatives": alternatives, "gaps": gaps})

    def to_fhir(self, document: str | None = None, subject: dict | None = None, *, source=None,
                bundle_type: str = "collection"):  # fmt: skip
        """This result as a FHIR R4 Bundle (`notecoder.fhir_r4.to_fhir`; needs the [fhir] extra): a provisional
        Condition per code and alternative, a Task per gap. `document`: the source DocumentReference's reference
        ("DocumentReference/123"), `subject` the patient's Reference as JSON; or `source`, a `fhir_r4.NoteSource`
        saying all of it. `bundle_type` "transaction" gives a Bundle to POST to a FHIR server."""
        return _presenter("fhir")(self, document, subject, source=source, bundle_type=bundle_type)

    def with_text(self, text: str) -> NoteResult:
        """This result holding its note, for `_repr_html_` (results read back from JSON have none)."""
        copy = self.model_copy()
        copy._text = text
        return copy

    def _repr_html_(self) -> str:
        return _presenter("html")(self._text, self)


Presenter = Callable[..., Any]
_PRESENTERS: dict[str, Presenter] = {}


def present_with(name: str, presenter: Presenter) -> None:
    """How results are shown as `name`: "html" (`presenter(text, result)`, a notebook's view) or "fhir"
    (`presenter(result, document, subject, source=..., bundle_type=...)`). The package's root wires in the review
    page and the FHIR Bundle, so that this module, the data model every layer imports, imports none of them."""
    _PRESENTERS[name] = presenter


def _presenter(name: str) -> Presenter:
    try:
        return _PRESENTERS[name]
    except KeyError:
        raise RuntimeError(f"no {name} presenter is set: import notecoder, which sets them") from None
