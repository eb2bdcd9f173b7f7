"""The contact guard: keeps each person's contact history and holds, and answers the contact policy."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Protocol

from cordial.events.v1 import messages_pb2
from cordial.types.v1 import types_pb2
from cordial_core.clock import Clock
from cordial_core.errors import FailedPrecondition
from cordial_strategy.domain.debtor import Contact, DebtorState, Hold, HoldKind, OpenDebt, debt_key
from cordial_strategy.domain.decision import Decision
from cordial_strategy.domain.policy import REQUIRED_NOTICES, ContactPolicy, ContactRequest

HARDSHIP_PAUSE = timedelta(days=30)
# What a reply says about the person's situation, kept for the profile's segments.
STATED_REASONS = {
    messages_pb2.REPLY_INTENT_CANNOT_PAY_NOW: "lost_job",
    messages_pb2.REPLY_INTENT_ALREADY_PAID: "already_paid",
    messages_pb2.REPLY_INTENT_NOT_ME: "not_me",
    messages_pb2.REPLY_INTENT_DISPUTE: "dispute",
}
ATTEMPTS = 5


class Debtors(Protocol):
    """Where each person's contact state is kept, agency-wide, with optimistic versions."""

    async def load(self, debtor_id: str) -> DebtorState: ...
    async def save(self, debtor: DebtorState) -> None: ...


class ContactGuard:
    """Records what happened to a person and decides whether they may be contacted now."""

    def __init__(self, debtors: Debtors, clock: Clock, policy: ContactPolicy | None = None) -> None:
        self._debtors = debtors
        self._clock = clock
        self.policy = policy or ContactPolicy()

    async def state(self, debtor_id: str) -> DebtorState:
        """The person's current contact state."""
        return await self._debtors.load(debtor_id)

    async def check(self, debtor_id: str, request: ContactRequest) -> Decision:
        """Decides a contact now; an allowed contact on a channel is reserved so caps hold under concurrency.

        A notice the law requires is never reserved: the caps do not count it."""
        decision: Decision | None = None

        def decide(debtor: DebtorState) -> bool:
            nonlocal decision
            now = self._clock.now()
            decision = self.policy.check(now, request, debtor)
            if not (decision.allowed and request.channel and request.action_id) or request.purpose in REQUIRED_NOTICES:
                return False
            kind = "call" if request.channel == types_pb2.CHANNEL_VOICE else "message"
            contact = Contact(now, request.channel, debt_key(request.tenant, request.debt_id), kind, "reserved")
            debtor.record(request.action_id, contact, now)
            return True

        await self._update(debtor_id, decide)
        assert decision is not None
        return decision

    async def message_sent(self, tenant: str, sent: messages_pb2.MessageSent) -> None:
        """Counts a sent message (replacing its reservation) towards the person's caps."""
        now = self._clock.now()
        kind = "call" if sent.channel == types_pb2.CHANNEL_VOICE else "message"
        contact = Contact(now, sent.channel, debt_key(tenant, sent.debt_id), kind, "sent")
        await self._update(sent.debtor_id, _always(lambda d: d.record(sent.action_id or sent.message_id, contact, now)))

    async def message_failed(self, failed: messages_pb2.MessageFailed) -> None:
        """Frees the reservation of a message that was never sent."""
        await self._update(failed.debtor_id, _always(lambda d: d.release(failed.action_id)))

    async def opted_out(self, debtor_id: str, channel: int, source: str) -> None:
        """The person asked not to be contacted on a channel."""
        await self._update(debtor_id, _always(lambda d: d.opt_out(channel, source)))

    async def reply(self, tenant: str, reply: messages_pb2.ReplyReceived) -> None:
        """Acts on what a reply means: holds, a blocked contact point, an opt-out."""
        now = self._clock.now()
        key = debt_key(tenant, reply.debt_id) if reply.debt_id else ""
        intents = messages_pb2
        changes: dict[int, Callable[[DebtorState], None]] = {
            intents.REPLY_INTENT_NOT_ME: lambda d: (
                d.block_point(reply.contact_point_id, "the person answering said: not me")
                if reply.contact_point_id
                else d.hold(Hold(HoldKind.NOT_ME, key, now, reason="not me, no contact point named"))
            ),
            intents.REPLY_INTENT_DISPUTE: lambda d: d.hold(
                Hold(HoldKind.DISPUTE, key, now, reason="disputed by reply")
            ),
            intents.REPLY_INTENT_ALREADY_PAID: lambda d: d.hold(
                Hold(HoldKind.DISPUTE, key, now, reason="says already paid; to be verified")
            ),
            intents.REPLY_INTENT_CANNOT_PAY_NOW: lambda d: d.hold(
                Hold(HoldKind.HARDSHIP, "", now, now + HARDSHIP_PAUSE, "cannot pay now")
            ),
            intents.REPLY_INTENT_OPT_OUT: lambda d: d.opt_out(reply.channel, "reply"),
        }
        change = changes.get(reply.intent)
        reason = STATED_REASONS.get(reply.intent)
        if change is not None:

            def acted(d: DebtorState) -> bool:
                change(d)
                if reason:
                    d.stated(reason, now)
                return True

            await self._update(reply.debtor_id, acted)

    async def debt_opened(self, debtor_id: str, key: str, debt: OpenDebt) -> None:
        """Counts an open debt in the person's profile."""
        await self._update(debtor_id, _always(lambda d: d.debt_opened(key, debt)))

    async def debt_closed(self, debtor_id: str, key: str) -> None:
        """Drops a settled, recalled or written-off debt from the person's profile."""
        await self._update(debtor_id, _always(lambda d: d.debt_closed(key)))

    async def agreement_accepted(self, debtor_id: str, agreement_id: str, keys: list[str]) -> None:
        """An agreement in good standing: its debts get only next-installment reminders."""
        now = self._clock.now()

        def accepted(d: DebtorState) -> bool:
            d.agreement(agreement_id, "active")
            for key in keys:
                d.hold(Hold(HoldKind.AGREEMENT, key, now, reason=f"agreement {agreement_id}"))
            return True

        await self._update(debtor_id, accepted)

    async def agreement_ended(self, debtor_id: str, agreement_id: str, keys: list[str], kept: bool) -> None:
        """An agreement kept (settled) or broken: counted in the history, its debts' holds lifted."""

        def ended(d: DebtorState) -> bool:
            d.agreement(agreement_id, "kept" if kept else "broken")
            for key in keys:
                d.lift(HoldKind.AGREEMENT, key)
            return True

        await self._update(debtor_id, ended)

    async def place_hold(self, debtor_id: str, hold: Hold) -> None:
        """Places a hold reported by an operator or another service (deceased, insolvency, cease, agreement)."""
        await self._update(debtor_id, _always(lambda d: d.hold(hold)))

    async def lift_hold(self, debtor_id: str, kind: HoldKind, key: str = "") -> None:
        """Lifts a hold."""
        await self._update(debtor_id, _always(lambda d: d.lift(kind, key)))

    async def _update(self, debtor_id: str, change: Callable[[DebtorState], bool]) -> None:
        for attempt in range(ATTEMPTS):
            debtor = await self._debtors.load(debtor_id)
            if not change(debtor):
                return
            try:
                await self._debtors.save(debtor)
                return
            except FailedPrecondition:
                if attempt == ATTEMPTS - 1:
                    raise


def _always(change: Callable[[DebtorState], None]) -> Callable[[DebtorState], bool]:
    """A change that always alters the state, so it is always saved."""

    def changed(debtor: DebtorState) -> bool:
        change(debtor)
        return True

    return changed
