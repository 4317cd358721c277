"""The CogStack NLP REST service API (the one MedCATservice implements: `/api/info`, `/api/process`,
`/api/process_bulk`), so notecoder drops into CogStack pipelines. Each proposed code, alternative and gap is one
MedCAT entity whose span is its first evidence; the shapes are MedCATservice's (CogStack/cogstack-nlp,
`medcat-service/medcat_service/types.py`, `types_entities.py`, `nlp_processor/medcat_processor.py`) and what
CogStack-NiFi needs to store them (CogStack/CogStack-NiFi, `nifi/user-scripts/parse-anns-from-nlp-response-bulk.py`,
`nifi/user-schemas/annotation-medcat.avsc`, `services/cogstack-db/pgsql/schemas/annotations_nlp_create_schema.sql`):

- `annotations` is a list holding one dict of every entity keyed by its id (`[{"0": ..., "1": ...}]`): NiFi reads
  `annotations[0].items()`. A blank note, or one with nothing to code, gives `[{}]`.
- `acc` and `context_similarity` are never null (NiFi's Avro `acc` is a float): a proposal's confidence; a gap's is
  that of the code it is about, so that `acc >= floor` keeps what `NoteResult.above(floor)` keeps; 1.0 for what
  `above` always keeps (an unscored proposal, a gap about no proposed code). `start`/`end` are ints (0, 0 and an
  empty `source_value` for an entity without evidence).
- `cui` fits the annotations table's VARCHAR(20): a code, or a gap's short stable code (`gap_code`); the gap's full
  id is its `detected_name` and `notecoder.gap_id`.
- `meta_anns` are MedCAT's `{task: {name, value, confidence}}`: the tasks in `TASKS`. `meta_anns_filters` (MedCAT's
  `[[task, [values]]]`) keep the entities whose value of every task named is one of those listed; the ids stay.
- What notecoder knows beyond MedCAT's fields (all the evidence, the rationale, a gap's query) is the entity's
  `notecoder` object."""

import hashlib
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, WithJsonSchema

from notecoder.result import Alternative, Assertion, CodeProposal, Finding, NoteResult
from notecoder.service.problems import Invalid

TASKS: dict[str, tuple[str, ...]] = {
    "Proposal": ("code", "alternative", "gap"),
    "Assertion": tuple(assertion.value for assertion in Assertion),
}
"""The meta-annotation tasks and their values: what the entity is (every entity), and the assertion (ConText) of its
first evidence (every entity with evidence). Rules give the values, so their confidence is 1.0."""

MetaAnnsFilters = list[tuple[str, list[str]]]


class _Model(BaseModel):
    model_config = ConfigDict(protected_namespaces=())


class ModelCardInfo(_Model):
    ontologies: list[str]
    meta_cat_model_names: list[str]
    rel_cat_model_names: list[str] = []
    model_last_modified_on: datetime | None = None


class ServiceInfo(_Model):
    service_app_name: str
    service_language: str
    service_version: str
    service_model: str
    model_card_info: ModelCardInfo


class Content(_Model):
    """One note. Other keys (NiFi's request builders send `id` and `metadata`) are accepted and not echoed: like
    MedCATservice, the service returns the `footer` alone."""

    text: str
    footer: str | dict | None = None


class ProcessInput(_Model):
    content: Content
    meta_anns_filters: MetaAnnsFilters | None = None


class BulkProcessInput(_Model):
    content: Annotated[list[Any], WithJsonSchema({"type": "array", "items": {"$ref": "#/components/schemas/Content"}})]
    """Each row is read on its own (`api.process_bulk`): a row that is not a Content is its own error entry."""
    meta_anns_filters: MetaAnnsFilters | None = None


class ProcessResult(_Model):
    text: str
    annotations: list[dict[str, dict]]
    success: bool
    timestamp: str
    elapsed_time: float
    footer: str | dict | None = None


class ProcessErrors(_Model):
    success: bool
    timestamp: str
    errors: list[str]


class ProcessResponse(_Model):
    medcat_info: ServiceInfo
    result: ProcessResult | ProcessErrors


class BulkProcessResponse(_Model):
    medcat_info: ServiceInfo
    result: list[ProcessResult | ProcessErrors]


def now() -> str:
    return datetime.now(UTC).isoformat()


def gap_code(gap_id: str) -> str:
    """A gap's `cui`: "GAP-" and six hex digits of its id's SHA-256, the same for the id in every release (ids run to
    32 characters; the annotations table holds 20)."""
    return "GAP-" + hashlib.sha256(gap_id.encode()).hexdigest()[:6].upper()


def filters_problem(filters: MetaAnnsFilters | None) -> Invalid | None:
    """Why `filters` could keep nothing knowable (a task or a value the service never gives, no value), naming the
    field and the service's own tasks or values, never the client's."""
    for n, (task, values) in enumerate(filters or ()):
        at = ("body", "meta_anns_filters", n)
        if task not in TASKS:
            return Invalid(f"meta_anns_filters[{n}][0] names no task of this service; its tasks: {', '.join(TASKS)}",
                           loc=(*at, 0))  # fmt: skip
        if not values:
            return Invalid(f"meta_anns_filters[{n}][1] lists no value: it would keep no annotation", loc=(*at, 1))
        for m, value in enumerate(values):
            if value not in TASKS[task]:
                return Invalid(f"meta_anns_filters[{n}][1][{m}] is no value of the task {task}; its values: "
                               f"{', '.join(TASKS[task])}", loc=(*at, 1, m))  # fmt: skip
    return None


def _meta(task: str, value: str) -> dict:
    return {"name": task, "value": value, "confidence": 1.0}


def _entity(n: int, name: str, cui: str, detected: str, kind: str, evidence: tuple[Finding, ...], acc: float,
            extra: dict) -> dict:  # fmt: skip
    first = evidence[0] if evidence else None
    meta = {"Proposal": _meta("Proposal", kind)}
    if first is not None:
        meta["Assertion"] = _meta("Assertion", first.assertion.value)
    return {
        "pretty_name": name,
        "cui": cui,
        "type_ids": [kind],
        "types": [kind],
        "source_value": first.text if first else "",
        "detected_name": detected,
        "acc": acc,
        "context_similarity": acc,
        "start": first.start if first else 0,
        "end": first.end if first else 0,
        "id": n,
        "meta_anns": meta,
        "notecoder": {"kind": kind, "evidence": [e.model_dump(mode="json") for e in evidence], **extra},
    }


def _acc(confidence: float | None) -> float:
    return 1.0 if confidence is None else float(confidence)


def annotations(result: NoteResult, filters: MetaAnnsFilters | None = None) -> list[dict[str, dict]]:
    """MedCAT's `[{id: entity}]`, numbered in order: codes, then alternatives, then gaps; only the entities
    `filters` keep (their ids unchanged)."""
    by_code: dict[str, float] = {}
    proposals: list[CodeProposal | Alternative] = [*result.codes, *result.alternatives]
    for proposal in proposals:
        by_code[proposal.code] = max(by_code.get(proposal.code, 0.0), _acc(proposal.confidence))
    rows = [(c.title, c.code, c.code, "code", c.evidence, _acc(c.confidence),
             {"confidence": c.confidence, "why": c.rationale}) for c in result.codes]  # fmt: skip
    rows += [(a.title, a.code, a.code, "alternative", a.evidence, _acc(a.confidence),
              {"confidence": a.confidence, "why": a.reason}) for a in result.alternatives]  # fmt: skip
    rows += [(g.label or g.id, gap_code(g.id), g.id, "gap", g.evidence, by_code.get(g.code or "", 1.0),
              {"gap_id": g.id, "code": g.code, "query": g.query, "message": g.message})
             for g in result.gaps]  # fmt: skip
    kept = {}
    for n, row in enumerate(rows):
        entity = _entity(n, *row)
        if all(entity["meta_anns"].get(task, {}).get("value") in values for task, values in filters or ()):
            kept[str(n)] = entity
    return [kept]
