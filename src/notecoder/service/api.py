"""`notecoder serve`: the HTTP service. CogStack's NLP REST API (`/api/info`, `/api/process`, `/api/process_bulk`),
the native `/v1/extract` returning a `NoteResult`, `/v1/fhir` (DocumentReference in, Bundle out), and `/healthz` /
`/readyz` for orchestrators.

Defaults for a service that receives PHI, each a module here: the token before anything is read (`guard`), caps
on bodies, notes and requests (`guard`, `notes`), a time budget per request with coding in processes that are
replaced when it runs out (`pool`), short notes first (`admission`), errors that never echo what was sent
(`errors`), a log without note text, ids or query strings (`access_log`). No interactive docs (they load scripts
from a public CDN); the OpenAPI schema needs the token like every other path but the health checks."""

import asyncio
import json
import uuid
from collections.abc import Sequence
from contextlib import asynccontextmanager
from functools import cache
from typing import Literal

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.exceptions import HTTPException

from notecoder import __version__
from notecoder.procedures.claim import Claim, ClaimedCode
from notecoder.result import NoteResult, Setting
from notecoder.service import cogstack, fhir_input
from notecoder.service.access_log import AccessLog
from notecoder.service.confidence import ConfidenceFloor
from notecoder.service.errors import FHIR_PATH, field_names, invalid_response, problem_response, safe_errors
from notecoder.service.guard import App, Guard
from notecoder.service.notes import check_request, holds_surrogate, note_problem
from notecoder.service.pool import Job, Pool
from notecoder.service.problems import Busy, Failed, Invalid, OutOfTime, Problem
from notecoder.service.settings import ServiceSettings

OPEN_PATHS = frozenset({"/healthz", "/readyz"})


class ExtractRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str
    setting: Setting = Setting.OUTPATIENT
    min_confidence: ConfidenceFloor | None = None
    claim: Claim | None = None
    """The procedure codes billed or requested with the note, each with the family (and step) your own code map
    gives it ({"code": ..., "family": "facet", "step": "rfa_initial"}), the MAC jurisdiction and the date of
    service: read against the procedures the note names (the result's `claim`)."""


_FIELDS = field_names([ExtractRequest, Claim, ClaimedCode, cogstack.ProcessInput, cogstack.BulkProcessInput,
                       cogstack.Content]) | {"bundle"}  # fmt: skip


@cache
def _info() -> cogstack.ServiceInfo:
    """What the service runs, read once per server process: every /api/process response carries it."""
    from notecoder.scoring import model_folder

    checksum = (model_folder() / "model.json.sha256").read_text(encoding="utf-8").split()[0][:12]
    return cogstack.ServiceInfo(
        service_app_name="notecoder",
        service_language="en",
        service_version=__version__,
        service_model=f"rules + proposal-confidence {checksum}",
        model_card_info=cogstack.ModelCardInfo(ontologies=["ICD-10-CM"], meta_cat_model_names=list(cogstack.TASKS)),
    )


FHIR_JSON = "application/fhir+json"
_RESPONSES = uuid.UUID("5d3e9a41-7c2b-4e8f-a6d1-3b9c0e7f2a58")  # the ids of /v1/fhir's Bundles of results


def _json(payload: bytes, media_type: str = "application/json") -> Response:
    """A response whose JSON the extraction process wrote: nothing is parsed or serialized again here."""
    return Response(payload, media_type=media_type)


def create_app(settings: ServiceSettings | None = None, pool: Pool | None = None) -> App:
    """The service as an ASGI app; `pool` (default: the processes `settings` asks for) does the coding."""
    settings = settings or ServiceSettings()
    pool = pool or Pool(settings.processes, settings.large_processes, settings.queue)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await pool.start()  # the processes load the pipeline in the background; /readyz says when one has
        yield
        await pool.stop()

    about = "ICD-10-CM M53.x dorsopathy codes from clinical notes, with evidence and gaps."
    app = FastAPI(title="notecoder", version=__version__, lifespan=lifespan, description=about, docs_url=None,
                  redoc_url=None)  # fmt: skip

    fields, own_tokens = _FIELDS, None
    if settings.worklist_url is not None:  # its users bring their own tokens (checked by the worklist)
        from notecoder.worklist.api import PREFIX, REQUESTS, mount
        from notecoder.worklist.database import open_database

        mount(app, open_database(settings.worklist_url))
        fields, own_tokens = fields | field_names(REQUESTS), PREFIX + "/"

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        return invalid_response(request.url.path, safe_errors(error.errors(), fields))

    @app.exception_handler(Problem)
    async def problem(request: Request, error: Problem) -> JSONResponse:
        return problem_response(request.url.path, error)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        """FastAPI's own answers (a method not allowed, a path not found): on /v1/fhir an OperationOutcome."""
        if request.url.path == FHIR_PATH:
            body = fhir_input.outcome_of(error.status_code, str(error.detail))
            return JSONResponse(body, error.status_code, error.headers, media_type=FHIR_JSON)
        return await http_exception_handler(request, error)

    @app.exception_handler(Exception)
    async def unhandled(request: Request, error: Exception) -> Response:
        """An error of notecoder's own: 500 saying nothing of the request (the access log names its type and place;
        the exception goes on to it); on /v1/fhir an OperationOutcome."""
        if request.url.path == FHIR_PATH:
            said = "notecoder failed while answering the request (an internal error)"
            return JSONResponse(fhir_input.outcome_of(500, said), 500, media_type=FHIR_JSON)
        return PlainTextResponse("Internal Server Error", 500)

    async def code_many(jobs: list[Job | Problem]) -> list[bytes | Problem]:
        """Each job's JSON or its problem, in order, within one time budget: when it runs out, or the service is
        busy, the jobs left share that problem. Busy (503) when not even the first job could start."""
        results: list[bytes | Problem] = [job if isinstance(job, Problem) else b"" for job in jobs]
        deadline = asyncio.get_running_loop().time() + settings.request_seconds
        todo = [(n, job) for n, job in enumerate(jobs) if isinstance(job, Job)]
        request_chars = sum(job.chars for _, job in todo)
        for done, (n, job) in enumerate(todo):
            try:
                results[n] = await pool.run(job, deadline, request_chars)
            except Failed as error:  # this note's fault or the process's: the next notes go on
                results[n] = error
            except (OutOfTime, Busy) as error:
                if isinstance(error, Busy) and not done:
                    raise
                for m, _ in todo[done:]:
                    results[m] = error
                break
        return results

    async def code_one(job: Job) -> bytes:
        (result,) = await code_many([job])
        if isinstance(result, bytes):
            return result
        raise left("the note", result)

    def left(where: str, found: Problem) -> Problem:
        """The problem of a job not coded, saying which one."""
        if isinstance(found, OutOfTime):
            budget = f"{settings.request_seconds:g} s"
            return OutOfTime(f"{where} was not coded within the request's time budget of {budget}")
        if isinstance(found, Busy):
            return Busy(f"{where} was not coded: the service was busy; send it again shortly")
        if isinstance(found, Failed):
            return Failed(f"{where} was not coded: {found.message}")
        return found

    def content_job(content: cogstack.Content, at: tuple[str | int, ...],
                    filters: cogstack.MetaAnnsFilters | None) -> Job | Problem:  # fmt: skip
        """The job of one CogStack content at `at` in the body, or its problem naming the field."""
        field = _field(at)
        problem: Problem | None
        if holds_surrogate(content.footer):
            name, problem = "footer", Invalid(f"{field}.footer is not Unicode text: it holds a lone surrogate")
        else:
            name, problem = "text", note_problem(content.text, f"{field}.text", settings)
        if problem is None:
            return Job("cogstack", (content.text, content.footer, filters), len(content.text))
        problem.loc = ("body", *at, name)
        return problem

    @app.get("/healthz")
    async def healthz() -> dict:
        return {"status": "UP"}

    @app.get("/readyz")
    async def readyz() -> JSONResponse:
        return JSONResponse({"status": "UP" if pool.ready else "DOWN"}, status_code=200 if pool.ready else 503)

    @app.get("/api/info")
    async def info() -> cogstack.ServiceInfo:
        return _info()

    @app.post("/api/process", response_model=cogstack.ProcessResponse)
    async def process(payload: cogstack.ProcessInput) -> Response:
        if found := cogstack.filters_problem(payload.meta_anns_filters):
            raise found
        job = content_job(payload.content, ("content",), payload.meta_anns_filters)
        if isinstance(job, Problem):
            raise job
        result = await code_one(job)
        return _json(b'{"medcat_info":%s,"result":%s}' % (_info().model_dump_json().encode(), result))

    @app.post("/api/process_bulk", response_model=cogstack.BulkProcessResponse)
    async def process_bulk(payload: cogstack.BulkProcessInput) -> Response:
        """Every row gets its entry, in order: its result, or an error naming its position (a row that is not a
        note, a bad note, or the request's time budget spent before it was coded); one row's error loses no other
        row's result."""
        if found := cogstack.filters_problem(payload.meta_anns_filters):
            raise found
        rows = [_content(row, ("content", n)) for n, row in enumerate(payload.content)]
        check_request([row.text if isinstance(row, cogstack.Content) else "" for row in rows], settings)
        jobs = [row if isinstance(row, Problem) else content_job(row, ("content", n), payload.meta_anns_filters)
                for n, row in enumerate(rows)]  # fmt: skip
        results = await code_many(jobs)
        entries = [result if isinstance(result, bytes) else _error_entry(left(f"content[{n}]", result))
                   for n, result in enumerate(results)]  # fmt: skip
        return _json(b'{"medcat_info":%s,"result":[%s]}' % (_info().model_dump_json().encode(), b",".join(entries)))

    @app.post("/v1/extract", response_model=NoteResult)
    async def extract_note(request: ExtractRequest) -> Response:
        if found := note_problem(request.text, "text", settings):
            found.loc = ("body", "text")
            raise found
        job = Job("extract", (request.text, request.setting.value, request.min_confidence, request.claim),
                  len(request.text))  # fmt: skip
        return _json(await code_one(job))

    @app.post("/v1/fhir")
    async def fhir(resource: dict, bundle: Literal["collection", "transaction"] = "collection") -> Response:
        """A DocumentReference (text/plain attachment) in, its result Bundle out; a Bundle of DocumentReferences in,
        a collection Bundle out holding, for each in order, its result Bundle or an OperationOutcome. `?bundle=
        transaction`: each result Bundle a transaction, to POST to a FHIR server. Needs the [fhir] extra."""
        from notecoder.fhir_r4 import bundle_id

        found = fhir_input.notes(resource, settings)
        check_request([note[1] for _, note in found if not isinstance(note, Problem)], settings)
        jobs = [note if isinstance(note, Problem) else Job("fhir", (note[1], note[0], bundle), len(note[1]))
                for _, note in found]  # fmt: skip
        if resource.get("resourceType") == "DocumentReference":
            if isinstance(jobs[0], Problem):
                raise jobs[0]
            return _json(await code_one(jobs[0]), FHIR_JSON)
        results = await code_many(jobs)
        entries: list[tuple[str, bytes]] = []
        for (path, note), result in zip(found, results, strict=True):
            if isinstance(result, bytes) and not isinstance(note, Problem):
                entries.append((bundle_id(note[0], bundle), result))
                continue
            failed = fhir_input.outcome(left(path, result if isinstance(result, Problem) else Failed("no result")))
            entries.append((failed["id"], json.dumps(failed).encode()))
        own = str(uuid.uuid5(_RESPONSES, "|".join(name for name, _ in entries)))
        resources = b",".join(b'{"fullUrl":"urn:uuid:%s","resource":%s}' % (name.encode(), entry)
                              for name, entry in entries)  # fmt: skip
        head = b'{"resourceType":"Bundle","id":"%s","type":"collection"' % own.encode()
        return _json(b'%s,"entry":[%s]}' % (head, resources), FHIR_JSON)

    return AccessLog(
        Guard(
            app,
            settings.token,
            OPEN_PATHS,
            settings.body_bytes,
            settings.body_seconds,
            settings.pending_body_bytes,
            {FHIR_PATH: _fhir_refusal},
            own_tokens,
        ),  # fmt: skip
        frozenset(route.path for route in app.routes),  # type: ignore[attr-defined]
    )


def _field(at: Sequence[str | int]) -> str:
    """A location as a message writes it: `content[2].text`."""
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in at).lstrip(".")


def _content(row: object, at: tuple[str | int, ...]) -> cogstack.Content | Problem:
    """One row of a bulk request read as a note, or the problem naming where it is not one (never what it holds)."""
    try:
        return cogstack.Content.model_validate(row)
    except ValidationError as error:
        where = [(_field((*at, *d["loc"])), d["msg"]) for d in safe_errors([dict(e) for e in error.errors()], _FIELDS)]
        return Invalid("; ".join(f"{field}: {msg}" for field, msg in where), loc=("body", *at))


def _fhir_refusal(status: int, message: str) -> tuple[bytes, bytes]:
    """The guard's refusal of a /v1/fhir request (no token, a body too large or too slow) as an OperationOutcome."""
    return json.dumps(fhir_input.outcome_of(status, message)).encode(), FHIR_JSON.encode()


def _error_entry(problem: Problem) -> bytes:
    entry = cogstack.ProcessErrors(success=False, timestamp=cogstack.now(), errors=[problem.message])
    return entry.model_dump_json().encode()


def app_factory() -> App:
    """For uvicorn's `--factory`, each worker building its own app from what `serve` set in the environment."""
    return create_app(ServiceSettings.from_environment())
