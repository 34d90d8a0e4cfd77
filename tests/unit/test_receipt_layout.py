"""The shared receipt layout: amounts in minor units, lines, taxes, invoice or receipt."""

from __future__ import annotations

from pos_common.receipt_layout import Party, amount_text, build_receipt, text_lines

PAYLOAD = {
    "sale_id": "s1",
    "terminal_id": "T01",
    "receipt_number": 7,
    "currency": "EUR",
    "subtotal_minor": 1000,
    "tax_minor": 140,
    "total_minor": 1140,
    "savings_minor": 60,
    "completed_at": "2026-11-26T09:30:00Z",
    "cashier": "Ann",
    "lines": [
        {
            "name": "Coffee beans",
            "quantity": "2",
            "unit_price_minor": 600,
            "line_total_minor": 1140,
            "regular_minor": 1200,
            "net_minor": 1000,
            "tax_minor": 140,
            "tax_code": "B",
            "tax_percent": "7",
            "promotions": [["p1", "2 for 11.40", 60]],
        }
    ],
    "payments": [
        {"tender": "cash", "amount_minor": 1140, "tendered_minor": 2000, "change_minor": 860}
    ],
}


def test_amounts_follow_the_currency_and_never_use_floats():
    assert amount_text(123456, "EUR") == "1,234.56"
    assert amount_text(-5, "EUR") == "-0.05"
    assert amount_text(1500, "JPY") == "1,500"
    assert amount_text(1, "KWD") == "0.001"


def test_a_receipt_lays_out_as_on_paper():
    layout = build_receipt(PAYLOAD, Party("Corner Shop", ("1 High St",), "DE1"))
    assert layout.title == "Receipt 7" and not layout.is_invoice and layout.buyer is None
    text = "\n".join(text_lines(layout, 42))
    for part in (
        "Corner Shop",
        "VAT no. DE1",
        "Coffee beans",
        "12.00 B",
        "2 x 6.00",
        "2 for 11.40",
        "-0.60",
        "EUR 11.40",
        "Change",
        "8.60",
        "20.00",
        "7%",
        "2026-11-26 09:30",
    ):
        assert part in text, part
    assert all(len(line) <= 42 for line in text_lines(layout, 42))


def test_an_invoiceable_buyer_makes_it_an_invoice():
    acme = Party("Acme GmbH", ("5 Dock Rd", "Hamburg"), "DE999")
    layout = build_receipt(PAYLOAD, Party("Corner Shop"), buyer=acme)
    assert layout.is_invoice and layout.title == "Invoice RT01-00000007"
    text = "\n".join(text_lines(layout))
    assert "Bill to:" in text and "Hamburg" in text and "VAT no. DE999" in text
    no_address = build_receipt(PAYLOAD, Party("Corner Shop"), buyer=Party("Acme", (), "DE999"))
    assert not no_address.is_invoice and no_address.buyer is None
