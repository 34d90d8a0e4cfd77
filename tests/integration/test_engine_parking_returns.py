"""Parking (across a restart), returns, exchanges and the card as the last tender."""

import json
from decimal import Decimal

import pytest

from pos_desktop.config import PrinterConfig, TillConfig
from pos_desktop.container import Overrides, build_container
from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.money import Money
from pos_desktop.domain.payment import CheckoutSettings
from pos_desktop.domain.refund import ReturnItem
from pos_desktop.domain.staff import Action
from pos_desktop.services.auth import ApprovalRequired
from pos_desktop.services.demo_data import demo_ean13, write_demo_catalog
from pos_desktop.services.parking import ParkingService, ParkLine
from pos_desktop.services.receipts import receipt_code
from pos_desktop.services.returns import ReturnsService
from pos_desktop.storage import journal, outbox
from tests.approvals import approval
from tests.conftest import FixedClock


def parking_for(till):
    return ParkingService(till.db, till.catalog, till.checkout, till.clock)


def returns_for(till):
    return ReturnsService(till.db, till.sales, till.checkout, till.clock)


def test_park_and_recall_across_a_restart(tmp_path, sim_printer):
    config = TillConfig(data_dir=tmp_path, printer=PrinterConfig(uri=sim_printer.uri), demo=True)
    till = build_container(config, overrides=Overrides(clock=FixedClock()))
    write_demo_catalog(till.db, 50)
    till.checkout.scan(demo_ean13(1))
    till.checkout.scan(demo_ean13(2))
    line = till.checkout.cart.lines[1]
    till.checkout.set_line_discount(line.line_id, __import__("pos_desktop.domain.discounts",
                                    fromlist=["Discount"]).Discount(amount_minor=10))  # fmt: skip
    total = till.checkout.price().total_minor
    parked = parking_for(till).park(label="Mrs Smith")
    assert till.checkout.cart.is_empty and parked.total_minor == total
    assert parked.line_count == 2
    till.close()

    again = build_container(config, overrides=Overrides(clock=FixedClock()))
    parking = parking_for(again)
    (listed,) = parking.list_parked()
    assert (listed.id, listed.label, listed.total_minor) == (parked.id, "Mrs Smith", total)
    again.checkout.scan(demo_ean13(3))
    with pytest.raises(DomainError, match="current sale"):
        parking.recall(parked.id)
    again.checkout.cancel_sale(approval(again.auth, Action.CANCEL_SALE))
    cart = parking.recall(parked.id)
    assert again.checkout.cart is cart and again.checkout.price().total_minor == total
    assert parking.list_parked() == []
    again.checkout.cancel_sale(approval(again.auth, Action.CANCEL_SALE))
    with pytest.raises(DomainError, match="no longer parked"):
        parking.recall(parked.id)
    status = again.db.execute_sql("SELECT status FROM parked_sale").fetchall()
    assert status == [("recalled",)]
    again.close()


def test_park_lines_from_another_app(till):
    parking = parking_for(till)
    parked = parking.park_lines(
        [ParkLine("SKU0000001", None, Decimal(2), None),
         ParkLine(None, demo_ean13(2), Decimal(1), 99)],
        label="Web order 17", source="web", reference="WEB-17",
    )  # fmt: skip
    assert parked.source == "web" and parked.reference == "WEB-17"
    assert parked.total_minor == 2 * 129 + 99 and parked.line_count == 2
    assert till.checkout.cart.is_empty  # the cashier's cart is untouched
    with pytest.raises(DomainError, match=r"Line 2 \(NOPE\)"):
        parking.park_lines(
            [ParkLine("SKU0000001", None, Decimal(1)), ParkLine("NOPE", None, Decimal(1))],
            label="bad", source="web",
        )  # fmt: skip
    with pytest.raises(DomainError, match="Line 1"):
        parking.park_lines([ParkLine("SKU0000001", None, Decimal("1.5"))], label="x", source="web")
    with pytest.raises(ApprovalRequired):  # an app (or script) cannot drop it unapproved
        parking.cancel(parked.id)
    assert parking.list_parked() != []
    parking.cancel(parked.id, approval(till.auth, Action.DROP_PARKED_SALE, parked.id))
    assert parking.list_parked() == []
    row = till.db.execute_sql("SELECT kind, amount_minor, description FROM void_record").fetchone()
    assert row == ("parked_sale", parked.total_minor, "Web order 17")


def _cash_sale(till, *codes, qty=None):
    for code in codes:
        till.checkout.scan(code)
    return till.checkout.pay_cash(Money(100_000, "EUR"))


def test_refunds_by_scanned_receipt_never_exceed(till):
    till.checkout.checkout_settings = CheckoutSettings(cash_increment_minor=5)
    sale = _cash_sale(till, demo_ean13(1), demo_ean13(1), demo_ean13(2))
    returns = returns_for(till)
    found = returns.find_sale(receipt_code("T01", sale.receipt_number))
    assert found.sale_id == sale.sale_id and found.rounding_minor == sale.rounding_minor
    milk = sale.lines[0]
    first = returns.refund(
        found,
        [ReturnItem(milk.line_id, Decimal(1))],
        approval=approval(till.auth, Action.REFUND, found.sale_id),
    )
    assert first.receipt_number == 2  # the same gap-free counter as sales
    assert first.refund.payout_minor % 5 == 0
    assert returns.returnable(found)[milk.line_id] == 1
    with pytest.raises(DomainError, match="Only 1"):
        returns.refund(
            found,
            [ReturnItem(milk.line_id, Decimal(2))],
            approval=approval(till.auth, Action.REFUND, found.sale_id),
        )
    rest = returns.refund(found, [ReturnItem(ln.line_id, returns.returnable(found)[ln.line_id])
                                  for ln in found.lines],
                          approval=approval(till.auth, Action.REFUND, found.sale_id))  # fmt: skip
    assert rest.refund.completes_sale
    assert first.refund.payout_minor + rest.refund.payout_minor == sale.paid_minor
    types = [e.type for e in outbox.pending(till.db)]
    assert types.count("refund.completed") == 2
    # What goes back on the shelf, by sku, for the cloud's stock ledger (issue 19).
    pending = outbox.pending(till.db)
    stock = [json.loads(e.payload)["stock"] for e in pending if e.type == "refund.completed"]
    one_milk, one_bread = ({"sku": "SKU0000001", "quantity": "1"},
                           {"sku": "SKU0000002", "quantity": "1"})  # fmt: skip
    assert stock == [[one_milk], [one_milk, one_bread]]
    assert journal.verify(till.db).ok
    assert till.db.execute_sql("SELECT SUM(total_minor) FROM refund").fetchone()[0] == (
        sale.paid_minor
    )
    with pytest.raises(DomainError, match="not a receipt"):
        returns.find_sale("hello")
    with pytest.raises(DomainError, match="No sale"):
        returns.find_sale("RT01-00000099")


def test_refund_needs_approval(till):
    sale = _cash_sale(till, demo_ean13(4))
    returns = returns_for(till)
    with pytest.raises(ApprovalRequired):
        returns.refund(sale, [ReturnItem(sale.lines[0].line_id, Decimal(1))])
    other_sale = approval(till.auth, Action.REFUND, "another-sale")
    with pytest.raises(ApprovalRequired, match="another item"):
        returns.refund(sale, [ReturnItem(sale.lines[0].line_id, Decimal(1))], approval=other_sale)
    assert till.db.execute_sql("SELECT COUNT(*) FROM refund").fetchone() == (0,)


def test_exchange_in_one_transaction(till):
    sale = _cash_sale(till, demo_ean13(45))  # returned item
    returns = returns_for(till)
    till.checkout.scan(demo_ean13(1))  # the new, cheaper item
    item = [ReturnItem(sale.lines[0].line_id, Decimal(1))]
    due = returns.exchange_due(sale, item)
    assert due < 0
    with pytest.raises(ApprovalRequired):
        returns.exchange(sale, item)
    stored, new_sale = returns.exchange(
        sale, item, approval=approval(till.auth, Action.REFUND, sale.sale_id)
    )
    assert new_sale.payments[0].tender == "exchange"
    assert new_sale.paid_minor == new_sale.total_minor
    assert stored.refund.payout_minor == sale.total_minor
    back = sum(t.amount_minor for t in stored.refund.tenders if t.kind == "cash")
    assert back == -due
    assert returns.returnable(sale)[sale.lines[0].line_id] == 0


def test_exchange_costing_more_takes_the_difference(till):
    sale = _cash_sale(till, demo_ean13(1))
    returns = returns_for(till)
    till.checkout.scan(demo_ean13(45))
    item = [ReturnItem(sale.lines[0].line_id, Decimal(1))]
    due = returns.exchange_due(sale, item)
    assert due > 0
    with pytest.raises(DomainError, match="difference"):
        returns.exchange(sale, item)
    assert till.sales.count() == 1  # nothing stored
    from pos_desktop.domain.tender import SplitTender

    extra = SplitTender(Money(due, "EUR"))
    extra.add_cash(Money(due, "EUR"))
    stored, new_sale = returns.exchange(
        sale, item, extra, approval=approval(till.auth, Action.REFUND, sale.sale_id)
    )
    assert [p.tender for p in new_sale.payments] == ["exchange", "cash"]
    assert till.db.execute_sql("SELECT COUNT(*) FROM refund").fetchone() == (1,)


def test_return_without_receipt_is_its_own_path(till):
    item = till.catalog.find_by_sku("SKU0000003")
    returns = returns_for(till)
    with pytest.raises(ApprovalRequired):
        returns.return_without_receipt([(item, Decimal(1))])
    stored = returns.return_without_receipt(
        [(item, Decimal(2))], approval=approval(till.auth, Action.RETURN_NO_RECEIPT)
    )
    assert stored.kind == "no_receipt" and stored.refund.payout_minor == 2 * item.unit_price_minor
    assert stored.refund.tenders[0].kind == "cash"
    row = till.db.execute_sql("SELECT sale_id, kind FROM refund").fetchone()
    assert row == (None, "no_receipt")
