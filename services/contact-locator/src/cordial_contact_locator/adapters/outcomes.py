"""Contact outcomes kept in MongoDB, one document per event and outcome (a redelivered event counts once)."""

from __future__ import annotations

from typing import Any, cast

from cordial.types.v1 import types_pb2
from cordial_contact_locator.domain.directory import ContactOutcome
from cordial_contact_locator.domain.right_party import OutcomeCount
from cordial_core.clock import Clock
from cordial_core.ids import new_id, stable_id
from cordial_core.store import TenantCollection


class MongoOutcomes:
    """Insert-only outcome log, summed per source, provider, channel and outcome when read."""

    def __init__(self, collection: TenantCollection, clock: Clock) -> None:
        self.collection = collection
        self._clock = clock

    async def ensure_indexes(self) -> None:
        """Outcomes are summed per tenant."""
        await self.collection.raw.create_index([("tenant", 1), ("source", 1), ("provider", 1)])

    async def count(self, outcome: ContactOutcome) -> bool:
        """Records one outcome; the same event's outcome is recorded once (False for a repeat)."""
        doc_id = stable_id(outcome.tenant, outcome.event_id, outcome.outcome) if outcome.event_id else new_id()
        doc = {
            "_id": doc_id,
            "source": outcome.source,
            "provider": outcome.provider,
            "channel": outcome.channel,
            "outcome": outcome.outcome,
            "at": self._clock.now(),
        }
        return await self.collection.insert(outcome.tenant, doc)

    async def counts(self, tenant: str) -> list[OutcomeCount]:
        """The tenant's outcomes summed (a $match and a $group: both MongoDB and FerretDB have them)."""
        pipeline: list[dict[str, Any]] = [
            {"$match": {"tenant": tenant}},
            {
                "$group": {
                    "_id": {"source": "$source", "provider": "$provider", "channel": "$channel", "outcome": "$outcome"},
                    "n": {"$sum": 1},
                }
            },
        ]
        cursor = await self.collection.raw.aggregate(pipeline)
        return [
            OutcomeCount(
                d["_id"]["source"],
                d["_id"]["provider"],
                # Stored as the enum's number, which is what a protobuf enum is at run time.
                cast(types_pb2.Channel, int(d["_id"]["channel"])),
                d["_id"]["outcome"],
                int(d["n"]),
            )
            async for d in cursor
        ]
