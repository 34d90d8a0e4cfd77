"""One layout for an X/Z report, rendered three ways: printer, screen and PDF.

:func:`build_layout` turns a report's JSON body (``ShiftReport.data``) into a
:class:`ReportLayout`: a header (store, address, terminal, period in the store's time zone,
currency), titled sections of rows with aligned value columns, and the hourly sales for a chart.
The till's receipt printer, its report viewer and the PDF (:mod:`pos_documents.report_pdf`) all
draw this one object, so the three never disagree about what a report says; the cloud's back
office draws the same PDF from the Z report a till sent. It lives in ``pos_common`` so both
can: amounts are formatted by the caller's ``money`` function (the till's is Babel-aware).

The period and the hourly buckets are shown in the store's time zone: the zone passed in, else the
one the report carries (``store.timezone``; a Z keeps the zone it was closed in), else the
machine's own (a till stands in its store). Stored times stay UTC.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from .zones import zone_for

MoneyText = Callable[[int, str], str]  # (amount in minor units, ISO 4217 code) -> text
Translate = Callable[[str], str]  # gettext: an English text -> the same in the report's language


@dataclass(frozen=True, slots=True)
class ReportRow:
    """A labelled row; ``values`` line up under the section's ``columns``.

    ``highlight`` marks a figure that needs a manager's eye (a cash variance).
    """

    label: str
    values: tuple[str, ...]
    highlight: bool = False


@dataclass(frozen=True, slots=True)
class ReportSection:
    title: str
    columns: tuple[str, ...]
    rows: tuple[ReportRow, ...]


@dataclass(frozen=True, slots=True)
class HourBar:
    """Sales that started in one hour of the store's day."""

    label: str  # "09:00"
    count: int
    amount_minor: int
    amount_text: str


@dataclass(frozen=True, slots=True)
class ReportLayout:
    title: str
    store_name: str
    store_address: tuple[str, ...]
    header: tuple[str, ...]  # terminal/shift, period, opened/closed by, currency
    currency: str
    sections: tuple[ReportSection, ...]
    hourly: tuple[HourBar, ...]
    chart_title: str
    zone_label: str  # the store's time zone as shown, e.g. "CET, UTC+01:00"
    footer: tuple[str, ...]


def _zone(tz: tzinfo | None, data: dict[str, Any], fallback: str) -> tzinfo:
    store = data.get("store") or {}
    return tz or zone_for(store["timezone"] if "timezone" in store else fallback)


def _local(utc_text: str, zone: tzinfo) -> datetime:
    return datetime.fromisoformat(utc_text).astimezone(zone)


def _zone_name(moment: datetime) -> str:
    offset = moment.strftime("%z")
    name = moment.tzname() or ""
    offset_text = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    return (
        offset_text
        if name in ("", "UTC") or name.startswith(("+", "-"))
        else (f"{name}, {offset_text}")
    )


def _as_is(text: str) -> str:
    return text


def report_title(data: dict[str, Any], translate: Translate = _as_is) -> str:
    """The title: "Z report 7", or the X report's, which says it is not a close."""
    _ = translate
    if data["kind"] == "Z":
        return _("Z report {number}").format(number=data["z_number"])
    return _("X report (running, not a close)")


def build_layout(
    data: dict[str, Any],
    money: MoneyText,
    *,
    store_name: str = "",
    store_address: str = "",
    store_timezone: str = "",
    tz: tzinfo | None = None,
    translate: Translate = _as_is,
) -> ReportLayout:
    """Lay out the report body ``data`` for people.

    Args:
        data: a ``ShiftReport.data`` (X or Z).
        money: formats an amount for people, e.g. ``12,50`` for ``(1250, "EUR")`` in German.
        store_name: used when the report does not carry the store (reports made before it did).
        store_address: likewise; one line per address line.
        store_timezone: likewise (the store's zone now, for a Z made before reports carried it).
        tz: the store's time zone; default the report's store zone, else the machine's.
        translate: the till's ``gettext`` for the store's language (the words here are marked
            for its catalogue); the cloud's reports stay in English.

    Returns:
        The layout every renderer draws.
    """
    _ = translate
    zone = _zone(tz, data, store_timezone)
    currency = data["currency"]

    def m(minor: int) -> str:
        return money(minor, currency)

    def counted(pair: dict[str, int]) -> tuple[str, str]:
        return str(pair["count"]), m(pair["amount_minor"])

    store = data.get("store") or {}
    name = store.get("name") or store_name
    address = store.get("address") or store_address
    opened = _local(data["opened_at"], zone)
    closed = _local(data["closed_at"], zone) if data.get("closed_at") else None
    until = closed or _local(data["generated_at"], zone)
    named = getattr(zone, "key", None)  # the IANA name, when the zone has one
    zone_text = f"{named}, {_zone_name(opened)}" if named else _zone_name(opened)
    period = _("Period {start} to {end} ({zone})").format(
        start=f"{opened:%Y-%m-%d %H:%M}", end=f"{until:%Y-%m-%d %H:%M}", zone=zone_text
    )
    header = [
        _("Terminal {terminal}   Shift {shift}").format(
            terminal=data["terminal_id"], shift=data["shift_number"]
        ),
        period,
    ]
    header.append(_("Opened by {name}").format(name=data["opened_by"]))
    if closed is not None:
        header.append(_("Closed by {name}").format(name=data.get("closed_by") or "-"))
        if data.get("approved_by"):
            header.append(_("Variance approved by {name}").format(name=data["approved_by"]))
    else:
        header.append(_("Running totals: the shift is still open"))
    header.append(
        _("Receipts {first} to {last}").format(
            first=data["first_receipt"] or "-", last=data["last_receipt"] or "-"
        )
    )
    header.append(_("Currency {currency}").format(currency=currency))

    count_amount = (_("Count"), _("Amount"))
    sales = ReportSection(
        _("Sales"),
        count_amount,
        (
            ReportRow(_("Gross sales"), (str(data["sales_count"]), m(data["gross_sales_minor"]))),
            ReportRow(_("Tax"), ("", m(data["tax_minor"]))),
            ReportRow(_("Net sales"), ("", m(data["net_sales_minor"]))),
            ReportRow(_("Discounts"), ("", m(data["discounts_minor"]))),
            ReportRow(_("Promotions"), ("", m(data["promotions_minor"]))),
        ),
    )
    taxes = ReportSection(
        _("Sales by tax rate"),
        (_("Net"), _("Tax"), _("Gross")),
        tuple(
            ReportRow(
                f"{t['code']} {t['percent']}%",
                (m(t["net_minor"]), m(t["tax_minor"]), m(t["gross_minor"])),
            )
            for t in data["tax_rates"]
        )
        or (ReportRow(_("No sales"), ("", "", "")),),
    )
    tenders = ReportSection(
        _("Tenders"),
        count_amount,
        tuple(ReportRow(_tender_name(t["tender"], _), counted(t)) for t in data["tenders"])
        or (ReportRow(_("No payments"), ("", "")),),
    )
    refunds_voids = ReportSection(
        _("Refunds and voids"),
        count_amount,
        (
            ReportRow(_("Refunds"), counted(data["refunds"])),
            ReportRow(_("Voids"), counted(data["voids"])),
            *(
                ReportRow(label, counted(data[key]))
                for key, label in (
                    ("voided_lines", _("Voided lines")),
                    ("cancelled_sales", _("Cancelled sales")),
                )
                if key in data  # a Z stored before void records has no such figure
            ),
        ),
    )
    cash_rows = [
        ReportRow(_("Float"), ("", m(data["float_minor"]))),
        *(  # the cash ledger's parts (reports made before it lack them)
            (
                ReportRow(_("Cash sales"), ("", m(data["cash_sales_minor"]))),
                ReportRow(_("Cash refunds"), counted(data["cash_refunds"])),
            )
            if "cash_refunds" in data
            else ()
        ),
        ReportRow(_("Paid in"), counted(data["paid_in"])),
        ReportRow(_("Paid out"), counted(data["paid_out"])),
        ReportRow(_("Drops"), counted(data["drops"])),
        ReportRow(_("No-sales"), (str(data["no_sales"]), "")),
        ReportRow(_("Expected"), ("", m(data["expected_cash_minor"]))),
    ]
    for v in data.get("variances", []):
        off = v["difference_minor"] != 0
        if v["tender"] == "cash":
            counted_label = _("Counted")
            variance_label = _("Variance ({outcome})").format(outcome=v["outcome"])
        else:
            tender = _tender_name(v["tender"], _)
            counted_label = _("{tender} counted").format(tender=tender)
            variance_label = _("{tender} variance ({outcome})").format(
                tender=tender, outcome=v["outcome"]
            )
        cash_rows.append(ReportRow(counted_label, ("", m(v["counted_minor"]))))
        cash_rows.append(ReportRow(variance_label, ("", m(v["difference_minor"])), highlight=off))
    cash = ReportSection(_("Cash"), count_amount, tuple(cash_rows))
    cashiers = ReportSection(
        _("Cashiers"),
        count_amount,
        tuple(row for c in data["cashiers"] for row in _cashier_rows(c, counted, m, _))
        or (ReportRow(_("No sales"), ("", "")),),
    )
    totals = ReportSection(
        _("Totals"),
        (_("Amount"),),
        (ReportRow(_("Grand total"), (m(data["grand_total_minor"]),)),),
    )
    hourly = tuple(
        HourBar(
            _local(h["hour"] + ":00:00+00:00", zone).strftime("%H:%M"),
            h["count"],
            h["amount_minor"],
            m(h["amount_minor"]),
        )
        for h in data["hourly"]
    )
    head = data["journal_head"]
    footer = (
        _("Made {moment}").format(moment=f"{_local(data['generated_at'], zone):%Y-%m-%d %H:%M}"),
        _("Journal #{seq} {hash}").format(seq=head["seq"], hash=head["hash"][:16]),
    )
    return ReportLayout(
        title=report_title(data, translate),
        store_name=name,
        store_address=tuple(line.strip() for line in address.splitlines() if line.strip()),
        header=tuple(header),
        currency=currency,
        sections=(sales, taxes, tenders, refunds_voids, cash, cashiers, totals),
        hourly=hourly,
        chart_title=_("Sales per hour ({currency})").format(currency=currency),
        zone_label=zone_text,
        footer=footer,
    )


def _cashier_rows(
    cashier: dict[str, Any],
    counted: Callable[[dict[str, int]], tuple[str, str]],
    m: Callable[[int], str],
    _: Translate,
) -> tuple[ReportRow, ...]:
    """A cashier's sales, then the cash they took and gave back (from the cash ledger)."""
    rows = [ReportRow(cashier["cashier"], counted(cashier))]
    if cashier.get("cash_minor") or cashier.get("cash_refunds_minor"):
        rows.append(ReportRow("  " + _("cash taken"), ("", m(cashier["cash_minor"]))))
        rows.append(ReportRow("  " + _("cash refunded"), ("", m(cashier["cash_refunds_minor"]))))
    return tuple(rows)


def _tender_name(code: str, _: Translate) -> str:
    """ "Gift card" for ``gift_card``, in the report's language; a store's own tender as named."""
    names = {
        "cash": _("Cash"),
        "card": _("Card"),
        "voucher": _("Voucher"),
        "gift_card": _("Gift card"),
        "points": _("Points"),
        "exchange": _("Exchange"),
    }
    return names.get(code) or code.replace("_", " ").title()
