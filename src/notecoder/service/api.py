"""`notecoder serve`: the HTTP service. CogStack's NLP REST API (`/api/info`, `/api/process`, `/api/process_bulk`),
the native `/v1/extract` returning a `NoteResult`, `/v1/fhir` (DocumentReference in, Bundle out), and `/healthz` /
`/readyz` for orchestrators.

Serious defaults for a service that receives PHI: a body size limit (413), a per-note length limit (413), a bearer
token when `NOTECODER_TOKEN` is set (401 otherwise; the health endpoints stay open), validation errors (422) that
name the field but never echo what was sent, and access logs with method, path and status only."""

import hmac
import json
import os
import time
from contextlib import asynccontextmanager
from functools import cache
from typing import Annotated

from fastapi import Depends, FastAPI, Header, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from notecoder import __version__
from notecoder.result import NoteResult, Setting
from notecoder.service import cogstack

MAX_BODY_BYTES = 10_000_000
MAX_NOTE_CHARS = 1_000_000
TOKEN_VARIABLE = "NOTECODER_TOKEN"
OPEN_PATHS = frozenset({"/healthz", "/readyz"})


class ExtractRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str
    setting: Setting = Setting.OUTPATIENT
    min_confidence: float | None = None


class BodyLimit:
    """Refuse a request body over `limit` bytes with 413, by its Content-Length or as it streams in."""

    def __init__(self, app, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            return await _too_large(send, self.limit)
        # read the body here, at most `limit` bytes, then hand it on: a chunked upload cannot pass the limit either
        chunks, seen, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return await self.app(scope, _replay([message]), send)
            chunks.append(message.get("body", b""))
            seen += len(chunks[-1])
            if seen > self.limit:
                return await _too_large(send, self.limit)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        return await self.app(
            scope, _replay([{"type": "http.request", "body": body, "more_body": False}], receive), send
        )


def _replay(messages: list[dict], then=None):
    async def receive():
        if messages:
            return messages.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}

    return receive


async def _too_large(send, limit: int) -> None:
    body = json.dumps({"detail": f"request body over {limit:,} bytes"}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})  # fmt: skip


@cache
def _info() -> cogstack.ServiceInfo:
    """What the service runs, read once per worker: every /api/process response carries it."""
    from notecoder.scoring import model_folder

    checksum = (model_folder() / "model.json.sha256").read_text(encoding="utf-8").split()[0][:12]
    return cogstack.ServiceInfo(
        service_app_name="notecoder",
        service_language="en",
        service_version=__version__,
        service_model=f"rules + proposal-confidence {checksum}",
        model_card_info=cogstack.ModelCardInfo(ontologies=["ICD-10-CM"], meta_cat_model_names=[]),
    )


def create_app(max_body_bytes: int = MAX_BODY_BYTES, max_note_chars: int = MAX_NOTE_CHARS) -> BodyLimit:
    state = {"ready": False}

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        from notecoder.extraction import extract

        extract("warm-up: neck pain.")  # each worker loads the pipeline once, before it reports ready
        state["ready"] = True
        yield

    about = "ICD-10-CM M53.x dorsopathy codes from clinical notes, with evidence and gaps."
    app = FastAPI(title="notecoder", version=__version__, lifespan=lifespan, description=about)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        # FastAPI's default echoes the input (the note) back: name the field and the problem only
        detail = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")} for e in error.errors()
        ]
        return JSONResponse({"detail": detail}, status_code=422)

    def authorized(authorization: Annotated[str | None, Header()] = None) -> None:
        token = os.environ.get(TOKEN_VARIABLE)
        if not token:
            return
        given = authorization[7:] if authorization and authorization.startswith("Bearer ") else ""
        if not hmac.compare_digest(given.encode(), token.encode()):
            raise HTTPException(401, "a bearer token is required", headers={"WWW-Authenticate": "Bearer"})

    def code(text: str, setting: Setting = Setting.OUTPATIENT) -> NoteResult:
        if len(text) > max_note_chars:
            raise HTTPException(
                413, f"a note is {len(text):,} characters; this service reads at most {max_note_chars:,}"
            )
        from notecoder.extraction import extract

        return extract(text, setting)

    guarded = [Depends(authorized)]

    @app.get("/healthz")
    def healthz() -> dict:
        return {"status": "UP"}

    @app.get("/readyz")
    def readyz() -> JSONResponse:
        ready = state["ready"]
        return JSONResponse({"status": "UP" if ready else "DOWN"}, status_code=200 if ready else 503)

    @app.get("/api/info", dependencies=guarded)
    def info() -> cogstack.ServiceInfo:
        return _info()

    def process_one(content: cogstack.Content) -> cogstack.ProcessResult:
        start = time.perf_counter()
        result = code(content.text)
        return cogstack.ProcessResult(text=content.text, annotations=cogstack.annotations(result), success=True,
                                      timestamp=cogstack.now(), elapsed_time=time.perf_counter() - start,
                                      footer=content.footer)  # fmt: skip

    @app.post("/api/process", dependencies=guarded)
    def process(payload: cogstack.ProcessInput) -> cogstack.ProcessResponse:
        return cogstack.ProcessResponse(medcat_info=_info(), result=process_one(payload.content))

    @app.post("/api/process_bulk", dependencies=guarded)
    def process_bulk(payload: cogstack.BulkProcessInput) -> cogstack.BulkProcessResponse:
        return cogstack.BulkProcessResponse(medcat_info=_info(), result=[process_one(c) for c in payload.content])

    @app.post("/v1/extract", dependencies=guarded)
    def extract_note(request: ExtractRequest) -> NoteResult:
        result = code(request.text, request.setting)
        return result.above(request.min_confidence) if request.min_confidence is not None else result

    @app.post("/v1/fhir", dependencies=guarded)
    def fhir(resource: dict) -> JSONResponse:
        """A DocumentReference (text/plain attachment) in, its result Bundle out; a Bundle of DocumentReferences in,
        a collection Bundle of result Bundles out. Needs the [fhir] extra."""
        from notecoder.fhir_r4 import FhirInputError, document_notes

        try:
            notes = list(document_notes(resource))
        except FhirInputError as error:
            raise HTTPException(422, str(error)) from None
        bundles = [json.loads(code(text).to_fhir(ref, subject).model_dump_json(exclude_none=True))
                   for ref, text, subject in notes]  # fmt: skip
        if resource.get("resourceType") == "DocumentReference":
            return JSONResponse(bundles[0], media_type="application/fhir+json")
        wrapped = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": b} for b in bundles]}
        return JSONResponse(wrapped, media_type="application/fhir+json")

    return BodyLimit(app, max_body_bytes)


def app_factory() -> BodyLimit:
    """For uvicorn's `--factory`, each worker building its own app: limits from the environment `serve` set."""
    return create_app(
        int(os.environ.get("NOTECODER_MAX_BODY_BYTES", MAX_BODY_BYTES)),
        int(os.environ.get("NOTECODER_MAX_NOTE_CHARS", MAX_NOTE_CHARS)),
    )
