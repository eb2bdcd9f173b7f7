"""Dispatch: one requested action becomes at most one message, on the best usable contact.

Before each send the attempt is recorded with an idempotency key; an attempt found
still "started" (the process died, or the provider's answer was lost) is reconciled
with the provider before anything is sent again, and held when the provider cannot tell.

A recipient who got a message a few seconds ago is not waited for: the action is stored as due at the
end of the spacing and sent then by ``run_due`` (a scheduler loop), so the partition keeps flowing.
A send the provider could not take now is not waited for either: the attempt is recorded as not accepted
with its count of tries, and the action stored as due after the backoff, so a crash meanwhile loses nothing
(the scheduler, or the event coming again, takes it up) and nothing is sent twice (only a definite "not
taken" is tried again). A provider's rate limit (its throughput, or the pair rate to one person) is tried
again at the same contact point, never a reason to fall back; other transient failures fall back to the
next point once the backoff is spent.

An opt-out's confirmation travels the same way (``ActionToSend.confirms``): its one recipient and fixed text,
no plan, policy or opt-out check (it answers the debtor's own message), recorded, paced, spaced, deferred and
reconciled as any message, so a refusal for the provider's rate is tried again and a crash sends nothing twice.
Both it and the validation notice below are messages messaging sends on its own: sent, each is published as
message.own_sent with its kind and text (the timeline's entry), never message.sent or message.failed (strategy asked
for nothing and counts nothing).

A provider that refuses a recipient because they opted out with it (Twilio's 21610 after a STOP messaging did not
hear) refuses that point for good: the opt-out is recorded for the address and channel with ``contact.opted_out``
(source ``provider``), as a reply's would be, so contact-locator and strategy stop planning it, and the next point
is tried.

So does the validation notice a US first communication owes when it did not carry it (``ActionToSend.validates``,
``domain/validation.py``): opened, due at once, before the first message is recorded sent; to the same point,
asked of the policy with its purpose; outside contact hours it waits for them; its window's end is recorded as a
breach if it is still unsent then.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol, TypedDict

from google.protobuf.message import Message

from cordial.events.v1 import contacts_pb2, messages_pb2
from cordial.types.v1 import types_pb2
from cordial_core.clock import Clock
from cordial_core.context import bound
from cordial_core.errors import InvalidArgument
from cordial_core.events import Event, EventSource
from cordial_core.ids import new_id, stable_id
from cordial_core.money import Money
from cordial_messaging.domain.audit import GIVEN_UP_ENTRY, SENT_ENTRY, AuditTrail, action_entry
from cordial_messaging.domain.catalogue import StoredTemplate
from cordial_messaging.domain.composer import Composed, Composer, Request
from cordial_messaging.domain.notices import Notices
from cordial_messaging.domain.policy import ContactCheck, ContactPolicy, PolicyVerdict
from cordial_messaging.domain.templates import opt_out_confirmation
from cordial_messaging.domain.throttle import SharedSlots, Throttle
from cordial_messaging.domain.undecided import Undecided, UndecidedBounds
from cordial_messaging.domain.validation import PURPOSE as NOTICE_PURPOSE
from cordial_messaging.domain.validation import SENT as NOTICE_SENT
from cordial_messaging.domain.validation import OwedNotice, outcome_of_deny, owed_days, waits_for_hours

SOURCE = "messaging"
# Message states.
PENDING, SENT, FAILED, UNCERTAIN, BLOCKED = "pending", "sent", "failed", "uncertain", "blocked"
# Attempt states: STARTED is recorded before the provider is called.
STARTED, ACCEPTED, REFUSED, NOT_ACCEPTED = "started", "accepted", "refused", "not_accepted"
# What a request's failure leaves to do: the same point later (TRANSIENT, RATE_LIMITED), or the next one
# (REFUSED, OPTED_OUT: the recipient opted out with the provider, which is recorded as an opt-out).
TRANSIENT, RATE_LIMITED, OPTED_OUT = "transient", "rate_limited", "opted_out"
# The source contact.opted_out names when the provider, not a reply, said the recipient opted out.
PROVIDER_SOURCE = "provider"
# Backoff between tries of a send the provider could not take now; then the next contact point.
DEFAULT_RETRY_WAITS = (0.5, 2.0, 8.0)
# A send refused for a provider's rate limit is tried again at the same point after 1, 2, 4 ... seconds (at most
# RATE_LIMITED_MAX_WAIT), RATE_LIMITED_TRIES times in all before the action is given up (a provider that keeps
# refusing for so long is not rate limiting any more); never sooner than the recipient's spacing allows.
RATE_LIMITED_MAX_WAIT = 60.0
RATE_LIMITED_TRIES = 30
# How long a scheduler holds a due action it took before another may take it (it may have died).
DUE_LEASE = timedelta(seconds=60)

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class Recipient:
    """One usable contact point from the contact plan."""

    contact_point_id: str
    channel: types_pb2.Channel
    address: str


@dataclass(frozen=True)
class ActionToSend:
    """What strategy asked for, or an opt-out's confirmation messaging owes the debtor."""

    action_id: str
    tenant: str
    debt_id: str
    debtor_id: str
    channels: tuple[types_pb2.Channel, ...]
    template: str
    balance: Money
    creditor_name: str
    # The step's tone and the debtor's locale; empty picks the template's own and pt-BR.
    tone: str = ""
    locale: str = ""
    # Set for an opt-out's confirmation: sent to this recipient only, with the fixed confirmation text.
    confirms: Recipient | None = None
    # Set for a validation notice owed after a first communication: sent to that message's point, with the
    # notice's text, asked of the policy as a required notice.
    validates: OwedNotice | None = None

    def own_kind(self) -> messages_pb2.OwnMessageKind:
        """Which message messaging sends on its own this is (``OwnMessageKind``); unspecified for a step's."""
        return own_kind(self.confirms is not None, self.validates is not None)

    def fixed_recipient(self) -> Recipient | None:
        """The one recipient of a confirmation or an owed notice; None for an action sent along the contact plan."""
        if self.validates is not None:
            notice = self.validates
            return Recipient(notice.contact_point_id, notice.channel, notice.address)
        return self.confirms

    def request(self) -> Request:
        """What the composer needs."""
        return Request(
            self.tenant,
            self.debt_id,
            self.template,
            self.tone,
            self.locale,
            self.balance,
            self.creditor_name,
            self.debtor_id,
        )


@dataclass(frozen=True)
class OutboundMessage:
    """What a channel sends; the idempotency key is the attempt's id."""

    to: str
    text: str
    template: str
    parameters: tuple[str, ...]
    idempotency_key: str = ""
    # The template's locale (a WhatsApp template's language).
    locale: str = "pt-BR"


@dataclass(frozen=True)
class Attempt:
    """One try at sending an action's message to one recipient."""

    id: str
    contact_point_id: str
    channel: types_pb2.Channel
    provider: str
    to: str
    text: str
    status: str
    reason: str = ""
    template: str = ""
    template_version: int = 0
    # Requests under this attempt the provider did not take: for a transient failure, for its rate limit.
    tries: int = 0
    rate_limited: int = 0
    # The days within which the template's message owes the validation notice; -1 when it owes none.
    notice_days: int = -1
    # When the request was about to leave: the earliest the provider can have taken it (a notice's window's start).
    started_at: datetime | None = None


@dataclass(frozen=True)
class MessageRecord:
    """What is known of an action's message: its state, version and attempts, and the policy's undecided answers."""

    state: str
    version: int
    attempts: dict[str, Attempt]
    undecided: Undecided | None = None


@dataclass(frozen=True)
class Reconciled:
    """A provider's answer about an attempt whose outcome was lost."""

    known: bool
    provider_ids: tuple[str, ...] = ()


class PermanentSendFailure(Exception):
    """The provider refused this recipient for good; try the next one."""


class TransientSendFailure(Exception):
    """The provider did not take it now; trying again may work."""


class RecipientOptedOut(PermanentSendFailure):
    """The provider refuses this recipient because they opted out with it (Twilio's 21610): an opt-out, for good."""


class RateLimitedSend(TransientSendFailure):
    """The provider refused it for a rate limit (its throughput, or the pair rate to this recipient): later, here."""


class UncertainSend(Exception):
    """The request may have reached the provider; reconcile before any resend."""


class ConcurrentAttempt(Exception):
    """Another worker moved the message on; the event is handled again later."""


class Channel(Protocol):
    """A provider adapter for one channel."""

    name: str

    async def send(self, message: OutboundMessage) -> str: ...
    async def reconcile(self, attempt: Attempt) -> Reconciled: ...


class Messages(Protocol):
    """Where messages are kept; the action id is the message id."""

    async def open(self, action: ActionToSend) -> MessageRecord: ...
    async def start_attempt(self, action: ActionToSend, attempt: Attempt, version: int) -> bool: ...
    async def end_attempt(
        self, action: ActionToSend, attempt_id: str, status: str, reason: str, counts: dict[str, int] | None = None
    ) -> None: ...
    async def finish(
        self, action: ActionToSend, state: str, fields: dict[str, object], events: list[Event]
    ) -> None: ...
    async def taken(self, tenant: str, provider: str, provider_ids: tuple[str, ...]) -> set[str]: ...
    async def defer(self, action: ActionToSend, due_at: datetime) -> None: ...
    async def defer_undecided(self, action: ActionToSend, due_at: datetime, undecided: Undecided) -> None: ...
    async def due(self, now: datetime, lease_until: datetime, limit: int) -> list[ActionToSend]: ...
    async def flag(self, action: ActionToSend, name: str, value: object) -> bool: ...


class ContactPlan(Protocol):
    """Asks contact-locator which points to use."""

    async def plan(self, debtor_id: str, channels: tuple[types_pb2.Channel, ...]) -> list[Recipient]: ...


class OptOuts(Protocol):
    """Opt-outs messaging itself recorded from replies: honoured even before strategy or contact-locator hear of them.

    Kept per address and channel for the whole agency: every client's messages leave from the agency's numbers, so
    "SAIR" from a phone stops that channel to that phone whichever client asks next.
    """

    async def opted_out(self, channel: types_pb2.Channel, address: str) -> bool: ...
    async def opted_out_at_provider(
        self, tenant: str, debtor_id: str, recipient: Recipient, events: list[Event]
    ) -> bool: ...


class Recipients(Protocol):
    """The last message the agency sent to each address on each channel, whichever client's: what a reply answers."""

    async def sent(
        self, tenant: str, message_id: str, channel: types_pb2.Channel, address: str, at: datetime
    ) -> None: ...


class Dispatcher:
    """Sends each requested action once, falling back along the contact plan."""

    def __init__(
        self,
        messages: Messages,
        plan: ContactPlan,
        channels: dict[types_pb2.Channel, Channel],
        clock: Clock,
        composer: Composer,
        retry_waits: tuple[float, ...] = DEFAULT_RETRY_WAITS,
        sleep: Sleep = asyncio.sleep,
        opt_outs: OptOuts | None = None,
        policy: ContactPolicy | None = None,
        throttle: Throttle | None = None,
        audit: AuditTrail | None = None,
        slots: SharedSlots | None = None,
        recipients: Recipients | None = None,
        undecided: UndecidedBounds | None = None,
        notices: Notices | None = None,
    ) -> None:
        self._messages = messages
        self._undecided_bounds = undecided or UndecidedBounds()
        self._notices = notices or Notices(messages, clock, audit)
        self._recipients = recipients
        self._plan = plan
        self._channels = channels
        self._clock = clock
        self._events = EventSource(SOURCE, clock)
        self._composer = composer
        self._audit = audit
        self._slots = slots
        self._waits = retry_waits
        self._sleep = sleep
        self._opt_outs = opt_outs
        self._policy = policy
        self._throttle = throttle

    async def run_due(self, limit: int = 100) -> int:
        """Sends the deferred actions now due (each taken under a lease); how many were taken."""
        now = self._clock.now()
        actions = await self._messages.due(now, now + DUE_LEASE, limit)
        await asyncio.gather(*(self._handle_due(action) for action in actions))
        return len(actions)

    async def _handle_due(self, action: ActionToSend) -> None:
        """One deferred action; a failure leaves it under its lease, to be taken again when the lease ends.

        Bound to the action's tenant as an event's handling is: the calls it makes (strategy's CheckContact,
        contact-locator's plan) carry it, and a service refuses a call without it.
        """
        try:
            with bound(action.tenant, new_id()):
                await self.handle(action)
        except ConcurrentAttempt:
            return  # another worker is sending it
        except Exception:
            log.exception("deferred action %s failed; retried after its lease", action.action_id)

    async def handle(self, action: ActionToSend) -> bool:
        """Sends the action's message unless it was already sent, given up or may have been sent; True when sent now."""
        record = await self._messages.open(action)
        if record.state != PENDING:
            return False
        lost = [attempt for attempt in record.attempts.values() if attempt.status == STARTED]
        for attempt in lost:
            if await self._settled(action, attempt):
                return False
        if lost:
            record = await self._messages.open(action)
        # After reconciling: a notice the provider took in time was not missed, whenever that is learned.
        await self._notices.watch(action)
        failures = [f"{a.provider}: {a.reason}" for a in record.attempts.values() if self._spent(a)]
        version = record.version
        blocked: list[str] = []
        fixed = action.fixed_recipient()
        planned = [fixed] if fixed else await self._plan.plan(action.debtor_id, action.channels)
        for recipient in planned:
            channel = self._channels.get(recipient.channel)
            attempt_id = stable_id(action.action_id, recipient.contact_point_id, str(recipient.channel))
            previous = record.attempts.get(attempt_id)
            if channel is None or (previous is not None and self._spent(previous)):
                continue
            verdict = await self._verdict(action, recipient)
            if verdict.retry:
                # Undecided (strategy unreachable, or it did not hear from agreements in time): never sent on it.
                await self._undecided(action, record, recipient, verdict)
                return False
            if not verdict.allowed and action.validates is not None:
                return await self._notice_denied(action, channel.name, verdict)
            if not verdict.allowed:
                blocked.append(f"{channel.name}: {verdict.reason()}")
                continue
            try:
                composed = await self._composed(action, recipient)
            except InvalidArgument as exc:
                failures.append(f"{channel.name}: the template cannot be filled in: {exc}")
                continue
            spacing = await self._recipient(channel.name, recipient.address)
            if spacing > 0:
                # Not now for this person: stored as due, and the handler moves on to the next action.
                await self._defer(action, self._clock.now() + timedelta(seconds=spacing))
                return False
            attempt = Attempt(
                attempt_id,
                recipient.contact_point_id,
                recipient.channel,
                channel.name,
                recipient.address,
                composed.text,
                STARTED,
                template=composed.template.name,
                template_version=composed.template.version,
                tries=previous.tries if previous is not None else 0,
                rate_limited=previous.rate_limited if previous is not None else 0,
                notice_days=self._owes_notice(action, composed),
                started_at=self._clock.now(),
            )
            if not await self._messages.start_attempt(action, attempt, version):
                raise ConcurrentAttempt(f"message {action.action_id} moved on while sending")
            version += 1
            outbound = self._outbound(recipient, composed, attempt_id)
            status, result = await self._send(channel, outbound)
            if status == ACCEPTED:
                await self._sent(action, attempt, result)
                return True
            if status in (REFUSED, OPTED_OUT):
                await self._refused(action, recipient, attempt_id, status == OPTED_OUT, result)
            elif await self._later(action, attempt, status, result):
                return False  # stored as due: the scheduler tries this point again
            failures.append(f"{channel.name}: {result}")
        blocked += await self._closed(action, {r.channel for r in planned})
        if blocked and not failures:
            await self._failed(action, "blocked by the contact policy: " + "; ".join(blocked), BLOCKED)
            return False
        await self._failed(action, "; ".join(failures + blocked) or "no usable contact point")
        return False

    async def _refused(
        self, action: ActionToSend, recipient: Recipient, attempt_id: str, opted_out: bool, reason: str
    ) -> None:
        """Ends the attempt refused; a refusal for an opt-out at the provider is recorded and published as one."""
        await self._messages.end_attempt(action, attempt_id, REFUSED, reason)
        if not opted_out or self._opt_outs is None:
            return
        payload = contacts_pb2.ContactOptedOut(
            debtor_id=action.debtor_id,
            channel=recipient.channel,
            contact_point_id=recipient.contact_point_id,
            source=PROVIDER_SOURCE,
        )
        event = self._event(action, "contact.opted_out", payload)
        await self._opt_outs.opted_out_at_provider(action.tenant, action.debtor_id, recipient, [event])

    async def _defer(self, action: ActionToSend, due_at: datetime) -> None:
        """Stores the action as due later (an owed notice no later than its window's end)."""
        await self._messages.defer(action, self._notices.due(action, due_at))

    @staticmethod
    def _owes_notice(action: ActionToSend, composed: Composed) -> int:
        """The days within which this message owes the validation notice; -1 when it owes none."""
        if action.confirms is not None or action.validates is not None:
            return -1
        days = owed_days(composed.template)
        return -1 if days is None else days

    async def _notice_denied(self, action: ActionToSend, channel: str, verdict: PolicyVerdict) -> bool:
        """An owed notice the policy refused: it waits for contact hours; otherwise it ends blocked with the reason
        (a hold, an opt-out), or not required (the debt settled, recalled or written off)."""
        if waits_for_hours(verdict):
            assert verdict.next_allowed_at is not None
            await self._defer(action, verdict.next_allowed_at)
            return False
        outcome = outcome_of_deny(verdict)
        reason = f"{channel}: {verdict.reason()}"
        await self._messages.finish(action, BLOCKED, {"reason": f"validation notice {outcome}: {reason}"}, [])
        await self._notices.ended(action, outcome, reason)
        return False

    async def _verdict(self, action: ActionToSend, recipient: Recipient) -> PolicyVerdict:
        """Whether this recipient may be sent the action now: an opt-out by reply, then the policy."""
        if action.confirms is not None:
            return PolicyVerdict(True)  # the confirmation answers the opt-out itself
        if await self._opted_out(recipient):
            name = types_pb2.Channel.Name(recipient.channel)
            return PolicyVerdict(False, "opted_out", f"the person at this address opted out of {name} by reply")
        return await self._allowed(action, recipient)

    async def _composed(self, action: ActionToSend, recipient: Recipient) -> Composed:
        """The action's rendered message for this recipient; a confirmation's fixed text, sent as free text."""
        if action.validates is not None:
            return await self._composer.validation_notice(action.request(), recipient.channel)
        if action.confirms is None:
            return await self._composer.compose(action.request(), recipient.channel)
        text = opt_out_confirmation(action.creditor_name)
        channel = types_pb2.Channel.Name(recipient.channel)
        return Composed(StoredTemplate(action.tenant, "", channel, "pt-BR", "", "", text), text, ())

    async def _allowed(self, action: ActionToSend, recipient: Recipient) -> PolicyVerdict:
        """The contact policy now, for this recipient; always allowed when none is wired."""
        if self._policy is None:
            return PolicyVerdict(True)
        check = ContactCheck(
            action.tenant,
            action.action_id,
            action.debt_id,
            action.debtor_id,
            recipient.channel,
            recipient.contact_point_id,
            NOTICE_PURPOSE if action.validates is not None else "",
        )
        return await self._policy.check(check)

    async def _closed(self, action: ActionToSend, planned: set[int]) -> list[str]:
        """Why the policy closes the asked channels the plan had no point on (an opt-out, a hold): the stated reason.

        Asked only once nothing could be sent, so an allowed answer's reservation is freed by message.failed.
        """
        closed = []
        for channel_id in action.channels:
            channel = self._channels.get(channel_id)
            if self._policy is None or channel is None or channel_id in planned:
                continue
            check = ContactCheck(action.tenant, action.action_id, action.debt_id, action.debtor_id, channel_id, "")
            verdict = await self._policy.check(check)
            if not verdict.allowed and not verdict.retry:  # undecided: nothing could be sent there anyway
                closed.append(f"{channel.name}: {verdict.reason()}")
        return closed

    async def _opted_out(self, recipient: Recipient) -> bool:
        """True when a reply from this address asked to stop contact on this channel (for any client)."""
        if self._opt_outs is None:
            return False
        return await self._opt_outs.opted_out(recipient.channel, recipient.address)

    async def _undecided(
        self, action: ActionToSend, record: MessageRecord, recipient: Recipient, verdict: PolicyVerdict
    ) -> None:
        """Keeps an undecided action due for the next ask, each pause longer; gives it up once past the limit."""
        now = self._clock.now()
        before = record.undecided or Undecided(now, 0)
        undecided = Undecided(before.since, before.count + 1)
        due_at = self._undecided_bounds.next_ask(undecided, now, verdict.next_allowed_at)
        if due_at is not None:
            await self._messages.defer_undecided(action, self._notices.due(action, due_at), undecided)
            return
        since = undecided.since.isoformat()
        asked = f"the contact policy undecided {undecided.count} times since {since}"
        reason = f"{verdict.rule}: given up, {asked}: {verdict.explanation}"
        await self._given_up(action, recipient, reason)

    async def _given_up(self, action: ActionToSend, recipient: Recipient, reason: str) -> None:
        """Audits the action given up, then fails it: message.failed lets strategy free its contact and plan again."""
        if self._audit is not None:
            channel = self._channels.get(recipient.channel)
            recipient_of = (recipient.channel, recipient.contact_point_id, recipient.address)
            provider = (channel.name if channel is not None else "", "")
            entry = action_entry(action, GIVEN_UP_ENTRY, self._clock.now(), recipient_of, provider, reason=reason)
            await self._audit.append(entry)
        await self._failed(action, reason)

    async def _settled(self, action: ActionToSend, attempt: Attempt) -> bool:
        """Reconciles an attempt whose outcome was lost; True when the message is decided."""
        channel = self._channels.get(attempt.channel)
        reconciled = await channel.reconcile(attempt) if channel is not None else Reconciled(False)
        if not reconciled.known:
            # At most once: a send the provider cannot account for is never repeated.
            reason = f"{attempt.provider} cannot tell whether attempt {attempt.id} was accepted"
            await self._messages.finish(action, UNCERTAIN, {"reason": reason}, [])
            return True
        taken = await self._messages.taken(action.tenant, attempt.provider, reconciled.provider_ids)
        free = [pid for pid in reconciled.provider_ids if pid not in taken]
        if free:
            await self._sent(action, attempt, free[0])
            return True
        await self._messages.end_attempt(action, attempt.id, NOT_ACCEPTED, "provider has no record of it")
        return False

    async def _send(self, channel: Channel, outbound: OutboundMessage) -> tuple[str, str]:
        """One request in its own rate cell: (ACCEPTED, provider id), or (REFUSED, OPTED_OUT, TRANSIENT, RATE_LIMITED;
        reason)."""
        await self._paced(channel.name, outbound.to)
        try:
            return ACCEPTED, await channel.send(outbound)
        except RecipientOptedOut as exc:
            return OPTED_OUT, str(exc)
        except PermanentSendFailure as exc:
            return REFUSED, str(exc)
        except RateLimitedSend as exc:
            return RATE_LIMITED, str(exc)
        except TransientSendFailure as exc:
            return TRANSIENT, str(exc)

    def _spent(self, attempt: Attempt) -> bool:
        """True when this contact point is done with: refused, or not taken through the whole backoff."""
        return attempt.status == REFUSED or (attempt.status == NOT_ACCEPTED and attempt.tries > len(self._waits))

    async def _later(self, action: ActionToSend, attempt: Attempt, status: str, reason: str) -> bool:
        """Records a request not taken and stores the action as due after its backoff; False once that is spent.

        A rate limit past RATE_LIMITED_TRIES gives the action up (True: nothing more to do) rather than fall back.
        """
        limited = status == RATE_LIMITED
        tries, rate_limited = attempt.tries + (not limited), attempt.rate_limited + limited
        counts = {"tries": tries, "rate_limited": rate_limited}
        await self._messages.end_attempt(action, attempt.id, NOT_ACCEPTED, reason, counts)
        if limited and rate_limited >= RATE_LIMITED_TRIES:
            await self._failed(action, f"{attempt.provider}: still rate limited after {rate_limited} tries: {reason}")
            return True
        if limited:
            wait = min(RATE_LIMITED_MAX_WAIT, 2.0 ** (rate_limited - 1))
        elif tries <= len(self._waits):
            wait = self._waits[tries - 1]
        else:
            return False
        await self._defer(action, self._clock.now() + timedelta(seconds=wait))
        return True

    async def _recipient(self, provider: str, recipient: str) -> float:
        """Claims the recipient for a send now: 0, or the seconds until they may be sent to (then deferred)."""
        if self._throttle is None:
            return 0.0
        now = self._clock.now().timestamp()
        wait = self._throttle.recipient_wait(provider, recipient, now)
        if wait == 0 and self._slots is not None:
            wait = await self._throttle.shared_recipient_wait(self._slots, provider, recipient, now)
        if wait == 0 and not self._throttle.claim(provider, recipient, self._clock.now().timestamp()):
            wait = self._throttle.recipient_wait(provider, recipient, self._clock.now().timestamp())
        return wait

    async def _paced(self, provider: str, recipient: str) -> None:
        """Waits for the provider's rate: a shared cell to start in (another if it passed meanwhile), or the bucket."""
        if self._throttle is None:
            return
        if self._slots is None:
            wait = self._throttle.provider_wait(provider, self._clock.now().timestamp())
            if wait > 0:
                await self._sleep(wait)
        else:
            await self._throttle.shared_start(self._slots, provider, self._clock, self._sleep)
        self._throttle.touch(provider, recipient, self._clock.now().timestamp())

    @staticmethod
    def _outbound(recipient: Recipient, composed: Composed, attempt_id: str) -> OutboundMessage:
        """What the channel sends: the text, and the template's name, parameters and locale."""
        template = composed.template
        return OutboundMessage(
            recipient.address, composed.text, template.name, composed.parameters, attempt_id, template.locale
        )

    async def _sent(self, action: ActionToSend, attempt: Attempt, provider_id: str) -> None:
        """Records the send in the audit trail, then the message as sent with its event."""
        await self._audited(action, attempt, provider_id)
        fields: dict[str, object] = {
            "channel": attempt.channel,
            "contact_point_id": attempt.contact_point_id,
            "provider": attempt.provider,
            "provider_message_id": provider_id,
            "to": attempt.to,
            "text": attempt.text,
            "sent_at": self._clock.now(),
            "template": attempt.template,
            "template_version": attempt.template_version,
            f"attempts.{attempt.id}.status": ACCEPTED,
        }
        events = [self._sent_event(action, attempt, provider_id)]
        # Owed before the send is recorded: a crash between the two reconciles the attempt and owes it again.
        await self._notices.owe(action, attempt)
        await self._messages.finish(action, SENT, fields, events)
        await self._notices.ended(action, NOTICE_SENT)
        if self._recipients is not None:
            # After the message is recorded sent, so a reply never finds a message it cannot read; lost in a crash
            # between the two, a reply falls back to the last message this client sent there.
            await self._recipients.sent(action.tenant, action.action_id, attempt.channel, attempt.to, self._clock.now())

    def _sent_event(self, action: ActionToSend, attempt: Attempt, provider_id: str) -> Event:
        """message.sent, which strategy counts toward the caps; message.own_sent for what messaging sends on its own.

        An opt-out's confirmation or a validation notice is no step strategy asked for: its event puts it in the
        timeline with its kind and text, and counts toward no cap.
        """
        common: _SentFields = {
            "message_id": action.action_id,
            "debt_id": action.debt_id,
            "debtor_id": action.debtor_id,
            "channel": attempt.channel,
            "contact_point_id": attempt.contact_point_id,
            "provider": attempt.provider,
            "provider_message_id": provider_id,
        }
        if (kind := action.own_kind()) != messages_pb2.OWN_MESSAGE_KIND_UNSPECIFIED:
            follows = action.validates.first_message_id if action.validates is not None else ""
            own = messages_pb2.OwnMessageSent(**common, text=attempt.text, kind=kind, follows_message_id=follows)
            return self._event(action, "message.own_sent", own)
        sent = messages_pb2.MessageSent(**common, action_id=action.action_id)
        return self._event(action, "message.sent", sent)

    async def _failed(self, action: ActionToSend, reason: str, state: str = FAILED) -> None:
        """Gives the action up; message.failed frees strategy's reservation of the contact."""
        failed = messages_pb2.MessageFailed(
            message_id=action.action_id,
            action_id=action.action_id,
            debt_id=action.debt_id,
            debtor_id=action.debtor_id,
            reason=reason,
        )
        events = [self._event(action, "message.failed", failed)] if action.fixed_recipient() is None else []
        await self._notices.missed(action, reason)  # an owed notice given up: it cannot be sent in its window
        await self._messages.finish(action, state, {"reason": reason}, events)

    async def _audited(self, action: ActionToSend, attempt: Attempt, provider_id: str) -> None:
        """Appends the sent entry first: written twice it is one entry, and it is never missing for a sent message."""
        if self._audit is None:
            return
        entry = action_entry(
            action,
            SENT_ENTRY,
            self._clock.now(),
            (attempt.channel, attempt.contact_point_id, attempt.to),
            (attempt.provider, provider_id),
            text=attempt.text,
            template=(attempt.template, attempt.template_version),
        )
        await self._audit.append(entry)

    def _event(self, action: ActionToSend, event_type: str, payload: Message) -> Event:
        return self._events.event(
            event_type, payload, tenant=action.tenant, subject=action.debt_id, key=action.debtor_id
        )


class _SentFields(TypedDict):
    """The fields message.sent and message.own_sent share."""

    message_id: str
    debt_id: str
    debtor_id: str
    channel: types_pb2.Channel
    contact_point_id: str
    provider: str
    provider_message_id: str


def own_kind(confirms: bool, validates: bool) -> messages_pb2.OwnMessageKind:
    """The ``OwnMessageKind`` of an action that confirms an opt-out or validates a debt; unspecified for a step's."""
    if validates:
        return messages_pb2.OWN_MESSAGE_KIND_VALIDATION_NOTICE
    if confirms:
        return messages_pb2.OWN_MESSAGE_KIND_OPT_OUT_CONFIRMATION
    return messages_pb2.OWN_MESSAGE_KIND_UNSPECIFIED


def with_status(attempt: Attempt, status: str, reason: str = "") -> Attempt:
    """The attempt moved to a new status."""
    return replace(attempt, status=status, reason=reason)
