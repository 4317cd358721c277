"""Command line: thin wrappers that parse options, call the library and map errors to exit codes.

The library is imported inside each command: `notecoder --help` and `--version` never load spaCy."""

import json
import os
import shutil
import sys
import tempfile
from enum import StrEnum
from importlib.resources import files
from pathlib import Path
from typing import Annotated

import typer

from notecoder.batch.budget import DEFAULT_SECONDS
from notecoder.batch.paths import OutputError, WriteFailed
from notecoder.batch.sources import SourceError
from notecoder.exits import ExitCode, fail
from notecoder.extras import install_extra
from notecoder.result import Setting
from notecoder.service.confidence import confidence_floor
from notecoder.service.settings import ServiceSettings
from notecoder.worklist import commands as worklist_commands

HELP = """Propose ICD-10-CM M53 (other and unspecified dorsopathy) codes for clinical notes, each with the evidence in
the note, the more specific codes the note supports instead, and the documentation a physician could add.

\b
  notecoder extract note.txt          one note, read on the terminal (JSON when piped or with --format json)
  notecoder batch notes.csv -o out.jsonl    every note of an export; failed rows are recorded, the batch goes on
  notecoder report out.jsonl -o review.html    a page to review a batch
  notecoder convert out.jsonl -o out.parquet    the flat view of a finished batch

\b
Exit codes: 0 done; 1 rows failed (batch --fail-on-error); 2 bad option or argument; 3 input missing or unreadable;
4 output cannot be written (a full disk too); 5 note too long; 130 interrupted."""

app = typer.Typer(no_args_is_help=True, add_completion=False, help=HELP, rich_markup_mode=None)

SAMPLE_NOTE = "clinic.txt"
SettingOption = Annotated[
    Setting,
    typer.Option(
        help="The encounter's setting: inpatient (a discharge summary) codes an uncertain discharge diagnosis "
        "as established; outpatient codes its symptoms."
    ),
]
MinConfidence = Annotated[
    float | None,
    typer.Option(parser=confidence_floor, help="Keep only codes and alternatives at or above this confidence (0-1)."),
]
ProcedureMapOption = Annotated[
    str | None,
    typer.Option(
        "--procedure-map",
        help="Your map from procedure codes to notecoder's families and steps: a CSV (code,family,step) or JSON "
        '({code: "family.step"}); notecoder ships no code table. Needed with procedure codes.',
    ),
]
SERVE = ServiceSettings.model_fields  # `serve`'s defaults: the service's own


class ExtractFormat(StrEnum):
    text = "text"
    json = "json"
    fhir = "fhir"
    fhir_transaction = "fhir-transaction"
    checklist = "checklist"


class InputFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"
    parquet = "parquet"
    folder = "folder"
    fhir_ndjson = "fhir-ndjson"


class OutputFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"
    fhir_ndjson = "fhir-ndjson"
    fhir_transaction_ndjson = "fhir-transaction-ndjson"


def _read_note(path: str) -> str:
    where = "standard input" if path == "-" else path
    try:
        if path == "-":
            return sys.stdin.buffer.read().decode("utf-8")
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise fail(ExitCode.INPUT, f"no such file: {path}") from None
    except IsADirectoryError:
        raise fail(ExitCode.INPUT, f"{path} is a folder: `notecoder batch` reads a folder of notes") from None
    except PermissionError:
        raise fail(ExitCode.INPUT, f"{path} cannot be read (permission denied)") from None
    except UnicodeDecodeError as error:
        raise fail(ExitCode.INPUT, f"{where} is not UTF-8 text (byte {error.start} cannot be decoded)") from None


def _print_version(value: bool) -> None:
    if value:
        from notecoder import __version__

        typer.echo(f"notecoder {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    pass


@app.command("extract")
def extract_command(
    file: Annotated[str | None, typer.Argument(help="A note as a UTF-8 text file; '-' reads standard input.")] = None,
    sample: Annotated[bool, typer.Option("--sample", help="Read the sample note bundled with the package.")] = False,
    output_format: Annotated[
        ExtractFormat | None,
        typer.Option(
            "--format",
            help="text (read on a terminal), json, fhir (an R4 collection Bundle), fhir-transaction (an R4 "
            "transaction Bundle to POST to a FHIR server) or checklist (a printable page: what the note records of "
            "each procedure's policy items); default: text on a terminal, else json.",
        ),
    ] = None,
    fhir_input: Annotated[
        bool, typer.Option("--fhir-input", help="FILE is a FHIR DocumentReference (or a Bundle of them), not text.")
    ] = False,
    output: Annotated[
        str, typer.Option("--output", "-o", help="Write the result to this file instead of standard output ('-').")
    ] = "-",
    indent: Annotated[int, typer.Option(help="JSON indentation; 0 prints one line.")] = 2,
    setting: SettingOption = Setting.OUTPATIENT,
    min_confidence: MinConfidence = None,
    procedure_codes: Annotated[
        list[str] | None,
        typer.Option(
            "--procedure-code",
            help="A procedure code billed or requested with the note (repeat it), read through --procedure-map.",
        ),
    ] = None,
    procedure_map: ProcedureMapOption = None,
    jurisdiction: Annotated[
        str | None, typer.Option("--jurisdiction", help="The Medicare A/B MAC jurisdiction (J15, JE, JJ...).")
    ] = None,
    date_of_service: Annotated[
        str | None, typer.Option("--date-of-service", help='YYYY-MM-DD: what "since 2021" is counted to.')
    ] = None,
) -> None:
    """Code one note: its codes with their evidence, the more specific alternatives, and the gaps to query."""
    if sample == (file is not None):
        raise typer.BadParameter("give either FILE or --sample", param_hint="FILE")
    claim = _claim(procedure_codes or [], procedure_map, jurisdiction, date_of_service)
    if file is None:
        text = files("notecoder").joinpath("data", "samples", SAMPLE_NOTE).read_text(encoding="utf-8")
    else:
        text = _read_note(file)
    from notecoder.extraction import check_length, extract

    source = None
    if fhir_input:
        text, source = _fhir_note(text)
    try:
        check_length(text)
    except ValueError as error:
        raise fail(ExitCode.NOTE, f"the {error}") from None
    result = extract(text, setting, claim)
    if min_confidence is not None:
        result = result.above(min_confidence)
    if output_format in (ExtractFormat.fhir, ExtractFormat.fhir_transaction):
        kind = "transaction" if output_format == ExtractFormat.fhir_transaction else "collection"
        _write(output, _fhir_bundle(result, source, kind).model_dump_json(indent=indent or None, exclude_none=True))
        return
    if output_format == ExtractFormat.checklist:
        from notecoder.review.checklist import checklist_html

        _write(output, checklist_html(result))
        return
    to_terminal = output == "-" and sys.stdout.isatty()
    fmt = output_format or (ExtractFormat.text if to_terminal else ExtractFormat.json)
    if fmt == ExtractFormat.text:
        from rich.console import Console

        from notecoder.review.terminal import print_result

        if output == "-":
            print_result(result, text, Console(highlight=False))
            return
        with _output_file(output) as handle:
            print_result(result, text, Console(file=handle, highlight=False, width=120, color_system=None))
        return
    _write(output, result.model_dump_json(indent=indent or None))


def _code_map(path: str | None, codes_given: bool, codes_option: str):
    """The user's procedure code map (`--procedure-map`), needed when codes are given; a bad one is a usage error."""
    from notecoder.procedures.claim import CodeMap

    if codes_given and path is None:
        raise typer.BadParameter("procedure codes are read through your code map: give --procedure-map",
                                 param_hint=codes_option)  # fmt: skip
    try:
        return CodeMap.read(path) if path else CodeMap({})
    except (OSError, ValueError) as error:
        raise typer.BadParameter(str(error), param_hint="--procedure-map") from None


def _claim(codes: list[str], code_map: str | None, jurisdiction: str | None, date_of_service: str | None):
    """What came with the note, checked before the note is read: a bad map, jurisdiction or date is a usage error
    naming the option."""
    if not (codes or code_map or jurisdiction or date_of_service):
        return None
    from pydantic import ValidationError

    mapped = _code_map(code_map, bool(codes), "--procedure-code")
    try:
        return mapped.claim(codes, jurisdiction, date_of_service)
    except ValidationError as error:
        problem = error.errors()[0]
        hint = "--jurisdiction" if problem["loc"][0] == "jurisdiction" else "--date-of-service"
        raise typer.BadParameter(problem["msg"].removeprefix("Value error, "), param_hint=hint) from None


def _claim_columns(code_map: str | None, codes: str | None, dos: str | None, where: str | None, default: str | None):
    """A batch's claim columns, checked before any row is read."""
    if not (code_map or codes or dos or where or default):
        return None
    from notecoder.batch.claims import ClaimColumns
    from notecoder.procedures.claim import jurisdiction_id

    mapped = _code_map(code_map, bool(codes), "--codes-col")
    try:
        default = jurisdiction_id(default) if default else None
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--jurisdiction") from None
    return ClaimColumns(mapped, codes, dos, where, default)


def _write(output: str, rendered: str) -> None:
    if output == "-":
        typer.echo(rendered)
        return
    with _output_file(output) as handle:
        handle.write(rendered + "\n")


def _missing_extra(extra: str, purpose: str):
    return fail(ExitCode.USAGE, f"{purpose} needs the [{extra}] extra: {install_extra(extra)}")


def _fhir_note(raw: str):
    """The one note of a FHIR DocumentReference (a Bundle must hold exactly one for `extract`)."""
    try:
        from notecoder.fhir_r4 import FhirInputError, document_notes
    except ImportError:
        raise _missing_extra("fhir", "FHIR") from None
    try:
        notes = list(document_notes(json.loads(raw)))
    except json.JSONDecodeError:
        raise fail(ExitCode.INPUT, "the input is not JSON: --fhir-input reads a DocumentReference") from None
    except FhirInputError as error:
        raise fail(ExitCode.INPUT, str(error)) from None
    if len(notes) != 1:
        raise fail(ExitCode.INPUT, f"the Bundle holds {len(notes)} DocumentReferences: use `notecoder batch`")
    source, text = notes[0]
    return text, source


def _fhir_bundle(result, source, bundle_type: str):
    try:
        return result.to_fhir(source=source, bundle_type=bundle_type)
    except ImportError:
        raise _missing_extra("fhir", "FHIR") from None


def _output_format(output: Path) -> OutputFormat:
    """The format an output's name asks for; a name that says none is a usage error listing the choices."""
    from notecoder.batch.outputs import detect_output_format

    try:
        return OutputFormat(detect_output_format(output))
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--output") from None


def _check_input_name(source: Path) -> None:
    """An input whose name says no format is a usage error listing the choices (a missing one is exit 3)."""
    from notecoder.batch.sources import detect_format

    if source.exists():
        try:
            detect_format(source)
        except SourceError as error:
            raise typer.BadParameter(str(error), param_hint="SOURCE") from None


def _resume_hint(target: Path, output: str) -> str:
    from notecoder.batch.journal import journal_path

    kept = f"the notes coded so far are kept in {journal_path(target).name}"
    return f"{kept}; {'run the same command with --resume to carry on' if output != '-' else 'run it again'}"


def _output_file(output: str):
    target = Path(output)
    if not (target.parent if str(target.parent) else Path(".")).is_dir():
        raise fail(ExitCode.OUTPUT, f"the folder of --output ({target.parent}) does not exist")
    try:
        return target.open("w", encoding="utf-8")
    except OSError as error:
        raise fail(ExitCode.OUTPUT, f"{output} cannot be written ({error.strerror})") from None


@app.command("batch")
def batch_command(
    source: Annotated[
        str, typer.Argument(help="A CSV, JSONL or Parquet export, a folder of .txt notes, or '-' for standard input.")
    ],
    output: Annotated[
        str, typer.Option("--output", "-o", help="Where results go: .jsonl, .csv or .parquet; '-' for standard output.")
    ],
    text_col: Annotated[
        str | None, typer.Option(help="Column holding the note (default: text, note, transcription...).")
    ] = None,
    id_col: Annotated[
        str | None, typer.Option(help="Column holding the note id (default: id, note_id...; else the row number).")
    ] = None,
    input_format: Annotated[
        InputFormat | None, typer.Option(help="Default: from the name; jsonl for standard input.")
    ] = None,
    output_format: Annotated[
        OutputFormat | None, typer.Option("--format", help="Default: from --output; jsonl for standard output.")
    ] = None,
    encoding: Annotated[
        str, typer.Option(help="Text encoding of the input; rows that do not decode are recorded as errors.")
    ] = "utf-8",
    processes: Annotated[int, typer.Option(min=1, help="Worker processes on this machine.")] = 1,
    resume: Annotated[bool, typer.Option(help="Carry on from an interrupted run of the same command.")] = False,
    include_text: Annotated[
        bool, typer.Option(help="Keep each note's text in the JSONL (for `notecoder report`).")
    ] = False,
    min_confidence: MinConfidence = None,
    setting: SettingOption = Setting.OUTPATIENT,
    note_timeout: Annotated[
        float, typer.Option(min=0.0, help="Seconds one note may take; longer is an error record (0: no limit).")
    ] = DEFAULT_SECONDS,
    quiet: Annotated[bool, typer.Option(help="No progress bar; the summary in one line.")] = False,
    summary_json: Annotated[
        Path | None, typer.Option(help="Also write the summary as JSON to this file (for pipelines).")
    ] = None,
    fail_on_error: Annotated[bool, typer.Option(help="Exit with 1 when any row failed.")] = False,
    procedure_map: ProcedureMapOption = None,
    codes_col: Annotated[
        str | None, typer.Option(help="Column holding each row's procedure codes (a list, or separated by ; , |).")
    ] = None,
    dos_col: Annotated[str | None, typer.Option(help="Column holding each row's date of service (YYYY-MM-DD).")] = None,
    jurisdiction_col: Annotated[str | None, typer.Option(help="Column holding each row's MAC jurisdiction.")] = None,
    jurisdiction: Annotated[
        str | None, typer.Option(help="The MAC jurisdiction of rows without their own (J15, JE, JJ...).")
    ] = None,
) -> None:
    """Code every note of an export; failed rows are recorded, not lost, and the batch goes on."""
    from notecoder.batch import run_batch, terminal_progress

    claims = _claim_columns(procedure_map, codes_col, dos_col, jurisdiction_col, jurisdiction)

    if (source == "-" or output == "-") and resume:
        raise typer.BadParameter("--resume needs a file for both the input and --output", param_hint="--resume")
    with tempfile.TemporaryDirectory(prefix="notecoder-") as scratch:  # mode 0700: standard input and output
        if source == "-":
            fmt_in = input_format or InputFormat.jsonl
            if fmt_in == InputFormat.folder:
                raise typer.BadParameter("standard input is one file, not a folder", param_hint="--input-format")
            path = Path(scratch) / f"stdin.{fmt_in.value}"
            with path.open("wb") as handle:
                shutil.copyfileobj(sys.stdin.buffer, handle)
            input_format = fmt_in
        else:
            path = Path(source)
            if input_format is None:
                _check_input_name(path)
        fmt_out = output_format or (OutputFormat.jsonl if output == "-" else _output_format(Path(output)))
        target = Path(scratch) / f"results.{fmt_out.value}" if output == "-" else Path(output)
        try:
            summary = run_batch(
                path,
                target,
                input_format=input_format.value if input_format else None,
                output_format=fmt_out.value,
                text_col=text_col,
                id_col=id_col,
                encoding=encoding,
                processes=processes,
                resume=resume,
                include_text=include_text,
                min_confidence=min_confidence,
                setting=setting.value,
                note_timeout=note_timeout or None,
                progress=terminal_progress(quiet),
                claims=claims,
            )
        except WriteFailed as error:
            raise fail(ExitCode.OUTPUT, f"{error}; {_resume_hint(target, output)}") from None
        except OutputError as error:
            raise fail(ExitCode.OUTPUT, str(error)) from None
        except SourceError as error:
            raise fail(ExitCode.INPUT, str(error)) from None
        except KeyboardInterrupt:
            raise fail(ExitCode.INTERRUPTED, f"interrupted: {_resume_hint(target, output)}") from None
        if output == "-":
            with target.open("rb") as handle:
                shutil.copyfileobj(handle, sys.stdout.buffer)
            sys.stdout.flush()
    shown = "standard output" if output == "-" else output
    if not summary.notes:  # an export cut short upstream looks just like this: say so, even with --quiet
        where = "standard input" if source == "-" else source
        typer.echo(f"notecoder: warning: {where} holds no rows (empty, or a header only): nothing was coded", err=True)
    for line in [summary.line(shown)] if quiet else summary.lines():
        typer.echo(line, err=True)
    if summary_json is not None:
        summary_json.write_text(json.dumps(summary.as_dict(), indent=2) + "\n", encoding="utf-8")
    if fail_on_error and summary.errors:
        raise typer.Exit(int(ExitCode.ROWS_FAILED))


@app.command("convert")
def convert_command(
    results: Annotated[Path, typer.Argument(help="A results file written by `notecoder batch` (JSONL).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The view to write: .csv, .parquet or .jsonl.")],
    output_format: Annotated[OutputFormat | None, typer.Option("--format", help="Default: from --output.")] = None,
) -> None:
    """The flat view of a finished batch (a row per code, alternative and gap), without coding the notes again."""
    from notecoder.batch.outputs import convert

    if not results.is_file():
        raise fail(ExitCode.INPUT, f"no such results file: {results}")
    try:
        count = convert(results, output, (output_format or _output_format(output)).value)
    except OutputError as error:
        raise fail(ExitCode.OUTPUT, str(error)) from None
    except SourceError as error:
        raise fail(ExitCode.INPUT, str(error)) from None
    typer.echo(f"{count} records -> {output}", err=True)


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on (0.0.0.0 for every interface).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Server processes, each with its own --processes.")] = 1,
    processes: Annotated[
        int, typer.Option(help="Extraction processes per worker: the requests coded at once.")
    ] = SERVE["processes"].default,
    large_processes: Annotated[
        int, typer.Option(help="Extraction processes per worker for large requests, at a lower CPU priority.")
    ] = SERVE["large_processes"].default,
    queue: Annotated[
        int, typer.Option(help="Notes that may wait for a process (shortest first); past it 503 at once.")
    ] = SERVE["queue"].default,
    request_seconds: Annotated[
        float,
        typer.Option(
            help="Time budget of a request, its wait included; past it 504, and the process coding it is replaced."
        ),  # fmt: skip
    ] = SERVE["request_seconds"].default,
    body_seconds: Annotated[
        float, typer.Option(help="Time a client has to send its request body; past it 408.")
    ] = SERVE["body_seconds"].default,
    max_note_chars: Annotated[
        int, typer.Option(help="Longest note (at most what notecoder reads); longer is 413.")
    ] = SERVE["max_note_chars"].default,
    max_notes: Annotated[int, typer.Option(help="Most notes in one request; more is 413.")] = SERVE[
        "max_notes"
    ].default,
    max_request_chars: Annotated[
        int | None,
        typer.Option(help="Characters of all the notes of one request; more is 413 (default: --max-note-chars)."),
    ] = None,
    max_body_bytes: Annotated[
        int | None,
        typer.Option(
            help="Largest request body; larger is 413. Default: 12 bytes a character of --max-request-chars, and 1 MB."
        ),  # fmt: skip
    ] = None,
    worklist: Annotated[
        str | None,
        typer.Option(
            help="Serve the team worklist at /worklist/ from this database URL (sqlite:///file.db or "
            "postgresql+psycopg://...; `notecoder worklist upgrade` creates it). Needs the [worklist] extra."
        ),  # fmt: skip
    ] = None,
    insecure_no_token: Annotated[
        bool,
        typer.Option(
            "--insecure-no-token",
            help="Serve beyond this machine without NOTECODER_TOKEN: anyone who can connect may send notes.",
        ),  # fmt: skip
    ] = False,
) -> None:
    """Serve notecoder over HTTP: CogStack's NLP REST API (/api/info, /api/process, /api/process_bulk), /v1/extract,
    /v1/fhir, /healthz and /readyz. Set NOTECODER_TOKEN to require it as a bearer token (needed to listen beyond
    this machine). Needs the [server] extra."""
    try:
        import uvicorn
    except ImportError:
        raise _missing_extra("server", "serving") from None
    from notecoder.service.access_log import log_config
    from notecoder.service.settings import TOKEN_VARIABLE, check_exposure

    try:
        settings = ServiceSettings.checked(
            token=os.environ.get(TOKEN_VARIABLE), processes=processes, large_processes=large_processes, queue=queue,
            request_seconds=request_seconds,
            body_seconds=body_seconds, max_note_chars=max_note_chars, max_notes=max_notes,
            max_request_chars=max_request_chars, max_body_bytes=max_body_bytes, worklist_url=worklist,
        )  # fmt: skip
        check_exposure(host, settings.token, insecure_no_token)
    except ValueError as error:
        raise fail(ExitCode.USAGE, str(error)) from None
    if worklist is not None:
        with worklist_commands.opened(worklist):  # a database this notecoder can serve, or say why not
            pass
    os.environ.update(settings.environment())  # read by each worker's app_factory
    # the service writes its own access log: uvicorn's would write query strings
    uvicorn.run("notecoder.service.api:app_factory", factory=True, host=host, port=port, workers=workers,
                log_config=log_config(), access_log=False, server_header=False)  # fmt: skip


@app.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of a result (what `extract --format json` and each batch record's "result" hold)."""
    typer.echo(files("notecoder").joinpath("result.schema.json").read_text(encoding="utf-8"), nl=False)


@app.command("report")
def report_command(
    results: Annotated[Path, typer.Argument(help="A JSONL file written by `notecoder batch`.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The HTML file to write.")],
    notes: Annotated[Path | None, typer.Option(help="The export the results came from, for the note text.")] = None,
    text_col: Annotated[str | None, typer.Option(help="Text column of --notes.")] = None,
    id_col: Annotated[str | None, typer.Option(help="Id column of --notes.")] = None,
    title: Annotated[str, typer.Option(help="The report's title.")] = "notecoder review",
    min_confidence: MinConfidence = None,
) -> None:
    """One self-contained HTML page to review a batch: filters by code and gap, each note highlighted. A note's
    text is shown only when it is the text its result was coded from; the ids of the others are listed."""
    from notecoder.review.report import write_report

    if not results.is_file():
        raise fail(ExitCode.INPUT, f"no such results file: {results}")
    try:
        summary = write_report(
            results, output, notes=notes, text_col=text_col, id_col=id_col, title=title, min_confidence=min_confidence
        )
    except OutputError as error:
        raise fail(ExitCode.OUTPUT, str(error)) from None
    except (SourceError, OSError) as error:  # writing errors are OutputErrors: these are the inputs
        raise fail(ExitCode.INPUT, str(error)) from None
    typer.echo(f"{summary.notes} notes -> {output}", err=True)
    for ids, why in (
        (summary.differs, "their text in --notes is not the text they were coded from"),
        (summary.unverified, "the results hold no hash of their text to check --notes against (batch them again)"),
    ):
        if ids:
            shown = ", ".join(ids[:20]) + (" ..." if len(ids) > 20 else "")
            typer.echo(f"notecoder: warning: {len(ids)} notes shown without their text, {why}: {shown}", err=True)


@app.command("evaluate")
def evaluate_command(
    corpus: Annotated[Path, typer.Argument(help="An annotated corpus: a .jsonl file or a folder of them (corpora/).")],
    split: Annotated[str | None, typer.Option(help="train, dev or test (default: every note).")] = None,
    json_output: Annotated[Path | None, typer.Option("--json", help="Also write the report as JSON here.")] = None,
) -> None:
    """Span, assertion, code, alternative and gap figures against a gold corpus, and the notes that differ."""
    from notecoder.evaluation import evaluate, format_report, read_corpus

    try:
        notes = read_corpus(corpus, split)
    except (OSError, ValueError) as error:
        raise typer.BadParameter(str(error)) from None
    if not notes:
        raise typer.BadParameter(f"no notes in {corpus} for split {split!r}")
    report = evaluate(notes).report()
    typer.echo(format_report(report))
    if json_output is not None:
        json_output.write_text(json.dumps(report, indent=2), encoding="utf-8")


@app.command("corpus")
def corpus_command(
    notes: Annotated[Path, typer.Argument(help="A folder of annotated notes in the markup form (corpora/notes/).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for train/dev/test.jsonl.")],
    mtsamples: Annotated[
        Path | None, typer.Option(help="spine_notes_dedup.jsonl, for notes whose text is an MTSamples note.")
    ] = None,
    outside: Annotated[
        Path | None, typer.Option(help="A folder of JSONL notes by other hands (shared/data/written), for 'outside:'.")
    ] = None,
) -> None:
    """Build the gold corpus (JSONL per split, read by `notecoder evaluate`) from the annotated markup files."""
    from notecoder.evaluation.markup import read_markup, source_texts, write_corpus

    try:
        texts = source_texts(mtsamples, outside) if mtsamples or outside else None
        counts = write_corpus(read_markup(notes, texts), output)
    except (OSError, ValueError) as error:
        raise typer.BadParameter(str(error)) from None
    typer.echo(", ".join(f"{split} {count}" for split, count in counts.items()) + f" -> {output}", err=True)


@app.command("train")
def train_command(
    corpus: Annotated[Path, typer.Argument(help="The annotated corpus (corpora/gold).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The model's folder (models/<name>/).")],
    split: Annotated[str, typer.Option(help="The split the model is fitted on.")] = "train",
    dev: Annotated[str, typer.Option(help="The split the review threshold is chosen on.")] = "dev",
    test: Annotated[str, typer.Option(help="The split reported, never tuned on.")] = "test",
    seed: Annotated[int, typer.Option(help="Seed of the cross-validation folds.")] = 0,
    feedback: Annotated[
        Path | None,
        typer.Option(help="Coders' decisions exported from the review report (CSV or JSON): more labelled proposals."),
    ] = None,
    feedback_db: Annotated[
        str | None,
        typer.Option(help="The team worklist's database URL: its coders' decisions, and the note text it keeps."),
    ] = None,
    results: Annotated[
        Path | None,
        typer.Option(help="The batch results (with --include-text) the decisions are about; default: the corpus."),
    ] = None,
) -> None:
    """Train the proposal-confidence model; writes model.json, its checksum, MODEL_CARD.md and calibration.png.

    With --feedback or --feedback-db, the coders' decisions train it too (one note in three held out, reported
    before and after)."""
    from notecoder.evaluation import read_corpus

    try:
        from notecoder.scoring.train import train
    except ImportError as error:
        raise typer.BadParameter(
            f"training needs the [train] extra ({error.name} is not installed): {install_extra('train')}"
        ) from None

    from notecoder.scoring.feedback import (
        FeedbackError,
        decisions_of,
        labelled_proposals,
        notes_from_results,
        read_decisions,
    )

    try:
        notes = read_corpus(corpus)
        labelled: list = []
        decided, kept = [], {}
        if feedback is not None:
            if not feedback.is_file():
                raise fail(ExitCode.INPUT, f"no such decisions file: {feedback}")
            decided += read_decisions(feedback)
        if feedback_db is not None:
            from notecoder.worklist.export import decision_records, kept_texts

            with worklist_commands.opened(feedback_db) as session:
                decided += decisions_of(decision_records(session), "the worklist")
                kept = kept_texts(session)
        if decided:
            texts = notes_from_results(results) if results else {n.id: (n.text, n.setting.value) for n in notes}
            labelled = list(labelled_proposals(decided, {**kept, **texts}))
        figures = train(notes, output, split, dev, test, seed, labelled)
    except (FeedbackError, SourceError) as error:
        raise fail(ExitCode.INPUT, str(error)) from None
    except (OSError, ValueError) as error:
        raise typer.BadParameter(str(error)) from None
    typer.echo(json.dumps(figures, indent=2))


@app.command("train-stance")
def train_stance_command(
    snippets: Annotated[Path, typer.Argument(help="Labelled snippets: a snippets.jsonl, or a folder of them.")],
    corpus: Annotated[Path, typer.Argument(help="The annotated corpus (corpora/gold): its condition spans too.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The model's folder (models/stance/).")],
    split: Annotated[str, typer.Option(help="The corpus split fitted on.")] = "train",
    dev: Annotated[str, typer.Option(help="The corpus split reported, never fitted on.")] = "dev",
) -> None:
    """Train the stance model (the diagnosis mentions no cue reaches); writes model.json, its checksum, its model
    card and figures.json. Each folder of snippets is one writer's, held out together when the threshold is chosen."""
    from notecoder.evaluation import read_corpus

    try:
        from notecoder.stance.train import train
    except ImportError as error:
        raise typer.BadParameter(
            f"training needs the [train] extra ({error.name} is not installed): {install_extra('train')}"
        ) from None
    files_ = sorted(snippets.glob("*/snippets.jsonl")) + sorted(snippets.glob("snippets.jsonl"))
    if snippets.is_file():
        files_ = [snippets]
    if not files_:
        raise fail(ExitCode.INPUT, f"no snippets.jsonl at {snippets}")
    try:
        figures = train(files_, read_corpus(corpus, split), read_corpus(corpus, dev), output)
    except (OSError, ValueError) as error:
        raise typer.BadParameter(str(error)) from None
    typer.echo(json.dumps(figures, indent=2))


app.add_typer(worklist_commands.worklist, name="worklist")
app.add_typer(worklist_commands.users, name="users")
