"""`/v1/fhir`'s notes, read strictly, and its problems answered as OperationOutcome. Attachment data must be
base64 in full: a lenient decoder turns "!!!!" into an empty note and drops a corrupted tail, so a note would be
coded as if it said nothing, or less than it does. Problems name the resource by its position in the request
(a FHIRPath), never by its id or any value sent.

Every answer of `/v1/fhir` that is not a Bundle is an OperationOutcome, whoever gives it: the route, FastAPI (a
method not allowed, an unhandled error) or the guard in front of it (no token, a body too large or too slow)."""

import json
import uuid
from dataclasses import replace

from notecoder.fhir_r4 import NoteSource, decode_base64, note_hash
from notecoder.service.notes import holds_surrogate, note_problem
from notecoder.service.problems import Invalid, Problem
from notecoder.service.settings import ServiceSettings

Note = tuple[NoteSource, str]
"""(source, text), as `fhir_r4.document_note` gives them (no document reference without a usable id), the source
holding the note's hash and, for a DocumentReference without an id in a Bundle, its place in the request."""

# the FHIR IssueType of an answer by its HTTP status; any other is "exception"
_ISSUE = {401: "login", 403: "forbidden", 404: "not-found", 405: "not-supported", 408: "timeout", 413: "too-costly",
          422: "invalid", 503: "transient", 504: "timeout"}  # fmt: skip
_OUTCOMES = uuid.UUID("0b6c3f5e-8f0a-4f57-9d8e-2f4a1c7d9e21")
_READABLE = ("a valid R4 DocumentReference with a text/plain attachment (base64 `data`, or `url` \"#id\" naming a "
             "contained Binary)")  # fmt: skip


def notes(resource: object, settings: ServiceSettings) -> list[tuple[str, Note | Problem]]:
    """(FHIRPath, note or its problem) of each DocumentReference in the request; Invalid when it holds none."""
    found: list[tuple[str, Note | Problem]] = []
    for path, document in _documents(resource):
        try:
            source, text = read_note(path, document)
        except Invalid as error:
            found.append((path, error))
            continue
        problem = note_problem(text, f"the note of {path}", settings)
        if problem:
            problem.expression = path
            found.append((path, problem))
            continue
        # a DocumentReference without an id is named by its place: two of them in one request never share ids
        place = path if source.document is None and path != "DocumentReference" else None
        found.append((path, (replace(source, place=place, note_hash=note_hash(text)), text)))
    return found


def _documents(resource: object) -> list[tuple[str, object]]:
    """(FHIRPath, resource) of each DocumentReference the request holds: itself, or a Bundle's entries."""
    kind = resource.get("resourceType") if isinstance(resource, dict) else None
    if isinstance(resource, dict) and kind == "DocumentReference":
        return [("DocumentReference", resource)]
    if isinstance(resource, dict) and kind == "Bundle":
        entries = resource.get("entry") or []
        if not isinstance(entries, list):
            raise Invalid("Bundle.entry is not a list", expression="Bundle.entry")
        return [(f"Bundle.entry[{n}].resource", entry.get("resource") if isinstance(entry, dict) else None)
                for n, entry in enumerate(entries)]  # fmt: skip
    raise Invalid("a DocumentReference or a Bundle of them is expected", expression="resourceType")


def read_note(path: str, document: object) -> Note:
    """(source, text) of the DocumentReference at `path`; Invalid naming the field otherwise."""
    from notecoder.fhir_r4 import FhirInputError, document_note

    if not isinstance(document, dict) or document.get("resourceType") != "DocumentReference":
        raise Invalid(f"{path} is not a DocumentReference", expression=path)
    if holds_surrogate(document):
        raise Invalid(f"{path} holds a string that is not Unicode text (a lone surrogate)", expression=path)
    for field, data in _encoded(path, document):
        _check_base64(field, data)
    try:
        return document_note(document)
    except FhirInputError:  # its message names the resource by id: not repeated here
        raise Invalid(f"{path} holds no note notecoder can read: {_READABLE} is expected", expression=path) from None


def _encoded(path: str, document: dict):
    """(FHIRPath, value) of every base64 field that can hold the note."""
    for n, content in enumerate(_list(document.get("content"))):
        attachment = content.get("attachment") if isinstance(content, dict) else None
        if isinstance(attachment, dict) and "data" in attachment:
            yield f"{path}.content[{n}].attachment.data", attachment["data"]
    for n, contained in enumerate(_list(document.get("contained"))):
        if isinstance(contained, dict) and contained.get("resourceType") == "Binary" and "data" in contained:
            yield f"{path}.contained[{n}].data", contained["data"]


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


def _check_base64(field: str, data: object) -> None:
    try:
        decode_base64(data)
    except UnicodeDecodeError:
        raise Invalid(f"{field} is not UTF-8 text once decoded", expression=field) from None
    except ValueError:  # binascii.Error, a character outside ASCII, or not a string
        raise Invalid(f"{field} is not base64", expression=field) from None


def outcome(problem: Problem) -> dict:
    """The OperationOutcome of a problem: its message, and where when known."""
    return outcome_of(problem.status, problem.message, problem.expression)


def outcome_of(status: int, message: str, expression: str | None = None) -> dict:
    """An OperationOutcome (as JSON) for an answer of HTTP `status`: the issue's code the FHIR IssueType of that
    status, `message` its diagnostics (a message that names fields, never values), an id of its own (the same for the
    same answer). Built with fhir.resources when the [fhir] extra is there, so that even a service without it answers
    /v1/fhir in FHIR."""
    issue: dict = {"severity": "error", "code": _ISSUE.get(status, "exception"), "diagnostics": message}
    if expression:
        issue["expression"] = [expression]
    own = str(uuid.uuid5(_OUTCOMES, f"{status}|{message}|{expression or ''}"))
    resource = {"resourceType": "OperationOutcome", "id": own, "issue": [issue]}
    try:
        from fhir.resources.R4B.operationoutcome import OperationOutcome, OperationOutcomeIssue
    except ImportError:
        return resource
    built = OperationOutcome(id=own, issue=[OperationOutcomeIssue(**issue)])
    return json.loads(built.model_dump_json(exclude_none=True))
