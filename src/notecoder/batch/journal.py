"""The journal: one JSON line per finished row, appended and flushed as rows finish.

It lives beside the output (`OUT.journal.jsonl`) until the batch is complete; only then is the output written,
to a temporary file renamed into place. A kill at any moment leaves either no output or a complete one, and a
journal from which `--resume` carries on: a half-written last line is cut off, finished ids are skipped."""

import json
import os
from collections.abc import Iterator
from pathlib import Path

from notecoder.batch.paths import private_open


def journal_path(output: Path) -> Path:
    return output.with_name(output.name + ".journal.jsonl")


class Journal:
    def __init__(self, path: Path, resume: bool) -> None:
        self.path = path
        self.done: set[str] = set()
        if resume and path.exists():
            self._recover()
        elif path.exists():
            path.unlink()
        self._handle = private_open(path, "a")

    def _recover(self) -> None:
        """Keep the complete lines of an interrupted run; drop a last line the kill cut short."""
        with self.path.open("rb") as handle:
            data = handle.read()
        complete = data[: data.rfind(b"\n") + 1]
        if len(complete) != len(data):
            with self.path.open("r+b") as handle:
                handle.truncate(len(complete))
        for line in complete.splitlines():
            self.done.add(json.loads(line)["id"])

    def write(self, note_id: str, line: str) -> None:
        self._handle.write(line + "\n")
        self._handle.flush()  # in the kernel's hands: a killed process loses nothing it wrote
        self.done.add(note_id)

    def close(self) -> None:
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()

    def records(self) -> Iterator[dict]:
        with self.path.open(encoding="utf-8") as handle:
            for line in handle:
                yield json.loads(line)
