"""Cordial provider sandbox: the documented HTTP shape of outside parties, for dev and test.

Each outside party is one provider module exposing ``PROVIDER`` (see ``provider.py``);
``app.create_app`` mounts them next to the ``/sandbox/`` control endpoints.
"""
