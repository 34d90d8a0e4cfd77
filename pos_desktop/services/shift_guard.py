"""No sale, refund or cash movement without an open shift on the till.

The checkout, returns and card services ask here before they store (or charge) anything, and
check again inside the storing transaction, so a shift closed meanwhile cannot end up with a
sale that belongs to no report.
"""

from __future__ import annotations

from peewee import SqliteDatabase

from pos_desktop.domain.errors import N_, DomainError
from pos_desktop.storage.shift_repo import ShiftRepository

NO_SHIFT = N_("No shift is open on this till: open one with a counted float, then sell.")


class NoOpenShift(DomainError):
    """The till has no open shift."""


def open_shift_id(db: SqliteDatabase, terminal_id: str) -> str | None:
    """The id of the till's open shift, or None."""
    return ShiftRepository(db).open_shift_id(terminal_id)


def require_open_shift(db: SqliteDatabase, terminal_id: str) -> str:
    """The open shift's id.

    Raises:
        NoOpenShift: the till has none.
    """
    shift_id = open_shift_id(db, terminal_id)
    if shift_id is None:
        raise NoOpenShift(NO_SHIFT)
    return shift_id


def still_open(db: SqliteDatabase, shift_id: str) -> None:
    """Inside a storing transaction: the shift must still be open.

    Raises:
        NoOpenShift: it was closed meanwhile (the transaction rolls back).
    """
    if ShiftRepository(db).status(shift_id) != "open":
        raise NoOpenShift(
            N_("The shift was closed meanwhile: open a new shift, then take the payment.")
        )
