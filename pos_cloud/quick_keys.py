"""A store's quick-key grid, edited in the back office and fed down to its tills.

Each key sits on a page (1-9) at a position (0-23, row by row on a 4 x 6 grid) and sells a
product of the store's catalogue (by SKU) or an open-price department (by the name the till's
manager gave it, with an optional fixed price). The tills get changes through the
``quick_keys`` feed, keyed ``"<page>:<position>"``; a cleared key is a tombstone. A key edited
at the till stays until the cloud changes that same key.
"""

from __future__ import annotations

import re

from pos_common.quick_keys import KEYS_PER_PAGE, PAGES

from .catalog import get_product
from .db import database_proxy
from .errors import BadInput
from .feeds import next_change_seqs
from .models import QuickKey

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def list_keys(store_id: str) -> dict[tuple[int, int], QuickKey]:
    """The live keys of the store by (page, position)."""
    rows = QuickKey.select().where(
        (QuickKey.store == store_id) & (QuickKey.deleted == False)  # noqa: E712
    )
    return {(k.page, k.position): k for k in rows}


def check_place(page: int, position: int) -> None:
    if not (1 <= page <= PAGES and 0 <= position < KEYS_PER_PAGE):
        raise BadInput(f"Quick keys go on pages 1-{PAGES}, positions 1-{KEYS_PER_PAGE}.")


def set_key(
    store_id: str,
    page: int,
    position: int,
    *,
    label: str,
    sku: str | None = None,
    department: str | None = None,
    price_minor: int | None = None,
    colour: str | None = None,
) -> QuickKey:
    """Put a key on the grid (replacing what was there); BadInput says what is wrong."""
    check_place(page, position)
    label = " ".join((label or "").split())
    sku = (sku or "").strip() or None
    department = " ".join((department or "").split()) or None
    colour = (colour or "").strip() or None
    if (sku is None) == (department is None):
        raise BadInput("A quick key sells either a product (SKU) or a department; give one.")
    if price_minor is not None and (sku is not None or price_minor <= 0):
        raise BadInput("Only a department key has a fixed price, and it must be above zero.")
    if colour is not None and not _COLOUR.match(colour):
        raise BadInput("Give the colour as #rrggbb, e.g. #3b6ea8, or leave it empty.")
    with database_proxy.atomic():
        if sku is not None:
            product = get_product(store_id, sku)  # NotFound names the SKU
            label = label or product.name
        if not label or len(label) > 40:
            raise BadInput("A quick key needs a label of 1 to 40 characters.")
        fields = {
            "label": label,
            "sku": sku,
            "department": department,
            "price_minor": price_minor,
            "colour": colour,
            "deleted": False,
            "change_seq": next_change_seqs(store_id),
        }
        where = (
            (QuickKey.store == store_id) & (QuickKey.page == page) & (QuickKey.position == position)
        )
        if not QuickKey.update(**fields).where(where).execute():
            QuickKey.create(store=store_id, page=page, position=position, **fields)
        return QuickKey.get(where)


def clear_key(store_id: str, page: int, position: int) -> bool:
    """Take a key off the grid (the tills clear it too); False if there was none."""
    check_place(page, position)
    with database_proxy.atomic():
        where = (
            (QuickKey.store == store_id)
            & (QuickKey.page == page)
            & (QuickKey.position == position)
            & (QuickKey.deleted == False)  # noqa: E712
        )
        if QuickKey.get_or_none(where) is None:
            return False
        QuickKey.update(deleted=True, change_seq=next_change_seqs(store_id)).where(where).execute()
        return True
