"""The extraction processes of one server process, and the time budget: a job still running at its request's
deadline has its process killed and a fresh one started in its place, so no note can hold a process, or the
server, for longer than the budget. The server's event loop only waits on pipes: health checks never queue
behind coding. Each note is admitted on its own (a bulk request's notes one after another, like a client's)."""

import asyncio
import logging
import os
import pickle
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import NamedTuple

from notecoder.service.admission import Gate
from notecoder.service.extractor import HEADER_BYTES, frame
from notecoder.service.problems import Busy, Failed, OutOfTime
from notecoder.service.settings import TOKEN_VARIABLE

COMMAND = (sys.executable, "-m", "notecoder.service.extractor")
LARGE_CHARS = 20_000  # above the longest of 451 real spine notes (18,425): a long discharge summary and up
LARGE_NICENESS = 10  # the CPU share of a large request's process when short ones need the cores: about a tenth
log = logging.getLogger("notecoder.service")


class Job(NamedTuple):
    """One note's work: an `extractor.JOBS` name, its arguments, and the note's length (its cost)."""

    name: str
    args: tuple
    chars: int


class Worker:
    """One extraction process, replaced whenever its state is unknown (past a deadline, cancelled, stopped)."""

    def __init__(self, command: Sequence[str]) -> None:
        self.command = command
        self.process: asyncio.subprocess.Process | None = None
        self.ready: asyncio.Task | None = None

    async def start(self) -> None:
        env = {name: value for name, value in os.environ.items() if name != TOKEN_VARIABLE}  # it needs no token
        self.process = await asyncio.create_subprocess_exec(*self.command, stdin=asyncio.subprocess.PIPE,
                                                            stdout=asyncio.subprocess.PIPE, env=env)  # fmt: skip
        self.ready = asyncio.create_task(self._receive())  # its first frame: the pipeline is loaded
        self.ready.add_done_callback(_report_start)

    @property
    def warm(self) -> bool:
        ready = self.ready
        return ready is not None and ready.done() and not ready.cancelled() and ready.exception() is None

    async def run(self, job: Job, deadline: float) -> bytes:
        """The job's JSON; Busy if the process is still loading at `deadline`, OutOfTime if the job is."""
        assert self.ready is not None and self.process is not None and self.process.stdin is not None
        try:
            async with asyncio.timeout_at(deadline):
                await asyncio.shield(self.ready)
        except TimeoutError:
            raise Busy("busy: an extraction process is starting; try again shortly") from None
        except (asyncio.IncompleteReadError, ConnectionError):
            await self.replace()
            raise Failed("the extraction process stopped while starting") from None
        try:
            async with asyncio.timeout_at(deadline):
                self.process.stdin.write(frame((job.name, job.args)))
                await self.process.stdin.drain()
                kind, value = await self._receive()
        except TimeoutError:
            await self.replace()
            raise OutOfTime("coding ran past the request's time budget") from None
        except (asyncio.IncompleteReadError, ConnectionError):
            await self.replace()
            raise Failed("the extraction process stopped while coding it") from None
        except BaseException:  # cancelled mid-job: an answer may still come; a fresh process is certain
            await self.replace()
            raise
        if kind == "error":
            raise Failed(f"coding it failed ({value})")
        return value  # type: ignore[return-value]

    async def replace(self) -> None:
        await self.stop()
        await self.start()

    async def stop(self) -> None:
        if self.ready is not None:
            self.ready.cancel()
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()

    async def _receive(self) -> tuple[str, object]:
        assert self.process is not None and self.process.stdout is not None
        header = await self.process.stdout.readexactly(HEADER_BYTES)
        return pickle.loads(await self.process.stdout.readexactly(int.from_bytes(header, "big")))


def _report_start(ready: asyncio.Task) -> None:
    if not ready.cancelled() and ready.exception() is not None:
        log.error("an extraction process stopped while loading the pipeline (see the lines above)")


class Lane:
    """Processes of one kind, and the gate that admits notes to them."""

    def __init__(self, processes: int, queue: int, command: Sequence[str]) -> None:
        self.gate = Gate(processes, queue)
        self.workers = [Worker(command) for _ in range(processes)]
        self.idle = list(self.workers)

    @asynccontextmanager
    async def lease(self, cost: int, deadline: float) -> AsyncIterator[Worker]:
        await self.gate.enter(cost, deadline)
        worker = self.idle.pop()
        try:
            yield worker
        finally:
            self.idle.append(worker)
            self.gate.leave()


class Pool:
    """The notes of a request of up to LARGE_CHARS go to the general processes; those of a larger request (a long
    note, or a bulk request of many) to processes of their own at a lower CPU priority, so that a short request never
    waits behind a large one, for a process or for a core."""

    def __init__(self, processes: int, large_processes: int, queue: int, command: Sequence[str] = COMMAND) -> None:
        self.general = Lane(processes, queue, command)
        self.large = Lane(large_processes, queue, (*command, str(LARGE_NICENESS)))

    @property
    def workers(self) -> list[Worker]:
        return self.general.workers + self.large.workers

    async def start(self) -> None:
        for worker in self.workers:
            await worker.start()

    async def stop(self) -> None:
        for worker in self.workers:
            await worker.stop()

    @property
    def ready(self) -> bool:
        return all(any(worker.warm for worker in lane.workers) for lane in (self.general, self.large))

    async def run(self, job: Job, deadline: float, request_chars: int) -> bytes:
        """The job's JSON, coded within `deadline` (Busy, OutOfTime or Failed otherwise), in the lane of a request of
        `request_chars` characters."""
        lane = self.large if request_chars > LARGE_CHARS else self.general
        async with lane.lease(job.chars, deadline) as worker:
            return await worker.run(job, deadline)
