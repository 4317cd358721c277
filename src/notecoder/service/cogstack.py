"""The CogStack NLP REST service API (the one MedCATservice implements: `/api/info`, `/api/process`,
`/api/process_bulk`), so notecoder drops into CogStack pipelines. Each proposed code, alternative and gap is one
annotation; its evidence span is the annotation's span, and what notecoder knows beyond MedCAT's fields rides in
`meta_anns`."""

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict

from notecoder.result import NoteResult


class _Model(BaseModel):
    model_config = ConfigDict(protected_namespaces=())


class ModelCardInfo(_Model):
    ontologies: list[str]
    meta_cat_model_names: list[str]
    model_last_modified_on: datetime | None = None


class ServiceInfo(_Model):
    service_app_name: str
    service_language: str
    service_version: str
    service_model: str
    model_card_info: ModelCardInfo


class Content(_Model):
    model_config = ConfigDict(extra="forbid", protected_namespaces=())
    text: str
    footer: str | dict | None = None


class ProcessInput(_Model):
    content: Content


class BulkProcessInput(_Model):
    content: list[Content]


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


def _entity(name: str, cui: str, kind: str, evidence, acc: float | None, extra: dict) -> dict:
    first = evidence[0] if evidence else None
    return {
        "pretty_name": name,
        "cui": cui,
        "type_ids": [kind],
        "types": [kind],
        "source_value": first.text if first else "",
        "detected_name": cui,
        "acc": acc,
        "context_similarity": acc,
        "start": first.start if first else None,
        "end": first.end if first else None,
        "meta_anns": {"notecoder": {"value": kind, "evidence": [e.model_dump(mode="json") for e in evidence], **extra}},
    }


def annotations(result: NoteResult) -> list[dict[str, dict]]:
    """MedCAT-shaped entities, numbered in order: codes, then alternatives, then gaps (gaps span their evidence)."""
    entities = [_entity(c.title, c.code, "code", c.evidence, c.confidence, {"why": c.rationale}) for c in result.codes]
    entities += [
        _entity(a.title, a.code, "alternative", a.evidence, a.confidence, {"why": a.reason})
        for a in result.alternatives
    ]
    entities += [
        _entity(g.label, g.id, "gap", g.evidence, None, {"code": g.code, "query": g.query, "message": g.message})
        for g in result.gaps
    ]
    for n, entity in enumerate(entities):
        entity["id"] = n
    return [{str(n): entity} for n, entity in enumerate(entities)]
