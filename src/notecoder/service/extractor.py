"""One extraction process of `notecoder serve` (`python -m notecoder.service.extractor`): it loads the pipeline,
says it is ready, then codes one job at a time from its parent and answers with the response's JSON. A process, not
a thread, so that a note past its request's time budget can be stopped (the process is killed and replaced), and
so that coding never holds the server's event loop.

Frames both ways: an 8-byte length, then a pickle (parent to child: job name and arguments; child to parent: "ok"
and the JSON bytes, or "error" and the exception's type name only, since its message may quote the note)."""

import os
import pickle
import signal
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, BinaryIO, cast

if TYPE_CHECKING:
    from notecoder.extraction import Coder

HEADER_BYTES = 8


def read_frame(stream: BinaryIO) -> object | None:
    header = stream.read(HEADER_BYTES)
    if len(header) < HEADER_BYTES:
        return None  # the parent closed the pipe: the server is stopping
    return pickle.loads(stream.read(int.from_bytes(header, "big")))


def frame(message: object) -> bytes:
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return len(payload).to_bytes(HEADER_BYTES, "big") + payload


def _extract(coder: "Coder", text: str, setting: str, floor: float | None, claim=None) -> bytes:
    result = coder.extract(text, setting, claim)
    return (result.above(floor) if floor is not None else result).model_dump_json().encode()


def _cogstack(coder: "Coder", text: str, footer: str | dict | None, filters: list | None = None) -> bytes:
    from notecoder.service import cogstack

    start = time.perf_counter()
    annotations = cogstack.annotations(coder.extract(text), filters)
    result = cogstack.ProcessResult(text=text, annotations=annotations, success=True, timestamp=cogstack.now(),
                                    elapsed_time=time.perf_counter() - start, footer=footer)  # fmt: skip
    return result.model_dump_json().encode()


def _fhir(coder: "Coder", text: str, source, bundle_type: str) -> bytes:
    """The result Bundle of a note from a DocumentReference (`source`, a `fhir_r4.NoteSource`)."""
    from notecoder.fhir_r4 import to_fhir

    bundle = to_fhir(coder.extract(text), source=source, bundle_type=bundle_type)  # type: ignore[arg-type]
    return bundle.model_dump_json(exclude_none=True).encode()


JOBS: dict[str, Callable[..., bytes]] = {"extract": _extract, "cogstack": _cogstack, "fhir": _fhir}
"""Each job's function, called with the process's coder, then the job's arguments."""


def main() -> None:
    """Argument: the niceness to run at (long notes' processes yield the cores to short notes')."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle; it stops its processes
    os.nice(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a library's stray print goes to the log, not into a frame
    from notecoder.extraction import Coder

    coder = Coder()  # this process's: its pipeline, mapper and model
    coder.extract("warm-up: neck pain.")
    replies.write(frame(("ready", None)))
    replies.flush()
    while (message := read_frame(sys.stdin.buffer)) is not None:
        job, args = cast(tuple[str, tuple], message)
        try:
            reply: tuple[str, object] = ("ok", JOBS[job](coder, *args))
        except Exception as error:
            reply = ("error", type(error).__name__)
        replies.write(frame(reply))
        replies.flush()


if __name__ == "__main__":
    main()
