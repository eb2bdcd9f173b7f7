"""Background loops count their passes: idle when they found nothing to do, busy otherwise (failures too)."""

from __future__ import annotations

from prometheus_client import REGISTRY

from cordial_core.metrics import count_pass


def _passes(loop: str, outcome: str) -> float:
    value = REGISTRY.get_sample_value("cordial_background_passes_total", {"loop": loop, "outcome": outcome})
    return value or 0.0


def test_a_pass_that_did_nothing_is_idle_and_any_other_is_busy() -> None:
    idle, busy = _passes("unit_loop", "idle"), _passes("unit_loop", "busy")
    count_pass("unit_loop", 0)
    count_pass("unit_loop", 3)
    count_pass("unit_loop", -1)  # a failed pass
    assert _passes("unit_loop", "idle") == idle + 1
    assert _passes("unit_loop", "busy") == busy + 2
