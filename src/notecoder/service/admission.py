"""Which note is coded next, and which is turned away: at most `slots` at once, at most `queue` waiting, shortest
first. A note's cost is its length (work grows with it), so a flood of long notes waits behind, and is turned away
before, the short notes of other clients: a full queue gives a newcomer the place of a longer note waiting."""

import asyncio
import itertools
from dataclasses import dataclass, field

from notecoder.service.problems import Busy


@dataclass(order=True)
class _Waiter:
    cost: int
    order: int
    started: asyncio.Future = field(compare=False)


class Gate:
    def __init__(self, slots: int, queue: int) -> None:
        self.slots, self.queue = slots, queue
        self.running = 0
        self.waiting: list[_Waiter] = []
        self._order = itertools.count()

    async def enter(self, cost: int, deadline: float) -> None:
        """Return once the note may use a slot; Busy when the queue is full of shorter notes, or when no slot came
        free before `deadline` (the event loop's clock)."""
        if self.running < self.slots:
            self.running += 1
            return
        if len(self.waiting) >= self.queue:
            largest = max(self.waiting, default=None)
            if largest is None or largest.cost <= cost:
                raise Busy(f"busy: {self.running} notes are being coded and {len(self.waiting)} wait; try again "
                           "shortly")  # fmt: skip
            self.waiting.remove(largest)
            largest.started.set_exception(Busy("busy: shorter notes took this one's place; try again shortly"))
        waiter = _Waiter(cost, next(self._order), asyncio.get_running_loop().create_future())
        self.waiting.append(waiter)
        try:
            async with asyncio.timeout_at(deadline):
                await waiter.started
        except BaseException as error:
            if waiter in self.waiting:
                self.waiting.remove(waiter)
            elif waiter.started.done() and not waiter.started.cancelled() and waiter.started.exception() is None:
                self.leave()  # started just as the budget ran out: give the slot back
            if isinstance(error, TimeoutError):
                raise Busy("busy: no process came free within the request's time budget; try again shortly") from None
            raise

    def leave(self) -> None:
        self.running -= 1
        if self.waiting and self.running < self.slots:
            waiter = min(self.waiting)
            self.waiting.remove(waiter)
            self.running += 1
            waiter.started.set_result(None)
