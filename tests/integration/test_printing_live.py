"""No receipt printer as a set-up, and a printer that arrives while the till runs."""

from __future__ import annotations

from dataclasses import replace

from hardware.escpos_parse import parse_escpos
from pos_desktop.config import PrinterConfig, TillConfig
from pos_desktop.container import Overrides, build_container
from pos_desktop.domain.money import Money
from pos_desktop.services.demo_data import demo_ean13, write_demo_catalog
from tests.conftest import FixedClock, open_test_shift, paper_jobs


def sell(container) -> object:
    open_test_shift(container)  # a till sells in a shift only
    container.checkout.scan(demo_ean13(1))
    total = container.checkout.totals().total
    return container.checkout.pay_cash(Money(total.amount_minor + 500, total.currency))


def test_without_a_printer_receipts_are_kept_then_printed_once_one_is_set_up(tmp_path, sim_printer):
    container = build_container(
        TillConfig(data_dir=tmp_path, demo=True), Overrides(clock=FixedClock())
    )
    try:
        write_demo_catalog(container.db, 10)
        outcomes = []
        sale = sell(container)
        container.printing.print_sale(sale, on_done=outcomes.append).result(5)
        assert [o.status for o in outcomes] == ["held"]
        assert container.printing.undecided_jobs() == []  # nobody is asked about paper
        text = container.printing.receipt_text()
        assert "Corner Market (demo)" in text and "VAT no. DEMO-123456" in text

        config = replace(container.config, printer=PrinterConfig(uri=sim_printer.uri))
        container.use_printer_config(config).result(5)
        assert container.printing.has_printer
        outcome = container.printing.reprint().result(5)  # printed later: the original
        assert outcome.status == "printed"
        lines = parse_escpos(paper_jobs(sim_printer)[0]).lines
        assert not any("COPY" in line for line in lines)
        assert any("VAT no. DEMO-123456" in line for line in lines)

        container.printing.print_sale(sell(container)).result(5)  # the next sale prints
        assert len(paper_jobs(sim_printer)) == 2
    finally:
        container.close()


def test_store_settings_apply_to_the_next_receipt(tmp_path, sim_printer):
    config = TillConfig(data_dir=tmp_path, printer=PrinterConfig(uri=sim_printer.uri), demo=True)
    container = build_container(config, Overrides(clock=FixedClock()))
    try:
        write_demo_catalog(container.db, 10)
        settings = replace(container.settings, address="2 Low Road", tax_id="GB999")
        container.use_store_settings(settings, container.checkout.checkout_settings)
        container.printing.print_sale(sell(container)).result(5)
        lines = parse_escpos(paper_jobs(sim_printer)[0]).lines
        assert any("2 Low Road" in line for line in lines)
        assert any("VAT no. GB999" in line for line in lines)
    finally:
        container.close()


def test_a_card_terminal_saved_while_the_till_runs_is_used_at_once(tmp_path):
    from hardware.simulators.terminal_concert import SimulatedConcertTerminal
    from pos_desktop.config import TerminalConfig

    container = build_container(
        TillConfig(data_dir=tmp_path, demo=True), Overrides(clock=FixedClock())
    )
    try:
        assert not container.cards.available
        with SimulatedConcertTerminal("approve").start() as terminal:
            config = replace(container.config, terminal=TerminalConfig(uri=terminal.uri))
            assert container.use_device_config(config) == []
            container.cards._thread.submit(lambda: None).result(5)  # the swap has run
            assert container.cards.available
            assert container.use_device_config(replace(config, terminal=None)) == []
            container.cards._thread.submit(lambda: None).result(5)
            assert not container.cards.available
    finally:
        container.close()
