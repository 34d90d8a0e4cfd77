"""Digital receipts: the public link of a sale and the receipt (or invoice) it shows.

The till makes a random token per sale (at least 128 bits, URL-safe) and prints
``<cloud>/r/<token>`` as a QR code before the sale is synced; ``sale.completed`` carries the
token and ingestion keeps its SHA-256 here. The link is the only key: it cannot be derived
from a sale id or a receipt number, and a wrong or forged token finds nothing (404).
"""

from __future__ import annotations

import hashlib
import json
import re
import zoneinfo
from typing import Any

from pos_common.receipt_layout import Party, ReceiptLayout, build_receipt

from . import receipt_language
from .models import Customer, Event, ReceiptLink, Sale, SaleCustomer, Store, Terminal

TOKEN = re.compile(r"^[A-Za-z0-9_-]{22,64}$")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def valid_token(token: object) -> bool:
    return isinstance(token, str) and TOKEN.fullmatch(token) is not None


def link_sales(store_id: str, links: list[tuple[str, str]]) -> None:
    """``(sale_id, token)`` of stored sales (inside the batch's transaction)."""
    if not links:
        return
    rows = [(token_hash(token), sale_id, store_id) for sale_id, token in links]
    fields = [ReceiptLink.token_hash, ReceiptLink.sale_id, ReceiptLink.store_id]
    ReceiptLink.insert_many(rows, fields=fields).on_conflict_ignore().execute()  # one statement


def sale_for_token(token: str) -> Sale | None:
    """The sale whose receipt ``token`` opens, or None (malformed, unknown, forged)."""
    if not valid_token(token):
        return None
    link = ReceiptLink.get_or_none(ReceiptLink.token_hash == token_hash(token))
    if link is None:
        return None
    return Sale.get_or_none(Sale.sale_id == link.sale_id)


def _lines(text: object) -> tuple[str, ...]:
    return tuple(line.strip() for line in str(text or "").splitlines() if line.strip())


def seller(store: Store, payload: dict[str, Any]) -> Party:
    """The store as the paper receipt named it (the till's settings, carried by the sale),
    else as the cloud has it (name, and address and VAT id set by ``PUT .../seller``)."""
    carried = payload.get("seller")
    if isinstance(carried, dict) and str(carried.get("name") or "").strip():
        return Party(
            str(carried["name"]), _lines(carried.get("address")), str(carried.get("tax_id") or "")
        )
    return Party(store.name, _lines(store.address), store.vat_id or "")


def buyer(sale: Sale) -> Party | None:
    """The sale's customer as a party (name and what the cloud knows of their address)."""
    link = SaleCustomer.get_or_none(SaleCustomer.sale_id == sale.sale_id)
    if link is None:
        return None
    customer = Customer.get_or_none(
        (Customer.id == link.customer_id) & (Customer.store == sale.store_id)
    )
    if customer is None or customer.erased_at is not None:
        return None
    return Party(customer.name, _lines(customer.address), customer.vat_id or "")


def receipt_layout(sale: Sale) -> ReceiptLayout:
    """The receipt of ``sale`` as its customer got it (an invoice for a business customer), in
    the language the till printed it in (:mod:`pos_cloud.receipt_language`).

    Raises:
        KeyError, TypeError, ValueError: the stored sale lacks a figure (a very old till).
    """
    store = Store.get_by_id(sale.store_id)
    terminal = Terminal.get_by_id(sale.terminal_id)
    event = Event.get_by_id(sale.event_id)
    payload: dict[str, Any] = json.loads(event.body).get("payload") or {}
    try:
        zone = zoneinfo.ZoneInfo(store.timezone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return build_receipt(
        {**payload, "terminal_id": payload.get("terminal_id") or terminal.name},
        seller(store, payload),
        buyer=buyer(sale),
        terminal_name=terminal.name,
        tz=zone,
        footer=_footer(payload),
        language=receipt_language.of_sale(payload),
    )


def _footer(payload: dict[str, Any]) -> tuple[str, ...] | None:
    """The store's footer as the till carried it; None: the layout's "Thank you!"."""
    carried = payload.get("seller")
    if isinstance(carried, dict) and isinstance(carried.get("footer"), str):
        return _lines(carried["footer"])
    return None
