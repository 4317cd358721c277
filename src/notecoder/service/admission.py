"""Which request is coded next, and which is turned away: at most `slots` at once, at most `queue` waiting,
smallest first, and large requests never on every slot. A request's cost is the characters it asks to code (work
grows with them), so a flood of long or pathological notes waits behind, and is turned away before, the short notes
of other clients, which always keep a process of their own."""

import asyncio
import itertools
from dataclasses import dataclass, field

from notecoder.service.problems import Busy

LARGE_CHARS = 20_000  # above the longest of 451 real spine notes (18,425): a long discharge summary and up


@dataclass(order=True)
class _Waiter:
    cost: int
    order: int
    started: asyncio.Future = field(compare=False)


class Gate:
    def __init__(self, slots: int, queue: int) -> None:
        self.slots, self.queue = slots, queue
        self.running = self.running_large = 0
        self.waiting: list[_Waiter] = []
        self._order = itertools.count()

    async def enter(self, cost: int, deadline: float) -> None:
        """Return once the request may use a slot; Busy when the queue is full of smaller requests, or when no
        slot came free before `deadline` (the event loop's clock)."""
        if self._fits(cost):
            self._start(cost)
            return
        if len(self.waiting) >= self.queue:
            largest = max(self.waiting, default=None)
            if largest is None or largest.cost <= cost:
                raise Busy(f"busy: {self.running} requests are being coded and {len(self.waiting)} wait; try again "
                           "shortly")  # fmt: skip
            self.waiting.remove(largest)
            largest.started.set_exception(Busy("busy: smaller requests took this one's place; try again shortly"))
        waiter = _Waiter(cost, next(self._order), asyncio.get_running_loop().create_future())
        self.waiting.append(waiter)
        try:
            async with asyncio.timeout_at(deadline):
                await waiter.started
        except BaseException as error:
            if waiter in self.waiting:
                self.waiting.remove(waiter)
            elif waiter.started.done() and not waiter.started.cancelled() and waiter.started.exception() is None:
                self.leave(cost)  # started just as the budget ran out: give the slot back
            if isinstance(error, TimeoutError):
                raise Busy("busy: no process came free within the request's time budget; try again shortly") from None
            raise

    def leave(self, cost: int) -> None:
        self.running -= 1
        self.running_large -= cost > LARGE_CHARS
        for waiter in sorted(self.waiting):
            if self._fits(waiter.cost):
                self.waiting.remove(waiter)
                self._start(waiter.cost)
                waiter.started.set_result(None)

    def _fits(self, cost: int) -> bool:
        large_slots = max(1, self.slots - 1)
        return self.running < self.slots and (cost <= LARGE_CHARS or self.running_large < large_slots)

    def _start(self, cost: int) -> None:
        self.running += 1
        self.running_large += cost > LARGE_CHARS
