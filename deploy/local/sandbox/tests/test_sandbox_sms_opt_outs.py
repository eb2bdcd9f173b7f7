"""Twilio's keyword opt-out of a US number in the sandbox: its own confirmation, then 21610 until START."""

from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from cordial_sandbox.app import create_app
from cordial_stack.form_hook import form_hook

TOKEN = "sandbox-secret"
SMS_PATH = "/2010-04-01/Accounts/ACtest/Messages.json"
US, BR, OURS = "+14155550123", "+5511987654321", "+15005550006"


@pytest.fixture
def client() -> TestClient:
    """A sandbox app of its own."""
    return TestClient(create_app(TOKEN))


@pytest.fixture
def hook(client: TestClient) -> Iterator[list[dict[str, str]]]:
    """A webhook receiver over a real socket, set as the sandbox's sms_inbound target; yields what it received."""
    with form_hook() as receiver:
        assert client.post("/sandbox/webhooks", json={"kind": "sms_inbound", "url": receiver.url}).status_code == 200
        yield receiver.received


def send_sms(client: TestClient, to: str, sender: str = OURS) -> httpx.Response:
    """Posts one SMS in Twilio's form."""
    form = {"To": to, "From": sender, "Body": "Hello"}
    return client.post(SMS_PATH, data=form, auth=("ACtest", TOKEN))


def _reply(client: TestClient, sender: str, body: str) -> None:
    answered = client.post("/sandbox/sms/replies", json={"sender": sender, "body": body, "to": OURS})
    assert answered.json()["status"] == 200


def test_a_us_stop_is_confirmed_by_twilio_passed_on_and_later_sends_refused_with_21610_until_start(
    client: TestClient,
    hook: list[dict[str, str]],
) -> None:
    assert send_sms(client, US).status_code == 201
    _reply(client, US, " stop ")
    [_ours, confirmation] = client.get("/sandbox/inbox", params={"channel": "sms", "to": US}).json()["messages"]
    assert "successfully been unsubscribed" in confirmation["body"]
    assert confirmation["payload"]["direction"] == "outbound-reply"
    assert [h["Body"] for h in hook] == [" stop "]  # the keyword still reaches the webhook

    refused = send_sms(client, US)
    assert refused.status_code == 400
    assert refused.json()["code"] == 21610
    assert send_sms(client, US, "+15005550007").status_code == 201  # another sender is not blocked
    listed = client.get(SMS_PATH, params={"To": US, "From": OURS}, auth=("ACtest", TOKEN)).json()["messages"]
    assert [m["direction"] for m in listed] == ["outbound-reply", "outbound-api"]

    _reply(client, US, "START")
    assert send_sms(client, US).status_code == 201
    bodies = [m["body"] for m in client.get("/sandbox/inbox", params={"to": US}).json()["messages"]]
    assert "re-subscribed" in bodies[-2]


@pytest.mark.parametrize(("sender", "body"), [(BR, "STOP"), (US, "please stop"), (US, "SAIR")])
def test_a_brazilian_number_or_a_sentence_is_not_twilios_to_handle(
    client: TestClient,
    hook: list[dict[str, str]],
    sender: str,
    body: str,
) -> None:
    _reply(client, sender, body)
    assert client.get("/sandbox/inbox", params={"to": sender}).json()["messages"] == []
    assert send_sms(client, sender).status_code == 201
    assert len(hook) == 1
