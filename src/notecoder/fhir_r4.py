"""FHIR R4 in and out, following US Core 6/7 where a proposal can (built with `fhir.resources`' R4B models, which
match R4 for the resources used here: Condition, Task, Bundle, DocumentReference, OperationOutcome).

Out: a `Bundle`, of type collection or transaction (POSTable: each entry a PUT of its stable id, so posting a note's
result again updates what the first post made instead of doubling it). In it, one `Condition` per proposed code and
per alternative, following US Core Condition Encounter Diagnosis (`meta.profile` when the patient is known,
`category` encounter-diagnosis, `clinicalStatus` active, `verificationStatus` provisional, `subject`, `encounter`,
`recordedDate` the note's date): a proposal is not yet a diagnosis, so it is provisional until a coder accepts it,
and "differential" when it is one of combination codes that code the same mention with different causes (a coder
assigns one of them: the `excludes` extension and `note` name the others). A category ending in "-" is no
ICD-10-CM code: it rides in the input of the Task that asks for what it lacks. The evidence spans, the rationale,
the confidence and whether it is a code or an alternative ride in the extensions below.

Each gap is a `Task` (status requested, intent proposal): a physician query is a piece of work a clinician is asked
to do and close, with a status a CDI team tracks from requested to completed, which is what Task models; a
CommunicationRequest would only ask for a message to be sent. Its `focus` is the Condition it is about, or, when the
gap is about no proposed code (an uncertain diagnosis, a category), the source document; `reasonReference` the
document whose documentation falls short; `input` the clinical indicators, what was looked for, the code in
question and the query's answer choices (with "Other" and "Clinically undetermined", as a compliant query offers).

In: a `DocumentReference` whose `content` holds a text/plain attachment, as base64 `data` or as a `url` naming a
contained `Binary` ("#id"), or a Bundle of them; its `subject`, `context.encounter`, `date` and identifier are kept.

A reference is only ever built from a FHIR id (`is_fhir_id`): an id that is not one, or a row without one, is named
by its row (`Bundle.identifier`, or the `source-row` extension of an OperationOutcome), never cited as a resource.
Resource ids come from the source document (its reference, identifier, batch row or place in a request) and the
SHA-256 of its text: stable when the same note is coded again, never shared by two different notes."""

import binascii
import hashlib
import re
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Literal

from notecoder.result import (
    Alternative,
    CodeMatch,
    CodeProposal,
    CriterionCheck,
    Gap,
    NoteResult,
    ProcedureCheck,
)

ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
EXTENSIONS = "https://notecoder.dev/fhir/StructureDefinition"
"""notecoder's extensions: `proposal` (valueCode code|alternative), `confidence` (valueDecimal), `rationale`
(valueString), `evidence-span` (extensions start, end: valueInteger; text: valueString), `excludes` (valueReference:
a Condition this one is an alternative to, not to be coded with it); on a batch's OperationOutcome `source-row`
(valueInteger) and `source` (valueReference)."""
CODE_SYSTEMS = "https://notecoder.dev/fhir/CodeSystem"
GAP_SYSTEM = f"{CODE_SYSTEMS}/gap"
"""The code system of a Task's `code`: the gap ids (`region-not-documented`, ...), displayed by their label."""
QUERY_INPUT_SYSTEM = f"{CODE_SYSTEMS}/query-input"
"""The code system of a Task input's `type`: what each input of a documentation query is (`QUERY_INPUTS`)."""
CRITERION_SYSTEM = f"{CODE_SYSTEMS}/procedure-criterion"
"""The code system of the Task asking for a procedure's documentation item: the criterion ids (`facet.pain_duration`,
...), displayed by notecoder's wording of them."""
CODE_CHECK_SYSTEM = f"{CODE_SYSTEMS}/procedure-code-check"
"""The code system of the Task about a procedure code sent with the note that the note does not bear out."""
CODE_CHECKS = {
    "not_named": ("procedure code the note does not name", "A procedure code billed or requested with the note, "
                  "whose procedure the note does not name performed, planned or requested."),
    "other_step": ("procedure code at another step", "A procedure code billed or requested with the note, whose "
                   "procedure the note names at another step (a repeat ablation billed, a first one documented)."),
}  # fmt: skip
QUERY_INPUTS = {
    "clinical-indicator": "clinical indicator",
    "policy-source": "policy source",
    "looked-for": "looked for",
    "code-in-question": "code in question",
    "proposed-category": "proposed category",
    "answer-choice": "answer choice",
    "procedure-code": "procedure code",
}
ALWAYS_OFFERED = ("Other (please specify)", "Clinically undetermined")
"""The choices every query offers beside its own (AHIMA/ACDIS query practice: a multiple-choice query is not leading
when it also offers these)."""
US_CORE_ENCOUNTER_DIAGNOSIS = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-condition-encounter-diagnosis"
VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
PROVISIONAL = ("provisional", "Provisional")
CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
ROW_SYSTEM = "https://notecoder.dev/fhir/batch-row"
"""The system of a batch Bundle's `identifier`: its value is the row of the batch's input the Bundle codes."""
NOTE_SYSTEM = "https://notecoder.dev/fhir/note-sha256"
"""The system of a Bundle's `identifier` outside a batch: its value is the SHA-256 of the note it codes."""
BundleType = Literal["collection", "transaction"]
BUNDLE_TYPES: tuple[BundleType, ...] = ("collection", "transaction")
_NAMESPACE = uuid.UUID("6f2d7b1c-4c1e-4d0e-9a39-6a5e1f1b2c3d")
_FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")
_ICD_CODE = re.compile(r"[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?")


def is_fhir_id(value: object) -> bool:
    """Whether `value` can be a FHIR resource id: only then may a reference be built from it (an export's id such as
    "../Patient/123" would otherwise cite another resource)."""
    return isinstance(value, str) and _FHIR_ID.fullmatch(value) is not None


def note_hash(text: str) -> str:
    """The SHA-256 of a note, as a batch's journal records it."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class FhirInputError(ValueError):
    """A resource that holds no note notecoder can read; the message names the resource and field, never text."""


@dataclass(frozen=True)
class NoteSource:
    """Where a note came from: what its result Bundle cites, and what makes its resources' ids its own."""

    document: str | None = None
    """The source DocumentReference's reference ("DocumentReference/123"), only ever built from a FHIR id."""
    subject: dict | None = None
    """The patient (a Reference as JSON), as the DocumentReference gives it."""
    encounter: dict | None = None
    """The Encounter of the DocumentReference's `context` (a Reference as JSON)."""
    date: str | None = None
    """When the note was written (the DocumentReference's `date`): the Conditions' `recordedDate`."""
    identifier: dict | None = None
    """The DocumentReference's business identifier (`masterIdentifier`, else its first `identifier`): cites it when
    it has no id."""
    row: int | None = None
    """The row of a batch's input."""
    place: str | None = None
    """Where in a request a DocumentReference without an id was (a FHIRPath, "Bundle.entry[2].resource")."""
    note_hash: str | None = None
    """The SHA-256 of the note's text (`note_hash`)."""

    def context(self) -> dict:
        """What the DocumentReference said of the note (subject, encounter, date, identifier), for a batch's journal:
        only the fields it gave."""
        return {k: v for k, v in asdict(self).items() if k in _CONTEXT and v is not None}

    @classmethod
    def of(cls, context: dict | None, **fields) -> "NoteSource":
        """A source from what `context()` gave and the other fields."""
        kept = {k: v for k, v in (context or {}).items() if k in _CONTEXT}
        return cls(**kept, **fields)


_CONTEXT = ("subject", "encounter", "date", "identifier")


def _id(*parts: str) -> str:
    """Stable ids: coding the same document again gives the same resources."""
    return str(uuid.uuid5(_NAMESPACE, "|".join(parts)))


def _identity(source: NoteSource, result: NoteResult) -> str:
    """The note's SHA-256; for a result with neither (read back from JSON without its batch record), the SHA-256 of
    the result itself: the same result gives the same ids."""
    if source.note_hash is not None:
        return source.note_hash
    text = result._text
    return note_hash(text) if text is not None else note_hash(result.model_dump_json())


def _seed(source: NoteSource, identity: str) -> str:
    """What makes a note's resource ids its own: its document (reference, identifier, batch row, place in a request)
    and its text's hash (`_identity`)."""
    named = source.identifier or {}
    parts = (source.document or "", f"{named.get('system', '')}|{named.get('value', '')}" if named else "",
             "" if source.row is None else f"row {source.row}", source.place or "", identity)  # fmt: skip
    return "\n".join(parts)


def _concept(system: str, code: str, display: str | None = None, text: str | None = None):
    from fhir.resources.R4B.codeableconcept import CodeableConcept
    from fhir.resources.R4B.coding import Coding

    return CodeableConcept(coding=[Coding(system=system, code=code, display=display or None)], text=text)


def _reference(value: dict | str):
    from fhir.resources.R4B.reference import Reference

    return Reference(reference=value) if isinstance(value, str) else Reference.model_validate(value)


def _extension(name: str, **value):
    from fhir.resources.R4B.extension import Extension

    return Extension(url=f"{EXTENSIONS}/{name}", **value)


def _span(finding):
    from fhir.resources.R4B.extension import Extension

    return _extension("evidence-span", extension=[
        Extension(url="start", valueInteger=finding.start), Extension(url="end", valueInteger=finding.end),
        Extension(url="text", valueString=finding.text)])  # fmt: skip


def _document(source: NoteSource, fallback: bool):
    """The source document as a Reference: by its id, else by its identifier (a logical reference), else (with
    `fallback`) named in words, so that a Task is never without its focus; None otherwise."""
    from fhir.resources.R4B.identifier import Identifier
    from fhir.resources.R4B.reference import Reference

    if source.document:
        return Reference(reference=source.document)
    if source.identifier:
        return Reference(type="DocumentReference", identifier=Identifier.model_validate(source.identifier))
    if not fallback:
        return None
    where = f" (row {source.row} of the batch's input)" if source.row is not None else ""
    return Reference(type="DocumentReference", display=f"the note this Bundle codes{where}")


def rivals(proposals: Sequence[CodeProposal | Alternative]) -> dict[str, tuple[str, tuple[str, ...]]]:
    """The proposals that exclude each other: combination codes of different families that code the same mention
    of their manifestation (a myelopathy as a disc disorder with myelopathy and as spondylosis with myelopathy): one
    manifestation, one combination code, so a coder assigns one of them. Code -> (the manifestation, the codes it
    excludes). Codes of one family at several levels or regions (one per disc level) exclude nothing."""
    claims = []
    for proposal in proposals:
        explanation = proposal.explanation
        if explanation is None or explanation.role != "combination" or "+" not in explanation.rule:
            continue
        manifestation = explanation.rule.rsplit("+", 1)[1]
        spans = {(f.start, f.end) for f in proposal.evidence if f.concept == manifestation}
        if spans:
            claims.append((proposal.code, explanation.family, manifestation, spans))
    found: dict[str, tuple[str, tuple[str, ...]]] = {}
    for code, family, manifestation, spans in claims:
        others = tuple(dict.fromkeys(other for other, kin, _, their in claims
                                     if other != code and kin != family and spans & their))  # fmt: skip
        if others:
            found[code] = (manifestation.replace("_", " "), others)
    return found


def _condition(proposal: CodeProposal | Alternative, kind: str, source: NoteSource, seed: str, subject,
               encounter, rival: tuple[str, tuple[str, ...]] | None, urls: dict[str, str]):  # fmt: skip
    from fhir.resources.R4B.annotation import Annotation
    from fhir.resources.R4B.condition import Condition, ConditionEvidence
    from fhir.resources.R4B.meta import Meta

    why = proposal.rationale if isinstance(proposal, CodeProposal) else proposal.reason
    extensions = [_extension("proposal", valueCode=kind)]
    if proposal.confidence is not None:
        extensions.append(_extension("confidence", valueDecimal=proposal.confidence))
    if why:
        extensions.append(_extension("rationale", valueString=why))
    extensions += [_span(f) for f in proposal.evidence]
    note = None
    if rival is not None:
        manifestation, others = rival
        extensions += [_extension("excludes", valueReference=_reference(urls[c])) for c in others if c in urls]
        said = (f"Excludes {', '.join(others)}: each codes the same {manifestation} in a combination code with another "
                f"cause; the {manifestation} is coded once, with the cause the physician documents.")  # fmt: skip
        note = [Annotation(text=said)]
    document = _document(source, fallback=False)
    profiled = subject.reference is not None or subject.identifier is not None  # US Core: a Patient, not a name
    return Condition(
        id=_id(seed, kind, proposal.code),
        meta=Meta(profile=[US_CORE_ENCOUNTER_DIAGNOSIS]) if profiled else None,
        extension=extensions,
        clinicalStatus=_concept(CLINICAL, "active", "Active"),
        verificationStatus=_concept(VERIFICATION, *(("differential", "Differential") if rival else PROVISIONAL)),
        category=[_concept(CATEGORY, "encounter-diagnosis", "Encounter Diagnosis")],
        code=_concept(ICD10CM, proposal.code, proposal.title, proposal.title),
        subject=subject,
        encounter=encounter,
        recordedDate=source.date,
        evidence=[ConditionEvidence(detail=[document])] if document is not None else None,
        note=note,
    )


def _input(kind: str, **value):
    from fhir.resources.R4B.task import TaskInput

    return TaskInput(type=_concept(QUERY_INPUT_SYSTEM, kind, QUERY_INPUTS[kind], QUERY_INPUTS[kind]), **value)


def _in_question(code: str, titles: dict[str, str]):
    """The gap's code as a CodeableConcept: ICD-10-CM when it is one code, in words when it is a category ("S32.01-")
    or a choice of categories ("M50.2-/M51.2-")."""
    from fhir.resources.R4B.codeableconcept import CodeableConcept

    if "/" in code:  # a choice of categories has no one title
        return CodeableConcept(text=code)
    title = titles.get(code) or _title(code)
    if _ICD_CODE.fullmatch(code):
        return _concept(ICD10CM, code, title, title)
    return CodeableConcept(text=f"{code} {title}".strip())


def _title(code: str) -> str:
    from notecoder.mapper.icd import title

    try:
        return title(code)
    except (KeyError, ValueError):
        return ""


def _answers(gap: Gap) -> tuple[str, ...]:
    from notecoder.mapper.rules import mapper_rules

    text = mapper_rules().gaps.get(gap.id)
    own = tuple(text.answers) if text is not None else ()
    return own + tuple(a for a in ALWAYS_OFFERED if a not in own)


def _task(gap: Gap, source: NoteSource, seed: str, subject, encounter, urls: dict[str, str],
          categories: dict[str, str], titles: dict[str, str]):  # fmt: skip
    from fhir.resources.R4B.codeableconcept import CodeableConcept
    from fhir.resources.R4B.task import Task

    inputs = [_input("clinical-indicator", valueString=f.text) for f in gap.evidence]
    if gap.looked_for:
        inputs.append(_input("looked-for", valueString=gap.looked_for))
    if gap.code and gap.code not in urls:
        if gap.code in categories:
            inputs.append(_input("proposed-category", valueString=categories[gap.code]))
        else:
            inputs.append(_input("code-in-question", valueCodeableConcept=_in_question(gap.code, titles)))
    inputs += [_input("answer-choice", valueString=answer) for answer in _answers(gap)]
    about = urls.get(gap.code or "")
    focus = _reference(about) if about else _document(source, fallback=True)
    return Task(
        id=_id(seed, "gap", gap.id, gap.code or ""),
        status="requested",
        intent="proposal",
        code=_concept(GAP_SYSTEM, gap.id, gap.label, "documentation query"),
        description=gap.query,
        focus=focus,
        for_fhir=subject,
        encounter=encounter,
        reasonCode=CodeableConcept(text=gap.message),
        reasonReference=_document(source, fallback=False),
        input=inputs,
    )


def _criterion_task(check: ProcedureCheck, criterion: CriterionCheck, source: NoteSource, seed: str, subject,
                    encounter):  # fmt: skip
    """A procedure's documentation item the note does not record (or records the opposite of), as work for the
    clinician: what the note lacks and which policy lists it; never whether the procedure is covered."""
    from fhir.resources.R4B.codeableconcept import CodeableConcept
    from fhir.resources.R4B.task import Task

    procedure = check.procedure
    said = "records the opposite of" if criterion.status == "contradicted" else "does not record"
    unverified = " (from a third-party summary of the policy: unverified)" if not criterion.verified else ""
    inputs = [_input("policy-source", valueString=f"{criterion.source} <{criterion.address}>")]
    inputs += [_input("clinical-indicator", valueString=e.text) for e in criterion.evidence]
    where = " ".join(filter(None, (procedure.side, procedure.region, "-".join(procedure.levels) or None)))
    return Task(
        id=_id(seed, "criterion", procedure.family, procedure.step, procedure.state, criterion.id),
        status="requested",
        intent="proposal",
        code=_concept(CRITERION_SYSTEM, criterion.id, criterion.wording, "procedure documentation item"),
        description=f"The note {said}: {criterion.wording}. {check.policy} lists it{unverified}.",
        focus=_document(source, fallback=True),
        for_fhir=subject,
        encounter=encounter,
        reasonCode=CodeableConcept(text=f"{procedure.family} {procedure.step} ({procedure.state}) {where}".strip()),
        reasonReference=_document(source, fallback=False),
        input=inputs,
    )


def _code_task(match: CodeMatch, source: NoteSource, seed: str, subject, encounter):
    """A procedure code sent with the note that the note does not bear out, as work for the coder or clinician."""
    from fhir.resources.R4B.codeableconcept import CodeableConcept
    from fhir.resources.R4B.task import Task

    display, _ = CODE_CHECKS[match.status]
    return Task(
        id=_id(seed, "procedure-code", match.code),
        status="requested",
        intent="proposal",
        code=_concept(CODE_CHECK_SYSTEM, match.status, display, "procedure code check"),
        description=f"{match.code}: {match.message}.",
        focus=_document(source, fallback=True),
        for_fhir=subject,
        encounter=encounter,
        reasonCode=CodeableConcept(text=display),
        reasonReference=_document(source, fallback=False),
        input=[_input("procedure-code", valueString=match.code)],
    )


def bundle_id(source: NoteSource, bundle_type: BundleType = "collection") -> str:
    """The id `result_bundle` gives the Bundle of the note `source` names (its `note_hash` known)."""
    if source.note_hash is None:
        raise ValueError("the note's hash is needed")
    return _id(_seed(source, source.note_hash), "bundle", bundle_type)


def to_fhir(
    result: NoteResult,
    document: str | None = None,
    subject: dict | None = None,
    *,
    source: NoteSource | None = None,
    bundle_type: BundleType = "collection",
):
    """`result` as a FHIR R4 Bundle (what `NoteResult.to_fhir` gives): `document` the source DocumentReference's
    reference, `subject` the patient's Reference as JSON, or `source` saying all of it; `bundle_type` collection or
    transaction."""
    source = source or NoteSource()
    if document is not None or subject is not None:
        source = replace(source, document=document or source.document, subject=subject or source.subject)
    return result_bundle(result, source, bundle_type)


def result_bundle(result: NoteResult, source: NoteSource | None = None, bundle_type: BundleType = "collection"):
    """The result as a FHIR R4 Bundle (a `fhir.resources` model) of `bundle_type`: collection, or transaction (each
    entry a PUT of its resource's stable id, fullUrl its urn:uuid, so that references inside the Bundle resolve when
    it is POSTed). `source` says where the note came from (`NoteSource`). Every Bundle has an id and names its
    source, even when it holds nothing: `identifier` its batch row (or, outside a batch, its note's SHA-256), `link`
    "via" the DocumentReference when it has an id."""
    from fhir.resources.R4B.bundle import Bundle, BundleEntry, BundleEntryRequest, BundleLink
    from fhir.resources.R4B.identifier import Identifier
    from fhir.resources.R4B.reference import Reference

    source = source or NoteSource()
    identity = _identity(source, result)
    seed = _seed(source, identity)
    subject = (Reference.model_validate(source.subject) if source.subject
               else Reference(display="the patient of the source document"))  # fmt: skip
    encounter = Reference.model_validate(source.encounter) if source.encounter else None
    proposals = [("code", p) for p in result.codes] + [("alternative", p) for p in result.alternatives]
    coded = [(kind, p) for kind, p in proposals if not p.code.endswith("-")]
    # a category is no code of ICD-10-CM: not a Condition.code; its query (a Task) carries it
    categories = {p.code: f"{p.code} {p.title}" for _, p in proposals if p.code.endswith("-")}
    titles = {p.code: p.title for _, p in proposals}
    urls: dict[str, str] = {}
    for kind, proposal in coded:
        urls.setdefault(proposal.code, f"urn:uuid:{_id(seed, kind, proposal.code)}")
    excluded = rivals([p for _, p in proposals])
    resources = [_condition(p, kind, source, seed, subject, encounter, excluded.get(p.code), urls) for kind, p in coded]
    resources += [_task(gap, source, seed, subject, encounter, urls, categories, titles) for gap in result.gaps]
    lacking = [(check, c) for check in result.procedures for c in check.criteria
               if c.status in ("not_documented", "contradicted")]  # fmt: skip
    resources += [_criterion_task(check, c, source, seed, subject, encounter) for check, c in lacking]
    if result.claim is not None:
        resources += [_code_task(m, source, seed, subject, encounter) for m in result.claim.codes
                      if m.status in CODE_CHECKS]  # fmt: skip
    entries, seen = [], set()
    for resource in resources:
        if resource.id in seen:  # the same code proposed twice as the same kind, or a gap repeated: once
            continue
        seen.add(resource.id)
        kind = resource.get_resource_type()
        request = BundleEntryRequest(method="PUT", url=f"{kind}/{resource.id}") if bundle_type != "collection" else None
        entries.append(BundleEntry(fullUrl=f"urn:uuid:{resource.id}", resource=resource, request=request))
    if source.row is not None:
        identifier = Identifier(system=ROW_SYSTEM, value=str(source.row))
    else:
        identifier = Identifier(system=NOTE_SYSTEM, value=identity)
    return Bundle(
        id=_id(seed, "bundle", bundle_type),
        type=bundle_type,
        identifier=identifier,
        link=[BundleLink(relation="via", url=source.document)] if source.document else None,  # IANA "via": the source
        entry=entries or None,
    )


def code_systems() -> list:
    """notecoder's code systems as CodeSystem resources, for a terminology server that checks the codes it is sent:
    the gaps (`GAP_SYSTEM`: id, label, message), the kinds of a query's inputs (`QUERY_INPUT_SYSTEM`) and the
    procedure documentation items (`CRITERION_SYSTEM`) and the procedure code checks (`CODE_CHECK_SYSTEM`)."""
    from fhir.resources.R4B.codesystem import CodeSystem, CodeSystemConcept

    from notecoder import __version__
    from notecoder.mapper.rules import mapper_rules
    from notecoder.procedures.policies import policies

    gaps = [CodeSystemConcept(code=gap_id, display=text.label, definition=text.message)
            for gap_id, text in sorted(mapper_rules().gaps.items())]  # fmt: skip
    inputs = [CodeSystemConcept(code=code, display=display) for code, display in QUERY_INPUTS.items()]
    criteria = [CodeSystemConcept(code=c.id, display=c.wording, definition=f"{c.source.id}, {c.source.section}")
                for policy in policies().values() for c in policy.criteria]  # fmt: skip
    checks = [CodeSystemConcept(code=code, display=display, definition=definition)
              for code, (display, definition) in CODE_CHECKS.items()]  # fmt: skip
    common = {"version": __version__, "status": "active", "content": "complete", "caseSensitive": True,
              "publisher": "notecoder"}  # fmt: skip
    systems = (  # id, url, name, title, description, concepts
        ("notecoder-gap", GAP_SYSTEM, "NotecoderGap", "notecoder documentation gaps",
         "What a note does not document that its coding needs: the physician query asks for it.", gaps),
        ("notecoder-query-input", QUERY_INPUT_SYSTEM, "NotecoderQueryInput", "notecoder documentation query inputs",
         "What each input of a query Task is.", inputs),
        ("notecoder-procedure-criterion", CRITERION_SYSTEM, "NotecoderProcedureCriterion",
         "notecoder procedure documentation items",
         "What a payer policy lists for a spine procedure, in notecoder's words, with its source.", criteria),
        ("notecoder-procedure-code-check", CODE_CHECK_SYSTEM, "NotecoderProcedureCodeCheck",
         "notecoder procedure code checks", "What the note makes of a procedure code sent with it.", checks),
    )  # fmt: skip
    return [CodeSystem(id=id_, url=url, name=name, title=title, description=description, concept=concepts, **common)
            for id_, url, name, title, description, concepts in systems]  # fmt: skip


def failure_outcome(row: int, document: str | None, error_type: str, message: str, text_hash: str | None = None):
    """The OperationOutcome of a batch row that could not be coded: a generated id (the input's may not be a FHIR
    id, and is not repeated), the row in the `source-row` extension and the document, when it has a FHIR id, in
    `source`. `message` names the row and field, never a value."""
    from fhir.resources.R4B.operationoutcome import OperationOutcome, OperationOutcomeIssue

    extensions = [_extension("source-row", valueInteger=row)]
    if document:
        extensions.append(_extension("source", valueReference=_reference(document)))
    return OperationOutcome(
        id=_id(document or "", "outcome", str(row), text_hash or ""),
        extension=extensions,
        issue=[OperationOutcomeIssue(severity="error", code="processing", diagnostics=f"{error_type}: {message}")],
    )


def document_notes(resource: dict) -> Iterator[tuple[NoteSource, str]]:
    """(source, text) of each note in a DocumentReference or a Bundle of them."""
    kind = resource.get("resourceType") if isinstance(resource, dict) else None
    if kind == "Bundle":
        for n, entry in enumerate(resource.get("entry") or ()):
            inner = entry.get("resource") if isinstance(entry, dict) else None
            if not isinstance(inner, dict) or inner.get("resourceType") != "DocumentReference":
                raise FhirInputError(f"Bundle entry {n} is not a DocumentReference")
            yield document_note(inner)
        return
    if kind != "DocumentReference":
        raise FhirInputError(f"a DocumentReference or a Bundle of them is expected, not {kind or 'a non-resource'}")
    yield document_note(resource)


def decode_base64(data: object) -> str:
    """A base64Binary's text, decoded in full (FHIR allows whitespace between its characters). fhir.resources decodes
    leniently: "!!!!" becomes an empty note and a corrupted tail is dropped, so a note would be coded as saying
    nothing, or less than it does. ValueError (UnicodeDecodeError when the bytes are not UTF-8) otherwise."""
    if not isinstance(data, str):
        raise ValueError("not a base64 string")
    return binascii.a2b_base64("".join(data.split()), strict_mode=True).decode("utf-8")


def _check_attachments(resource: dict, name: str) -> None:
    """Every attachment's and contained Binary's data decodes strictly, before fhir.resources decodes it leniently."""
    places = [(f"content {n}: attachment.data", (c.get("attachment") or {}) if isinstance(c, dict) else {})
              for n, c in enumerate(resource.get("content") or ())]  # fmt: skip
    places += [
        (f"contained {n}: data", c) for n, c in enumerate(resource.get("contained") or ()) if isinstance(c, dict)
    ]
    for where, holder in places:
        if isinstance(holder, dict) and holder.get("data") is not None:
            try:
                decode_base64(holder["data"])
            except ValueError:
                raise FhirInputError(f"{name} {where} is not base64 UTF-8 text") from None


def _context(resource: dict, document) -> dict:
    """What a DocumentReference says of its note beyond the text: subject, encounter, date, identifier."""
    found: dict = {}
    if document.subject is not None:
        found["subject"] = document.subject.model_dump(mode="json", exclude_none=True)
    for encounter in (document.context.encounter or ()) if document.context is not None else ():
        if encounter.type == "Encounter" or "Encounter/" in (encounter.reference or ""):  # not an EpisodeOfCare
            found["encounter"] = encounter.model_dump(mode="json", exclude_none=True)
            break
    if isinstance(resource.get("date"), str):  # as written: the model would rewrite its form
        found["date"] = resource["date"]
    named = document.masterIdentifier or next((i for i in document.identifier or () if i.value), None)
    if named is not None and named.value:
        found["identifier"] = {k: v for k, v in named.model_dump(mode="json", exclude_none=True).items()
                               if k in ("system", "value")}  # fmt: skip
    return found


def document_note(resource: dict, name: str | None = None) -> tuple[NoteSource, str]:
    """(source, text) of a DocumentReference; the source's `document` is None without a FHIR id. Errors call it
    `name` (default: its reference; a batch, where the id is PHI, says "the resource" after the row number)."""
    from fhir.resources.R4B.documentreference import DocumentReference
    from pydantic import ValidationError

    own = resource.get("id")
    reference = f"DocumentReference/{own}" if is_fhir_id(own) else None
    name = name or reference or "the resource"
    _check_attachments(resource, name)
    try:
        document = DocumentReference.model_validate(resource)
    except ValidationError as error:
        fields = sorted({".".join(str(p) for p in e["loc"]) for e in error.errors()})
        raise FhirInputError(f"{name} is not a valid DocumentReference ({', '.join(fields[:5])})") from None
    contained = {c.id: c for c in (document.contained or ()) if c.get_resource_type() == "Binary"}
    for n, content in enumerate(document.content or ()):
        attachment = content.attachment
        kind = (attachment.contentType or "text/plain").split(";")[0].strip()
        if kind != "text/plain":
            continue
        data = attachment.data
        url = str(attachment.url or "")
        if data is None and url.startswith("#"):
            binary = contained.get(url[1:])
            if binary is None:
                raise FhirInputError(f"{name} content {n}: url {url} names no contained Binary")
            data = getattr(binary, "data", None)
        if data is None:
            raise FhirInputError(f"{name} content {n}: the attachment has neither data nor a contained Binary")
        try:
            text = data.decode("utf-8") if isinstance(data, bytes) else decode_base64(data)
        except ValueError:
            raise FhirInputError(f"{name} content {n}: the attachment is not base64 UTF-8 text") from None
        return NoteSource.of(_context(resource, document), document=reference), text
    raise FhirInputError(f"{name} has no text/plain attachment")
