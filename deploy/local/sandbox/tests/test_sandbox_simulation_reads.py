"""What a simulation's checker reads from the sandbox: the inbox from a cursor, the registries, the shared clock."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from cordial_core.clock import FileClock
from cordial_sandbox.__main__ import parse_args
from cordial_sandbox.app import create_app

TOKEN = "sandbox-secret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
NOTICE = {"id": "n1", "debt_id": "d1", "amount_minor": 5_000, "creditor": "Loja"}


def _sms(client: TestClient, to: str) -> None:
    form = {"To": to, "From": "+15005550006", "Body": "Olá"}
    assert client.post("/2010-04-01/Accounts/ACx/Messages.json", data=form, auth=("ACx", TOKEN)).status_code == 201


def test_inbox_reads_from_a_cursor_and_stamps_with_the_shared_clock(tmp_path: Path) -> None:
    path = tmp_path / "clock"
    moment = datetime(2024, 3, 5, 13, tzinfo=UTC)
    FileClock.move_to(path, moment)
    client = TestClient(create_app(TOKEN, clock=FileClock(path).now))
    _sms(client, "+5511987654321")
    FileClock.move_to(path, moment + timedelta(days=3))
    _sms(client, "+5511987654322")
    everything = client.get("/sandbox/inbox").json()["messages"]
    assert [m["to"] for m in everything] == ["+5511987654321", "+5511987654322"]
    later = client.get("/sandbox/inbox", params={"since": 1}).json()["messages"]
    assert [m["to"] for m in later] == ["+5511987654322"]
    stamped = datetime.fromisoformat(later[0]["received_at"])
    assert moment + timedelta(days=3) <= stamped < moment + timedelta(days=3, minutes=1)
    assert client.get("/sandbox/inbox", params={"since": 5}).json()["messages"] == []
    assert client.get("/sandbox/inbox", params={"since": -1}).status_code == 422


def test_registries_list_notices_inscriptions_and_removals() -> None:
    client = TestClient(create_app(TOKEN))
    assert client.post("/bureau/v1/notices", json=NOTICE, headers=AUTH).status_code == 201
    inscription = {**NOTICE, "id": "i1", "notice_id": "n1"}
    assert client.post("/bureau/v1/inscriptions", json=inscription, headers=AUTH).status_code == 201
    assert client.post("/bureau/v1/removals", json={"inscription_id": "i1"}, headers=AUTH).status_code == 200
    held = client.get("/sandbox/registries").json()
    assert [n["debt_id"] for n in held["notices"]] == ["d1"]
    assert held["inscriptions"][0]["status"] == "removed"
    assert held["inscriptions"][0]["removed_at"]
    assert held["protests"] == []


def test_clock_file_is_optional_on_the_command_line() -> None:
    assert parse_args(["--token", "t"]).clock_file == ""
    assert parse_args(["--token", "t", "--clock-file", "/tmp/c"]).clock_file == "/tmp/c"
