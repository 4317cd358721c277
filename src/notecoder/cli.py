"""Command line: thin wrappers that parse options, call the library and map errors to exit codes.

The library is imported inside each command: `notecoder --help` and `--version` never load spaCy."""

import json
import sys
from importlib.resources import files
from pathlib import Path
from typing import Annotated

import typer

from notecoder.batch.budget import DEFAULT_SECONDS
from notecoder.batch.sources import SourceError
from notecoder.result import Setting

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)

SAMPLE_NOTE = "clinic.txt"
SettingOption = Annotated[
    Setting,
    typer.Option(
        help="The encounter's setting: inpatient (a discharge summary) codes an uncertain discharge diagnosis "
        "as established; outpatient codes its symptoms."
    ),
]
MinConfidence = Annotated[
    float | None, typer.Option(min=0.0, max=1.0, help="Keep only codes and alternatives at or above this confidence.")
]


def _read_note(path: str) -> str:
    try:
        if path == "-":
            return sys.stdin.buffer.read().decode("utf-8")
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise typer.BadParameter(f"no such file: {path}", param_hint="FILE") from None
    except UnicodeDecodeError as error:
        where = "standard input" if path == "-" else path
        raise typer.BadParameter(
            f"{where} is not UTF-8 text (byte {error.start} cannot be decoded)", param_hint="FILE"
        ) from None


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
    """notecoder: ICD-10-CM M53.x dorsopathy codes from clinical notes, with evidence and documentation gaps."""


@app.command("extract")
def extract_command(
    file: Annotated[str | None, typer.Argument(help="A note as a UTF-8 text file; '-' reads standard input.")] = None,
    sample: Annotated[bool, typer.Option("--sample", help="Read the sample note bundled with the package.")] = False,
    indent: Annotated[int, typer.Option(help="JSON indentation; 0 prints one line.")] = 2,
    setting: SettingOption = Setting.OUTPATIENT,
) -> None:
    """Print a note's findings (and, once mapped, codes, alternatives and gaps) as JSON."""
    from notecoder.extraction import extract

    if file is None:
        if not sample:
            raise typer.BadParameter("give either FILE or --sample", param_hint="FILE")
        text = files("notecoder").joinpath("data", "samples", SAMPLE_NOTE).read_text(encoding="utf-8")
    elif sample:
        raise typer.BadParameter("give either FILE or --sample", param_hint="FILE")
    else:
        text = _read_note(file)
    typer.echo(extract(text, setting).model_dump_json(indent=indent or None))


@app.command("batch")
def batch_command(
    source: Annotated[Path, typer.Argument(help="A CSV, JSONL or Parquet export, or a folder of .txt notes.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where results go: .jsonl, .csv or .parquet.")],
    text_col: Annotated[
        str | None, typer.Option(help="Column holding the note (default: text, note, transcription...).")
    ] = None,
    id_col: Annotated[
        str | None, typer.Option(help="Column holding the note id (default: id, note_id...; else the row number).")
    ] = None,
    input_format: Annotated[
        str | None, typer.Option(help="csv, jsonl, parquet or folder (default: from the name).")
    ] = None,
    output_format: Annotated[
        str | None, typer.Option("--format", help="jsonl, csv or parquet (default: from --output).")
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
    quiet: Annotated[bool, typer.Option(help="No progress bar and no summary.")] = False,
    fail_on_error: Annotated[bool, typer.Option(help="Exit with 1 when any row failed.")] = False,
) -> None:
    """Code every note of an export; failed rows are recorded, not lost, and the batch goes on."""
    from notecoder.batch import run_batch, terminal_progress

    try:
        summary = run_batch(
            source,
            output,
            input_format=input_format,
            output_format=output_format,
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
        )
    except (SourceError, ValueError, LookupError) as error:
        raise typer.BadParameter(str(error)) from None
    if not quiet:
        for line in summary.lines():
            typer.echo(line, err=True)
    if fail_on_error and summary.errors:
        raise typer.Exit(1)


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
    """One self-contained HTML page to review a batch: filters by code and gap, each note highlighted."""
    from notecoder.review.report import write_report

    try:
        summary = write_report(
            results, output, notes=notes, text_col=text_col, id_col=id_col, title=title, min_confidence=min_confidence
        )
    except (SourceError, ValueError, OSError) as error:
        raise typer.BadParameter(str(error)) from None
    typer.echo(f"{summary.notes} notes -> {output}", err=True)
    if summary.stale:
        shown = ", ".join(summary.stale[:20]) + (" ..." if len(summary.stale) > 20 else "")
        typer.echo(f"{len(summary.stale)} notes differ from the text they were coded from (not highlighted): {shown}",
                   err=True)  # fmt: skip


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
) -> None:
    """Train the proposal-confidence model; writes model.json, its checksum, MODEL_CARD.md and calibration.png."""
    from notecoder.evaluation import read_corpus

    try:
        from notecoder.scoring.train import train
    except ImportError as error:
        raise typer.BadParameter(
            f"training needs the [train] extra ({error.name} is not installed): pip install 'notecoder[train]'"
        ) from None

    try:
        notes = read_corpus(corpus)
        figures = train(notes, output, split, dev, test, seed)
    except (OSError, ValueError) as error:
        raise typer.BadParameter(str(error)) from None
    typer.echo(json.dumps(figures, indent=2))
