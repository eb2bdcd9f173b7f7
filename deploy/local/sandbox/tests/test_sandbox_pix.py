"""The sandbox's PIX provider: cob created, read back, retried with the same body, refused when bad."""

from fastapi.testclient import TestClient

from cordial_sandbox.app import create_app

TOKEN = "sandbox-secret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
TXID = "a" * 32
COB = {"calendario": {"expiracao": 3600}, "valor": {"original": "123.45"}, "chave": "pix@example.com"}


def _valid_crc(code: str) -> bool:
    crc = 0xFFFF
    for byte in code[:-4].encode():
        crc ^= byte << 8
        for _ in range(8):
            crc = (((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1) & 0xFFFF
    return code[-4:] == f"{crc:04X}"


def test_pix_cob_created_read_and_retried() -> None:
    client = TestClient(create_app(TOKEN))
    created = client.put(f"/pix/v2/cob/{TXID}", json=COB, headers=AUTH)
    assert created.status_code == 201, created.text
    charge = created.json()
    assert charge["status"] == "ATIVA"
    assert charge["txid"] == TXID
    assert charge["location"] in charge["pixCopiaECola"]
    assert "br.gov.bcb.pix" in charge["pixCopiaECola"]
    assert "5406123.45" in charge["pixCopiaECola"]
    assert _valid_crc(charge["pixCopiaECola"])
    assert client.put(f"/pix/v2/cob/{TXID}", json=COB, headers=AUTH).json() == charge
    other = client.put(f"/pix/v2/cob/{TXID}", json={**COB, "valor": {"original": "1.00"}}, headers=AUTH)
    assert other.status_code == 409
    assert client.get(f"/pix/v2/cob/{TXID}", headers=AUTH).json() == charge
    assert client.get(f"/pix/v2/cob/{'b' * 32}", headers=AUTH).status_code == 404


def test_pix_cob_refusals_name_the_property() -> None:
    client = TestClient(create_app(TOKEN))
    assert client.put(f"/pix/v2/cob/{TXID}", json=COB).status_code == 401
    assert client.put("/pix/v2/cob/short", json=COB, headers=AUTH).json()["violacoes"][0]["propriedade"] == "txid"
    bad = client.put(f"/pix/v2/cob/{TXID}", json={**COB, "valor": {"original": "12.3"}}, headers=AUTH)
    assert bad.status_code == 400
    assert bad.json()["violacoes"][0]["propriedade"] == "valor.original"
    assert client.post("/sandbox/pix/payments", json={"txid": TXID}).status_code == 404
