"""ConcertTerminal over real pyserial on pty pairs, against the simulator and scripted peers."""

from __future__ import annotations

import logging
import os
import select
import threading

import pytest

from hardware.simulators.pty_pair import PtyPair
from hardware.simulators.terminal_concert import SimulatedConcertTerminal
from hardware.terminals.base import PaymentOutcome, PaymentRequest, PaymentTerminal
from hardware.terminals.card import find_pans
from hardware.terminals.concert import (
    ConcertResponse,
    ConcertTerminal,
    decode_request,
    interpret_response,
)

FAST = {"ack_timeout": 0.5, "byte_timeout": 0.5, "result_timeout": 3.0}
PAN = "4111111111111111"


def request(amount=1250, reference="S-0001"):
    return PaymentRequest(amount_minor=amount, currency="EUR", reference=reference)


@pytest.fixture
def run():
    """Start a simulator and a driver for it; stop both afterwards."""
    opened = []

    def start(behaviour="approve", terminal_kwargs=None, **sim_kwargs):
        sim = SimulatedConcertTerminal(behaviour, ack_timeout=0.5, **sim_kwargs).start()
        terminal = ConcertTerminal(sim.uri, **{**FAST, **(terminal_kwargs or {})})
        opened.append((sim, terminal))
        return sim, terminal

    yield start
    for sim, terminal in opened:
        terminal.close()
        sim.stop()


def test_approve_reports_brand_last4_and_progress(run):
    sim, terminal = run()
    progress = []
    result = terminal.pay(request(), on_progress=progress.append)
    assert result.outcome is PaymentOutcome.APPROVED and result.approved
    assert (result.amount_minor, result.currency, result.reference) == (1250, "EUR", "S-0001")
    assert (result.card_brand, result.last4) == ("visa", "7892")
    assert "waiting for customer" in progress
    assert [r.amount_minor for r in sim.requests] == [1250]
    assert sim.requests[0].reference == "S-0001" and sim.requests[0].delay == "A010"
    assert isinstance(terminal, PaymentTerminal)


def test_two_payments_in_a_row_reuse_the_port(run):
    sim, terminal = run()
    assert terminal.pay(request(100, "A")).approved
    assert terminal.pay(request(200, "B")).approved
    assert [r.reference for r in sim.requests] == ["A", "B"]


def test_decline(run):
    _, terminal = run("decline")
    result = terminal.pay(request())
    assert result.outcome is PaymentOutcome.DECLINED and "status 7" in result.message
    assert result.last4 is None


def test_customer_abandons(run):
    _, terminal = run("abandon")
    result = terminal.pay(request())
    assert result.outcome is PaymentOutcome.CANCELLED and "status 9" in result.message


def test_nak_first_request_is_resent_once(run):
    sim, terminal = run("nak_first")
    assert terminal.pay(request()).approved
    assert sim.request_frames_seen == 2 and len(sim.requests) == 1


def test_bad_lrc_response_is_naked_and_resent(run):
    sim, terminal = run("bad_lrc")
    assert terminal.pay(request()).approved
    assert sim.responses_sent == 2


def test_silent_terminal_gives_unknown_and_no_resend(run):
    sim, terminal = run("silent", terminal_kwargs={"result_timeout": 0.4})
    result = terminal.pay(request())
    assert result.outcome is PaymentOutcome.UNKNOWN
    assert "ticket" in result.message and "0.4 s" in result.message
    assert sim.request_frames_seen == 1


def test_unplug_after_ack_gives_unknown_then_next_payment_declines_cleanly(run):
    sim, terminal = run("unplug_after_ack")
    result = terminal.pay(request())
    assert result.outcome is PaymentOutcome.UNKNOWN
    assert len(sim.requests) == 1
    again = terminal.pay(request(reference="S-0002"))
    assert again.outcome is PaymentOutcome.DECLINED
    assert "terminal did not accept the request" in again.message
    assert len(sim.requests) == 1


def test_customer_delay_within_result_timeout(run):
    sim, terminal = run(delay_s=0.3)
    progress = []
    assert terminal.pay(request(), on_progress=progress.append).approved
    assert progress.index("waiting for customer") < progress.index("reading terminal answer")


def test_full_pan_never_reaches_result_repr_or_logs(run, caplog):
    caplog.set_level(logging.DEBUG)
    _, terminal = run(card_data=f"{PAN}=25121010000000000")
    result = terminal.pay(request())
    assert result.approved and (result.card_brand, result.last4) == ("visa", "1111")
    for text in (repr(result), str(vars(result)), caplog.text, repr(vars(terminal))):
        assert PAN not in text and not find_pans(text)


def test_progress_callback_errors_do_not_break_the_payment(run):
    _, terminal = run()

    def broken(_text):
        raise RuntimeError("ui gone")

    assert terminal.pay(request(), on_progress=broken).approved


def test_missing_port_declines_with_a_clear_message(tmp_path):
    terminal = ConcertTerminal(f"serial://{tmp_path}/nothing", **FAST)
    result = terminal.pay(request())
    assert result.outcome is PaymentOutcome.DECLINED
    assert result.message.startswith("terminal did not accept the request")
    assert "Cannot open serial port" in result.message


def test_bad_request_raises_before_anything_is_sent(tmp_path):
    terminal = ConcertTerminal(f"serial://{tmp_path}/nothing", **FAST)
    with pytest.raises(ValueError, match="integer"):
        terminal.pay(PaymentRequest(amount_minor=12.5, currency="EUR", reference="x"))
    with pytest.raises(ValueError, match="no ISO numeric code"):
        terminal.pay(PaymentRequest(amount_minor=1, currency="XYZ", reference="x"))


class ScriptedPeer:
    """A terminal stand-in on a raw pty that answers each byte/frame with a script."""

    def __init__(self, on_enq=None, on_frame=None):
        self.pty = PtyPair()
        self.seen = bytearray()
        self.on_enq, self.on_frame = on_enq, on_frame
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self):
        fd, pending = self.pty.master_fd, bytearray()
        while not self._stop.is_set():
            if not select.select([fd], [], [], 0.02)[0]:
                continue
            chunk = os.read(fd, 1024)
            self.seen += chunk
            pending += chunk
            while pending:
                if pending[0] == 0x05:
                    del pending[0]
                    if self.on_enq:
                        os.write(fd, self.on_enq)
                elif pending[0] == 0x02:
                    end = pending.find(b"\x03")
                    if end < 0 or len(pending) < end + 2:
                        break
                    del pending[: end + 2]
                    if self.on_frame:
                        os.write(fd, self.on_frame)
                else:
                    del pending[0]

    def wait_seen(self, count):
        """Let the reader thread catch up with bytes already written (bounded wait)."""
        for _ in range(200):
            if len(self.seen) >= count:
                return
            self._stop.wait(0.01)

    def close(self):
        self._stop.set()
        self._thread.join()
        self.pty.close()


@pytest.fixture
def peer():
    made = []

    def make(**kwargs):
        made.append(ScriptedPeer(**kwargs))
        return made[-1]

    yield make
    for item in made:
        item.close()


def test_no_ack_to_enq_three_tries_with_eot_between_then_declined(peer):
    silent = peer()
    terminal = ConcertTerminal(f"serial://{silent.pty.port_name}", **{**FAST, "ack_timeout": 0.1})
    result = terminal.pay(request())
    terminal.close()
    silent.wait_seen(6)
    assert result.outcome is PaymentOutcome.DECLINED
    assert "did not accept" in result.message and "ENQ" in result.message
    assert bytes(silent.seen) == b"\x05\x04" * 3


def test_request_refused_four_times_is_declined_without_eot_to_customer(peer):
    naker = peer(on_enq=b"\x06", on_frame=b"\x15")
    terminal = ConcertTerminal(f"serial://{naker.pty.port_name}", **FAST)
    result = terminal.pay(request())
    terminal.close()
    naker.wait_seen(1 + 4 * 37 + 1)
    assert result.outcome is PaymentOutcome.DECLINED and "NAK" in result.message
    seen = bytes(naker.seen)
    assert seen.count(b"\x02") == 4 and seen.endswith(b"\x04")
    frame = seen[1 : seen.index(b"\x03") + 2]
    assert decode_request(frame).amount_minor == 1250


def _response(**overrides):
    fields = {
        "pos_number": 1,
        "status": "0",
        "amount_minor": 1250,
        "mode": "1",
        "currency_numeric": "978",
        "private": "S-0001".ljust(10),
    }
    return ConcertResponse(**{**fields, **overrides})


@pytest.mark.parametrize(
    ("overrides", "outcome"),
    [
        ({}, PaymentOutcome.APPROVED),
        ({"amount_minor": 1000}, PaymentOutcome.UNKNOWN),
        ({"private": "S-0002".ljust(10)}, PaymentOutcome.UNKNOWN),
        ({"pos_number": 2}, PaymentOutcome.UNKNOWN),
        ({"currency_numeric": "840"}, PaymentOutcome.UNKNOWN),
        ({"status": "7"}, PaymentOutcome.DECLINED),
        ({"status": "9"}, PaymentOutcome.CANCELLED),
        ({"status": "3"}, PaymentOutcome.DECLINED),
    ],
)
def test_interpret_response(overrides, outcome):
    result = interpret_response(request(), _response(**overrides), 1, "978")
    assert result.outcome is outcome
    if overrides.get("status") == "3":
        assert "status 3" in result.message


def test_lost_ack_for_the_request_declines_without_eot(peer):
    mute = peer(on_enq=b"\x06")
    terminal = ConcertTerminal(f"serial://{mute.pty.port_name}", **{**FAST, "ack_timeout": 0.2})
    result = terminal.pay(request())
    terminal.close()
    mute.wait_seen(1 + 37)
    assert result.outcome is PaymentOutcome.DECLINED and "no ACK" in result.message
    assert bytes(mute.seen).count(b"\x02") == 1 and b"\x04" not in bytes(mute.seen)


def test_legacy_variant_end_to_end(run):
    sim, terminal = run(variant="legacy", terminal_kwargs={"variant": "legacy"})
    assert terminal.pay(request(4321, "L")).approved
    assert sim.requests[0].amount_minor == 4321 and len(sim.requests[0].delay) == 1
