"""Where a batch writes: checked before any note is coded, one writer at a time, readable by its owner only.

Results, journals and reports hold PHI (codes tied to note ids; with --include-text the notes themselves), so every
file a batch creates is mode 0600."""

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from notecoder.batch.sources import SourceError

PRIVATE = 0o600


class OutputError(SourceError):
    """Where the results go cannot be written (a missing or read-only folder, another batch writing there)."""


class WriteFailed(OutputError):
    """Writing stopped part-way (a full disk): the rows finished so far are in the journal, `--resume` carries on."""


def check_output(source: Path, output: Path) -> None:
    """Fail at once, not after every note is coded: a folder, the input itself, or a place that cannot be written."""
    if output.is_dir():
        raise OutputError(f"--output {output} is a folder: name the results file")
    if output.exists() and source.exists() and output.resolve() == source.resolve():
        raise OutputError(f"--output {output} is the input: the export would be overwritten")
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"the folder of --output ({folder}) does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"the folder of --output ({folder}) is not writable")


@contextmanager
def output_lock(output: Path) -> Iterator[None]:
    """Hold `OUT.lock` while the batch runs: a second batch with the same --output is refused, not interleaved."""
    lock = output.with_name(output.name + ".lock")
    handle = os.open(lock, os.O_RDWR | os.O_CREAT, PRIVATE)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(
                f"another batch is writing {output.name} (it holds {lock.name}): wait for it or choose another --output"
            ) from None
        yield
        lock.unlink(missing_ok=True)
    finally:
        os.close(handle)  # closing releases the lock


def private_open(path: Path, mode: str):
    """A text file opened for writing that only its owner can read."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if "a" in mode else os.O_TRUNC)
    return os.fdopen(os.open(path, flags, PRIVATE), mode, encoding="utf-8", newline="" if "w" in mode else None)
