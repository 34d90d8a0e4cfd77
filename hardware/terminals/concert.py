"""Concert V2 card terminal driver over a serial port (USB-CDC or RS-232).

Link layer (the Concert V2 protocol; docs/HARDWARE_DEVICES.md, "Frames")::

    POS ENQ -> ACK            (3 tries, EOT between)
    POS STX request ETX LRC -> ACK   (NAK: resend, up to 3 times)
    POS EOT                   the terminal now talks to the customer
    TPE ENQ -> POS ACK
    TPE STX response ETX LRC -> POS ACK   (NAK if damaged, up to 3 times)
    TPE EOT

Recovery rule: until the terminal ACKs the request nothing reached the card network, so a
failure is DECLINED ("terminal did not accept the request"). After the ACK every failure is
UNKNOWN: ``pay`` never raises and never re-sends by itself; the cashier checks the terminal's
ticket. Logs carry phases and lengths only, never frame contents.
"""

from __future__ import annotations

import logging
import threading
import time

from hardware.serial_port import open_serial

from .base import PaymentOutcome, PaymentRequest, PaymentResult, ProgressCallback
from .concert_codec import (
    ACK,
    ENQ,
    EOT,
    ETX,
    MAX_FRAME,
    MODE_CODES,
    NAK,
    STX,
    VARIANTS,
    ConcertFrameError,
    ConcertRequest,
    ConcertResponse,
    ConcertVariant,
    decode_request,
    decode_response,
    encode_request,
    encode_response,
    lrc,
)
from .currencies import numeric_code

__all__ = [
    "VARIANTS",
    "ConcertFrameError",
    "ConcertRequest",
    "ConcertResponse",
    "ConcertTerminal",
    "ConcertVariant",
    "decode_request",
    "decode_response",
    "encode_request",
    "encode_response",
    "lrc",
]

log = logging.getLogger(__name__)

NOT_ACCEPTED = "terminal did not accept the request"
CHECK_TICKET = (
    "Check the terminal's own ticket: if it says approved, record the card payment as paid; "
    "otherwise take the payment again."
)
_RETRIES = 3


class _NotAccepted(Exception):
    """Failure before the terminal acknowledged the request: nothing was charged."""


class _LinkFailure(Exception):
    """Failure after the request was acknowledged: the outcome is unknown."""


class ConcertTerminal:
    """A Concert V2 terminal on a serial port.

    Args:
        uri: Port URI, e.g. ``serial:///dev/ttyACM0`` (9600 8N1 by default; RS-232 models
            want ``?bytesize=7&parity=E``).
        pos_number: This till's number on the terminal (1-99).
        result_timeout: Seconds to wait for the customer (>= 120 in production).
        ack_timeout: Seconds to wait for each ACK / control byte.
        byte_timeout: Seconds allowed between two bytes of a frame.
        variant: Protocol variant, ``"E+"`` or ``"legacy"``; pin it per terminal model.
        answer_flag: Ask for the 80-char answer, which lets the till show brand and last 4.
    """

    def __init__(
        self,
        uri: str,
        *,
        pos_number: int = 1,
        result_timeout: float = 120.0,
        ack_timeout: float = 3.0,
        byte_timeout: float = 3.0,
        variant: str = "E+",
        answer_flag: bool = True,
    ) -> None:
        if variant not in VARIANTS:
            raise ValueError(f"Unknown Concert variant {variant!r}; use E+ or legacy.")
        self.uri = uri
        self.pos_number = pos_number
        self.result_timeout = result_timeout
        self.ack_timeout = ack_timeout
        self.byte_timeout = byte_timeout
        self.variant = variant
        self.answer_flag = answer_flag
        self._port = None
        self._lock = threading.Lock()

    def pay(
        self, request: PaymentRequest, *, on_progress: ProgressCallback | None = None
    ) -> PaymentResult:
        """Run one payment and block until its outcome is known or UNKNOWN.

        Args:
            request: Amount, currency and a reference of up to 10 characters.
            on_progress: Called with short status lines ("waiting for customer").

        Returns:
            The result; UNKNOWN when the request was accepted but the answer was lost.

        Raises:
            ValueError: the request cannot be encoded (bad amount, reference, currency);
                nothing was sent.
        """
        mode = MODE_CODES.get(request.allowed_types[0] if request.allowed_types else "card")
        if mode is None:
            raise ValueError(
                f"Payment type {request.allowed_types[0]!r} is not supported by Concert; "
                f"use one of {', '.join(MODE_CODES)}."
            )
        currency = numeric_code(request.currency)
        frame = encode_request(
            self.pos_number,
            request,
            answer_flag=self.answer_flag,
            mode=mode,
            currency_numeric=currency,
            variant=self.variant,
        )
        progress = _safe_progress(on_progress)
        with self._lock:
            try:
                port = self._open()
                self._open_link(port, progress)
                self._send_request(port, frame, progress)
            except Exception as exc:  # DeviceError, SerialException, _NotAccepted, ...
                self._drop_port()
                log.warning("Concert payment not accepted: %s", _describe(exc))
                return _result(request, PaymentOutcome.DECLINED, f"{NOT_ACCEPTED}: {exc}")
            try:
                response = self._await_response(port, progress)
            except Exception as exc:  # after the ACK nothing may escape
                self._drop_port()
                log.warning("Concert payment outcome unknown: %s", _describe(exc))
                return _result(
                    request,
                    PaymentOutcome.UNKNOWN,
                    f"The terminal took the payment but its answer was lost ({exc}). "
                    + CHECK_TICKET,
                )
        return interpret_response(request, response, self.pos_number, currency)

    def close(self) -> None:
        """Close the port (the next payment reopens it)."""
        with self._lock:
            self._drop_port()

    # -- link layer ---------------------------------------------------------------------
    def _open(self):
        if self._port is None:
            self._port = open_serial(self.uri, baudrate=9600, timeout=0.05)
        return self._port

    def _drop_port(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            try:
                port.close()
            except Exception:  # an unplugged port may fail to close
                log.debug("closing the terminal port failed", exc_info=True)

    def _open_link(self, port, progress: ProgressCallback) -> None:
        progress("connecting to terminal")
        port.reset_input_buffer()
        for _ in range(_RETRIES):
            port.write(bytes([ENQ]))
            if _wait_for(port, {ACK}, self.ack_timeout) == ACK:
                return
            port.write(bytes([EOT]))
        raise _NotAccepted(f"no answer to ENQ after {_RETRIES} tries; is it switched on?")

    def _send_request(self, port, frame: bytes, progress: ProgressCallback) -> None:
        progress("sending payment request")
        for _ in range(1 + _RETRIES):
            port.write(frame)
            reply = _wait_for(port, {ACK, NAK}, self.ack_timeout)
            if reply == ACK:
                return
            if reply is None:
                # No EOT here: if the terminal did get the frame and only its ACK was lost,
                # an EOT would tell it to go ahead with the customer.
                raise _NotAccepted("no ACK for the request frame")
        port.write(bytes([EOT]))
        raise _NotAccepted(f"it refused the request frame {1 + _RETRIES} times (NAK)")

    def _await_response(self, port, progress: ProgressCallback) -> ConcertResponse:
        port.write(bytes([EOT]))
        progress("waiting for customer")
        if _wait_for(port, {ENQ}, self.result_timeout) != ENQ:
            raise _LinkFailure(f"no answer within {self.result_timeout:g} s")
        port.write(bytes([ACK]))
        progress("reading terminal answer")
        problem = "no response frame"
        for _ in range(1 + _RETRIES):
            raw = self._read_frame(port)
            if raw is not None:
                try:
                    response = decode_response(raw)
                except ConcertFrameError as exc:
                    problem = str(exc)
                else:
                    port.write(bytes([ACK]))
                    _wait_for(port, {EOT}, self.ack_timeout)  # a missing EOT changes nothing
                    return response
            log.info("Concert response damaged, sending NAK: %s", problem)
            port.write(bytes([NAK]))
        raise _LinkFailure(f"damaged answer: {problem}")

    def _read_frame(self, port) -> bytes | None:
        if _wait_for(port, {STX}, self.ack_timeout) != STX:
            return None
        data = bytearray([STX])
        while len(data) <= MAX_FRAME:
            byte = _next_byte(port, self.byte_timeout)
            if byte is None:
                return None
            data.append(byte)
            if byte == ETX:
                check = _next_byte(port, self.byte_timeout)
                return None if check is None else bytes(data + bytes([check]))
        return bytes(data)


def interpret_response(
    request: PaymentRequest, response: ConcertResponse, pos_number: int, currency_numeric: str
) -> PaymentResult:
    """Turn a decoded answer into a result; an answer for another payment is UNKNOWN.

    Args:
        request: What the till asked for.
        response: The terminal's answer.
        pos_number: This till's number.
        currency_numeric: The numeric currency code sent.

    Returns:
        APPROVED for status 0 with matching amount; DECLINED for 7; CANCELLED for 9;
        DECLINED with the status for anything else; UNKNOWN when the answer does not match.
    """
    if (
        response.pos_number != pos_number
        or response.private != request.reference.ljust(10)
        or response.currency_numeric != currency_numeric
    ):
        return _result(
            request,
            PaymentOutcome.UNKNOWN,
            "The terminal answered for a different payment (till, reference or currency "
            "differ). " + CHECK_TICKET,
        )
    card = {"card_brand": response.card_brand, "last4": response.last4}
    status = response.status
    if status == "0":
        if response.amount_minor != request.amount_minor:
            return _result(
                request,
                PaymentOutcome.UNKNOWN,
                f"The terminal approved {response.amount_minor} instead of "
                f"{request.amount_minor} minor units. " + CHECK_TICKET,
                **card,
            )
        return _result(request, PaymentOutcome.APPROVED, "approved", **card)
    if status == "7":
        return _result(request, PaymentOutcome.DECLINED, "card refused (terminal status 7)")
    if status == "9":
        return _result(
            request,
            PaymentOutcome.CANCELLED,
            "payment not completed on the terminal: cancelled or not verified (status 9)",
        )
    return _result(
        request, PaymentOutcome.DECLINED, f"payment not completed (terminal status {status})"
    )


def _result(request: PaymentRequest, outcome: PaymentOutcome, message: str, **extra):
    return PaymentResult(
        outcome=outcome,
        amount_minor=request.amount_minor,
        currency=request.currency,
        reference=request.reference,
        message=message,
        **extra,
    )


def _next_byte(port, timeout: float) -> int | None:
    deadline = time.monotonic() + timeout
    while True:
        data = port.read(1)
        if data:
            return data[0]
        if time.monotonic() >= deadline:
            return None


def _wait_for(port, wanted: set[int], timeout: float) -> int | None:
    """Skip other bytes until one of ``wanted`` arrives; None after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        byte = _next_byte(port, max(0.0, deadline - time.monotonic()))
        if byte in wanted:
            return byte
        if byte is None or time.monotonic() >= deadline:
            return None


def _safe_progress(callback: ProgressCallback | None) -> ProgressCallback:
    def report(text: str) -> None:
        if callback is None:
            return
        try:
            callback(text)
        except Exception:  # a UI callback must not break a payment
            log.exception("payment progress callback failed")

    return report


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"
