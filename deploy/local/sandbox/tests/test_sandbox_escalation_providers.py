"""The sandbox's protest registry, court e-filing and enrichment provider over their HTTP shapes."""

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from cordial_sandbox.app import create_app
from cordial_sandbox.court import case_number

TOKEN = "sandbox-secret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
TITLE = {"nosso_numero": "n1", "debt_id": "d1", "devedor": "p1", "valor_minor": 12_345, "credor": "Loja"}


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = datetime(2024, 3, 5, 13, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_protest_notice_then_period_then_protest_then_cancellation() -> None:
    clock = Clock()
    client = TestClient(create_app(TOKEN, clock=clock))
    assert client.post("/protesto/v1/titulos", json=TITLE).status_code == 401
    presented = client.post("/protesto/v1/titulos", json=TITLE, headers=AUTH)
    assert presented.status_code == 201
    assert presented.json()["situacao"] == "intimado"
    # Protocol on Tuesday 5 March: Wed, Thu, Fri are the three business days; protest from Saturday 00:00 local.
    assert presented.json()["prazo_final"] == "2024-03-09T00:00:00-03:00"
    assert client.post("/protesto/v1/titulos", json=TITLE, headers=AUTH).json() == presented.json()

    clock.now = datetime(2024, 3, 9, 3, tzinfo=UTC) - timedelta(seconds=1)
    early = client.post("/protesto/v1/titulos/n1/protesto", headers=AUTH)
    assert early.status_code == 409
    assert early.json()["campo"] == "prazo_final"
    clock.now += timedelta(seconds=1)
    assert client.post("/protesto/v1/titulos/n1/protesto", headers=AUTH).json()["situacao"] == "protestado"
    cancelled = client.post("/protesto/v1/titulos/n1/cancelamento", json={"motivo": "quitado"}, headers=AUTH)
    assert cancelled.json()["situacao"] == "cancelado"
    assert client.get("/protesto/v1/titulos/n1", headers=AUTH).json()["situacao"] == "cancelado"


def test_the_registry_counts_business_days_of_its_own_state() -> None:
    clock = Clock()
    clock.now = datetime(2024, 7, 8, 15, tzinfo=UTC)  # Monday; 9 July is a holiday in São Paulo only
    client = TestClient(create_app(TOKEN, clock=clock))
    sp = client.post("/protesto/v1/titulos", json={**TITLE, "uf_praca": "SP"}, headers=AUTH).json()
    mg = client.post("/protesto/v1/titulos", json={**TITLE, "nosso_numero": "n2", "uf_praca": "MG"}, headers=AUTH)
    assert sp["prazo_final"] == "2024-07-13T00:00:00-03:00"
    assert mg.json()["prazo_final"] == "2024-07-12T00:00:00-03:00"
    clock.now = datetime(2024, 3, 5, 3, 30, tzinfo=UTC)  # still Monday 4 March in Manaus
    am = client.post("/protesto/v1/titulos", json={**TITLE, "nosso_numero": "n3", "uf_praca": "AM"}, headers=AUTH)
    assert am.json()["prazo_final"] == "2024-03-08T00:00:00-04:00"


def test_a_title_cancelled_in_its_period_is_withdrawn_and_never_protested() -> None:
    clock = Clock()
    client = TestClient(create_app(TOKEN, clock=clock))
    client.post("/protesto/v1/titulos", json=TITLE, headers=AUTH)
    assert client.post("/protesto/v1/titulos/n1/cancelamento", json={}, headers=AUTH).json()["situacao"] == "retirado"
    clock.now += timedelta(days=10)
    assert client.post("/protesto/v1/titulos/n1/protesto", headers=AUTH).status_code == 409


def test_court_files_a_petition_once_with_a_cnj_number() -> None:
    client = TestClient(create_app(TOKEN, clock=Clock()))
    body = {"id": "f1", "debt_id": "d1", "valor_causa_minor": 50_000, "polo_ativo": "Loja", "polo_passivo": "p1"}
    filed = client.post("/pje/v1/peticoes-iniciais", json=body, headers=AUTH)
    assert filed.status_code == 201
    number = filed.json()["numero_processo"]
    assert number == case_number("f1", 2024)
    digits = number.replace("-", "").replace(".", "")
    # CNJ check digits: NNNNNNN AAAA J TR OOOO DD is 1 modulo 97.
    assert int(digits[:7] + digits[9:] + digits[7:9]) % 97 == 1
    again = client.post("/pje/v1/peticoes-iniciais", json=body, headers=AUTH)
    assert again.status_code == 200
    assert again.json() == filed.json()
    too_big = client.post(
        "/pje/v1/peticoes-iniciais", json={**body, "id": "f2", "valor_causa_minor": 10**9}, headers=AUTH
    )
    assert too_big.status_code == 422
    assert len(client.get("/sandbox/court/petitions").json()["petitions"]) == 1


def test_enrichment_is_stable_per_document_and_settable() -> None:
    client = TestClient(create_app(TOKEN))
    headers = {"AccessToken": TOKEN, "TokenId": "cordial"}
    body = {"q": "doc{52998224725}", "Datasets": "phones_extended,emails_extended,occupation_data,benefits"}
    assert client.post("/pessoas", json=body, headers={"AccessToken": "wrong", "TokenId": "x"}).status_code == 401
    first = client.post("/pessoas", json=body, headers=headers).json()
    second = client.post("/pessoas", json=body, headers=headers).json()
    assert first["Result"] == second["Result"]
    assert first["Result"][0]["MatchKeys"] == "doc{52998224725}"
    assert first["Result"][0]["ExtendedPhones"]["Phones"] == []  # no invented contacts unless asked
    assert set(first["Result"][0]["ProfessionData"]) == {"IsEmployed", "TotalProfessions"}
    client.put("/sandbox/enrichment/52998224725", json={"derived_contacts": True})
    derived = client.post("/pessoas", json=body, headers=headers).json()["Result"][0]
    assert derived["ExtendedPhones"]["Phones"][0]["CountryCode"] == "55"
    assert derived["ProfessionData"] == first["Result"][0]["ProfessionData"]

    record = {
        "phones": ["11987654321"],
        "emails": ["ana@example.com"],
        "employed": False,
        "fgts_balance_minor": 150_000,
    }
    client.put("/sandbox/enrichment/529.982.247-25", json={**record, "unemployment_benefit": True})
    result = client.post("/pessoas", json=body, headers=headers).json()["Result"][0]
    assert result["ExtendedPhones"]["Phones"] == [
        {"Number": "987654321", "AreaCode": "11", "CountryCode": "55", "Type": "MOBILE"}
    ]
    assert result["ExtendedEmails"]["Emails"][0]["EmailAddress"] == "ana@example.com"
    assert result["ProfessionData"]["IsEmployed"] is False
    assert result["Benefits"] == {"UnemploymentInsurance": True, "SocialAssistance": False, "FgtsBalanceMinor": 150_000}
    assert client.get("/sandbox/enrichment").json()["queries"] == {"52998224725": 4}

    client.put("/sandbox/enrichment/52998224725", json={"found": False})
    assert client.post("/pessoas", json=body, headers=headers).json()["Result"] == []
    bad = client.post("/pessoas", json={**body, "q": "doc{123}"}, headers=headers).json()
    assert bad["Result"] == []
    assert bad["Status"]["benefits"][0]["Code"] == -110
