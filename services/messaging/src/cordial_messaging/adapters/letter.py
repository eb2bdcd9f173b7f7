"""Letters: the text rendered as a PDF (``fpdf2``) and posted to a print provider in Lob's shape."""

from __future__ import annotations

import httpx
from fpdf import FPDF

from cordial_messaging.adapters.providers import post_checked
from cordial_messaging.domain.dispatch import Attempt, OutboundMessage, Reconciled, UncertainSend


def render_pdf(text: str, address: str) -> bytes:
    """A one-page A4 letter: the recipient's address block, then the text."""
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    # The core fonts speak Latin-1, which covers Portuguese and Spanish.
    for line in address.split(","):
        pdf.cell(0, 6, _latin1(line.strip()), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(12)
    pdf.multi_cell(0, 6, _latin1(text))
    return bytes(pdf.output())


def _latin1(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


class PrintProvider:
    """Posts letters to a Lob-shaped ``/v1/letters``; the attempt id is the idempotency key and metadata."""

    name = "print-provider"

    def __init__(self, client: httpx.AsyncClient, base_url: str, api_key: str, sender_address: str) -> None:
        self._client = client
        self._url = f"{base_url.rstrip('/')}/v1/letters"
        self._auth = (api_key, "")
        self._sender = sender_address

    async def send(self, message: OutboundMessage) -> str:
        """Sends the rendered PDF to print and post; returns the letter id."""
        creditor = message.parameters[0] if message.parameters else "Cordial"
        form = {
            "description": f"cordial {message.template}",
            "to[name]": "Titular da conta",
            "to[address_line1]": message.to,
            "from[name]": creditor,
            "from[address_line1]": self._sender,
            "color": "false",
            "use_type": "operational",
            "metadata[attempt_id]": message.idempotency_key,
        }
        files = {"file": ("letter.pdf", render_pdf(message.text, message.to), "application/pdf")}
        headers = {"Idempotency-Key": message.idempotency_key}
        request = self._client.post(self._url, data=form, files=files, headers=headers, auth=self._auth)
        response = await post_checked(self.name, request)
        return str(response.json()["id"])

    async def reconcile(self, attempt: Attempt) -> Reconciled:
        """Lists letters carrying the attempt id in their metadata."""
        try:
            response = await self._client.get(self._url, params={"metadata[attempt_id]": attempt.id}, auth=self._auth)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise UncertainSend(f"{self.name} cannot be asked now: {exc!r}") from exc
        return Reconciled(True, tuple(str(letter["id"]) for letter in response.json().get("data", [])))
