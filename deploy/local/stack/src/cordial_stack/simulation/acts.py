"""The debtors' acts through the real edges: replies via the gateway's webhooks, offers accepted, PIX payments."""

from __future__ import annotations

from collections.abc import Coroutine
from datetime import datetime
from typing import Any

from cordial_core.lanes import in_lanes
from cordial_stack.simulation.checker import Reply
from cordial_stack.simulation.population import SimDebtor
from cordial_stack.simulation.state import SimulationState

TEXTS = {
    "disputes": "Já paguei essa conta",
    "opts_out": "SAIR",
    "hardship": "Estou desempregado, não consigo pagar agora",
    "answers": "Recebi, vou ver",
}
REPLY_KINDS = {"disputes": "dispute", "opts_out": "opt_out", "hardship": "hardship"}
# How many debtors act at once: each act is a few calls in turn through the edges, mostly waiting on them.
ACT_LANES = 8


class DebtorActs(SimulationState):
    """Reads what the sandbox delivered to the debtors and has those whose moment has come act on it."""

    async def read_inbox(self) -> None:
        """Takes the messages the sandbox received since the last read."""
        reply = await self.http.get(f"{self.platform.sandbox_url}/sandbox/inbox", params={"since": self.inbox_cursor})
        new = reply.json()["messages"]
        self.inbox_cursor += len(new)
        for message in new:
            message.pop("payload", None)
            self.messages.append(message)
            self.last_channel[message["to"].lstrip("+")] = message["channel"]

    async def act(self, moment: datetime) -> bool:
        """Debtors whose moment has come and who have been contacted do what they do; True if any did.

        The sandbox keeps one webhook target per kind, so the acts go client by client: the targets are pointed
        at one client's hooks, then that client's acts run `ACT_LANES` at a time, as many people act at once."""
        await self.read_inbox()
        ready = [
            debtor
            for debtor in self.debtors
            if debtor.act_at is not None
            and debtor.index not in self.done
            and debtor.act_at <= moment
            and debtor.digits in self.last_channel  # they act on a message; not contacted yet
        ]
        for debtor in ready:
            self.done.add(debtor.index)
            self.stats[f"acted {debtor.behaviour}"] += 1
        for client in self.client_ids:
            errands = [errand for debtor in ready for errand in self.errands(debtor, client)]
            if errands:
                await self.point_webhooks(client)
                await in_lanes(errands, ACT_LANES)
        for debtor in ready:
            paid = all(debt_id in self.paid_in_full for debt_id in debtor.debt_ids.values())
            if debtor.behaviour in ("pays", "pays_late") and paid:
                self.replies.append(Reply(debtor.digits, "paid_in_full", "", self.clock.now()))
        return bool(ready)

    def errands(self, debtor: SimDebtor, client: str) -> list[Coroutine[Any, Any, None]]:
        """What one debtor does through one client's edges: pays its debts, breaks a plan, or replies to it."""
        first = next(iter(debtor.debt_ids))
        if debtor.behaviour in ("pays", "pays_late"):
            return [self.pay(c, debt_id, "full") for c, debt_id in debtor.debt_ids.items() if c == client]
        if client != first:
            return []
        if debtor.behaviour == "breaks":
            return [self.pay(client, debtor.debt_ids[client], "installments")]
        return [self.reply(debtor, TEXTS[debtor.behaviour])]

    async def point_webhooks(self, client: str) -> None:
        """Points the sandbox's reply and PIX webhooks at one client's hooks on the gateway."""
        base = f"{self.platform.gateway_url}/hooks/{self.client_ids[client]}"
        for kind, path in (("whatsapp", "whatsapp"), ("sms_inbound", "sms/inbound"), ("pix", "pix")):
            target = {"kind": kind, "url": f"{base}/{path}"}
            await self._ok(self.http.post(f"{self.platform.sandbox_url}/sandbox/webhooks", json=target))

    async def reply(self, debtor: SimDebtor, text: str) -> None:
        """The debtor answers on the channel of their last message, to the client of their first debt (the webhooks
        point there); the checker holds the platform to a reply only when the gateway accepted the webhook carrying
        it."""
        channel = self.last_channel[debtor.digits]
        sandbox = self.platform.sandbox_url
        at = self.clock.now()
        if channel == "whatsapp":
            sent = await self._ok(
                self.http.post(f"{sandbox}/sandbox/whatsapp/replies", json={"sender": debtor.digits, "text": text})
            )
        else:
            sent = await self._ok(
                self.http.post(f"{sandbox}/sandbox/sms/replies", json={"sender": debtor.phone, "body": text})
            )
        status = int(sent["status"])  # what the gateway answered the sandbox's webhook
        if not 200 <= status < 300:
            # Refused (e.g. 429, 503): the platform never heard it, so the checker holds it to nothing.
            self.stats[f"replies refused by the gateway ({status})"] += 1
            return
        self.stats["replies delivered"] += 1
        if debtor.behaviour in REPLY_KINDS:
            self.replies.append(Reply(debtor.digits, REPLY_KINDS[debtor.behaviour], channel, at))

    async def pay(self, client: str, debt_id: str, kind: str) -> None:
        """Accepts an offer of the kind (full, or the first plan in installments) and pays its first payment by PIX."""
        gateway, headers = self.platform.gateway_url, self.api(client)
        menu = await self.http.get(f"{gateway}/v1/debts/{debt_id}/offers", headers=headers)
        offers = menu.json().get("offers", []) if menu.status_code == 200 else []
        offer = next((o for o in offers if o["kind"].startswith(kind)), None)
        if offer is None:
            self.stats[f"no {kind} offer (status {menu.status_code})"] += 1
            return
        accepted = await self.http.post(
            f"{gateway}/v1/debts/{debt_id}/agreements", json={"offer_id": offer["id"]}, headers=headers
        )
        if accepted.status_code not in (200, 201):
            self.stats[f"agreement refused ({accepted.status_code})"] += 1
            return
        self.stats["agreements accepted"] += 1
        agreement = await self._ok(self.http.get(f"{gateway}/v1/agreements/{accepted.json()['id']}", headers=headers))
        links = agreement.get("payment_links") or []
        if not links:
            self.stats["agreements without a payment link"] += 1
            return
        sandbox = self.platform.sandbox_url  # its PIX webhook points at this client's hooks (`act`)
        paid = await self._ok(self.http.post(f"{sandbox}/sandbox/pix/payments", json={"txid": links[0]["txid"]}))
        self.stats["PIX payments" if paid.get("status") == 200 else "PIX payments refused"] += 1
        if kind == "full":
            self.paid_in_full.add(debt_id)
