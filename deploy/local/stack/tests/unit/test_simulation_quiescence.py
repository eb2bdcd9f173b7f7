"""A clock step settles once no event moved, every loop ran two idle passes since the last activity, and no consumer
group lags; Kafka is asked only when the metrics already say quiet, and services render only the activity metrics."""

from __future__ import annotations

from collections import defaultdict

import httpx
from prometheus_client import REGISTRY, generate_latest

from cordial_core.metrics import EVENTS_PUBLISHED, count_pass
from cordial_stack.simulation.quiescence import ACTIVITY_METRICS, Quiescence, Snapshot


def _snap(events: float, scheduler: float, relay: float, busy: float = 0.0) -> Snapshot:
    idle = defaultdict(float, {"strategy/scheduler": scheduler, "strategy/outbox": relay})
    return Snapshot(events, idle, defaultdict(float, {"strategy/scheduler": busy} if busy else {}))


class Scripted(Quiescence):
    """Snapshots and lags played back in order, with no wait between polls."""

    def __init__(self, snapshots: list[Snapshot], lags: list[int]) -> None:
        super().__init__({}, "", poll_seconds=0)
        self._snapshots = list(snapshots)
        self._lags = list(lags)
        self.asked: list[int] = []

    async def snapshot(self) -> Snapshot:
        return self._snapshots.pop(0)

    async def lag(self) -> int:
        self.asked.append(len(self._lags))
        return self._lags.pop(0)


async def test_a_step_with_nothing_to_do_settles_after_two_idle_passes_of_every_loop_and_one_lag_check() -> None:
    quiet = Scripted([_snap(5, 10, 20), _snap(5, 11, 21), _snap(5, 12, 21), _snap(5, 12, 22)], [0])
    assert await quiet.wait() is False
    assert len(quiet.asked) == 1, "Kafka is asked once, when every loop had run twice"
    assert not quiet._snapshots, "the relay's second idle pass came last"
    assert (quiet.waits, quiet.quiet_waits) == (1, 1)


async def test_activity_moves_the_reference_and_kafka_is_not_asked_meanwhile() -> None:
    snapshots = [
        _snap(5, 10, 20),
        _snap(6, 11, 21),  # an event: two idle passes are counted from here
        _snap(6, 12, 22, busy=1),  # a busy pass: and from here
        _snap(6, 13, 23, busy=1),
        _snap(6, 14, 24, busy=1),
    ]
    quiet = Scripted(snapshots, [0])
    assert await quiet.wait() is True
    assert len(quiet.asked) == 1
    assert (quiet.waits, quiet.quiet_waits) == (1, 0)


async def test_a_consumer_group_that_lags_keeps_the_step_waiting_for_two_more_idle_passes() -> None:
    snapshots = [_snap(5, 10, 20), _snap(5, 11, 21), _snap(5, 12, 22), _snap(5, 13, 23), _snap(5, 14, 24)]
    quiet = Scripted(snapshots, [3, 0])
    assert await quiet.wait() is True
    assert len(quiet.asked) == 2
    assert not quiet._snapshots, "it settled only after the loops ran twice more after the lag"


async def test_services_are_asked_for_the_activity_metrics_only() -> None:
    asked: list[httpx.Request] = []
    count_pass("quiescence_test_loop", 0)
    EVENTS_PUBLISHED.labels("quiescence.test").inc()
    rendered = generate_latest(REGISTRY.restricted_registry(ACTIVITY_METRICS)).decode()
    assert "process_cpu_seconds_total" not in rendered, "what prometheus_client renders for the names alone"

    def reply(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        return httpx.Response(200, text=rendered)

    quiet = Quiescence({"strategy": 1}, "", http=httpx.AsyncClient(transport=httpx.MockTransport(reply)))
    snap = await quiet.snapshot()
    assert sorted(asked[0].url.params.get_list("name[]")) == sorted(ACTIVITY_METRICS)
    assert snap.idle["strategy/quiescence_test_loop"] >= 1
    assert snap.events >= 1
