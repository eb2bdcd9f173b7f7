"""The HTTP clients the sandbox posts its webhooks with: a new one for each post, all sharing one TLS context."""

import functools
import ssl

import httpx


@functools.cache
def _tls() -> ssl.SSLContext:
    # Loading the CA bundle took 30% of the sandbox's CPU when every webhook post built its own.
    return httpx.create_ssl_context()


def webhook_client() -> httpx.AsyncClient:
    """A client for one webhook post (apps may run on event loops of their own, so no client is kept)."""
    return httpx.AsyncClient(timeout=10, verify=_tls())
