"""Per-store pages for what the tills get from the cloud: till users (staff) and quick keys.

Both reach the store's tills through the change feeds (``staff``, ``quick_keys``) within
seconds, like a price change. An owner manages every role; a store manager manages the
cashiers and supervisors of their own store (not other managers or admins).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from .. import quick_keys, staff
from ..db import connection, database_proxy
from ..errors import BadInput, CloudError
from ..models import Product
from . import audit, money
from .accounts import Viewer
from .site import Forbidden, csrf_viewer, current_viewer, render, store_for

router = APIRouter(prefix="/app/stores/{store_id}")
MANAGER_MAY_MANAGE = ("cashier", "supervisor")


def _may_manage(viewer: Viewer, role: str) -> None:
    if not viewer.is_owner and role not in MANAGER_MAY_MANAGE:
        raise Forbidden("Only the owner manages till users with the manager or admin role.")


def _staff_page(request: Request, viewer: Viewer, store, *, status: int = 200, **context):
    with connection():
        members = staff.list_staff(store.id)
    roles = staff.ROLES if viewer.is_owner else MANAGER_MAY_MANAGE
    return render(
        request,
        "staff.html",
        status,
        store=store,
        page_name="staff",
        members=members,
        roles=roles,
        **context,
    )


@router.get("/staff")
def staff_page(request: Request, store_id: str, viewer: Viewer = Depends(current_viewer)):
    with connection():
        store = store_for(viewer, store_id)
    return _staff_page(request, viewer, store)


def _staff_change(request, viewer, store_id: str, change, done: str):
    """Run ``change()`` (audited inside it); the page again with what happened or why not."""
    with connection():
        store = store_for(viewer, store_id)
    try:
        with connection(), database_proxy.atomic():
            change(store)
    except CloudError as exc:
        if exc.status_code == 404:
            raise
        return _staff_page(request, viewer, store, status=exc.status_code, error=str(exc))
    return _staff_page(request, viewer, store, saved=done)


@router.post("/staff")
def add_staff(
    request: Request,
    store_id: str,
    name: str = Form(""),
    role: str = Form("cashier"),
    pin: str = Form(""),
    pin2: str = Form(""),
    viewer: Viewer = Depends(csrf_viewer),
):
    def change(store) -> None:
        _may_manage(viewer, role)
        if pin != pin2:
            raise BadInput("The two PINs differ; type the same PIN twice.")
        member = staff.add_staff(store.id, name, role, pin)
        after = {"name": member.name, "role": member.role, "active": True}
        audit.record(viewer, "staff.add", "till_user", member.id, store_id=store.id, after=after)

    return _staff_change(request, viewer, store_id, change, f"{name.strip()} added.")


@router.post("/staff/{staff_id}/pin")
def reset_pin(
    request: Request,
    store_id: str,
    staff_id: str,
    pin: str = Form(""),
    pin2: str = Form(""),
    viewer: Viewer = Depends(csrf_viewer),
):
    def change(store) -> None:
        member = staff.get_staff(store.id, staff_id)
        _may_manage(viewer, member.role)
        if pin != pin2:
            raise BadInput("The two PINs differ; type the same PIN twice.")
        staff.reset_pin(store.id, staff_id, pin)
        # The PIN is never recorded, not even in the audit: only that it was reset.
        audit.record(
            viewer,
            "staff.pin_reset",
            "till_user",
            staff_id,
            store_id=store.id,
            after={"pin": "reset"},
        )

    return _staff_change(request, viewer, store_id, change, "PIN reset; the tills get it now.")


@router.post("/staff/{staff_id}/active")
def set_active(
    request: Request,
    store_id: str,
    staff_id: str,
    active: str = Form(""),
    viewer: Viewer = Depends(csrf_viewer),
):
    enable = active == "1"

    def change(store) -> None:
        member = staff.get_staff(store.id, staff_id)
        _may_manage(viewer, member.role)
        staff.set_active(store.id, staff_id, enable)
        audit.record(
            viewer,
            "staff.enable" if enable else "staff.disable",
            "till_user",
            staff_id,
            store_id=store.id,
            before={"active": member.active},
            after={"active": enable},
        )

    return _staff_change(
        request, viewer, store_id, change, "Enabled." if enable else "Disabled on every till."
    )


# --- quick keys -------------------------------------------------------------------------


def _keys_page(request, viewer, store, page: int, *, status: int = 200, **context):
    with connection():
        keys = quick_keys.list_keys(store.id)
        skus = sorted({k.sku for k in keys.values() if k.sku})
        names = dict(
            Product.select(Product.sku, Product.name)
            .where((Product.store == store.id) & (Product.sku.in_(skus)))
            .tuples()
        )
    grid = [[keys.get((page, row * 6 + col)) for col in range(6)] for row in range(4)]
    return render(
        request,
        "quick_keys.html",
        status,
        store=store,
        page_name="quick_keys",
        page=page,
        pages=range(1, quick_keys.PAGES + 1),
        used_pages={p for p, _ in keys},
        grid=grid,
        names=names,
        **context,
    )


@router.get("/quick-keys")
def quick_keys_page(
    request: Request, store_id: str, page: int = 1, viewer: Viewer = Depends(current_viewer)
):
    with connection():
        store = store_for(viewer, store_id)
    page = page if 1 <= page <= quick_keys.PAGES else 1
    return _keys_page(request, viewer, store, page)


def _place(page: str, position: str) -> tuple[int, int]:
    try:
        p, pos = int(page), int(position) - 1  # people count keys from 1
    except ValueError:
        raise BadInput("Choose a page (1-9) and a key (1-24).") from None
    quick_keys.check_place(p, pos)
    return p, pos


@router.post("/quick-keys")
def set_quick_key(
    request: Request,
    store_id: str,
    page: str = Form("1"),
    position: str = Form(""),
    label: str = Form(""),
    sku: str = Form(""),
    department: str = Form(""),
    price: str = Form(""),
    colour: str = Form(""),
    clear: str = Form(""),
    viewer: Viewer = Depends(csrf_viewer),
):
    with connection():
        store = store_for(viewer, store_id)
    shown = int(page) if page.isdigit() and 1 <= int(page) <= quick_keys.PAGES else 1
    try:
        p, pos = _place(page, position)
        with connection(), database_proxy.atomic():
            if clear:
                quick_keys.clear_key(store.id, p, pos)
                after = None
            else:
                price_minor = money.parse_amount(price, store.currency) if price.strip() else None
                key = quick_keys.set_key(
                    store.id,
                    p,
                    pos,
                    label=label,
                    sku=sku,
                    department=department,
                    price_minor=price_minor,
                    colour=colour,
                )
                after = {"label": key.label, "sku": key.sku, "department": key.department}
                after |= {"price_minor": key.price_minor, "colour": key.colour}
            audit.record(
                viewer, "quick_key.set", "quick_key", f"{p}:{pos}", store_id=store.id, after=after
            )
    except CloudError as exc:
        return _keys_page(request, viewer, store, shown, status=exc.status_code, error=str(exc))
    return RedirectResponse(f"/app/stores/{store.id}/quick-keys?page={p}", status_code=303)
