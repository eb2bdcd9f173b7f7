"""What a run sets the platform up with: its clients, their strategies and negotiation policy, the loops' pace."""

from __future__ import annotations

from typing import Any

# The background loops' pace in a run, and how often the driver looks whether the platform is quiet.
PACE_SECONDS = 0.1
POLICY = {"bands": [{"min_days_past_due": 0}], "max_installments": 3, "offer_validity_days": 3, "grace_days": 5}


def pace() -> dict[str, str]:
    """The pace of the background loops: short, so each step settles quickly (the defaults suit real time), at
    any size: an idle pass reads nothing (strategy's due index and messaging's deferred list are read only when
    something may be due, `cordial_core.due_watch`; agreements keeps its agenda in memory). A step settles once
    every loop ran two idle passes, so their pace is most of what a step with nothing to do costs."""
    seconds = PACE_SECONDS
    return {
        "SCHEDULER_INTERVAL_SECONDS": str(seconds),
        "MESSAGING_DUE_POLL_SECONDS": str(seconds),
        "AGREEMENTS_CHECK_INTERVAL_SECONDS": str(seconds),
        "OUTBOX_POLL_SECONDS": str(seconds),
        # Every write's events are relayed by `_id` at once; the sweep only finds events of a process that died,
        # and on FerretDB it reads every document of every outboxed collection (2.8 s for 361 cases).
        "OUTBOX_SWEEP_SECONDS": "600",
    }


def _path(name: str, channels: tuple[str, str]) -> dict[str, Any]:
    return {
        "segment": name,
        "steps": [
            {"name": "reminder-1", "channels": list(channels), "template": "reminder", "day_offset": 0},
            {"name": "reminder-2", "channels": list(channels[::-1]), "template": "reminder", "day_offset": 4},
            {"name": "answer", "channels": [channels[0]], "template": "reminder", "on_event": "reply.received"},
            {"name": "formal", "channels": ["sms"], "template": "reminder", "day_offset": 12, "tone": "formal"},
        ],
    }


def strategy(name: str, channels: tuple[str, str], escalate: bool) -> dict[str, Any]:
    """A strategy document: two segments, a path of reminders, escalation to the bureau when the client opted in."""
    segments: list[dict[str, Any]] = [{"segment": "high", "min_balance_minor": 100_000}, {"segment": "all"}]
    body: dict[str, Any] = {
        "name": name,
        "segments": segments,
        "paths": [_path(s["segment"], channels) for s in segments],
    }
    if escalate:
        body["escalation"] = ["prior_notice", "bureau_inscription"]
        body["escalation_conditions"] = {"min_balance_minor": 5_000, "min_days_past_due": 30, "client_opted_in": True}
    return body


WHATSAPP_FIRST, SMS_FIRST = ("whatsapp", "sms"), ("sms", "whatsapp")
# Client key -> (name, variants as (strategy name, first channels, percent), escalation opted in).
CLIENTS: dict[str, tuple[str, list[tuple[str, tuple[str, str], int]], bool]] = {
    "banco": ("Banco Aurora", [("whatsapp-first", WHATSAPP_FIRST, 70), ("sms-first", SMS_FIRST, 30)], True),
    "varejo": ("Varejo Boa Compra", [("whatsapp-first", WHATSAPP_FIRST, 50), ("sms-first", SMS_FIRST, 50)], True),
    "energia": ("Energia Serena", [("sms-first", SMS_FIRST, 100)], False),
}
