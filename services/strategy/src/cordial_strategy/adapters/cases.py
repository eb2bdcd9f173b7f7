"""Cases in MongoDB: one document per debt with its actions, decisions and pending events.

What a query, a condition or the directory reads is a plain field (`PLAIN`); the rest (the actions with every
decision and explanation, results, escalation, path) is one packed value (`adapters.packed`), which FerretDB
reads and writes at a fraction of the cost of its hundreds of fields. A case stored before is read as it is.

Due and open cases are found through the case directory (`adapters.directory`), never by a query on the
cases, which FerretDB would answer by reading them all; each candidate is read by `_id` and claimed with a
conditional update whose conditions are plain equalities (its version and its lease as read).
The scheduler claims due cases with a lease (a conditional update sets `lease_until`), so instances
share the work and a crashed claimant's cases come back when its lease expires. On MongoDB the claim
is atomic: one claimant per lease. FerretDB v1 does not apply an update atomically across processes,
so there two instances may both claim one case; what still holds is (1) the optimistic `version` on
save (checked inside the per-process document lock: exact within a process, best effort across
processes on FerretDB) and (2) the action id is stable per debt and step, so a step evaluated twice
produces the same id, which messaging and every consumer de-duplicate. A crash after the claim and
before the save loses nothing: the case stays due and its lease expires. The daily sweep claims nothing:
it reads each case of its partition's rosters and saves one only when looking at it changed it, conditional
on the version read (most open cases, on most days, have nothing new: no write at all).
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any, TypeGuard

from cordial_core.clock import Clock
from cordial_core.due_watch import DueWatch
from cordial_core.errors import FailedPrecondition
from cordial_core.events import Event
from cordial_core.money import Money
from cordial_core.store import TenantCollection
from cordial_strategy.adapters.directory import (
    FLOOR_MARGIN,
    SWEEP_BUCKETS,
    CaseDirectory,
    Entry,
    hour_of,
    sweep_bucket,
)
from cordial_strategy.adapters.packed import pack, unpack
from cordial_strategy.domain.case import ActionRecord, Case, Escalation, Results
from cordial_strategy.domain.escalation import EscalationConditions
from cordial_strategy.domain.installments import InstallmentPlan
from cordial_strategy.domain.path import PathProgress
from cordial_strategy.domain.policy import Decision

# What a query, a condition or the directory reads stays a plain field; the rest of a case (its actions with
# every decision and explanation, results, escalation, path) is stored packed in `body` (`adapters.packed`).
PLAIN = ("_id", "tenant", "debtor_id", "stopped", "next_due_at", "action_ids", "version", "sweep_bucket", "lease_until")
BODY = "body"
HOUR = timedelta(hours=1)
# How long an idle scheduler goes without reading the due index for what other instances listed.
REREAD = timedelta(seconds=30)
# How many buckets of a partition the sweep reads at once (about 12 cases each at 10,000 debts).
SWEEP_READ_AHEAD = 8
# The fields packed in the body, which a case stored before bodies were packed holds plainly.
_PACKED_FIELDS = (
    "has_debt", "creditor_name", "balance", "time_zone", "country", "state", "contact_ready", "stop_reason",
    "actions", "company", "due_date", "strategy", "results", "escalation", "path", "installments", "handled",
)  # fmt: skip


class CaseRepository:
    """Loads and saves cases with optimistic versions, so concurrent writers never lose a change."""

    def __init__(self, collection: TenantCollection, clock: Clock, directory: CaseDirectory | None = None) -> None:
        self.collection = collection
        self._clock = clock
        # The due index and the roster live beside the cases, in the same database.
        self.directory = directory or CaseDirectory(collection.raw.database[f"{collection.raw.name}_directory"])
        # How far this instance's sweep of a partition got on a day (a restart begins the day's walk again).
        self._sweep_cursor: dict[tuple[str, int, int], int] = {}
        # When the due index may hold something due that this instance has not seen (see `claim_due`).
        self._watch = DueWatch(REREAD)

    async def ensure_indexes(self) -> None:
        """Cases are found by action id; due and open cases by the directory (listed once for older stores)."""
        await self.collection.raw.create_index([("action_ids", 1)])
        if await self.directory.floor_recorded():
            return
        fields = {"tenant": 1, "next_due_at": 1, "version": 1}
        async for doc in self.collection.raw.find({"stopped": False}, projection=fields):
            await self.directory.list_open(doc["tenant"], doc["_id"])
            if doc.get("next_due_at") is not None:
                await self.directory.list_due(
                    doc["tenant"], doc["_id"], doc["next_due_at"], doc.get("version", 0), self._clock.now()
                )
                self._watch.listed(doc["next_due_at"])
        await self.directory.raise_floor(hour_of(self._clock.now() - FLOOR_MARGIN))

    async def load(self, tenant: str, debt_id: str) -> Case | None:
        """The case of a debt of this tenant, or None."""
        doc = await self.collection.find_one(tenant, {"_id": debt_id})
        return _from_doc(doc) if doc else None

    async def load_or_new(self, tenant: str, debt_id: str, debtor_id: str) -> Case:
        """The case of a debt, created empty the first time any event mentions it (listed for the sweep first)."""
        known = await self.load(tenant, debt_id)
        if known is not None:
            return known  # listed when it was created; a case is never started again once stopped
        await self.directory.list_open(tenant, debt_id)
        doc = _to_doc(Case(debt_id, tenant, debtor_id))
        if await self.collection.insert(tenant, doc):
            return _from_doc(doc)  # what was written: no need to read it back
        case = await self.load(tenant, debt_id)  # created by another event meanwhile
        assert case is not None
        return case

    async def save(self, case: Case, events: list[Event]) -> None:
        """Writes the case and its events if nobody changed it meanwhile."""
        doc = _to_doc(case)
        changes = {k: v for k, v in doc.items() if k not in ("_id", "tenant")}
        changes["version"] = case.version + 1
        if case.next_due_at is not None and case.next_due_at != case.listed_due_at:
            await self.directory.list_due(
                case.tenant, case.debt_id, case.next_due_at, case.version + 1, self._clock.now()
            )
            self._watch.listed(case.next_due_at)  # after the entry is written: a read begun before misses it
        # A case stored before bodies were packed loses its plain copies of the packed fields on its first save.
        saved = await self.collection.update(
            case.tenant, {"_id": case.debt_id, "version": case.version}, changes, events, self._clock, _PACKED_FIELDS
        )
        if not saved:
            raise FailedPrecondition("the case changed meanwhile; retry")
        case.version += 1
        case.listed_due_at = case.next_due_at

    async def with_action(self, tenant: str, action_id: str) -> Case | None:
        """The case holding an action of this tenant, or None."""
        doc = await self.collection.find_one(tenant, {"action_ids": action_id})
        return _from_doc(doc) if doc else None

    async def of_tenant(self, tenant: str) -> list[Case]:
        """Every case of a tenant (for per-variant results)."""
        return [_from_doc(doc) for doc in await self.collection.find(tenant, {})]

    async def claim_due(self, now: datetime, owner: str, lease: timedelta, limit: int) -> list[Case]:
        """Claims open cases whose action is due and whose lease is free or expired, across tenants.

        Reads the due index from its floor to now, claims the earliest due first, prunes the stale
        entries it met and raises the floor past the hours left empty. A pass before the next moment
        something may be due reads nothing (each read costs FerretDB about 1 ms a document, 17 a pass):
        that moment is the earliest entry left, the next hour, a save of this instance that listed a case
        (its due time), or `REREAD` after the last read, for the entries other instances list (each claims
        its own at once; another's come back to it that late only if it died): `cordial_core.due_watch`.
        """
        if not self._watch.begin(now):
            return []
        floor = await self.directory.floor(now)
        entries = sorted(await self.directory.due_entries(floor, now), key=lambda e: e.due_at or now)
        claim = {"lease_until": now + lease, "lease_owner": owner}
        claimed: list[Case] = []
        stale: list[Entry] = []
        kept: list[Entry] = []
        for entry in entries:
            if len(claimed) >= limit or entry.due_at is None or entry.due_at > now:
                kept.append(entry)
                continue
            doc = await self.collection.find_one(entry.tenant, {"_id": entry.debt_id})
            if entry.stale(doc):
                stale.append(entry)
                continue
            kept.append(entry)  # until a save moves the due time: a crashed claimant's case comes back
            case = await self._claim(doc, now, claim) if _due_as_listed(doc, entry) else None
            claimed.extend([case] if case is not None else [])
        await self.directory.prune(stale)
        hours = [hour_of(max(e.due_at or now, now)) for e in kept]
        lowest = min([*hours, hour_of(now - FLOOR_MARGIN)])
        if lowest > floor:
            await self.directory.raise_floor(lowest)
        left = min([e.due_at or now for e in kept] + [hour_of(now) + HOUR])
        self._watch.read(now, full=len(claimed) >= limit, left=left)
        return claimed

    async def sweep_batch(self, day: str, partition: int, partitions: int, limit: int) -> list[Case]:
        """Open cases of one hash partition not yet read in a day's sweep, read a few buckets' rosters at a time.

        Reads only, claims nothing: the sweep saves a case only when looking at it changed it, conditional on the
        version it read, so an event's save meanwhile wins. Whole buckets are read, so a batch may pass the limit
        by a few rosters; a restart walks the day's buckets again (looking at a case twice requests nothing twice).
        """
        key = (day, partition, partitions)
        cursor = self._sweep_cursor.get(key, partition)
        batch: list[Case] = []
        while cursor < SWEEP_BUCKETS and len(batch) < limit:
            buckets = range(cursor, SWEEP_BUCKETS, partitions)[:SWEEP_READ_AHEAD]
            for cases in await asyncio.gather(*(self._open_cases(bucket) for bucket in buckets)):
                batch.extend(cases)
            cursor = buckets[-1] + partitions
        self._sweep_cursor = {k: v for k, v in self._sweep_cursor.items() if k[0] == day}
        self._sweep_cursor[key] = cursor
        return batch

    async def _open_cases(self, bucket: int) -> list[Case]:
        """The open cases listed in one bucket's roster; entries of stopped cases are pruned."""
        entries = await self.directory.roster(bucket)
        docs = await asyncio.gather(*(self.collection.find_one(e.tenant, {"_id": e.debt_id}) for e in entries))
        await self.directory.prune([e for e, doc in zip(entries, docs, strict=True) if e.stale(doc)])
        return [_from_doc(doc) for doc in docs if doc is not None and not doc["stopped"]]

    async def _claim(self, doc: dict[str, Any], now: datetime, claim: dict[str, Any]) -> Case | None:
        """Claims a case read by _id if its lease is free: a conditional update on its version and lease.

        Every condition is a plain equality, so FerretDB reads the case by _id alone and tests them under
        the document's lock (no scan, and a claim racing a save of the same case loses: the save bumped the
        version); on MongoDB the update is atomic, so one claimant wins.
        """
        lease_until = doc.get("lease_until")
        if lease_until is not None and lease_until > now:
            return None
        condition = {"_id": doc["_id"], "version": doc.get("version", 0), "lease_until": lease_until}
        if not await self.collection.update(doc["tenant"], condition, claim):
            return None
        return _from_doc({**doc, **claim})


def _due_as_listed(doc: dict[str, Any] | None, entry: Entry) -> TypeGuard[dict[str, Any]]:
    """Whether the case is due at the entry's time (not when its save has not landed yet)."""
    stored = None if doc is None else doc.get("next_due_at")
    if stored is None or entry.due_at is None:
        return False
    return abs(stored - entry.due_at) < timedelta(milliseconds=1)


def _decision_doc(d: Decision) -> dict[str, Any]:
    return {
        "allowed": d.allowed,
        "rule": d.rule,
        "explanation": d.explanation,
        "decided_at": d.decided_at,
        "time_zone": d.time_zone,
        "next_allowed_at": d.next_allowed_at,
        "values": d.values,
    }


def _to_doc(case: Case) -> dict[str, Any]:
    """The stored document: the plain fields and the packed body."""
    fields = _fields(case)
    return {**{k: fields[k] for k in PLAIN}, BODY: pack({k: v for k, v in fields.items() if k not in PLAIN})}


def _fields(case: Case) -> dict[str, Any]:
    return {
        "_id": case.debt_id,
        "tenant": case.tenant,
        "debtor_id": case.debtor_id,
        "has_debt": case.has_debt,
        "creditor_name": case.creditor_name,
        "balance": case.balance.to_doc() if case.balance else None,
        "time_zone": case.time_zone,
        "country": case.country,
        "state": case.state,
        "contact_ready": case.contact_ready,
        "stopped": case.stopped,
        "stop_reason": case.stop_reason,
        "actions": {
            step: {
                "action_id": a.action_id,
                "channels": list(a.channels),
                "step": a.step,
                "state": a.state,
                "decision": _decision_doc(a.decision),
                "history": [_decision_doc(h) for h in a.history],
                "purpose": a.purpose,
            }
            for step, a in case.actions.items()
        },
        "action_ids": sorted(a.action_id for a in case.actions.values()),
        "next_due_at": case.next_due_at,
        "company": case.company,
        "due_date": case.due_date,
        "strategy": {
            "scope": case.strategy_scope,
            "version": case.strategy_version,
            "variant": case.variant,
            "segment": case.segment,
        },
        "results": asdict(case.results),
        "escalation": {**asdict(case.escalation), "path": list(case.escalation.path)},
        "path": _path_doc(case.path),
        "installments": asdict(case.installments) if case.installments else None,
        "handled": list(case.handled),
        "version": case.version,
        "sweep_bucket": sweep_bucket(case.debt_id),
        # Every save ends the claimant's lease: the case has been looked at.
        "lease_until": None,
    }


def _from_doc(stored: dict[str, Any]) -> Case:
    """The case of a stored document, packed or in the layout before bodies were packed."""
    doc = {**unpack(stored[BODY]), **stored} if stored.get(BODY) is not None else stored
    return Case(
        debt_id=doc["_id"],
        tenant=doc["tenant"],
        debtor_id=doc["debtor_id"],
        has_debt=doc["has_debt"],
        creditor_name=doc["creditor_name"],
        balance=Money.from_doc(doc["balance"]) if doc.get("balance") else None,
        time_zone=doc["time_zone"],
        country=doc.get("country", ""),
        state=doc.get("state", ""),
        contact_ready=doc["contact_ready"],
        stopped=doc["stopped"],
        stop_reason=doc["stop_reason"],
        actions={
            key: ActionRecord(
                a["action_id"],
                a.get("step", key),
                tuple(a["channels"]),
                a["state"],
                Decision(**a["decision"]),
                [Decision(**h) for h in a.get("history", [])],
                a.get("purpose", "collection"),
            )
            for key, a in doc.get("actions", {}).items()
        },
        next_due_at=doc.get("next_due_at"),
        listed_due_at=doc.get("next_due_at"),
        company=doc.get("company", False),
        due_date=doc.get("due_date", ""),
        strategy_scope=doc.get("strategy", {}).get("scope", ""),
        strategy_version=doc.get("strategy", {}).get("version", 0),
        variant=doc.get("strategy", {}).get("variant", ""),
        segment=doc.get("strategy", {}).get("segment", ""),
        results=Results(**doc.get("results", {})),
        escalation=_escalation(doc.get("escalation") or {}),
        path=_path(doc.get("path") or {}),
        installments=InstallmentPlan(**doc["installments"]) if doc.get("installments") else None,
        handled=list(doc.get("handled", [])),
        version=doc.get("version", 0),
    )


def _path_doc(path: PathProgress) -> dict[str, Any]:
    """Event names carry dots, which document keys may not: stored with colons."""
    doc = asdict(path)
    for name in ("triggers", "triggered_at"):
        doc[name] = {k.replace(".", ":"): v for k, v in doc[name].items()}
    return doc


def _path(doc: dict[str, Any]) -> PathProgress:
    for name in ("triggers", "triggered_at"):
        doc[name] = {k.replace(":", "."): v for k, v in doc.get(name, {}).items()}
    return PathProgress(**doc)


def _escalation(doc: dict[str, Any]) -> Escalation:
    conditions = EscalationConditions(**doc.get("conditions", {}))
    return Escalation(**{**doc, "path": tuple(doc.get("path", ())), "conditions": conditions})
