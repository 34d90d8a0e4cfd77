"""Store credit at a till without a cloud: the cash part of a refund becomes a local voucher."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.money import Money
from pos_desktop.domain.refund import ReturnItem
from pos_desktop.domain.staff import Action
from tests.approvals import approval


def test_a_cash_refund_onto_a_new_voucher_at_a_till_without_a_cloud(till):
    assert till.gift_cards.store_credit_kind() == "voucher"
    assert till.checkout.scan("SKU0000004").ok
    total = till.checkout.totals().total.amount_minor
    sale = till.checkout.pay_cash(Money(total, "EUR"))
    code = till.gift_cards.new_code()
    stored = till.returns.refund(
        sale,
        [ReturnItem(sale.lines[0].line_id, Decimal(1))],
        approval=approval(till.auth, Action.REFUND, sale.sale_id),
        store_credit=(code, "voucher"),
    )
    assert [(t.kind, t.name) for t in stored.refund.tenders] == [("voucher", "Store credit")]
    assert till.checkout.voucher_balance(code) == Money(stored.refund.payout_minor, "EUR")


def test_a_card_payment_never_becomes_store_credit(till):
    assert till.checkout.scan("SKU0000005").ok
    split = till.checkout.new_tender()
    split.add_other(split.total, name="Mobile wallet")
    sale = till.checkout.complete_split(split)
    with pytest.raises(DomainError, match="Only cash can go onto a gift card"):
        till.returns.refund(
            sale,
            [ReturnItem(sale.lines[0].line_id, Decimal(1))],
            approval=approval(till.auth, Action.REFUND, sale.sale_id),
            store_credit=("SC-X", "voucher"),
        )
