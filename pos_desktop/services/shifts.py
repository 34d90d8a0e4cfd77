"""Shifts: open with a counted float, cash movements, X report, blind-count close with a Z.

Closing is refused while a sale is parked or a card payment's outcome is pending/unknown. The
tables for those come with later issues: when a table named ``parked_sale`` (rows with status
'parked') or ``card_payment`` (status 'pending' or 'unknown') exists, its rows block the close and
are listed in the error; when it does not exist nothing can be parked/unknown.

Blind count: the cashier enters the count without seeing the expected amount. A variance above
``variance_threshold_minor`` on the first count asks for a recount (still blind); on a later
count it needs a manager's approval (CLOSE_SHIFT_VARIANCE) with a reason code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from peewee import SqliteDatabase

from pos_desktop.domain.cash import CashCount, Variance, denominations
from pos_desktop.domain.errors import N_, DomainError
from pos_desktop.domain.money import Money
from pos_desktop.domain.staff import Action, StaffMember
from pos_desktop.storage import audit, journal, outbox
from pos_desktop.storage.codec import utc_text
from pos_desktop.storage.report_repo import ReportRepository
from pos_desktop.storage.shift_repo import SHIFT_CLOSED, CashMovement, Shift, ShiftRepository

from .auth import Approval, AuthService
from .i18n import _
from .ports import Clock
from .reports import ReportService, ShiftReport
from .shift_guard import NoOpenShift

__all__ = ["NoOpenShift", "RecountRequired", "ShiftCloseBlocked", "ShiftService", "ShiftSettings"]

BLOCKING_ROWS = (("parked_sale", ("parked",)), ("card_payment", ("pending", "unknown")))
_MOVEMENT_ACTIONS = {
    "paid_in": Action.PAID_IN,
    "paid_out": Action.PAID_OUT,
    "drop": Action.CASH_DROP,
    "no_sale": Action.NO_SALE,
}


class ShiftCloseBlocked(DomainError):
    """Something must be finished first; ``items`` lists each thing."""

    def __init__(self, items: list[str]) -> None:
        super().__init__(
            N_("The shift cannot close yet; finish these first: {items}."), items="; ".join(items)
        )
        self.items = items


class RecountRequired(DomainError):
    """The first blind count is off by more than the threshold (amounts stay hidden)."""


@dataclass(frozen=True, slots=True)
class ShiftSettings:
    terminal_id: str
    currency: str
    denominations: tuple[int, ...] | None = None  # None: the built-in list for the currency
    variance_threshold_minor: int = 500


class ShiftService:
    def __init__(
        self,
        db: SqliteDatabase,
        clock: Clock,
        auth: AuthService,
        settings: ShiftSettings,
        reports: ReportService | None = None,
    ) -> None:
        self._db = db
        self._clock = clock
        self._auth = auth
        self.settings = settings
        self.repo = ShiftRepository(db)
        self.reports = reports or ReportService(db)

    @property
    def denominations(self) -> tuple[int, ...]:
        return denominations(self.settings.currency, self.settings.denominations)

    def count(self, pieces: Mapping[int, int]) -> CashCount:
        """A validated count of this till's notes and coins from ``{value_minor: pieces}``."""
        return CashCount.from_mapping(self.settings.currency, pieces, self.denominations)

    def current(self) -> Shift | None:
        return self.repo.current(self.settings.terminal_id)

    def require_open(self) -> Shift:
        shift = self.current()
        if shift is None:
            raise NoOpenShift(N_("No shift is open on this till; open one with a counted float."))
        return shift

    def open_shift(self, user: StaffMember, float_count: CashCount) -> Shift:
        """Open a shift with the float counted by denomination."""
        if float_count.currency != self.settings.currency:
            raise DomainError(N_("Count the float in {currency}."), currency=self.settings.currency)
        self._auth.authorize(Action.OPEN_SHIFT, user)
        return self.repo.open(self.settings.terminal_id, user.name, float_count, self._clock.now())

    def cash_movement(
        self,
        kind: str,
        user: StaffMember,
        amount: Money | None,
        reason: str,
        *,
        approver_pin: str | None = None,
        approver_name: str | None = None,
        note: str = "",
    ) -> tuple[CashMovement, Approval]:
        """Paid in, paid out, cash drop or no-sale (``amount`` None), approved and journaled.

        Raises:
            ApprovalRequired / AuthError: see ``AuthService.authorize``.
            DomainError: no open shift, a wrong currency or a non-positive amount.
        """
        shift = self.require_open()
        minor = 0
        if kind != "no_sale":
            if amount is None or amount.currency != shift.currency or amount.amount_minor <= 0:
                raise DomainError(
                    N_("Enter an amount above zero in {currency}."), currency=shift.currency
                )
            minor = amount.amount_minor
        approval = self._auth.authorize(
            _MOVEMENT_ACTIONS[kind],
            user,
            approver_pin,
            reason,
            approver_name=approver_name,
            object_id=shift.shift_id,
        )
        approved_by = None if approval.self_approved else approval.approver
        movement = self.repo.add_movement(
            shift,
            kind,
            minor,
            (reason or "").upper(),
            user.name,
            self._clock.now(),
            approved_by=approved_by,
            note=note,
        )
        return movement, approval

    def x_report(self, shift_id: str | None = None) -> ShiftReport:
        """The running figures of the open (or a given) shift; closes nothing."""
        shift = self.repo.get(shift_id) if shift_id else self.require_open()
        if shift is None:
            raise DomainError(N_("There is no shift {shift_id}."), shift_id=shift_id)
        return self.reports.compute(shift, "X", self._clock.now())

    def close_blockers(self) -> list[str]:
        """Parked sales and card payments with an open outcome (see the module docstring)."""
        repo, items = ReportRepository(self._db), []
        for table, statuses in BLOCKING_ROWS:
            for key, status in repo.count_status(table, statuses):
                if table == "parked_sale":
                    items.append(_("parked sale {key} is {status}").format(key=key, status=status))
                else:
                    items.append(_("card payment {key} is {status}").format(key=key, status=status))
        return items

    def close_shift(
        self,
        user: StaffMember,
        counted: CashCount,
        *,
        other_counts: Mapping[str, Money] | None = None,
        approver_pin: str | None = None,
        approver_name: str | None = None,
        reason: str | None = None,
    ) -> ShiftReport:
        """Close with a blind count and write the numbered Z report in the same transaction.

        Raises:
            ShiftCloseBlocked: a sale is parked or a card payment is unknown.
            RecountRequired: first count off by more than the threshold.
            ApprovalRequired: a recount is still off and no manager approved.
        """
        shift = self.require_open()
        blockers = self.close_blockers()
        if blockers:
            raise ShiftCloseBlocked(blockers)
        self._auth.authorize(Action.CLOSE_SHIFT, user, object_id=shift.shift_id)
        report = self.reports.compute(shift, "Z", self._clock.now())
        variances = self._variances(report, counted, other_counts or {})
        attempts = self.repo.bump_count_attempts(shift.shift_id)
        over = [v for v in variances if v.exceeds(self.settings.variance_threshold_minor)]
        approval = None
        if over:
            if attempts < 2:
                audit.append(
                    self._db,
                    "shift.count",
                    user=user.name,
                    outcome=audit.DENIED,
                    now=self._clock.now(),
                    object_id=shift.shift_id,
                    detail={"why": "variance above threshold: recount"},
                )
                raise RecountRequired(
                    N_("The count does not match what the till expects. Count the drawer again.")
                )
            approval = self._auth.authorize(
                Action.CLOSE_SHIFT_VARIANCE,
                user,
                approver_pin,
                reason,
                approver_name=approver_name,
                object_id=shift.shift_id,
            )
        return self._write_close(shift, user, report, counted, variances, approval)

    def _variances(
        self, report: ShiftReport, counted: CashCount, others: Mapping[str, Money]
    ) -> list[Variance]:
        cur = report.currency
        if counted.currency != cur:
            raise DomainError(N_("Count the drawer in {currency}."), currency=cur)
        result = [Variance("cash", report.money("expected_cash_minor"), counted.total())]
        for t in report.data["tenders"]:
            if t["tender"] != "cash":
                expected = Money(t["amount_minor"], cur)
                result.append(Variance(t["tender"], expected, others.get(t["tender"], expected)))
        return result

    def _write_close(
        self,
        shift: Shift,
        user: StaffMember,
        report: ShiftReport,
        counted: CashCount,
        variances: Iterable[Variance],
        approval: Approval | None,
    ) -> ShiftReport:
        db, now = self._db, self._clock.now()
        reports = self.reports.repo
        with db.atomic("IMMEDIATE"):
            head = journal.head(db)
            if head.seq != report.data["journal_head"]["seq"]:
                raise DomainError(
                    N_("Something was recorded while closing; count and close again.")
                )
            number = reports.next_z_number(shift.terminal_id)
            body = {
                **report.data,
                "z_number": number,
                "closed_by": user.name,
                "closed_at": utc_text(now),
                "counted_cash": counted.to_json(),
                "variances": [v.to_json() for v in variances],
                "approved_by": approval.approver if approval else None,
                "approval_reason": approval.reason if approval else None,
            }
            self.repo.mark_closed(shift.shift_id, user.name, body["counted_cash"], now)
            closed = journal.append(db, SHIFT_CLOSED, shift.shift_id, body, now)
            reports.insert_z(
                shift.terminal_id,
                number,
                shift.shift_id,
                body,
                body["grand_total_minor"],
                closed,
                now,
            )
            outbox.append_event(db, SHIFT_CLOSED, body, now)
            audit.append(
                db,
                "shift.closed",
                user=user.name,
                outcome=audit.GRANTED,
                now=now,
                object_id=shift.shift_id,
                detail={"z_number": number},
            )
        return ShiftReport(body)
