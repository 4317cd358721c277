"""FHIR R4 in and out (built and validated with `fhir.resources`' R4B models, which match R4 for these resources).

Out: a `Bundle` (type collection) with one `Condition` per proposed code and per alternative (a category ending in
"-" is no ICD-10-CM code: it rides in the input of the Task that asks for what it lacks), `verificationStatus`
provisional (these are proposals for a coder, not diagnoses), coded in ICD-10-CM, `evidence.detail` pointing at the
source `DocumentReference`; the evidence spans, the rationale, the confidence and whether it is a code or an
alternative ride in the extensions below. Each gap is a `Task` (status requested, intent proposal) focused on the
Condition it is about: a physician query is a piece of work a clinician is asked to do and close, with a status a
CDI team tracks from requested to completed, which is what Task models; a CommunicationRequest would only ask for a
message to be sent.

In: a `DocumentReference` whose `content` holds a text/plain attachment, as base64 `data` or as a `url` naming a
contained `Binary` ("#id"), or a Bundle of them.

A reference is only ever built from a FHIR id (`is_fhir_id`): an id that is not one, or a row without one, is named
by its row (`Bundle.identifier`, or the `source-row` extension of an OperationOutcome), never cited as a resource."""

import binascii
import re
import uuid
from collections.abc import Iterator

from notecoder.result import Alternative, CodeProposal, NoteResult

ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
EXTENSIONS = "https://notecoder.dev/fhir/StructureDefinition"
"""notecoder's extensions: `proposal` (valueCode code|alternative), `confidence` (valueDecimal), `rationale`
(valueString), `evidence-span` (extensions start, end: valueInteger; text: valueString); `gap` is a Task code system."""
VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
_NAMESPACE = uuid.UUID("6f2d7b1c-4c1e-4d0e-9a39-6a5e1f1b2c3d")
ROW_SYSTEM = "https://notecoder.dev/fhir/batch-row"
"""The system of a batch Bundle's `identifier`: its value is the row of the batch's input the Bundle codes."""
_FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")


def is_fhir_id(value: object) -> bool:
    """Whether `value` can be a FHIR resource id: only then may a reference be built from it (an export's id such as
    "../Patient/123" would otherwise cite another resource)."""
    return isinstance(value, str) and _FHIR_ID.fullmatch(value) is not None


class FhirInputError(ValueError):
    """A resource that holds no note notecoder can read; the message names the resource and field, never text."""


def _id(*parts: str) -> str:
    """Stable ids: coding the same document again gives the same resources."""
    return str(uuid.uuid5(_NAMESPACE, "|".join(parts)))


def _span(finding) -> dict:
    return {"url": f"{EXTENSIONS}/evidence-span", "extension": [
        {"url": "start", "valueInteger": finding.start}, {"url": "end", "valueInteger": finding.end},
        {"url": "text", "valueString": finding.text}]}  # fmt: skip


def _condition(
    proposal: CodeProposal | Alternative, kind: str, why: str, subject: dict, document: str | None, seed: str
) -> dict:
    extensions: list[dict] = [{"url": f"{EXTENSIONS}/proposal", "valueCode": kind}]
    if proposal.confidence is not None:
        extensions.append({"url": f"{EXTENSIONS}/confidence", "valueDecimal": proposal.confidence})
    if why:
        extensions.append({"url": f"{EXTENSIONS}/rationale", "valueString": why})
    extensions += [_span(f) for f in proposal.evidence]
    condition = {
        "resourceType": "Condition",
        "id": _id(seed, kind, proposal.code),
        "extension": extensions,
        "verificationStatus": {"coding": [{"system": VERIFICATION, "code": "provisional"}]},
        "category": [{"coding": [{"system": CATEGORY, "code": "encounter-diagnosis"}]}],
        "code": {
            "coding": [{"system": ICD10CM, "code": proposal.code, "display": proposal.title}],
            "text": proposal.title,
        },  # fmt: skip
        "subject": subject,
    }
    if document:
        condition["evidence"] = [{"detail": [{"reference": document}]}]
    return condition


def result_bundle(
    result: NoteResult,
    document: str | None = None,
    subject: dict | None = None,
    *,
    row: int | None = None,
    note_hash: str | None = None,
):
    """The result as a FHIR R4 Bundle (a validated `fhir.resources` model); `document` is the reference of the
    source DocumentReference ("DocumentReference/123"), `subject` the patient reference, when known. The Bundle
    names its source even when it holds nothing: `link` "via" the document, and in a batch `identifier` the input's
    `row`; with no document, the row and the SHA-256 of the note (`note_hash`) keep its resource ids its own."""
    from fhir.resources.R4B.bundle import Bundle

    who = subject or {"display": "patient of the source document"}
    seed = document or (f"#{row}:{note_hash or ''}" if row is not None else "")
    entries = []
    conditions: dict[str, str] = {}
    categories: dict[str, str] = {}
    for kind, proposals in (("code", result.codes), ("alternative", result.alternatives)):
        for proposal in proposals:
            if proposal.code.endswith("-"):
                # a category is no code of ICD-10-CM: not a Condition.code; its specificity query (a Task) carries it
                categories[proposal.code] = f"{proposal.code} {proposal.title}"
                continue
            why = proposal.rationale if isinstance(proposal, CodeProposal) else proposal.reason
            resource = _condition(proposal, kind, why, who, document, seed)
            conditions.setdefault(proposal.code, f"urn:uuid:{resource['id']}")
            entries.append({"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource})
    for gap in result.gaps:
        inputs = [{"type": {"text": "clinical indicator"}, "valueString": f.text} for f in gap.evidence]
        inputs.append({"type": {"text": "looked for"}, "valueString": gap.looked_for})
        if gap.code in categories and gap.code not in conditions:
            inputs.append({"type": {"text": "proposed category"}, "valueString": categories[gap.code]})
        task = {
            "resourceType": "Task",
            "id": _id(seed, "gap", gap.id, gap.code or ""),
            "status": "requested",
            "intent": "proposal",
            "code": {
                "coding": [{"system": f"{EXTENSIONS}/gap", "code": gap.id, "display": gap.label}],
                "text": "documentation query",
            },  # fmt: skip
            "description": gap.query,
            "for": who,
            "reasonCode": {"text": gap.message},
            "input": inputs,
        }
        if gap.code in conditions:
            task["focus"] = {"reference": conditions[gap.code]}
        if document:
            task["basedOn"] = [{"reference": document}]
        entries.append({"fullUrl": f"urn:uuid:{task['id']}", "resource": task})
    bundle: dict = {"resourceType": "Bundle", "type": "collection", "entry": entries}
    if row is not None:
        bundle["identifier"] = {"system": ROW_SYSTEM, "value": str(row)}
    if document:
        bundle["link"] = [{"relation": "via", "url": document}]  # IANA "via": the source of the information
    return Bundle.model_validate(bundle)


def failure_outcome(row: int, document: str | None, error_type: str, message: str):
    """The OperationOutcome of a batch row that could not be coded: a generated id (the input's may not be a FHIR
    id, and is not repeated), the row in the `source-row` extension and the document, when it has a FHIR id, in
    `source`. `message` names the row and field, never a value."""
    from fhir.resources.R4B.operationoutcome import OperationOutcome

    extensions: list[dict] = [{"url": f"{EXTENSIONS}/source-row", "valueInteger": row}]
    if document:
        extensions.append({"url": f"{EXTENSIONS}/source", "valueReference": {"reference": document}})
    return OperationOutcome.model_validate({
        "resourceType": "OperationOutcome", "id": _id(document or "", "outcome", str(row)), "extension": extensions,
        "issue": [{"severity": "error", "code": "processing", "diagnostics": f"{error_type}: {message}"}]})  # fmt: skip


def document_notes(resource: dict) -> Iterator[tuple[str | None, str, dict | None]]:
    """(reference, text, subject) of each note in a DocumentReference or a Bundle of them."""
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


def document_note(resource: dict, name: str | None = None) -> tuple[str | None, str, dict | None]:
    """(reference, text, subject) of a DocumentReference; the reference is None without a FHIR id. Errors call it
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
        subject = document.subject.model_dump(mode="json", exclude_none=True) if document.subject else None
        return reference, text, subject
    raise FhirInputError(f"{name} has no text/plain attachment")
