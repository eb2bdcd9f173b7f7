"""The provider sandbox over a real socket: uvicorn in a thread, driven with httpx."""

import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta

import httpx
import pytest
import uvicorn

from cordial_sandbox.app import create_app
from cordial_sandbox.sms import num_segments
from cordial_sandbox.whatsapp_limits import Limits

TOKEN = "sandbox-secret"
ACCOUNT = "AC" + "0" * 32
SMS_PATH = f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
WA_PATH = "/v21.0/1234567890/messages"
WA_AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """Serve one sandbox app on a free 127.0.0.1 port for the module."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    # These tests message one user many times: no pair limit unless a test sets one (test_sandbox_limits.py).
    app = create_app(TOKEN, whatsapp_limits=Limits(pair_seconds=0))
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "sandbox did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture
def client(base_url: str) -> Iterator[httpx.Client]:
    """An httpx client on a freshly reset sandbox."""
    with httpx.Client(base_url=base_url, timeout=5) as c:
        assert c.post("/sandbox/reset").status_code == 200
        yield c


def send_sms(client: httpx.Client, *, password: str = TOKEN, **fields: str | None) -> httpx.Response:
    """POST a Twilio-style form to the SMS endpoint."""
    given: dict[str, str | None] = {"To": "+5511987654321", "From": "+15005550006", "Body": "Hello"}
    form = {k: v for k, v in (given | fields).items() if v is not None}
    return client.post(SMS_PATH, data=form, auth=(ACCOUNT, password))


def wa_text(to: str = "5511987654321", body: str = "Olá") -> dict[str, object]:
    """A valid WhatsApp text message request body."""
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "text",
        "text": {"body": body},
    }


def inbox(client: httpx.Client, **params: str) -> list[dict[str, object]]:
    """Read the sandbox inbox."""
    response = client.get("/sandbox/inbox", params=params)
    assert response.status_code == 200
    messages: list[dict[str, object]] = response.json()["messages"]
    return messages


def test_healthz(client: httpx.Client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


# --- SMS (Twilio shape) -------------------------------------------------------------


def test_sms_success_shape_and_inbox(client: httpx.Client) -> None:
    response = send_sms(client, StatusCallback="http://127.0.0.1:1/hooks/sms")
    assert response.status_code == 201
    data = response.json()
    assert re.fullmatch(r"SM[0-9a-f]{32}", data["sid"])
    assert data["status"] == "queued"
    assert data["to"] == "+5511987654321"
    assert data["from"] == "+15005550006"
    assert data["body"] == "Hello"
    assert data["account_sid"] == ACCOUNT
    assert data["num_segments"] == "1"
    assert data["direction"] == "outbound-api"
    assert data["uri"] == f"/2010-04-01/Accounts/{ACCOUNT}/Messages/{data['sid']}.json"
    assert data["date_created"].endswith("+0000")

    (msg,) = inbox(client)
    assert msg["id"] == data["sid"]
    assert msg["channel"] == "sms"
    assert msg["to"] == "+5511987654321"
    assert msg["body"] == "Hello"
    assert msg["payload"] == {
        "To": "+5511987654321",
        "From": "+15005550006",
        "Body": "Hello",
        "StatusCallback": "http://127.0.0.1:1/hooks/sms",
    }
    received = datetime.fromisoformat(str(msg["received_at"]))
    assert received.utcoffset() == timedelta(0)


def test_sms_messaging_service_sid_instead_of_from(client: httpx.Client) -> None:
    sid = "MG" + "a" * 32
    response = send_sms(client, From=None, MessagingServiceSid=sid)
    assert response.status_code == 201
    assert response.json()["from"] is None
    assert response.json()["messaging_service_sid"] == sid


def test_sms_records_every_send_without_dedup(client: httpx.Client) -> None:
    sids = {send_sms(client).json()["sid"] for _ in range(3)}
    assert len(sids) == 3
    assert len(inbox(client, channel="sms")) == 3


@pytest.mark.parametrize("password", ["wrong", ""])
def test_sms_bad_password_is_401(client: httpx.Client, password: str) -> None:
    response = send_sms(client, password=password)
    assert response.status_code == 401
    assert response.json()["code"] == 20003
    assert response.json()["status"] == 401
    assert inbox(client) == []


def test_sms_missing_auth_is_401(client: httpx.Client) -> None:
    response = client.post(SMS_PATH, data={"To": "+5511987654321", "Body": "x", "From": "+1500"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Basic")


@pytest.mark.parametrize("to", ["11987654321", "+0123", "+55 11 98765", "abc"])
def test_sms_invalid_to_is_21211(client: httpx.Client, to: str) -> None:
    response = send_sms(client, To=to)
    assert response.status_code == 400
    assert response.json() == {
        "code": 21211,
        "message": f"The 'To' number {to} is not a valid phone number.",
        "more_info": "https://www.twilio.com/docs/errors/21211",
        "status": 400,
    }
    assert inbox(client) == []


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"Body": None}, 21602),
        ({"Body": ""}, 21602),
        ({"Body": "x" * 1601}, 21617),
        ({"To": None}, 21604),
        ({"From": None}, 21603),
        ({"From": "not a valid sender!"}, 21212),
    ],
)
def test_sms_validation_codes(client: httpx.Client, fields: dict[str, str | None], code: int) -> None:
    response = send_sms(client, password=TOKEN, **fields)
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert inbox(client) == []


def test_sms_segments() -> None:
    assert num_segments("a" * 160) == 1
    assert num_segments("a" * 161) == 2
    assert num_segments("[" * 80) == 1
    assert num_segments("[" * 81) == 2
    assert num_segments("ç" * 70) == 1
    assert num_segments("ç" * 71) == 2


# --- WhatsApp Cloud API -------------------------------------------------------------


def test_whatsapp_text_success_shape_and_inbox(client: httpx.Client) -> None:
    response = client.post(WA_PATH, json=wa_text("+55 11 98765-4321"), headers=WA_AUTH)
    assert response.status_code == 200
    data = response.json()
    assert data["messaging_product"] == "whatsapp"
    assert data["contacts"] == [{"input": "+55 11 98765-4321", "wa_id": "5511987654321"}]
    (message,) = data["messages"]
    assert message["id"].startswith("wamid.")
    assert len(message["id"]) > 20

    (msg,) = inbox(client, channel="whatsapp")
    assert msg["id"] == message["id"]
    assert msg["to"] == "5511987654321"
    assert msg["body"] == "Olá"
    assert msg["payload"] == wa_text("+55 11 98765-4321")


def test_whatsapp_template_success(client: httpx.Client) -> None:
    payload = {
        "messaging_product": "whatsapp",
        "to": "5511987654321",
        "type": "template",
        "template": {
            "name": "payment_reminder",
            "language": {"code": "pt_BR"},
            "components": [
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "text": "Ana"},
                        {"type": "text", "text": "https://pay.example/x"},
                    ],
                }
            ],
        },
    }
    response = client.post(WA_PATH, json=payload, headers=WA_AUTH)
    assert response.status_code == 200
    (msg,) = inbox(client)
    assert msg["body"] == "template:payment_reminder[pt_BR] Ana | https://pay.example/x"
    assert msg["payload"] == payload


def _template(components: list[dict[str, object]]) -> dict[str, object]:
    return {"name": "payment_reminder", "language": {"code": "pt_BR"}, "components": components}


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"}, {"Authorization": f"Basic {TOKEN}"}])
def test_whatsapp_bad_token_is_401_oauth(client: httpx.Client, headers: dict[str, str]) -> None:
    response = client.post(WA_PATH, json=wa_text(), headers=headers)
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["type"] == "OAuthException"
    assert error["code"] == 190
    assert error["message"]
    assert error["fbtrace_id"]
    assert inbox(client) == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"messaging_product": "sms"}, "messaging_product"),
        ({"messaging_product": None}, "messaging_product"),
        ({"type": "hologram"}, "type"),
        ({"text": {}}, "text.body"),
        ({"to": "call me"}, "to"),
        ({"recipient_type": "group"}, "recipient_type"),
        ({"type": "template"}, "template"),
        ({"type": "template", "template": {"name": "x"}}, "template.language.code"),
        ({"type": "template", "template": {"name": "Pay Now", "language": {"code": "en"}}}, "template.name"),
        ({"type": "template", "template": {"name": "x", "language": {"code": "pt-BR"}}}, "template.language.code"),
        ({"type": "template", "template": _template([{"type": "footer"}])}, "template.components[0].type"),
        (
            {"type": "template", "template": _template([{"type": "body", "parameters": [{"text": "Ana"}]}])},
            "template.components[0].parameters[0].type",
        ),
        (
            {"type": "template", "template": _template([{"type": "body", "parameters": [{"type": "text"}]}])},
            "template.components[0].parameters[0].text",
        ),
        (
            {
                "type": "template",
                "template": _template([{"type": "body", "parameters": [{"type": "text", "text": "a\nb"}]}]),
            },
            "new-line",
        ),
    ],
)
def test_whatsapp_invalid_parameter_is_100(client: httpx.Client, change: dict[str, object], field: str) -> None:
    payload = {k: v for k, v in (wa_text() | change).items() if v is not None}
    response = client.post(WA_PATH, json=payload, headers=WA_AUTH)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == 100
    assert error["type"] == "OAuthException"
    assert "Invalid parameter" in error["message"]
    assert field in error["error_data"]["details"]
    assert inbox(client) == []


def test_whatsapp_non_json_body_is_100(client: httpx.Client) -> None:
    headers = WA_AUTH | {"Content-Type": "application/json"}
    response = client.post(WA_PATH, content=b"{not json", headers=headers)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 100


def test_whatsapp_non_user_is_131026(client: httpx.Client) -> None:
    marked = client.post("/sandbox/whatsapp/non-users", json={"numbers": ["+55 11 90000-0001"]})
    assert marked.status_code == 200
    assert marked.json() == {"non_users": ["5511900000001"]}

    response = client.post(WA_PATH, json=wa_text("5511900000001"), headers=WA_AUTH)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == 131026
    assert error["message"] == "Message undeliverable"
    assert inbox(client) == []

    assert client.post(WA_PATH, json=wa_text("5511900000002"), headers=WA_AUTH).status_code == 200
    assert client.delete("/sandbox/whatsapp/non-users").json() == {"non_users": []}
    assert client.post(WA_PATH, json=wa_text("5511900000001"), headers=WA_AUTH).status_code == 200


# --- faults, inbox, isolation -------------------------------------------------------


def test_faults_fail_next_n_requests_then_recover(client: httpx.Client) -> None:
    armed = client.post("/sandbox/faults", json={"channel": "sms", "status": 503, "count": 2})
    assert armed.status_code == 200
    assert armed.json() == {"faults": {"sms": {"status": 503, "count": 2}}}

    for _ in range(2):
        response = send_sms(client)
        assert response.status_code == 503
        assert response.json()["code"] == 20503
    assert client.post(WA_PATH, json=wa_text(), headers=WA_AUTH).status_code == 200
    assert send_sms(client).status_code == 201
    assert [m["channel"] for m in inbox(client)] == ["whatsapp", "sms"]
    assert client.get("/sandbox/faults").json() == {"faults": {}}


def test_whatsapp_fault_uses_graph_shape(client: httpx.Client) -> None:
    client.post("/sandbox/faults", json={"channel": "whatsapp", "status": 429, "count": 1})
    response = client.post(WA_PATH, json=wa_text(), headers=WA_AUTH)
    assert response.status_code == 429
    assert response.json()["error"]["code"] == 130429
    assert client.post(WA_PATH, json=wa_text(), headers=WA_AUTH).status_code == 200


def test_fault_does_not_consume_on_unauthenticated_request(client: httpx.Client) -> None:
    client.post("/sandbox/faults", json={"channel": "sms", "status": 500, "count": 1})
    assert send_sms(client, password="wrong").status_code == 401
    assert send_sms(client).status_code == 500
    assert send_sms(client).status_code == 201


@pytest.mark.parametrize(
    "body",
    [
        {"channel": "fax", "status": 503, "count": 1},
        {"channel": "sms", "status": 200, "count": 1},
        {"channel": "sms", "status": 503, "count": -1},
    ],
)
def test_fault_request_validation(client: httpx.Client, body: dict[str, object]) -> None:
    assert client.post("/sandbox/faults", json=body).status_code == 422
    assert send_sms(client).status_code == 201


def test_inbox_filters_and_clear(client: httpx.Client) -> None:
    send_sms(client, To="+5511911111111", Body="one")
    send_sms(client, To="+5511922222222", Body="two")
    client.post(WA_PATH, json=wa_text("5511911111111", "three"), headers=WA_AUTH)

    assert [m["body"] for m in inbox(client)] == ["one", "two", "three"]
    assert [m["body"] for m in inbox(client, channel="sms")] == ["one", "two"]
    assert [m["body"] for m in inbox(client, channel="whatsapp")] == ["three"]
    assert [m["body"] for m in inbox(client, to="+5511911111111")] == ["one", "three"]
    assert [m["body"] for m in inbox(client, channel="sms", to="+5511922222222")] == ["two"]
    assert inbox(client, channel="email") == []

    assert client.delete("/sandbox/inbox").status_code == 200
    assert inbox(client) == []


def test_apps_are_independent() -> None:
    first, second = create_app("a"), create_app("b")
    first.state.sandbox.inbox.record(id="1", channel="sms", to="+1", body="x", payload={})
    assert second.state.sandbox.inbox.list() == []
    assert first.state.sandbox is not second.state.sandbox


def test_cli_serves_over_http() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    cmd = [sys.executable, "-m", "cordial_sandbox", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen([*cmd, "--token", TOKEN])
    try:
        url = f"http://127.0.0.1:{port}"
        # Importing the app alone took 9.6 s at load 11; the limit only catches a process that never serves.
        deadline = time.monotonic() + 60
        while True:
            try:
                assert httpx.get(f"{url}/healthz").json() == {"status": "ok"}
                break
            except httpx.TransportError:
                assert proc.poll() is None, "sandbox process exited"
                assert time.monotonic() < deadline, "sandbox process did not start"
                time.sleep(0.05)
        auth = (ACCOUNT, TOKEN)
        form = {"To": "+5511987654321", "From": "+15005550006", "Body": "hi"}
        assert httpx.post(f"{url}{SMS_PATH}", data=form, auth=auth).status_code == 201
        assert len(httpx.get(f"{url}/sandbox/inbox").json()["messages"]) == 1
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_sms_list_finds_accepted_messages_newest_first(client: httpx.Client) -> None:
    send_sms(client, To="+5511900000001", Body="first")
    send_sms(client, To="+5511900000002", Body="other")
    send_sms(client, To="+5511900000001", Body="second")
    listed = client.get(SMS_PATH, params={"To": "+5511900000001"}, auth=(ACCOUNT, TOKEN))
    assert listed.status_code == 200
    page = listed.json()
    assert [m["body"] for m in page["messages"]] == ["second", "first"]
    assert all(m["sid"].startswith("SM") and m["to"] == "+5511900000001" for m in page["messages"])
    assert page["page"] == 0
    assert page["next_page_uri"] is None
    one = client.get(SMS_PATH, params={"PageSize": "1"}, auth=(ACCOUNT, TOKEN)).json()
    assert [m["body"] for m in one["messages"]] == ["second"]
    assert one["next_page_uri"].endswith("Page=1")
    today = one["messages"][0]["date_created"]
    assert today
    assert client.get(SMS_PATH, params={"DateSent>": "2999-01-01"}, auth=(ACCOUNT, TOKEN)).json()["messages"] == []


def test_sms_list_needs_the_token(client: httpx.Client) -> None:
    assert client.get(SMS_PATH, auth=(ACCOUNT, "wrong")).status_code == 401


def test_stall_records_the_message_then_answers_late(client: httpx.Client) -> None:
    armed = client.post("/sandbox/stalls", json={"channel": "sms", "seconds": 1.0, "count": 1})
    assert armed.status_code == 200
    assert armed.json()["stalls"] == {"sms": {"seconds": 1.0, "count": 1}}
    with pytest.raises(httpx.ReadTimeout):
        client.post(
            SMS_PATH,
            data={"To": "+5511900000003", "From": "+15005550006", "Body": "x"},
            auth=(ACCOUNT, TOKEN),
            timeout=0.2,
        )
    # Accepted though the client never heard so; the next send answers at once.
    assert len(client.get("/sandbox/inbox", params={"to": "+5511900000003"}).json()["messages"]) == 1
    assert send_sms(client, To="+5511900000003").status_code == 201


def test_stall_refuses_an_unknown_channel(client: httpx.Client) -> None:
    assert client.post("/sandbox/stalls", json={"channel": "fax", "seconds": 1}).status_code == 422


def test_whatsapp_contacts_check_answers_as_the_cloud_api_would_send(client: httpx.Client) -> None:
    client.post("/sandbox/whatsapp/non-users", json={"numbers": ["+5511900000001"]})
    body = {"blocking": "wait", "contacts": ["+5511900000001", "+55 11 90000-0002", "x"]}

    response = client.post("/v1/contacts", json=body, headers=WA_AUTH)

    assert response.status_code == 200
    assert response.json() == {
        "contacts": [
            {"input": "+5511900000001", "status": "invalid"},
            {"input": "+55 11 90000-0002", "status": "valid", "wa_id": "5511900000002"},
            {"input": "x", "status": "invalid"},
        ]
    }
    # The number the check calls invalid is one the Cloud API answers 131026 for.
    assert client.post(WA_PATH, json=wa_text("5511900000001"), headers=WA_AUTH).json()["error"]["code"] == 131026
    assert client.get("/sandbox/whatsapp/contacts").json()["queries"]["5511900000002"] == 1


def test_whatsapp_contacts_check_refuses_bad_token_and_body(client: httpx.Client) -> None:
    body = {"blocking": "wait", "contacts": ["+5511900000001"]}
    assert client.post("/v1/contacts", json=body, headers={"Authorization": "Bearer nope"}).status_code == 401
    refused = client.post("/v1/contacts", json={"blocking": "wait", "contacts": []}, headers=WA_AUTH)
    assert refused.status_code == 400
    assert "contacts" in refused.json()["errors"][0]["details"]


def test_lookup_past_its_rate_is_refused_with_twilios_20429_and_counted(client: httpx.Client) -> None:
    assert client.post("/sandbox/rates", json={"channel": "lookup", "per_second": 2}).status_code == 200
    answers = [
        client.get("/v2/PhoneNumbers/+5511987654321", params={"Fields": "line_type_intelligence"}, auth=("AC", TOKEN))
        for _ in range(5)
    ]
    refused = [a for a in answers if a.status_code == 429]
    assert refused, "five lookups back to back within a second, at most two accepted"
    assert refused[0].json() == {
        "code": 20429,
        "message": "Too Many Requests",
        "more_info": "https://www.twilio.com/docs/errors/20429",
        "status": 429,
        "detail": "The lookup rate limit was exceeded.",
    }
    assert refused[0].headers["Retry-After"] == "1"
    rates = client.get("/sandbox/rates").json()["rates"]["lookup"]
    assert rates["rejected"] == len(refused)
    assert rates["accepted"] == 5 - len(refused)
    assert rates["most_in_one_second"] <= 2
    assert client.get("/sandbox/lookups").json()["total"] == 5 - len(refused), "a refused lookup is not paid"


def test_whatsapp_contacts_check_past_its_rate_is_refused_and_counted(client: httpx.Client) -> None:
    client.post("/sandbox/rates", json={"channel": "whatsapp-contacts", "per_second": 1})
    body = {"blocking": "wait", "contacts": ["+5511900000002"]}
    answers = [client.post("/v1/contacts", json=body, headers=WA_AUTH) for _ in range(3)]
    refused = [a for a in answers if a.status_code == 429]
    assert refused
    assert refused[0].json()["errors"][0]["code"] == 1015
    assert client.get("/sandbox/rates").json()["rates"]["whatsapp-contacts"]["rejected"] == len(refused)
    assert client.get("/sandbox/whatsapp/contacts").json()["queries"]["5511900000002"] == 3 - len(refused)
    client.post("/sandbox/reset")
    assert client.get("/sandbox/rates").json()["rates"] == {}, "reset restores the rates given at start (none)"


def test_a_rate_for_an_unknown_channel_is_refused(client: httpx.Client) -> None:
    assert client.post("/sandbox/rates", json={"channel": "fax", "per_second": 1}).status_code == 422
    with pytest.raises(ValueError, match="fax"):
        create_app(TOKEN, rates={"fax": 1})
