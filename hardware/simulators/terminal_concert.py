"""A Concert V2 card terminal on a pty, speaking the real link layer and frames.

Behaviours (set at construction or later through ``.behaviour``):

* ``approve`` / ``decline`` (status 7) / ``abandon`` (customer pressed the red key, status 9)
* ``nak_first``: NAK the first request frame of each payment, then approve
* ``bad_lrc``: send the first response frame with a broken LRC, then approve
* ``silent``: accept the request, then never answer
* ``unplug_after_ack``: close the pty after ACKing the request (once the POS sent EOT)
"""

from __future__ import annotations

import threading

from hardware.terminals.concert_codec import (
    ACK,
    ENQ,
    EOT,
    ETX,
    NAK,
    STX,
    ConcertFrameError,
    ConcertRequest,
    decode_request,
    encode_response,
)

from .pty_pair import PtySimulator

BEHAVIOURS = (
    "approve",
    "decline",
    "abandon",
    "nak_first",
    "bad_lrc",
    "silent",
    "unplug_after_ack",
)
_STATUS = {"decline": "7", "abandon": "9"}
# Masked like most terminals send it; pass card_data= to test a full number.
DEFAULT_CARD_DATA = "497010******7892"


class SimulatedConcertTerminal(PtySimulator):
    """Simulated Concert V2 terminal.

    Args:
        behaviour: One of ``BEHAVIOURS``.
        delay_s: Seconds "the customer" takes before the terminal answers.
        card_data: Card-data field sent when the request asks for the full answer.
        variant: Concert variant of the requests (``"E+"`` or ``"legacy"``).
        ack_timeout: How long the simulator waits for the POS's ACK/EOT.
        link_path: Optional stable symlink for the port.
    """

    def __init__(
        self,
        behaviour: str = "approve",
        *,
        delay_s: float = 0.0,
        card_data: str = DEFAULT_CARD_DATA,
        variant: str = "E+",
        ack_timeout: float = 3.0,
        link_path: str | None = None,
    ) -> None:
        if behaviour not in BEHAVIOURS:
            choices = ", ".join(BEHAVIOURS)
            raise ValueError(f"Unknown behaviour {behaviour!r}; use one of {choices}.")
        super().__init__(link_path=link_path)
        self.behaviour = behaviour
        self.delay_s = delay_s
        self.card_data = card_data
        self.variant = variant
        self.ack_timeout = ack_timeout
        self.requests: list[ConcertRequest] = []
        self.responses_sent = 0
        self.request_frames_seen = 0
        self.answered = threading.Event()

    def _serve(self) -> None:
        while True:
            if self._read_byte(None) != ENQ:
                continue  # stray byte: a real terminal ignores it too
            self._write(bytes([ACK]))
            request = self._receive_request()
            if request is None:
                continue
            self.requests.append(request)
            self._read_until(EOT, self.ack_timeout)
            if self.behaviour == "unplug_after_ack":
                # Unplug once the POS has read the ACK (a pty drops unread bytes on hangup).
                self.unplug()
                return
            if self.behaviour == "silent":
                continue
            self._sleep(self.delay_s)
            self._answer(request)

    def _receive_request(self) -> ConcertRequest | None:
        nak_wanted = self.behaviour == "nak_first"
        for _ in range(4):
            raw = self._read_frame()
            if raw is None:
                return None
            self.request_frames_seen += 1
            try:
                request = decode_request(raw, variant=self.variant)
            except ConcertFrameError:
                request = None
            if request is None or nak_wanted:
                nak_wanted = False
                self._write(bytes([NAK]))
                continue
            self._write(bytes([ACK]))
            return request
        return None

    def _answer(self, request: ConcertRequest) -> None:
        if not self._open_link():
            return
        good = encode_response(
            request.pos_number,
            _STATUS.get(self.behaviour, "0"),
            request.amount_minor,
            mode=request.mode,
            currency_numeric=request.currency_numeric,
            private=request.private,
            card_data=self.card_data if request.answer_flag else None,
        )
        corrupt = self.behaviour == "bad_lrc"
        for _ in range(4):
            data = good[:-1] + bytes([good[-1] ^ 0x5A]) if corrupt else good
            corrupt = False
            self._write(data)
            self.responses_sent += 1
            reply = self._read_byte(self.ack_timeout)
            if reply == ACK:
                break
            if reply != NAK:
                break
        self._write(bytes([EOT]))
        self.answered.set()

    def _open_link(self) -> bool:
        for _ in range(3):
            self._write(bytes([ENQ]))
            if self._read_until(ACK, self.ack_timeout):
                return True
            self._write(bytes([EOT]))
        return False

    def _read_until(self, wanted: int, timeout: float) -> bool:
        while True:
            byte = self._read_byte(timeout)
            if byte is None:
                return False
            if byte == wanted:
                return True

    def _read_frame(self) -> bytes | None:
        while True:
            byte = self._read_byte(self.ack_timeout)
            if byte is None:
                return None
            if byte == STX:
                break
        data = bytearray([STX])
        while len(data) < 600:
            byte = self._read_byte(self.ack_timeout)
            if byte is None:
                return None
            data.append(byte)
            if byte == ETX:
                lrc_byte = self._read_byte(self.ack_timeout)
                return None if lrc_byte is None else bytes(data + bytes([lrc_byte]))
        return bytes(data)
