"""The store's time zone: an IANA name checked against the zoneinfo database, or empty for the
till's own zone (a till stands in its store). Stored times stay UTC; this is for people."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, tzinfo

EXAMPLES = "Europe/Berlin, Europe/London, America/New_York"


class UnknownTimeZone(ValueError):
    """Not a time zone of the zoneinfo database; the message says what to write."""


def check_timezone(text: str) -> str:
    """The IANA name in ``text`` ("" for the till's own zone: empty or "local").

    Raises:
        UnknownTimeZone: the name is not in the zoneinfo database.
    """
    name = text.strip()
    if name.lower() in ("", "local"):
        return ""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise UnknownTimeZone(
            f"{name!r} is not a time zone; write an IANA name such as {EXAMPLES} "
            "(or 'local' for this till's zone)."
        ) from None
    return name


def zone_for(name: str | None) -> tzinfo:
    """The zone named ``name``; the till's own zone when empty or no longer known."""
    if name:
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass  # a report made where that zone existed: show it in the till's zone
    zone = datetime.now().astimezone().tzinfo
    assert zone is not None
    return zone


def local_zone_text() -> str:
    """How the till's own zone is shown (no IANA name is known for it): "Local (CET)"."""
    return f"Local ({datetime.now().astimezone().tzname()})"


def known_timezones() -> list[str]:
    """Every IANA name the zoneinfo database has, sorted (for a pick list)."""
    return sorted(zoneinfo.available_timezones())
