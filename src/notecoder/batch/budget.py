"""A time budget per note: no note may stall a worker. When coding a note takes longer, the note becomes an error
record and the pipeline is rebuilt (the interrupted one may be mid-stage), and the batch goes on."""

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

DEFAULT_SECONDS = 120.0  # a long real note takes well under a second; this is for inputs that should never come


class NoteTimeout(Exception):
    """Coding one note took longer than its budget."""


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raise NoteTimeout in the block after `seconds` (a SIGALRM timer, so only in a process's main thread, where
    batch workers run their notes; elsewhere, and with no budget, the block runs unbounded)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise NoteTimeout(f"coding the note took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
