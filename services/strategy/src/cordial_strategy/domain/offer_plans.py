"""Offer-set names and counts: which installment plans a treatment step's menu shows.

A step's `offer_set` is empty (the standard menu), a name from `NAMED`, or installment counts separated by
commas, e.g. "2,4". The client's negotiation policy still bounds whatever a set asks for.
"""

from __future__ import annotations

from cordial_core.errors import InvalidArgument

# Plans a named set shows; "standard" is the agreements' default menu (3, 6, 12).
NAMED: dict[str, tuple[int, ...]] = {
    "standard": (),
    "short": (2, 3),
    "hardship": (6, 12, 18, 24),
    "b2b": (2, 3, 6),
}
MIN_PLAN, MAX_PLAN = 2, 60


def counts(offer_set: str, where: str = "offer_set") -> tuple[int, ...]:
    """The installment counts an offer set shows; InvalidArgument names what is wrong."""
    text = offer_set.strip()
    if text in NAMED or not text:
        return NAMED.get(text, ())
    try:
        found = tuple(int(part) for part in text.split(","))
    except ValueError:
        names = ", ".join(sorted(NAMED))
        raise InvalidArgument(f"is neither one of {names} nor counts like 2,4", field=where) from None
    for count in found:
        if not MIN_PLAN <= count <= MAX_PLAN:
            raise InvalidArgument(f"each count must be between {MIN_PLAN} and {MAX_PLAN}", field=where)
    return tuple(sorted(set(found)))
