"""Messaging's send cells and recipient marks in MongoDB: the shared mechanism lives in ``cordial_core.rate_slots``."""

from __future__ import annotations

from cordial_core.rate_slots import BLOCK, MongoRateSlots

__all__ = ["BLOCK", "MongoRateSlots"]
