"""The Promotions page of a store: list, create, edit, end (or run again).

Promotions reach the store's tills through the ``promotions`` feed within seconds and price
their carts there (pos_cloud/promotions.py says what the kinds are). Dates are the store's
days: a promotion runs from the first day's midnight to the end of its last day in the store's
time zone. Every change is audited with its before and after.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from .. import promotions
from ..db import connection, database_proxy
from ..errors import BadInput, CloudError
from ..models import Store, utcnow
from . import audit, catalogue, money
from .accounts import Viewer
from .site import csrf_viewer, current_viewer, render, store_for, visible_stores

router = APIRouter(prefix="/app/stores/{store_id}")


def _zone(store: Store) -> ZoneInfo:
    try:
        return ZoneInfo(store.timezone or "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def _day(text: str, what: str) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BadInput(
            f"The {what} '{text[:20]}' is not a date; write it like 2026-12-24."
        ) from None


def _utc_midnight(day: dt.date, store: Store) -> dt.datetime:
    local = dt.datetime.combine(day, dt.time(), tzinfo=_zone(store))
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def _local_day(moment: dt.datetime | None, store: Store, *, last: bool = False) -> str:
    """The store's day of a stored time (for ``last``: the day before the exclusive end)."""
    if moment is None:
        return ""
    local = moment.replace(tzinfo=dt.UTC).astimezone(_zone(store))
    return (local - dt.timedelta(days=1) if last else local).date().isoformat()


def _whole(text: str, what: str = "") -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit() and len(text) <= 6):
        about = f"{what}: " if what else ""
        raise BadInput(f"{about}'{text[:20]}' is not a whole number; write it like 3.")
    return int(text)


class PromotionForm:
    """The form's fields as typed (kept to show them again beside an error)."""

    def __init__(self, **fields: str) -> None:
        self.fields = fields

    def __getattr__(self, name: str) -> str:
        return self.fields.get(name, "")

    @classmethod
    def of(cls, promotion, store: Store) -> PromotionForm:
        params = json.loads(promotion.params)
        currency = store.currency
        price = params.get("price_minor")
        amount = params.get("amount_minor")
        return cls(
            name=promotion.name,
            kind=promotion.kind,
            quantity=str(params.get("quantity", "")),
            price=money.decimal_text(price, currency) if price is not None else "",
            buy=str(params.get("buy", "")),
            get=str(params.get("get", "")),
            percent=params.get("percent") or params.get("percent_off") or "",
            amount=money.decimal_text(amount, currency) if amount is not None else "",
            per_unit="1" if params.get("per_unit", True) else "",
            multiplier=params.get("multiplier", ""),
            extra_points=str(params["extra_points"]) if params.get("extra_points") else "",
            skus=" ".join(promotions.skus_of(promotion)),
            category=promotion.category or "",
            starts=_local_day(promotion.starts_at, store),
            ends=_local_day(promotion.ends_at, store, last=True),
        )

    def to_input(self, store: Store) -> promotions.PromotionInput:
        """BadInput says which field is wrong."""
        currency = store.currency
        starts, ends = _day(self.starts, "first day"), _day(self.ends, "last day")
        if starts and ends and ends < starts:
            raise BadInput("The last day is before the first day; check the dates.")
        return promotions.PromotionInput(
            name=self.name,
            kind=self.kind,
            quantity=_whole(self.quantity),
            price_minor=money.parse_amount(self.price, currency) if self.price.strip() else None,
            buy=_whole(self.buy),
            get=_whole(self.get),
            percent=self.percent,
            amount_minor=money.parse_amount(self.amount, currency) if self.amount.strip() else None,
            per_unit=bool(self.per_unit),
            multiplier=self.multiplier,
            extra_points=_whole(self.extra_points, "The extra points per piece"),
            skus=tuple(s for s in re.split(r"[\s,;]+", self.skus) if s),
            category=self.category,
            starts_at=_utc_midnight(starts, store) if starts else None,
            ends_at=_utc_midnight(ends + dt.timedelta(days=1), store) if ends else None,
        )


def _describe(promotion, store: Store) -> str:
    """The rule in a few words, e.g. '3 for 5.00 EUR' or 'buy 2, get 1 free'."""
    p = json.loads(promotion.params)
    cur = store.currency
    if promotion.kind == "QuantityPrice":
        return f"{p['quantity']} for {money.display(p['price_minor'], cur)}"
    if promotion.kind == "MixAndMatch":
        return f"any {p['quantity']} for {money.display(p['price_minor'], cur)}"
    if promotion.kind == "BuyXGetY":
        off = "free" if p["percent_off"] == "100" else f"{p['percent_off']} % off"
        return f"buy {p['buy']}, get {p['get']} {off}"
    if promotion.kind == "PercentOff":
        return f"{p['percent']} % off"
    if promotion.kind == "BonusPoints":
        parts = [f"x{p['multiplier']} points"] if p.get("multiplier", "1") != "1" else []
        if p.get("extra_points"):
            parts.append(f"+{p['extra_points']} points each")
        return ", ".join(parts)
    each = "each" if p.get("per_unit", True) else "once per basket"
    return f"{money.display(p['amount_minor'], cur)} off {each}"


def _page(request, store, *, form=None, editing=None, status: int = 200, **context):
    with connection():
        rows = [
            {
                "p": p,
                "rule": _describe(p, store),
                "skus": promotions.skus_of(p),
                "status": promotions.status(p, utcnow()),
                "starts": _local_day(p.starts_at, store),
                "ends": _local_day(p.ends_at, store, last=True),
            }
            for p in promotions.list_promotions(store.id)
        ]
        groups = catalogue.categories(store.id)
    return render(
        request,
        "promotions.html",
        status,
        store=store,
        page_name="promotions",
        rows=rows,
        kinds=promotions.KINDS,
        categories=groups,
        form=form or PromotionForm(kind="QuantityPrice", per_unit="1"),
        editing=editing,
        **context,
    )


@router.get("/promotions")
def promotions_page(request: Request, store_id: str, viewer: Viewer = Depends(current_viewer)):
    with connection():
        store = store_for(viewer, store_id)
    return _page(request, store)


@router.get("/promotions/{promotion_id}")
def edit_page(
    request: Request, store_id: str, promotion_id: str, viewer: Viewer = Depends(current_viewer)
):
    with connection():
        store = store_for(viewer, store_id)
        promotion = promotions.get_promotion(store.id, promotion_id)
        form = PromotionForm.of(promotion, store)
    return _page(request, store, form=form, editing=promotion)


def _form(
    name: str = Form(""),
    kind: str = Form(""),
    quantity: str = Form(""),
    price: str = Form(""),
    buy: str = Form(""),
    get: str = Form(""),
    percent: str = Form(""),
    amount: str = Form(""),
    per_unit: str = Form(""),
    multiplier: str = Form(""),
    extra_points: str = Form(""),
    skus: str = Form(""),
    category: str = Form(""),
    starts: str = Form(""),
    ends: str = Form(""),
    every_store: str = Form(""),
) -> PromotionForm:
    """The posted form (a dependency: both the create and the edit route take it)."""
    return PromotionForm(**{k: v for k, v in locals().items()})


def _copy_to_other_stores(viewer: Viewer, store: Store, form: PromotionForm) -> None:
    """The same promotion in every other store of the business (each its own copy, with that
    store's products of the SKUs, days and currency); all or none."""
    for other in visible_stores(viewer):
        if other.id == store.id:
            continue
        try:
            copy = promotions.save(other.id, form.to_input(other))
        except BadInput as exc:
            raise BadInput(f"In store {other.name}: {exc} Nothing was saved.") from None
        audit.record(
            viewer,
            "promotion.create",
            "promotion",
            copy.id,
            store_id=other.id,
            after=promotions.snapshot(copy),
        )


def _save(request, viewer, store_id: str, promotion_id: str | None, form: PromotionForm):
    with connection():
        store = store_for(viewer, store_id)
    try:
        with connection(), database_proxy.atomic():
            before = None
            if promotion_id is not None:
                before = promotions.snapshot(promotions.get_promotion(store.id, promotion_id))
            saved = promotions.save(store.id, form.to_input(store), promotion_id)
            audit.record(
                viewer,
                "promotion.create" if promotion_id is None else "promotion.edit",
                "promotion",
                saved.id,
                store_id=store.id,
                before=before,
                after=promotions.snapshot(saved),
            )
            if promotion_id is None and form.every_store and viewer.is_owner:
                _copy_to_other_stores(viewer, store, form)
    except CloudError as exc:
        if exc.status_code == 404:
            raise
        editing = None
        if promotion_id is not None:
            with connection():
                editing = promotions.get_promotion(store.id, promotion_id)
        return _page(
            request, store, form=form, editing=editing, status=exc.status_code, error=str(exc)
        )
    return RedirectResponse(f"/app/stores/{store.id}/promotions?saved={saved.id}", status_code=303)


@router.post("/promotions")
def create_promotion(
    request: Request,
    store_id: str,
    form: PromotionForm = Depends(_form),
    viewer: Viewer = Depends(csrf_viewer),
):
    return _save(request, viewer, store_id, None, form)


@router.post("/promotions/{promotion_id}")
def edit_promotion(
    request: Request,
    store_id: str,
    promotion_id: str,
    form: PromotionForm = Depends(_form),
    viewer: Viewer = Depends(csrf_viewer),
):
    return _save(request, viewer, store_id, promotion_id, form)


@router.post("/promotions/{promotion_id}/active")
def set_active(
    store_id: str,
    promotion_id: str,
    active: str = Form(""),
    viewer: Viewer = Depends(csrf_viewer),
):
    run = active == "1"
    with connection():
        store = store_for(viewer, store_id)
        with database_proxy.atomic():
            before = promotions.get_promotion(store.id, promotion_id)
            after = promotions.set_active(store.id, promotion_id, run)
            audit.record(
                viewer,
                "promotion.restart" if run else "promotion.end",
                "promotion",
                promotion_id,
                store_id=store.id,
                before={"active": before.active},
                after={"active": after.active},
            )
    return RedirectResponse(f"/app/stores/{store.id}/promotions", status_code=303)
