"""The due pass on real FerretDB: it reads the deferred list only when something may be due, and loses nothing.

Two repositories on one database stand for two messaging instances; the command log counts the reads of
``messages_deferred`` (each a read of the whole list on FerretDB).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.fernet import Fernet
from pymongo.asynchronous.database import AsyncDatabase

from cordial_core.clock import ControllableClock
from cordial_core.crypto import PersonalDataCipher
from cordial_core.money import Money
from cordial_core.store import TenantCollection
from cordial_messaging.adapters.messages import ORPHANED_AFTER, REREAD, MessageRepository
from cordial_messaging.domain.dispatch import DUE_LEASE, ActionToSend
from cordial_stack.commands import CommandLog

NOW = datetime(2024, 3, 4, 15, 0, tzinfo=UTC)
CIPHER = PersonalDataCipher(Fernet.generate_key().decode(), "lookup-key-due-pass")


def _action(action_id: str) -> ActionToSend:
    return ActionToSend(action_id, "t1", f"d-{action_id}", "p1", (1,), "reminder", Money(5_000, "BRL"), "Loja")


async def _deferred(messages: MessageRepository, action_id: str, due_at: datetime) -> None:
    await messages.open(_action(action_id))
    await messages.defer(_action(action_id), due_at)


async def _due(messages: MessageRepository, clock: ControllableClock) -> list[str]:
    return [a.action_id for a in await messages.due(clock.now(), clock.now() + DUE_LEASE, 10)]


async def test_the_due_pass_reads_the_deferred_list_only_when_something_may_be_due(
    logged_db: tuple[AsyncDatabase[dict[str, Any]], CommandLog],
) -> None:
    db, log = logged_db
    clock = ControllableClock(NOW)
    a = MessageRepository(TenantCollection(db["messages"]), CIPHER, clock, "a")

    def list_reads() -> int:
        return sum(1 for collection, name, _ in log.sent if collection == "messages_deferred" and name == "find")

    assert await _due(a, clock) == []
    assert list_reads() == 1, "the first pass reads"
    await _deferred(a, "m1", NOW + timedelta(seconds=10))
    log.clear()
    for _ in range(9):
        clock.advance(timedelta(seconds=1))
        assert await _due(a, clock) == []
    assert log.sent == [], "nothing due yet: nine passes sent no command"
    clock.advance(timedelta(seconds=1))
    assert await _due(a, clock) == ["m1"], "this instance's deferral woke the pass at its due time"
    assert list_reads() == 1
    log.clear()
    clock.advance(timedelta(seconds=5))
    assert await _due(a, clock) == []
    assert log.sent == []


async def test_another_instances_orphaned_deferral_is_taken_within_reread_and_once(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    clock = ControllableClock(NOW)
    a = MessageRepository(TenantCollection(mongo_db["messages"]), CIPHER, clock, "a")
    b = MessageRepository(TenantCollection(mongo_db["messages"]), CIPHER, clock, "b")
    assert await _due(a, clock) == []
    await _deferred(b, "m2", NOW)  # b defers it and dies before it falls due
    clock.set(NOW + ORPHANED_AFTER - timedelta(seconds=10))
    assert await _due(a, clock) == [], "read: not left long enough to be taken by another instance"
    clock.advance(timedelta(seconds=10))
    assert await _due(a, clock) == [], "orphaned now, but a read 10 s ago: it does not look before REREAD"
    clock.advance(REREAD - timedelta(seconds=10))
    assert await _due(a, clock) == ["m2"], "seen within ORPHANED_AFTER + REREAD of its due time"
    # b comes back: its own pass does not take what a holds under its lease.
    assert await _due(b, clock) == []
    clock.advance(DUE_LEASE - timedelta(seconds=1))
    assert await _due(a, clock) == []
    assert await _due(b, clock) == []


async def test_a_taken_deferral_that_failed_is_taken_again_when_its_lease_ends(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    clock = ControllableClock(NOW)
    a = MessageRepository(TenantCollection(mongo_db["messages"]), CIPHER, clock, "a")
    await _deferred(a, "m3", NOW)
    assert await _due(a, clock) == ["m3"]  # its send fails: the message stays pending under the lease
    clock.advance(DUE_LEASE - timedelta(seconds=1))
    assert await _due(a, clock) == []
    clock.advance(timedelta(seconds=1))
    assert await _due(a, clock) == ["m3"], "the lease's end, listed by this instance, woke the pass"


async def test_a_restarted_instance_takes_its_own_deferrals_listed_before_the_restart(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    clock = ControllableClock(NOW)
    before = MessageRepository(TenantCollection(mongo_db["messages"]), CIPHER, clock, "a")
    await _deferred(before, "m4", NOW + timedelta(seconds=5))
    await _deferred(before, "m5", NOW + timedelta(seconds=40))
    after = MessageRepository(TenantCollection(mongo_db["messages"]), CIPHER, clock, "a")  # same name, new process
    assert await _due(after, clock) == []
    clock.advance(timedelta(seconds=5))
    assert await _due(after, clock) == [], "not known to this process: seen at the next REREAD"
    clock.set(NOW + REREAD)
    assert await _due(after, clock) == ["m4"]
    clock.set(NOW + timedelta(seconds=40))
    assert await _due(after, clock) == [], "read 10 s ago and nothing of its own listed since"
    clock.set(NOW + 2 * REREAD)
    assert await _due(after, clock) == ["m5"]
