"""Staff: roles, the permission matrix, sensitive actions, reason codes and the lockout rule.

Pure Python. A sensitive action is allowed when the user's role has the permission, or when a
one-shot approval comes from someone whose role has it (see ``services.auth``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from .errors import N_, DomainError, Phrase


class Role(StrEnum):
    CASHIER = "cashier"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"
    ADMIN = "admin"


class Action(StrEnum):
    """Everything the permission matrix decides; ``SENSITIVE`` lists the audited ones."""

    SELL = "sell"
    OPEN_SHIFT = "open_shift"
    CLOSE_SHIFT = "close_shift"
    X_REPORT = "x_report"
    CASH_DROP = "cash_drop"
    VOID_LINE = "void_line"  # a line already shown on the customer display
    CANCEL_SALE = "cancel_sale"
    REFUND = "refund"
    RETURN_NO_RECEIPT = "return_no_receipt"
    PRICE_OVERRIDE = "price_override"
    DISCOUNT_OVER_LIMIT = "discount_over_limit"
    NO_SALE = "no_sale"
    PAID_IN = "paid_in"
    PAID_OUT = "paid_out"
    CLOSE_SHIFT_VARIANCE = "close_shift_variance"
    Z_REPORT = "z_report"
    MANAGE_USERS = "manage_users"
    DROP_PARKED_SALE = "drop_parked_sale"
    EDIT_DEVICES = "edit_devices"
    UNLOCK_USER = "unlock_user"
    SELL_UNKNOWN_BARCODE = "sell_unknown_barcode"  # a barcode no product has, as a department
    STORE_SETTINGS = "store_settings"  # the Store settings dialog at the till
    CLOSE_TILL = "close_till"  # quitting the till program
    EDIT_QUICK_KEYS = "edit_quick_keys"
    STOCK_COUNT = "stock_count"
    RECEIVE_GOODS = "receive_goods"
    WRITE_OFF_STOCK = "write_off_stock"  # waste/shrinkage: damaged, expired, stolen goods
    TRANSFER_STOCK = "transfer_stock"  # send goods to another store, or receive them


# Store-wide screens that were a manager's alone before the policy decided them: the default for
# every other role is ``refused`` (not ``approval``), as it always was; a store may change it.
MANAGER_SCREENS: frozenset[Action] = frozenset(
    {
        Action.STORE_SETTINGS,
        Action.CLOSE_TILL,
        Action.EDIT_QUICK_KEYS,
        Action.STOCK_COUNT,
        Action.RECEIVE_GOODS,
        Action.TRANSFER_STOCK,
    }
)


SENSITIVE: frozenset[Action] = frozenset(
    {
        Action.VOID_LINE,
        Action.CANCEL_SALE,
        Action.REFUND,
        Action.RETURN_NO_RECEIPT,
        Action.PRICE_OVERRIDE,
        Action.DISCOUNT_OVER_LIMIT,
        Action.NO_SALE,
        Action.PAID_IN,
        Action.PAID_OUT,
        Action.CASH_DROP,
        Action.CLOSE_SHIFT_VARIANCE,
        Action.DROP_PARKED_SALE,
        Action.WRITE_OFF_STOCK,
    }
)

_CASHIER = frozenset(
    {
        Action.SELL,
        Action.OPEN_SHIFT,
        Action.CLOSE_SHIFT,
        Action.X_REPORT,
        Action.CASH_DROP,
        # What a shop owner expects: the cashier sells it (audited); a store that wants a
        # manager to look first sets 'pos-admin policy set cashier sell_unknown_barcode approval'.
        Action.SELL_UNKNOWN_BARCODE,
    }
)
_SUPERVISOR = _CASHIER | {
    Action.VOID_LINE,
    Action.CANCEL_SALE,
    Action.NO_SALE,
    Action.PRICE_OVERRIDE,
    Action.DROP_PARKED_SALE,
}
_MANAGER = _SUPERVISOR | {
    Action.REFUND,
    Action.RETURN_NO_RECEIPT,
    Action.DISCOUNT_OVER_LIMIT,
    Action.PAID_IN,
    Action.PAID_OUT,
    Action.CLOSE_SHIFT_VARIANCE,
    Action.Z_REPORT,
    Action.EDIT_DEVICES,
    Action.UNLOCK_USER,
    Action.WRITE_OFF_STOCK,
    *MANAGER_SCREENS,
}
# The built-in defaults of ``domain.policy.ApprovalPolicy`` (a store may change them).
PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.CASHIER: _CASHIER,
    Role.SUPERVISOR: frozenset(_SUPERVISOR),
    Role.MANAGER: frozenset(_MANAGER),
    Role.ADMIN: frozenset(_MANAGER | {Action.MANAGE_USERS}),
}

ACTION_LABELS: dict[Action, str] = {
    Action.SELL: N_("Sell"),
    Action.OPEN_SHIFT: N_("Open shift"),
    Action.CLOSE_SHIFT: N_("Close shift"),
    Action.X_REPORT: N_("X report"),
    Action.Z_REPORT: N_("Z report"),
    Action.MANAGE_USERS: N_("Manage users"),
    Action.VOID_LINE: N_("Void a line"),
    Action.CANCEL_SALE: N_("Cancel the sale"),
    Action.REFUND: N_("Refund"),
    Action.RETURN_NO_RECEIPT: N_("Return without a receipt"),
    Action.PRICE_OVERRIDE: N_("Override a price"),
    Action.DISCOUNT_OVER_LIMIT: N_("Discount above the limit"),
    Action.NO_SALE: N_("Open the drawer (no sale)"),
    Action.PAID_IN: N_("Paid in"),
    Action.PAID_OUT: N_("Paid out"),
    Action.CASH_DROP: N_("Cash drop"),
    Action.CLOSE_SHIFT_VARIANCE: N_("Close the shift with a cash variance"),
    Action.DROP_PARKED_SALE: N_("Drop a parked sale"),
    Action.EDIT_DEVICES: N_("Change the device settings"),
    Action.UNLOCK_USER: N_("Unlock a locked user"),
    Action.SELL_UNKNOWN_BARCODE: N_("Sell an unknown barcode as a department item"),
    Action.STORE_SETTINGS: N_("Change the store settings"),
    Action.CLOSE_TILL: N_("Close the till"),
    Action.EDIT_QUICK_KEYS: N_("Change the quick keys"),
    Action.STOCK_COUNT: N_("Count stock"),
    Action.RECEIVE_GOODS: N_("Receive goods"),
    Action.WRITE_OFF_STOCK: N_("Write off stock (waste)"),
    Action.TRANSFER_STOCK: N_("Send or receive a transfer"),
}


def parse_role(text: str) -> Role:
    """The role named by ``text`` (case-insensitive).

    Raises:
        DomainError: naming the valid roles.
    """
    try:
        return Role((text or "").strip().lower())
    except ValueError:
        names = ", ".join(r.value for r in Role)
        raise DomainError(
            N_("'{text}' is not a role; use one of: {names}."), text=text, names=names
        ) from None


def can(role: Role, action: Action) -> bool:
    """Whether ``role`` may do ``action`` under the built-in defaults (a store's own table is
    ``domain.policy.ApprovalPolicy``, loaded by ``services.auth``)."""
    return action in PERMISSIONS[Role(role)]


def action_label(action: Action) -> Phrase:
    """The action's name in English; ``_()`` translates it where it is shown (as a message's
    ``{placeholder}`` value a ``DomainError`` translates it with the message)."""
    return Phrase(ACTION_LABELS.get(action, action.value.replace("_", " ").capitalize()))


@dataclass(frozen=True, slots=True)
class ReasonCode:
    code: str
    label: str
    actions: frozenset[Action]


REASON_CODES: tuple[ReasonCode, ...] = (
    ReasonCode("MISSCAN", N_("Scanned by mistake"), frozenset({Action.VOID_LINE})),
    ReasonCode(
        "CUSTOMER_CHANGED_MIND",
        N_("Customer changed their mind"),
        frozenset({Action.VOID_LINE, Action.CANCEL_SALE, Action.REFUND, Action.DROP_PARKED_SALE}),
    ),
    ReasonCode(
        "CUSTOMER_LEFT",
        N_("Customer left"),
        frozenset({Action.CANCEL_SALE, Action.DROP_PARKED_SALE}),
    ),
    ReasonCode(
        "DAMAGED",
        N_("Damaged or faulty item"),
        frozenset({Action.REFUND, Action.RETURN_NO_RECEIPT, Action.WRITE_OFF_STOCK}),
    ),
    ReasonCode("EXPIRED", N_("Past its date"), frozenset({Action.WRITE_OFF_STOCK})),
    ReasonCode("THEFT", N_("Stolen (found missing)"), frozenset({Action.WRITE_OFF_STOCK})),
    ReasonCode("LOST", N_("Lost or broken in the store"), frozenset({Action.WRITE_OFF_STOCK})),
    ReasonCode("GIFT_RETURN", N_("Gift return"), frozenset({Action.RETURN_NO_RECEIPT})),
    ReasonCode("PRICE_MATCH", N_("Price match"), frozenset({Action.PRICE_OVERRIDE})),
    ReasonCode(
        "WRONG_SHELF_PRICE",
        N_("Wrong shelf label"),
        frozenset({Action.PRICE_OVERRIDE, Action.DISCOUNT_OVER_LIMIT}),
    ),
    ReasonCode("LOYALTY", N_("Goodwill / loyal customer"), frozenset({Action.DISCOUNT_OVER_LIMIT})),
    ReasonCode("CHANGE_REQUEST", N_("Change for a customer"), frozenset({Action.NO_SALE})),
    ReasonCode("CHECK_DRAWER", N_("Check the drawer"), frozenset({Action.NO_SALE})),
    ReasonCode("FLOAT_TOP_UP", N_("Float top-up"), frozenset({Action.PAID_IN})),
    ReasonCode("SUPPLIER", N_("Supplier paid in cash"), frozenset({Action.PAID_OUT})),
    ReasonCode("PETTY_CASH", N_("Petty cash"), frozenset({Action.PAID_OUT, Action.PAID_IN})),
    ReasonCode("SAFE_DROP", N_("Too much cash in the drawer"), frozenset({Action.CASH_DROP})),
    ReasonCode(
        "COUNT_CONFIRMED",
        N_("Recounted, variance confirmed"),
        frozenset({Action.CLOSE_SHIFT_VARIANCE}),
    ),
    ReasonCode("OTHER", N_("Other (see note)"), frozenset(SENSITIVE)),
)


def reasons_for(action: Action) -> tuple[ReasonCode, ...]:
    """The reason codes a person may pick for ``action`` (empty for non-sensitive actions)."""
    return tuple(r for r in REASON_CODES if action in r.actions)


def reason_code_for(action: Action, text: str) -> str | None:
    """The reason code whose code or label is ``text`` (a reason typed or picked on another
    screen, so it is not asked again); ``OTHER`` for any other text, None for no text."""
    wanted = (text or "").strip().casefold()
    if not wanted:
        return None
    for reason in reasons_for(action):
        if wanted in (reason.code.casefold(), reason.label.casefold()):
            return reason.code
    return "OTHER"


def check_reason(action: Action, code: str | None) -> ReasonCode | None:
    """Validate the reason code for ``action``; sensitive actions always need one.

    Raises:
        DomainError: naming the valid codes when the reason is missing or does not fit.
    """
    if action not in SENSITIVE:
        return None
    allowed = reasons_for(action)
    for reason in allowed:
        if reason.code == (code or "").strip().upper():
            return reason
    names = ", ".join(r.code for r in allowed)
    if not code:
        raise DomainError(
            N_("{action_label} needs a reason code; pick one of: {names}."),
            action_label=action_label(action),
            names=names,
        )
    raise DomainError(
        N_("{action_label} cannot use reason '{code}'; pick one of: {names}."),
        action_label=action_label(action),
        code=code,
        names=names,
    )


def check_pin(pin: str) -> str:
    """A PIN is 4 to 8 digits.

    Raises:
        DomainError: when it is not.
    """
    if not (isinstance(pin, str) and pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 8):
        raise DomainError(N_("A PIN is 4 to 8 digits; choose another."))
    return pin


@dataclass(frozen=True, slots=True)
class StaffMember:
    """A till user. ``name`` is what sales and the audit log record."""

    user_id: str
    name: str
    role: Role
    active: bool = True
    failed_attempts: int = 0
    locked_until: datetime | None = None

    def locked_at(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def minutes_locked(self, now: datetime) -> int:
        """Whole minutes (rounded up) until the lock ends; 0 when not locked."""
        if not self.locked_at(now):
            return 0
        seconds = (self.locked_until - now).total_seconds()  # type: ignore[operator]
        return max(1, -int(-seconds // 60))


@dataclass(frozen=True, slots=True)
class LockoutPolicy:
    """After ``max_attempts`` wrong PINs in a row the user is locked for ``duration``.

    PCI DSS 8.3.4 asks for at most 10 attempts and at least 30 minutes; both are the defaults and
    the constructor refuses anything weaker.
    """

    max_attempts: int = 10
    duration: timedelta = timedelta(minutes=30)

    def __post_init__(self) -> None:
        if not 1 <= self.max_attempts <= 10 or self.duration < timedelta(minutes=30):
            raise DomainError(
                N_("Lockout must be after at most 10 attempts for at least 30 minutes.")
            )

    def after_failure(self, attempts: int, now: datetime) -> tuple[int, datetime | None]:
        """The new failure count and lock expiry after one more wrong PIN."""
        attempts += 1
        if attempts >= self.max_attempts:
            return attempts, now + self.duration
        return attempts, None
