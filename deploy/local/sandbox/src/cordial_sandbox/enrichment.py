"""Person enrichment by CPF/CNPJ in the shape of BigDataCorp's People/Companies API.

``POST /pessoas`` (CPF) or ``POST /empresas`` (CNPJ) with headers ``AccessToken`` and ``TokenId`` and a body
``{"q": "doc{<digits>}", "Datasets": "phones_extended,emails_extended,occupation_data,benefits"}`` answers
``{"Result": [{"MatchKeys": "doc{...}", <one object per dataset>}], "QueryId", "ElapsedMilliseconds",
"Status": {<dataset>: [{"Code": 0, "Message": "OK"}]}}``, as BigDataCorp does. Datasets served:

- ``phones_extended`` → ``ExtendedPhones: {Phones: [{Number, AreaCode, CountryCode, Type}], TotalPhones}``
- ``emails_extended`` → ``ExtendedEmails: {Emails: [{EmailAddress, Type}], TotalEmails}``
- ``occupation_data`` → ``ProfessionData: {IsEmployed, TotalProfessions}``
- ``benefits`` (modelled, not a vendor dataset: public-benefit and FGTS data have no open vendor schema) →
  ``Benefits: {UnemploymentInsurance, SocialAssistance, FgtsBalanceMinor}`` (FGTS in centavos).

Every document has public-data flags derived from its digits (the same answer every time) and no contact data:
a number the provider invents would be contacted by the platform, so who is reachable stays in the test's hands.
Tests set a full record with ``PUT /sandbox/enrichment/{document}`` ``{phones, emails, employed,
unemployment_benefit, social_benefit, fgts_balance_minor}`` or make it unknown with ``{"found": false}``
(``Result: []``); ``{"derived_contacts": true}`` derives a mobile and an e-mail from the document too.
``GET /sandbox/enrichment`` reports queries per document, so a client can show it asked once. A document
that is not 11 or 14 digits answers ``Status: {..: [{Code: -110, Message: "INVALID DOCUMENT"}]}`` with no result.
"""

import hashlib
import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from cordial_sandbox.provider import Provider
from cordial_sandbox.state import State

CHANNEL = "enrichment"
_DOC = re.compile(r"^doc\{(\d+)\}$")
DATASETS = ("phones_extended", "emails_extended", "occupation_data", "benefits")


class QueryBody(BaseModel):
    """A People/Companies query."""

    q: str = Field(min_length=1)
    Datasets: str = ",".join(DATASETS)  # the vendor's field name


class PersonRecord(BaseModel):
    """What the sandbox answers for one document."""

    found: bool = True
    phones: list[str] = Field(default_factory=list, description="national numbers with area code, digits")
    emails: list[str] = Field(default_factory=list)
    employed: bool = True
    unemployment_benefit: bool = False
    social_benefit: bool = False
    fgts_balance_minor: int = Field(default=0, ge=0)
    derived_contacts: bool = False


def derived(document: str, contacts: bool = False) -> PersonRecord:
    """The record of a document nobody set (flags only unless contacts): stable per document."""
    seed = int(hashlib.sha256(document.encode()).hexdigest()[:16], 16)
    area = 11 + seed % 89
    area = area if area % 10 else area + 1  # area codes never end in 0
    mobile = f"{area}9{seed % 10**8:08d}"
    unemployed = seed % 5 == 0
    return PersonRecord(
        phones=[mobile] if contacts else [],
        emails=[f"pessoa{seed % 10**6:06d}@example.com.br"] if contacts else [],
        employed=not unemployed,
        unemployment_benefit=unemployed and seed % 2 == 0,
        social_benefit=seed % 7 == 0,
        fgts_balance_minor=(seed >> 8) % 5_000_000,
    )


def _result(document: str, record: PersonRecord, datasets: list[str]) -> dict[str, Any]:
    result: dict[str, Any] = {"MatchKeys": f"doc{{{document}}}"}
    if "phones_extended" in datasets:
        phones = [{"Number": p[2:], "AreaCode": p[:2], "CountryCode": "55", "Type": "MOBILE"} for p in record.phones]
        result["ExtendedPhones"] = {"Phones": phones, "TotalPhones": len(phones)}
    if "emails_extended" in datasets:
        emails = [{"EmailAddress": e, "Type": "PERSONAL"} for e in record.emails]
        result["ExtendedEmails"] = {"Emails": emails, "TotalEmails": len(emails)}
    if "occupation_data" in datasets:
        result["ProfessionData"] = {"IsEmployed": record.employed, "TotalProfessions": int(record.employed)}
    if "benefits" in datasets:
        result["Benefits"] = {
            "UnemploymentInsurance": record.unemployment_benefit,
            "SocialAssistance": record.social_benefit,
            "FgtsBalanceMinor": record.fgts_balance_minor,
        }
    return result


async def query(body: QueryBody, request: Request, state: State) -> JSONResponse:
    """Answers one People/Companies query."""
    if not (request.headers.get("tokenid") and state.token_ok(request.headers.get("accesstoken"))):
        return JSONResponse({"Status": {"login": [{"Code": -1, "Message": "INVALID TOKEN"}]}}, status_code=401)
    fault = state.faults.take(CHANNEL)
    if fault is not None:
        return JSONResponse({"Status": {"api": [{"Code": -1200, "Message": "INTERNAL ERROR"}]}}, status_code=fault)
    datasets = [d.strip() for d in body.Datasets.split(",") if d.strip() in DATASETS]
    match = _DOC.match(body.q.strip())
    document = match.group(1) if match else ""
    if len(document) not in (11, 14):
        status = {d: [{"Code": -110, "Message": "INVALID DOCUMENT"}] for d in datasets}
        return JSONResponse({"Result": [], "QueryId": "", "ElapsedMilliseconds": 1, "Status": status})
    state.enrichment_queries[document] = state.enrichment_queries.get(document, 0) + 1
    record = state.enrichment_people.get(document) or derived(document)
    results = [_result(document, record, datasets)] if record.found else []
    code, message = (0, "OK") if record.found else (60, "NOT FOUND")
    status = {d: [{"Code": code, "Message": message}] for d in datasets}
    query_id = hashlib.sha256(f"{document}{state.clock().isoformat()}".encode()).hexdigest()[:32]
    return JSONResponse({"Result": results, "QueryId": query_id, "ElapsedMilliseconds": 3, "Status": status})


def set_person(document: str, record: PersonRecord, state: State) -> dict[str, Any]:
    """Sets what the provider answers for a document (or derives it, contacts included)."""
    digits = re.sub(r"\D", "", document)
    record = derived(digits, contacts=True) if record.derived_contacts else record
    state.enrichment_people[digits] = record
    return record.model_dump()


def report(state: State) -> dict[str, dict[str, int]]:
    """Queries per document."""
    return {"queries": dict(state.enrichment_queries)}


def build_router() -> APIRouter:
    """The provider's routes and its sandbox controls."""
    router = APIRouter(tags=["enrichment"])
    router.add_api_route("/pessoas", query, methods=["POST"])
    router.add_api_route("/empresas", query, methods=["POST"])
    router.add_api_route("/sandbox/enrichment/{document}", set_person, methods=["PUT"])
    router.add_api_route("/sandbox/enrichment", report, methods=["GET"])
    return router


PROVIDER = Provider(channel=CHANNEL, build_router=build_router)
