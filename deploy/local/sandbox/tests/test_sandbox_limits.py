"""The sandbox's WhatsApp Cloud API limits: throughput per business number and the pair rate, as the API answers."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from cordial_sandbox.__main__ import parse_args
from cordial_sandbox.app import create_app
from cordial_sandbox.whatsapp_limits import PAIR_RATE, THROUGHPUT, Limits, SendLimits

TOKEN = "sandbox-secret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
NUMBER = "100000000000001"


class Clock:
    """A clock the test moves; requests arrive at whatever it says."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 5, 13, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def at(self, seconds: float) -> None:
        self.now = datetime(2026, 3, 5, 13, tzinfo=UTC) + timedelta(seconds=seconds)


def send(client: TestClient, to: str, number: str = NUMBER) -> dict:
    """Posts a text message; the answer's status and body."""
    body = {"messaging_product": "whatsapp", "to": to, "type": "text", "text": {"body": "Olá"}}
    response = client.post(f"/v21.0/{number}/messages", json=body, headers=AUTH)
    return {"status": response.status_code, **response.json()}


def test_past_the_rate_in_one_second_of_arrival_is_refused_with_130429_and_not_delivered() -> None:
    clock = Clock()
    client = TestClient(create_app(TOKEN, clock=clock, whatsapp_limits=Limits(rate=3, pair_seconds=0)))
    for i, moment in enumerate((0.0, 0.1, 0.2)):
        clock.at(moment)
        assert send(client, f"551190000000{i}")["status"] == 200
    clock.at(0.9)
    refused = send(client, "5511900000009")
    assert refused["status"] == 400
    assert refused["error"]["code"] == THROUGHPUT
    assert refused["error"]["message"] == "(#130429) Rate limit hit"
    assert refused["error"]["type"] == "OAuthException"
    assert refused["error"]["error_data"]["details"] == "Cloud API message throughput has been reached."
    # Another business number has its own throughput.
    assert send(client, "5511900000009", number="100000000000002")["status"] == 200
    clock.at(1.0)  # the window (0.0, 1.0] holds two: a third fits
    assert send(client, "5511900000009")["status"] == 200
    inbox = client.get("/sandbox/inbox", params={"channel": "whatsapp"}).json()["messages"]
    assert len(inbox) == 5
    limits = client.get("/sandbox/whatsapp/limits").json()
    assert limits["accepted"] == 5
    assert limits["refused"] == {str(THROUGHPUT): 1, str(PAIR_RATE): 0}
    assert limits["busiest_second"] == 3


def test_a_second_message_to_one_user_within_the_pair_seconds_is_refused_with_131056() -> None:
    clock = Clock()
    client = TestClient(create_app(TOKEN, clock=clock, whatsapp_limits=Limits(rate=80, pair_seconds=6)))
    assert send(client, "+55 11 90000-0001")["status"] == 200
    clock.at(5.9)
    refused = send(client, "5511900000001")
    assert refused["status"] == 400
    assert refused["error"]["code"] == PAIR_RATE
    assert refused["error"]["message"] == "(#131056) (Business Account, Consumer Account) pair rate limit hit"
    assert send(client, "5511900000002")["status"] == 200  # another user is not held
    clock.at(6.0)
    assert send(client, "5511900000001")["status"] == 200
    limits = client.get("/sandbox/whatsapp/limits").json()
    assert limits["refused"] == {str(THROUGHPUT): 0, str(PAIR_RATE): 1}
    assert limits["closest_pair_seconds"] == pytest.approx(6.0)
    assert len(client.get("/sandbox/inbox").json()["messages"]) == 3


def test_limits_are_set_at_run_time_with_counts_zeroed_and_a_reset_restores_those_started_with() -> None:
    clock = Clock()
    client = TestClient(create_app(TOKEN, clock=clock, whatsapp_limits=Limits(rate=1, pair_seconds=0)))
    assert send(client, "5511900000001")["status"] == 200
    assert send(client, "5511900000002")["error"]["code"] == THROUGHPUT
    changed = client.post("/sandbox/whatsapp/limits", json={"rate": 2, "pair_seconds": 6})
    assert changed.json()["rate"] == 2
    assert changed.json()["refused"][str(THROUGHPUT)] == 0
    assert send(client, "5511900000002")["status"] == 200
    assert send(client, "5511900000002")["error"]["code"] == PAIR_RATE
    assert client.post("/sandbox/whatsapp/limits", json={"rate": 0, "pair_seconds": 1}).status_code == 422
    assert client.post("/sandbox/whatsapp/limits", json={"rate": 5, "pair_seconds": -1}).status_code == 422
    client.post("/sandbox/reset")
    assert client.get("/sandbox/whatsapp/limits").json()["rate"] == 1


def test_an_injected_fault_still_answers_before_the_limits_and_takes_nothing_from_them() -> None:
    client = TestClient(create_app(TOKEN, clock=Clock(), whatsapp_limits=Limits(rate=1, pair_seconds=0)))
    client.post("/sandbox/faults", json={"channel": "whatsapp", "status": 429, "count": 1})
    faulted = send(client, "5511900000001")
    assert (faulted["status"], faulted["error"]["code"]) == (429, THROUGHPUT)
    assert send(client, "5511900000001")["status"] == 200
    assert client.get("/sandbox/whatsapp/limits").json()["accepted"] == 1


def test_arrivals_handled_out_of_order_still_hold_every_window_to_the_rate() -> None:
    limits = SendLimits(Limits(rate=2, pair_seconds=0))
    assert limits.admit(NUMBER, "a", 1.5) is None
    assert limits.admit(NUMBER, "b", 2.0) is None
    # Arrived before both but handled after: the window (1.0, 2.0] would hold three.
    assert limits.admit(NUMBER, "c", 1.2) == THROUGHPUT
    assert limits.admit(NUMBER, "c", 0.4) is None  # (0.4 - 1, 0.4] .. (1.3, 2.3]: never more than two
    assert limits.report()["busiest_second"] == 2


def test_the_command_line_and_environment_set_the_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    assert (parse_args(["--token", "t"]).whatsapp_rate, parse_args(["--token", "t"]).whatsapp_pair_seconds) == (80, 6)
    monkeypatch.setenv("SANDBOX_WHATSAPP_RATE", "40")
    monkeypatch.setenv("SANDBOX_WHATSAPP_PAIR_SECONDS", "0")
    args = parse_args(["--token", "t"])
    assert (args.whatsapp_rate, args.whatsapp_pair_seconds) == (40, 0)
    assert parse_args(["--token", "t", "--whatsapp-rate", "100"]).whatsapp_rate == 100
    with pytest.raises(SystemExit):
        parse_args(["--token", "t", "--whatsapp-rate", "0"])
