"""Verification put to work: new phone points are looked up as they arrive, and batches run with readable progress.

A batch's progress is saved as it goes (every few numbers or seconds) with a heartbeat, so any instance
can answer how far it is; a batch whose heartbeat stopped is reported interrupted, and starting it again
pays nothing twice because the cache answers for every number already looked up.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Coroutine, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from cordial.types.v1 import types_pb2
from cordial_contact_locator.domain.contact_point import ContactPoint, normalise_phone
from cordial_contact_locator.domain.verification import (
    FAILED,
    FROM_CACHE,
    LOOKED_UP,
    OVER_BUDGET,
    SKIPPED,
    BatchProgress,
    LineInfo,
    Verified,
    Verifier,
)
from cordial_contact_locator.domain.whatsapp_check import WhatsAppChecker, WhatsAppStatus
from cordial_core.clock import Clock
from cordial_core.errors import InvalidArgument
from cordial_core.ids import new_id, stable_id

log = logging.getLogger(__name__)
RUNNING, DONE, INTERRUPTED = "running", "done", "interrupted"
# A running batch whose progress was not saved for this long has lost the instance running it.
STALE_AFTER = timedelta(seconds=60)
SAVE_EVERY_SECONDS = 5.0
MAX_LISTED_NUMBERS = 100_000


@dataclass
class Batch:
    """A verification batch of one tenant and how far it is."""

    id: str
    tenant: str
    state: str
    progress: BatchProgress
    started_at: datetime
    heartbeat_at: datetime
    finished_at: datetime | None = None
    debtor_ids: list[str] = field(default_factory=list)

    def seen_at(self, now: datetime) -> Batch:
        """The batch as a reader at ``now`` sees it: a running one with a stale heartbeat is interrupted."""
        if self.state == RUNNING and now - self.heartbeat_at > STALE_AFTER:
            self.state = INTERRUPTED
        return self


class Batches(Protocol):
    """Where batches and their progress are kept."""

    async def create(self, batch: Batch, numbers: list[str]) -> bool: ...
    async def save(self, batch: Batch) -> None: ...
    async def get(self, tenant: str, batch_id: str) -> Batch | None: ...
    async def numbers(self, tenant: str, batch_id: str) -> list[str]: ...


class VerificationCounts(Protocol):
    """Counts verification results per tenant (cache, provider, over_budget, failed) for operators."""

    def __call__(self, tenant: str, result: str) -> None: ...


class PhonePoints(Protocol):
    """The phone points verification reads and annotates."""

    async def phones(self, tenant: str, debtor_ids: list[str]) -> list[ContactPoint]: ...
    async def set_line(self, tenant: str, point_id: str, info: LineInfo, blocked: dict[int, str]) -> None: ...
    async def set_whatsapp(self, tenant: str, point_id: str, status: WhatsAppStatus) -> None: ...


def line_blocks(info: LineInfo) -> dict[int, str]:
    """Channels a lookup rules out: no SMS to a landline; nothing to a number the provider says is invalid."""
    if not info.valid:
        reason = "line-type lookup: not a valid number"
        return {types_pb2.CHANNEL_SMS: reason, types_pb2.CHANNEL_WHATSAPP: reason, types_pb2.CHANNEL_VOICE: reason}
    if info.line_type == "landline":
        return {types_pb2.CHANNEL_SMS: "line-type lookup: landline, no SMS"}
    return {}


def may_have_whatsapp(verified: Verified) -> bool:
    """Whether a number is worth a WhatsApp check: not one the line-type lookup found invalid."""
    return verified.info is None or verified.info.valid


class VerificationJobs:
    """Runs verification for new points and for batches; never pays twice, never over budget or rate."""

    def __init__(
        self,
        verifier: Verifier,
        points: PhonePoints,
        batches: Batches,
        clock: Clock,
        *,
        group: int = 256,
        counts: VerificationCounts | None = None,
        whatsapp: WhatsAppChecker | None = None,
    ) -> None:
        self._verifier = verifier
        self._points = points
        self._batches = batches
        self._clock = clock
        # Numbers verified together: one cache read, one budget move and up to this many lookups in flight.
        self._group = max(1, group)
        self._running: dict[str, tuple[Batch, asyncio.Task[None]]] = {}
        self._counts = counts
        self._whatsapp = whatsapp

    async def verify_points(self, tenant: str, points: Iterable[ContactPoint]) -> list[Verified]:
        """Looks up the valid phone points together (the cache answers for numbers already known), annotates them."""
        phones = [p for p in points if p.kind == types_pb2.CONTACT_KIND_PHONE and p.valid]
        results = await self._verifier.verify_many(tenant, [p.value for p in phones])
        for point, verified in zip(phones, results, strict=True):
            self._count(tenant, verified)
            if verified.info is not None:
                await self._points.set_line(tenant, point.id, verified.info, line_blocks(verified.info))
            elif verified.source == OVER_BUDGET:
                log.warning("verification refused: %s", verified.reason, extra={"tenant": tenant})
        targets = [(p.value, [p.id]) for p, v in zip(phones, results, strict=True) if may_have_whatsapp(v)]
        await self._check_whatsapp(tenant, targets)
        return results

    async def start(self, tenant: str, debtor_ids: list[str], numbers: list[str], reference: str = "") -> Batch:
        """Starts a batch (or returns the one started with the same reference); it runs in the background."""
        if len(numbers) > MAX_LISTED_NUMBERS:
            raise InvalidArgument(f"at most {MAX_LISTED_NUMBERS} numbers per batch", field="numbers")
        batch_id = stable_id(tenant, "verification-batch", reference) if reference else new_id()
        existing = await self.get(tenant, batch_id)
        if existing is not None and existing.state != INTERRUPTED:
            return existing
        if existing is not None:
            numbers, debtor_ids = await self._batches.numbers(tenant, batch_id), existing.debtor_ids
        now = self._clock.now()
        batch = Batch(batch_id, tenant, RUNNING, BatchProgress(0), now, now, debtor_ids=list(debtor_ids))
        if existing is not None:
            await self._batches.save(batch)
        elif not await self._batches.create(batch, numbers):
            found = await self.get(tenant, batch_id)
            if found is not None:
                return found
        self._launch(batch, self._run(batch, numbers))
        return batch

    async def get(self, tenant: str, batch_id: str) -> Batch | None:
        """A batch of the tenant as it stands (this instance's live view when it runs here)."""
        running = self._running.get(batch_id)
        if running is not None and running[0].tenant == tenant:
            return running[0]
        batch = await self._batches.get(tenant, batch_id)
        return batch.seen_at(self._clock.now()) if batch is not None else None

    async def wait(self, batch_id: str) -> None:
        """Waits for a batch running here to end (tests and benches)."""
        running = self._running.get(batch_id)
        if running is not None:
            await asyncio.shield(running[1])

    async def stop(self) -> None:
        """Stops the batches running here, saving each as interrupted."""
        for batch, task in list(self._running.values()):
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            batch.state = INTERRUPTED
            await self._batches.save(batch)

    def _launch(self, batch: Batch, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._running[batch.id] = (batch, task)
        task.add_done_callback(lambda _: self._running.pop(batch.id, None))

    async def _run(self, batch: Batch, listed: list[str]) -> None:
        try:
            targets = await self._targets(batch.tenant, batch.debtor_ids, listed)
            batch.progress.total = len(targets)
            if self._whatsapp is not None and self._whatsapp.serves(batch.tenant):
                batch.progress.whatsapp_total = sum(1 for point_ids in targets.values() if point_ids)
            await self._batches.save(batch)
            items = list(targets.items())
            for start in range(0, len(items), self._group):
                await self._verify_group(batch, items[start : start + self._group])
                await self._save_if_due(batch)
        except Exception:
            log.exception("verification batch failed", extra={"batch_id": batch.id})
            batch.state = INTERRUPTED
        else:
            batch.state = DONE
        batch.finished_at = self._clock.now()
        await self._batches.save(batch)

    async def _targets(self, tenant: str, debtor_ids: list[str], listed: list[str]) -> dict[str, list[str]]:
        """Each distinct number to verify, with the points that carry it; a tenant-wide batch when nothing is named."""
        targets: dict[str, list[str]] = {}
        for raw in listed:
            checked = normalise_phone(raw)
            targets.setdefault(checked.value if checked.valid else f"invalid:{raw}", [])
        if debtor_ids or not listed:
            for point in await self._points.phones(tenant, debtor_ids):
                if point.valid and not point.removed:  # a "not me" number is not paid for again
                    targets.setdefault(point.value, []).append(point.id)
        return targets

    async def _verify_group(self, batch: Batch, items: list[tuple[str, list[str]]]) -> None:
        """One group of numbers: one cache read, one budget move, their lookups at the rate, one cache write."""
        numbers = [number for number, _ in items if not number.startswith("invalid:")]
        verified = dict(zip(numbers, await self._verifier.verify_many(batch.tenant, numbers), strict=True))
        for number, point_ids in items:
            # A listed value that is not a phone number at all is refused before anything is paid.
            result = verified.get(number) or Verified(number, FAILED, reason="not a valid phone number")
            if result.info is not None:
                for point_id in point_ids:
                    await self._points.set_line(batch.tenant, point_id, result.info, line_blocks(result.info))
            batch.progress.count(result)
            self._count(batch.tenant, result)
        # Only numbers carried by points: a check's answer is kept on the points it concerns.
        carried = [(n, ids) for n, ids in items if ids and n in verified]
        targets = [(n, ids) for n, ids in carried if may_have_whatsapp(verified[n])]
        counts = await self._check_whatsapp(batch.tenant, targets)
        if batch.progress.whatsapp_total:
            for outcome, how_many in counts.items():
                batch.progress.count_whatsapp(outcome, how_many)
            batch.progress.count_whatsapp(SKIPPED, len(carried) - len(targets))

    async def _check_whatsapp(self, tenant: str, targets: list[tuple[str, list[str]]]) -> Counter[str]:
        """Asks the tenant's contacts check (when it has one) about the numbers, records the answers; how each went."""
        if self._whatsapp is None or not targets or not self._whatsapp.serves(tenant):
            return Counter()
        answers = await self._whatsapp.answers(tenant, [number for number, _ in targets])
        for number, point_ids in targets:
            status = answers.statuses.get(number)
            if status is not None:
                for point_id in point_ids:
                    await self._points.set_whatsapp(tenant, point_id, status)
        return answers.counts

    def _count(self, tenant: str, verified: Verified) -> None:
        if self._counts is not None:
            self._counts(tenant, verified.source)

    async def _save_if_due(self, batch: Batch) -> None:
        now = self._clock.now()
        if (now - batch.heartbeat_at).total_seconds() >= SAVE_EVERY_SECONDS:
            batch.heartbeat_at = now
            await self._batches.save(batch)


def progress_counts(progress: BatchProgress) -> dict[str, int]:
    """The batch counters by their public names: lookups, then WhatsApp checks."""
    counts, whatsapp = progress.counts, progress.whatsapp
    return {
        "cached": counts[FROM_CACHE],
        "paid": counts[LOOKED_UP],
        "refused_budget": counts[OVER_BUDGET],
        "failed": counts[FAILED],
        "pending": progress.pending,
        "whatsapp_total": progress.whatsapp_total,
        "whatsapp_cached": whatsapp[FROM_CACHE],
        "whatsapp_paid": whatsapp[LOOKED_UP],
        "whatsapp_refused_budget": whatsapp[OVER_BUDGET],
        "whatsapp_failed": whatsapp[FAILED],
        "whatsapp_skipped": whatsapp[SKIPPED],
        "whatsapp_pending": progress.whatsapp_pending,
    }
