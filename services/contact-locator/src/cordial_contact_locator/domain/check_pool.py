"""Joins the numbers that concurrent callers ask a contacts check about into one request per slot of its rate.

The WhatsApp contacts check takes up to a group of numbers in one request but allows few requests a second
(5 by default), while each placed debt brings one or two numbers: asked one debt at a time, the request rate, not
the group, would bound how fast debts are verified. Here the numbers asked while a request waits for its slot
join it, so many debts handled at once cost one request.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Protocol

from cordial_contact_locator.domain.verification import within_rate
from cordial_core.rate_cells import Pacer, Sleep


class ProviderCheck(Protocol):
    """What the pool asks: a contacts check of many numbers (a ``WhatsAppCheck``)."""

    async def check(self, numbers: list[str]) -> dict[str, bool]: ...


@dataclass
class _Asked:
    numbers: list[str]
    answer: asyncio.Future[dict[str, bool]] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class CheckPool:
    """One caller's numbers, or several callers' together, in each request; every caller gets its own answers."""

    def __init__(self, check: ProviderCheck, rate: Pacer | None, group: int, tries: int, sleep: Sleep) -> None:
        self._check = check
        self._rate = rate
        self._group = max(1, group)
        self._tries = tries
        self._sleep = sleep
        self._waiting: list[_Asked] = []
        self._worker: asyncio.Task[None] | None = None

    async def check(self, numbers: list[str]) -> dict[str, bool]:
        """The provider's answers for these numbers (at most a group), asked with whatever else is waiting."""
        asked = _Asked(list(numbers))
        self._waiting.append(asked)
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._drain(), name="whatsapp-check-pool")
        return await asked.answer

    async def _drain(self) -> None:
        while self._waiting:
            await self._one_request()

    async def _one_request(self) -> None:
        """Asks the provider for the callers that fit in one group, once the rate allows; answers each of them."""
        taken: list[_Asked] = []

        async def ask_provider() -> dict[str, bool]:
            # Taken once the rate's slot has come, so the numbers asked meanwhile go in the same request.
            if not taken:
                taken.extend(self._take())
            return await self._check.check(list(dict.fromkeys(n for a in taken for n in a.numbers)))

        try:
            answers = await within_rate(ask_provider, self._rate, self._tries, self._sleep)
        except asyncio.CancelledError:
            for asked in taken + self._waiting:
                asked.answer.cancel()
            self._waiting.clear()
            raise
        except Exception as exc:
            # Each caller turns the failure into its numbers' outcome (failed, refunded), as for its own request.
            for asked in taken or self._take():
                if not asked.answer.done():
                    asked.answer.set_exception(exc)
            return
        for asked in taken:
            if not asked.answer.done():
                asked.answer.set_result({n: answers[n] for n in asked.numbers if n in answers})

    def _take(self) -> list[_Asked]:
        """The oldest waiting callers whose numbers fit in one group (always at least one)."""
        taken: list[_Asked] = []
        size = 0
        while self._waiting and (not taken or size + len(self._waiting[0].numbers) <= self._group):
            asked = self._waiting.pop(0)
            taken.append(asked)
            size += len(asked.numbers)
        return taken
