"""Command line: thin wrappers that parse options, call the library and map errors to exit codes."""

import sys
from importlib.resources import files
from pathlib import Path
from typing import Annotated

import typer

from notecoder.extract import extract

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)

SAMPLE_NOTE = "sample_note.txt"


def _read_note(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise typer.BadParameter(f"no such file: {path}", param_hint="FILE") from None
    except UnicodeDecodeError as error:
        raise typer.BadParameter(
            f"{path} is not UTF-8 text (byte {error.start} cannot be decoded)", param_hint="FILE"
        ) from None


@app.callback()
def main() -> None:
    """notecoder: ICD-10-CM M53.x dorsopathy codes from clinical notes, with evidence and documentation gaps."""


@app.command("extract")
def extract_command(
    file: Annotated[str | None, typer.Argument(help="A note as a UTF-8 text file; '-' reads standard input.")] = None,
    sample: Annotated[bool, typer.Option("--sample", help="Read the sample note bundled with the package.")] = False,
    indent: Annotated[int, typer.Option(help="JSON indentation; 0 prints one line.")] = 2,
) -> None:
    """Print a note's findings (and, once mapped, codes, alternatives and gaps) as JSON."""
    if sample == (file is not None):
        raise typer.BadParameter("give either FILE or --sample", param_hint="FILE")
    text = files("notecoder").joinpath("data", SAMPLE_NOTE).read_text(encoding="utf-8") if sample else _read_note(file)
    typer.echo(extract(text).model_dump_json(indent=indent or None))
