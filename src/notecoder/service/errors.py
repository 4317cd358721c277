"""Error responses that say what was wrong without repeating what was sent. FastAPI's own 422 puts the input in
`input` and an unknown key in `loc`; here a location keeps list indices and the API's field names only, stopping
before the first name the API does not define. `/v1/fhir` answers every problem as an OperationOutcome."""

from collections.abc import Iterable, Sequence

from fastapi.responses import JSONResponse
from pydantic import BaseModel

from notecoder.service.fhir_input import outcome
from notecoder.service.problems import Busy, Invalid, Problem

FHIR_PATH = "/v1/fhir"
_PLACES = frozenset({"body", "query", "path", "header", "cookie"})


def field_names(models: Iterable[type[BaseModel]]) -> frozenset[str]:
    """The names a location may show: the request models' fields (and aliases) and FastAPI's places."""
    names = {alias for model in models for name, info in model.model_fields.items() for alias in (name, info.alias)}
    return frozenset(_PLACES | {name for name in names if name})


def safe_errors(errors: Sequence[dict], known: frozenset[str]) -> list[dict]:
    detail: list[dict] = []
    for error in errors:
        loc: list[str | int] = []
        for part in error.get("loc", ()):
            if not (isinstance(part, int) or part in known):
                break  # an unknown key, or pydantic's name of a union member: the field before it says enough
            loc.append(part)
        item = {"loc": loc, "msg": error.get("msg", ""), "type": error.get("type", "")}
        if item not in detail:
            detail.append(item)
    return detail


def invalid_response(path: str, detail: list[dict]) -> JSONResponse:
    if path == FHIR_PATH:
        where = "; ".join(f"{'.'.join(str(p) for p in d['loc']) or 'body'}: {d['msg']}" for d in detail)
        return problem_response(path, Invalid(f"the request is not a FHIR resource in JSON ({where})"))
    return JSONResponse({"detail": detail}, status_code=422)


def problem_response(path: str, problem: Problem) -> JSONResponse:
    headers = {"Retry-After": "1"} if isinstance(problem, Busy) else None
    if path == FHIR_PATH:
        return JSONResponse(outcome(problem), problem.status, headers, media_type="application/fhir+json")
    detail: str | list = problem.message
    if problem.loc:
        detail = [{"loc": list(problem.loc), "msg": problem.message, "type": type(problem).__name__.lower()}]
    return JSONResponse({"detail": detail}, problem.status, headers)
