"""The till's X/Z report layout: :mod:`pos_common.report_layout` with the till's amounts.

The layout model is shared with the cloud (its back office draws the same Z report PDF); the
till formats amounts with Babel in the store's locale (``formatting.money_text``).
"""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from pos_common import report_layout as shared
from pos_common.report_layout import HourBar, ReportLayout, ReportRow, ReportSection, report_title
from pos_desktop.domain.money import Money

from .formatting import money_text
from .i18n import _

__all__ = ["HourBar", "ReportLayout", "ReportRow", "ReportSection", "build_layout", "report_title"]


def amount_formatter(locale: str) -> shared.MoneyText:
    """Amounts in the store's ``locale`` (Babel), as the till prints them."""

    def text(minor: int, currency: str) -> str:
        return money_text(Money(minor, currency), locale)

    return text


def build_layout(
    data: dict[str, Any],
    locale: str,
    *,
    store_name: str = "",
    store_address: str = "",
    store_timezone: str = "",
    tz: tzinfo | None = None,
) -> ReportLayout:
    """Lay out the report body ``data`` with amounts in ``locale`` (see the shared model)."""
    return shared.build_layout(
        data,
        amount_formatter(locale),
        store_name=store_name,
        store_address=store_address,
        store_timezone=store_timezone,
        tz=tz,
        translate=_,  # the store's language, as on the receipts
    )
