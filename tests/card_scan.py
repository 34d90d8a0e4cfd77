"""Find card numbers in text: any 13-19 digit run that passes the Luhn check (PCI DSS 3.3.1)."""

import re

from hardware.terminals.card import luhn_valid

CANDIDATE = re.compile(r"(?<!\d)\d{13,19}(?!\d)")
IDS = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{64}")


def card_like(text: str) -> list[str]:
    # UUIDs and SHA-256 hashes are ids, not card data: take them out before looking.
    flat = re.sub(r"[ -]", "", IDS.sub(" ", text.lower()))  # 4111 1111 1111 1111 / 4111-1111-...
    return [m for m in CANDIDATE.findall(flat) if luhn_valid(m)]
