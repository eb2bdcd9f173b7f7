"""The debtors' acts through the real edges: replies via the gateway's webhooks, offers accepted, PIX payments."""

from __future__ import annotations

from datetime import datetime

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
        """Debtors whose moment has come and who have been contacted do what they do; True if any did."""
        await self.read_inbox()
        acted = False
        for debtor in self.debtors:
            if debtor.act_at is None or debtor.index in self.done or debtor.act_at > moment:
                continue
            if debtor.digits not in self.last_channel:
                continue  # they act on a message; not contacted yet
            self.done.add(debtor.index)
            await self.behave(debtor)
            acted = True
        return acted

    async def behave(self, debtor: SimDebtor) -> None:
        """One debtor's act through the real edges."""
        self.stats[f"acted {debtor.behaviour}"] += 1
        if debtor.behaviour in ("pays", "pays_late"):
            for client, debt_id in debtor.debt_ids.items():
                await self.pay(client, debt_id, "full")
            if all(debt_id in self.paid_in_full for debt_id in debtor.debt_ids.values()):
                self.replies.append(Reply(debtor.digits, "paid_in_full", "", self.clock.now()))
        elif debtor.behaviour == "breaks":
            client, debt_id = next(iter(debtor.debt_ids.items()))
            await self.pay(client, debt_id, "installments")
        else:
            await self.reply(debtor, TEXTS[debtor.behaviour])

    async def reply(self, debtor: SimDebtor, text: str) -> None:
        """The debtor answers on the channel of their last message, to the client of their first debt; the checker
        holds the platform to a reply only when the gateway accepted the webhook carrying it."""
        channel = self.last_channel[debtor.digits]
        client = next(iter(debtor.debt_ids))
        base, sandbox = f"{self.platform.gateway_url}/hooks/{self.client_ids[client]}", self.platform.sandbox_url
        at = self.clock.now()
        if channel == "whatsapp":
            await self._ok(
                self.http.post(f"{sandbox}/sandbox/webhooks", json={"kind": "whatsapp", "url": f"{base}/whatsapp"})
            )
            sent = await self._ok(
                self.http.post(f"{sandbox}/sandbox/whatsapp/replies", json={"sender": debtor.digits, "text": text})
            )
        else:
            target = {"kind": "sms_inbound", "url": f"{base}/sms/inbound"}
            await self._ok(self.http.post(f"{sandbox}/sandbox/webhooks", json=target))
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
        sandbox = self.platform.sandbox_url
        target = {"kind": "pix", "url": f"{gateway}/hooks/{self.client_ids[client]}/pix"}
        await self._ok(self.http.post(f"{sandbox}/sandbox/webhooks", json=target))
        paid = await self._ok(self.http.post(f"{sandbox}/sandbox/pix/payments", json={"txid": links[0]["txid"]}))
        self.stats["PIX payments" if paid.get("status") == 200 else "PIX payments refused"] += 1
        if kind == "full":
            self.paid_in_full.add(debt_id)
