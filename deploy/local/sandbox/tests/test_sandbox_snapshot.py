"""The sandbox's snapshot: what one sandbox wrote, a restarted one reads back the same, and what it refuses."""

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cordial_sandbox import snapshot
from cordial_sandbox.__main__ import parse_args
from cordial_sandbox.app import create_app

TOKEN = "sandbox-secret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
NOTICE = {"id": "n1", "debt_id": "d1", "amount_minor": 5_000, "creditor": "Loja"}
TXID = "a" * 32
COB = {"calendario": {"expiracao": 3600}, "valor": {"original": "123.45"}, "chave": "pix@example.com"}


def _records(client: TestClient) -> None:
    """A message, a notice and its inscription, a paid PIX charge, a non-user, a webhook target, an opt-out."""
    form = {"To": "+5511987654321", "From": "+15005550006", "Body": "Olá"}
    assert client.post("/2010-04-01/Accounts/ACx/Messages.json", data=form, auth=("ACx", TOKEN)).status_code == 201
    assert client.post("/bureau/v1/notices", json=NOTICE, headers=AUTH).status_code == 201
    inscription = {**NOTICE, "id": "i1", "notice_id": "n1"}
    assert client.post("/bureau/v1/inscriptions", json=inscription, headers=AUTH).status_code == 201
    assert client.put(f"/pix/v2/cob/{TXID}", json=COB, headers=AUTH).status_code == 201
    # Paid: recorded before the provider's webhook is posted (none is set here, so the post answers 409).
    client.post("/sandbox/pix/payments", json={"txid": TXID})
    assert client.post("/sandbox/whatsapp/non-users", json={"numbers": ["+5511900000001"]}).status_code == 200
    target = {"kind": "sms_inbound", "url": "http://127.0.0.1:1/hooks/sms"}
    assert client.post("/sandbox/webhooks", json=target).status_code == 200
    client.app.state.sandbox.sms_opt_outs.heard("+15005550006", "+12125550100", "STOP")  # type: ignore[attr-defined]


def test_a_restarted_sandbox_reads_back_what_the_snapshot_kept(tmp_path: Path) -> None:
    path = tmp_path / "sandbox-state.json"
    first = TestClient(create_app(TOKEN))
    first.app.state.sandbox.snapshot_file = str(path)  # type: ignore[attr-defined]
    _records(first)
    taken = first.post("/sandbox/snapshot")
    assert taken.status_code == 200
    assert taken.json()["counts"]["messages"] == 1
    assert taken.json()["counts"]["pix_payments"] == 1

    second = TestClient(create_app(TOKEN))
    held = snapshot.load(second.app.state.sandbox, path)  # type: ignore[attr-defined]
    assert held == taken.json()["counts"]
    for read in ("/sandbox/inbox", "/sandbox/registries", "/sandbox/webhooks"):
        assert second.get(read).json() == first.get(read).json()
    cob = f"/pix/v2/cob/{TXID}"
    assert second.get(cob, headers=AUTH).json() == first.get(cob, headers=AUTH).json()
    restored = second.app.state.sandbox  # type: ignore[attr-defined]
    assert "+5511900000001" in restored.whatsapp_non_users
    assert restored.sms_opt_outs.blocked("+15005550006", "+12125550100")
    assert restored.pix.payments == first.app.state.sandbox.pix.payments  # type: ignore[attr-defined]
    assert second.get(f"/pix/v2/cob/{TXID}", headers=AUTH).json()["status"] == "CONCLUIDA"


def test_snapshot_without_a_state_file_is_refused_naming_it() -> None:
    answer = TestClient(create_app(TOKEN)).post("/sandbox/snapshot")
    assert answer.status_code == 409
    assert "state_file" in answer.json()["detail"]


def test_a_snapshot_of_another_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    kept = snapshot.capture(create_app(TOKEN).state.sandbox)
    path.write_text(json.dumps({**kept, "version": 0}))
    with pytest.raises(ValueError, match="version"):
        snapshot.load(create_app(TOKEN).state.sandbox, path)


def test_state_file_is_optional_on_the_command_line() -> None:
    assert parse_args(["--token", "t"]).state_file == ""
    assert parse_args(["--token", "t", "--state-file", "/tmp/s.json"]).state_file == "/tmp/s.json"
