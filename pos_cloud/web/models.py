"""Tables of the web back office (schema made by migration 0006; keep both in step).

Three groups:

- people and access: web users (owner / store manager), one-time setup tokens, sessions,
  login attempts (rate limiting) and the audit trail of every change made on the web;
- projections of the tills' events that reports need as rows (sale lines, refunds, closed
  shifts, cash movements), filled by :mod:`pos_cloud.web.projector` from the ``event`` table;
- webhooks: endpoints, the events offered to them and each delivery with its attempts.

Store and terminal ids are plain columns (no foreign keys into the sync tables), so the back
office never adds work or locks to till ingestion.
"""

from __future__ import annotations

import peewee as pw

from ..models import BaseModel, new_id, utcnow

OWNER = "owner"
MANAGER = "manager"


class WebUser(BaseModel):
    id = pw.CharField(36, primary_key=True, default=new_id)
    organisation_id = pw.CharField(36)
    email = pw.CharField(254, unique=True)  # stored lower-case
    password_hash = pw.CharField(200, null=True)  # null until set through the setup link
    role = pw.CharField(16)  # owner | manager
    store_id = pw.CharField(36, null=True)  # a manager's one store
    active = pw.BooleanField(default=True)
    created_at = pw.DateTimeField(default=utcnow)
    password_changed_at = pw.DateTimeField(null=True)

    class Meta:
        table_name = "web_user"


class WebSetupToken(BaseModel):
    token_hash = pw.CharField(64, primary_key=True)
    user = pw.ForeignKeyField(WebUser, column_name="user_id")
    expires_at = pw.DateTimeField()
    used_at = pw.DateTimeField(null=True)

    class Meta:
        table_name = "web_setup_token"


class WebSession(BaseModel):
    id_hash = pw.CharField(64, primary_key=True)  # SHA-256 of the cookie value
    user = pw.ForeignKeyField(WebUser, column_name="user_id")
    csrf_token = pw.CharField(64)
    created_at = pw.DateTimeField(default=utcnow)
    last_seen_at = pw.DateTimeField(default=utcnow)
    expires_at = pw.DateTimeField()

    class Meta:
        table_name = "web_session"


class WebLoginAttempt(BaseModel):
    key = pw.CharField(300)  # "email:<address>" or "ip:<address>"
    at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "web_login_attempt"
        indexes = ((("key", "at"), False),)


class WebAudit(BaseModel):
    id = pw.BigAutoField()
    organisation_id = pw.CharField(36)
    user_id = pw.CharField(36, null=True)
    user_email = pw.CharField(254)
    at = pw.DateTimeField(default=utcnow)
    action = pw.CharField(64)
    store_id = pw.CharField(36, null=True)
    object_type = pw.CharField(64)
    object_id = pw.CharField(200)
    before = pw.TextField(null=True)  # JSON
    after = pw.TextField(null=True)  # JSON

    class Meta:
        table_name = "web_audit"
        indexes = ((("organisation_id", "at"), False),)


class WebSaleLine(BaseModel):
    id = pw.BigAutoField()
    store_id = pw.CharField(36)
    sale_id = pw.CharField(36)
    line_no = pw.IntegerField()
    terminal_id = pw.CharField(36)
    business_day = pw.DateField()
    completed_at = pw.DateTimeField()
    receipt_number = pw.BigIntegerField()
    sku = pw.CharField(64, null=True)
    name = pw.CharField(200)
    quantity_micro = pw.BigIntegerField()  # quantity x 1,000,000 (exact, 6 decimals)
    unit_price_minor = pw.BigIntegerField()
    line_total_minor = pw.BigIntegerField()
    tax_minor = pw.BigIntegerField()
    tax_code = pw.CharField(32)

    class Meta:
        table_name = "web_sale_line"
        indexes = (
            (("sale_id", "line_no"), True),
            (("store_id", "business_day"), False),
        )


class WebRefund(BaseModel):
    refund_id = pw.CharField(64, primary_key=True)
    event_id = pw.CharField(36)
    store_id = pw.CharField(36)
    terminal_id = pw.CharField(36)
    business_day = pw.DateField()
    completed_at = pw.DateTimeField()
    receipt_number = pw.BigIntegerField(null=True)
    original_receipt_number = pw.BigIntegerField(null=True)
    sale_id = pw.CharField(64, null=True)
    kind = pw.CharField(32)
    total_minor = pw.BigIntegerField()
    tax_minor = pw.BigIntegerField()
    cashier = pw.CharField(200, null=True)
    tenders = pw.TextField()  # JSON [{"kind", "amount_minor"}]

    class Meta:
        table_name = "web_refund"
        indexes = ((("store_id", "business_day"), False),)


class WebShift(BaseModel):
    shift_id = pw.CharField(64, primary_key=True)
    event_id = pw.CharField(36)
    store_id = pw.CharField(36)
    terminal_id = pw.CharField(36)
    business_day = pw.DateField()
    closed_at = pw.DateTimeField()
    z_number = pw.BigIntegerField(null=True)
    closed_by = pw.CharField(200, null=True)
    gross_minor = pw.BigIntegerField(default=0)
    expected_cash_minor = pw.BigIntegerField(default=0)
    counted_cash_minor = pw.BigIntegerField(null=True)
    variance_minor = pw.BigIntegerField(default=0)
    voids_count = pw.IntegerField(default=0)
    voids_minor = pw.BigIntegerField(default=0)
    body = pw.TextField()  # the Z report as the till sent it (JSON)

    class Meta:
        table_name = "web_shift"
        indexes = ((("store_id", "business_day"), False),)


class WebCashMovement(BaseModel):
    movement_id = pw.CharField(64, primary_key=True)
    event_id = pw.CharField(36)
    store_id = pw.CharField(36)
    terminal_id = pw.CharField(36)
    business_day = pw.DateField()
    occurred_at = pw.DateTimeField()
    kind = pw.CharField(32)  # paid_in | paid_out | drop | no_sale
    amount_minor = pw.BigIntegerField()
    reason = pw.CharField(200, null=True)

    class Meta:
        table_name = "web_cash_movement"
        indexes = ((("store_id", "business_day"), False),)


class WebProjectionMark(BaseModel):
    """How far the projector has read one terminal's events (or one store's products)."""

    source_id = pw.CharField(40, primary_key=True)  # terminal id, or "p:" + store id
    upto_seq = pw.BigIntegerField(default=0)  # everything at or below is projected
    scanned_seq = pw.BigIntegerField(default=0)  # the highest seq read so far

    class Meta:
        table_name = "web_projection_mark"


class WebWebhook(BaseModel):
    id = pw.CharField(36, primary_key=True, default=new_id)
    organisation_id = pw.CharField(36)
    url = pw.CharField(2000)
    secret = pw.CharField(100)  # needed in clear to sign; shown to the owner once
    events = pw.CharField(200)  # comma-separated event types
    active = pw.BooleanField(default=True)
    created_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "web_webhook"


class WebWebhookEvent(BaseModel):
    event_id = pw.CharField(36, primary_key=True)
    organisation_id = pw.CharField(36)
    store_id = pw.CharField(36)
    type = pw.CharField(64)
    payload = pw.TextField()  # the JSON body sent to receivers
    created_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "web_webhook_event"


class WebWebhookDelivery(BaseModel):
    id = pw.BigAutoField()
    webhook = pw.ForeignKeyField(WebWebhook, column_name="webhook_id")
    event = pw.ForeignKeyField(WebWebhookEvent, column_name="event_id")
    status = pw.CharField(16, default="pending")  # pending | delivered | failed
    attempts = pw.IntegerField(default=0)
    next_attempt_at = pw.DateTimeField(default=utcnow)
    lease_until = pw.DateTimeField(null=True)
    last_status_code = pw.IntegerField(null=True)
    delivered_at = pw.DateTimeField(null=True)
    created_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "web_webhook_delivery"
        indexes = (
            (("webhook", "event"), True),
            (("status", "next_attempt_at"), False),
        )


class WebDeliveryAttempt(BaseModel):
    id = pw.BigAutoField()
    delivery = pw.ForeignKeyField(WebWebhookDelivery, column_name="delivery_id")
    at = pw.DateTimeField(default=utcnow)
    status_code = pw.IntegerField(null=True)
    response_body = pw.TextField(null=True)  # first 2,000 characters
    error = pw.CharField(500, null=True)
    duration_ms = pw.IntegerField(default=0)

    class Meta:
        table_name = "web_delivery_attempt"
        indexes = ((("delivery", "at"), False),)


class WebImportJob(BaseModel):
    """A CSV import running in the background (large files): progress, then its outcome."""

    id = pw.CharField(36, primary_key=True)
    store_id = pw.CharField(36)
    user_id = pw.CharField(36)
    total_rows = pw.IntegerField(default=0)
    done_rows = pw.IntegerField(default=0)
    status = pw.CharField(16)  # checking | writing | done | failed
    message = pw.TextField(null=True)
    errors = pw.TextField(null=True)  # JSON [[line, what is wrong], ...]
    created_at = pw.DateTimeField()
    finished_at = pw.DateTimeField(null=True)

    class Meta:
        table_name = "web_import_job"


WEB_MODELS = [
    WebUser,
    WebSetupToken,
    WebSession,
    WebLoginAttempt,
    WebAudit,
    WebSaleLine,
    WebRefund,
    WebShift,
    WebCashMovement,
    WebProjectionMark,
    WebWebhook,
    WebWebhookEvent,
    WebWebhookDelivery,
    WebDeliveryAttempt,
    WebImportJob,
]
