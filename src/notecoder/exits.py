"""How a command ends: the exit codes a script can test, and the one way a command says what went wrong."""

from enum import IntEnum

import typer


class ExitCode(IntEnum):
    """What a script can test after a command (also listed in `notecoder --help`)."""

    OK = 0
    ROWS_FAILED = 1  # `batch --fail-on-error` when any row is an error record
    USAGE = 2  # a bad option or a missing argument (the message lists the choices)
    INPUT = 3  # the input is missing, unreadable, not UTF-8, or not what the command reads
    OUTPUT = 4  # the output cannot be written (a missing or read-only folder, another batch writing there, a full disk)
    NOTE = 5  # the note cannot be coded as given (longer than notecoder reads)
    INTERRUPTED = 130  # Ctrl-C; a batch says how to resume


def fail(code: ExitCode, message: str) -> typer.Exit:
    """Say what went wrong (never with note text) and end with `code`; raise what this returns."""
    typer.echo(f"notecoder: {message}", err=True)
    return typer.Exit(int(code))
