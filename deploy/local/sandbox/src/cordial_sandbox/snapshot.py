"""The sandbox's records as one JSON document, so a sandbox restarted mid-simulation remembers what it received.

What a long simulation run in segments needs to find again after a restart (`--state-file`): every message the
providers took (the checker reads them all), the bureau's notices and inscriptions, protest titles, court petitions,
PIX charges and payments, boletos, letters, Twilio's keyword opt-outs, WhatsApp non-users, the webhook targets and the
enrichment records and counts. Not kept: armed faults and stalls, and the rate and pair windows (a second or a few
long, past by the time a run resumes).

- ``POST /sandbox/snapshot`` writes it to the ``--state-file`` (atomically) and answers what it holds per record kind;
  409 when the sandbox was started without one. ``python -m cordial_sandbox --state-file F`` loads F when it exists.
"""

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException

from cordial_sandbox.state import SandboxState, State

VERSION = 1


def capture(state: SandboxState) -> dict[str, Any]:
    """The records a restarted sandbox needs, as plain JSON values."""
    with state.bureau_lock:
        bureau = {"notices": dict(state.bureau_notices), "inscriptions": dict(state.bureau_inscriptions)}
    with state.protest_lock:
        protest = {"titles": dict(state.protest_titles), "period_days": state.protest_period_days}
    with state.court_lock:
        court = dict(state.court_petitions)
    with state.boleto_lock:
        boletos = dict(state.boletos)
    with state.whatsapp_contact_lock:
        contact_queries = dict(state.whatsapp_contact_queries)
    return {
        "version": VERSION,
        "inbox": state.inbox.list(),
        "webhooks": dict(state.webhooks),
        "whatsapp_non_users": state.whatsapp_non_users.snapshot(),
        "sms_opt_outs": [list(pair) for pair in state.sms_opt_outs.pairs()],
        "pix": {"charges": dict(state.pix.by_txid), "payments": dict(state.pix.payments)},
        "letters": list(state.letters),
        "letters_by_key": dict(state.letters_by_key),
        "bureau": bureau,
        "protest": protest,
        "court": court,
        "boletos": boletos,
        "enrichment": {"people": dict(state.enrichment_people), "queries": dict(state.enrichment_queries)},
        "whatsapp_contact_queries": contact_queries,
    }


def restore(state: SandboxState, kept: dict[str, Any]) -> None:
    """Replaces the state's records with those of a snapshot (`capture`'s shape)."""
    if kept.get("version") != VERSION:
        raise ValueError(f"sandbox snapshot version {kept.get('version')!r}, this sandbox reads {VERSION}")
    state.inbox.restore(kept["inbox"])
    _replace(state.webhooks, kept["webhooks"])
    state.whatsapp_non_users.clear()
    state.whatsapp_non_users.add(kept["whatsapp_non_users"])
    state.sms_opt_outs.restore([(sender, user) for sender, user in kept["sms_opt_outs"]])
    state.pix.clear()
    state.pix.by_txid.update(kept["pix"]["charges"])
    state.pix.payments.update(kept["pix"]["payments"])
    state.letters[:] = kept["letters"]
    _replace(state.letters_by_key, kept["letters_by_key"])
    with state.bureau_lock:
        _replace(state.bureau_notices, kept["bureau"]["notices"])
        _replace(state.bureau_inscriptions, kept["bureau"]["inscriptions"])
    with state.protest_lock:
        _replace(state.protest_titles, kept["protest"]["titles"])
        state.protest_period_days = int(kept["protest"]["period_days"])
    with state.court_lock:
        _replace(state.court_petitions, kept["court"])
    with state.boleto_lock:
        _replace(state.boletos, kept["boletos"])
    _replace(state.enrichment_people, kept["enrichment"]["people"])
    _replace(state.enrichment_queries, kept["enrichment"]["queries"])
    with state.whatsapp_contact_lock:
        _replace(state.whatsapp_contact_queries, kept["whatsapp_contact_queries"])


def _replace(records: dict[str, Any], kept: dict[str, Any]) -> None:
    """Replaces a record table's content in place (handlers hold the table itself, not a copy)."""
    records.clear()
    records.update(kept)


def write(state: SandboxState, path: Path) -> dict[str, int]:
    """Writes the snapshot atomically (a sibling, then a rename); returns how many records of each kind it holds."""
    kept = capture(state)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w") as handle:
        json.dump(kept, handle)
    os.replace(temporary, path)
    return counts(kept)


def load(state: SandboxState, path: Path) -> dict[str, int]:
    """Restores the snapshot at path; returns how many records of each kind it held."""
    kept = json.loads(path.read_text())
    restore(state, kept)
    return counts(kept)


def counts(kept: dict[str, Any]) -> dict[str, int]:
    """How many records of each main kind a snapshot holds."""
    return {
        "messages": len(kept["inbox"]),
        "notices": len(kept["bureau"]["notices"]),
        "inscriptions": len(kept["bureau"]["inscriptions"]),
        "protest_titles": len(kept["protest"]["titles"]),
        "pix_charges": len(kept["pix"]["charges"]),
        "pix_payments": len(kept["pix"]["payments"]),
        "sms_opt_outs": len(kept["sms_opt_outs"]),
    }


def take_snapshot(state: State) -> dict[str, Any]:
    """Writes the records to the sandbox's state file and says how many of each it holds."""
    if not state.snapshot_file:
        raise HTTPException(status_code=409, detail="state_file: the sandbox was started without --state-file")
    return {"path": state.snapshot_file, "counts": write(state, Path(state.snapshot_file))}


def build_router() -> APIRouter:
    """Build the ``/sandbox/snapshot`` route."""
    router = APIRouter(prefix="/sandbox", tags=["sandbox"])
    router.add_api_route("/snapshot", take_snapshot, methods=["POST"])
    return router
