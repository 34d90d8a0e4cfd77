"""Webhooks (owner only) and the audit trail."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from ..db import connection, database_proxy
from ..errors import NotFound
from . import audit, webhooks
from .accounts import Viewer
from .models import WebAudit, WebDeliveryAttempt, WebWebhook, WebWebhookDelivery, WebWebhookEvent
from .projector import WEBHOOK_EVENTS
from .site import csrf_viewer, current_viewer, render, require_owner, visible_stores

router = APIRouter(prefix="/app")


def _hook(viewer: Viewer, webhook_id: str) -> WebWebhook:
    hook = WebWebhook.get_or_none(
        (WebWebhook.id == webhook_id) & (WebWebhook.organisation_id == viewer.organisation_id)
    )
    if hook is None:
        raise NotFound("No such webhook.")
    return hook


@router.get("/webhooks")
def webhooks_page(request: Request, viewer: Viewer = Depends(current_viewer)):
    require_owner(viewer)
    with connection():
        hooks = list(
            WebWebhook.select()
            .where(WebWebhook.organisation_id == viewer.organisation_id)
            .order_by(WebWebhook.created_at)
        )
    return render(request, "webhooks.html", hooks=hooks, events=WEBHOOK_EVENTS, created=None)


@router.post("/webhooks")
async def create_webhook(request: Request, viewer: Viewer = Depends(csrf_viewer)):
    require_owner(viewer)
    form = await request.form()
    url = str(form.get("url") or "")
    events = [str(e) for e in form.getlist("events")]

    def work():
        with connection(), database_proxy.atomic():
            hook = webhooks.create_webhook(viewer.organisation_id, url, events)
            audit.record(
                viewer,
                "webhook.create",
                "webhook",
                hook.id,
                after={"url": hook.url, "events": hook.events},
            )
            hooks = list(
                WebWebhook.select().where(WebWebhook.organisation_id == viewer.organisation_id)
            )
        return hook, hooks

    from starlette.concurrency import run_in_threadpool

    hook, hooks = await run_in_threadpool(work)
    return render(request, "webhooks.html", hooks=hooks, events=WEBHOOK_EVENTS, created=hook)


@router.post("/webhooks/{webhook_id}/delete")
def delete_webhook(webhook_id: str, viewer: Viewer = Depends(csrf_viewer)):
    require_owner(viewer)
    with connection(), database_proxy.atomic():
        hook = _hook(viewer, webhook_id)
        WebWebhook.update(active=False).where(WebWebhook.id == hook.id).execute()
        audit.record(
            viewer,
            "webhook.disable",
            "webhook",
            hook.id,
            before={"active": hook.active},
            after={"active": False},
        )
    return RedirectResponse("/app/webhooks", status_code=303)


@router.get("/webhooks/{webhook_id}")
def webhook_detail(request: Request, webhook_id: str, viewer: Viewer = Depends(current_viewer)):
    require_owner(viewer)
    with connection():
        hook = _hook(viewer, webhook_id)
        deliveries = list(
            WebWebhookDelivery.select(WebWebhookDelivery, WebWebhookEvent)
            .join(WebWebhookEvent)
            .where(WebWebhookDelivery.webhook == hook.id)
            .order_by(WebWebhookDelivery.id.desc())
            .limit(100)
        )
        attempts: dict[int, list] = {}
        if deliveries:
            for a in (
                WebDeliveryAttempt.select()
                .where(WebDeliveryAttempt.delivery.in_([d.id for d in deliveries]))
                .order_by(WebDeliveryAttempt.id)
            ):
                attempts.setdefault(a.delivery_id, []).append(a)
    return render(request, "webhook.html", hook=hook, deliveries=deliveries, attempts=attempts)


@router.post("/webhooks/{webhook_id}/deliveries/{delivery_id}/replay")
def replay_delivery(webhook_id: str, delivery_id: int, viewer: Viewer = Depends(csrf_viewer)):
    require_owner(viewer)
    with connection(), database_proxy.atomic():
        hook = _hook(viewer, webhook_id)
        delivery = WebWebhookDelivery.get_or_none(
            (WebWebhookDelivery.id == delivery_id) & (WebWebhookDelivery.webhook == hook.id)
        )
        if delivery is None:
            raise NotFound("No such delivery.")
        webhooks.replay(delivery.id)
        audit.record(
            viewer,
            "webhook.replay",
            "delivery",
            str(delivery.id),
            before={"status": delivery.status},
            after={"status": "pending"},
        )
    return RedirectResponse(f"/app/webhooks/{hook.id}", status_code=303)


@router.get("/audit")
def audit_page(request: Request, viewer: Viewer = Depends(current_viewer)):
    with connection():
        query = WebAudit.select().where(WebAudit.organisation_id == viewer.organisation_id)
        if not viewer.is_owner:
            query = query.where(WebAudit.store_id == viewer.store_id)
        rows = list(query.order_by(WebAudit.id.desc()).limit(200))
        names = {s.id: s.name for s in visible_stores(viewer)}
    return render(request, "audit.html", rows=rows, names=names)
