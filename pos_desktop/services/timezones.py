"""The store's time zone: an IANA name checked against the zoneinfo database, or empty for the
till's own zone (a till stands in its store). Stored times stay UTC; this is for people."""

from __future__ import annotations

import zoneinfo
from datetime import datetime

from pos_common.zones import zone_for

from .i18n import _

__all__ = [
    "UnknownTimeZone",
    "check_timezone",
    "known_timezones",
    "local_zone_text",
    "store_time",
    "zone_for",
]

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
            _(
                "{name!r} is not a time zone; write an IANA name such as {EXAMPLES} "
                "(or 'local' for this till's zone)."
            ).format(name=name, EXAMPLES=EXAMPLES)
        ) from None
    return name


def store_time(moment: datetime, name: str | None) -> datetime:
    """``moment`` on the store's wall clock (zone ``name``; the till's own when empty).

    The business day, expiry dates and promotions' daily hours are the store's: a till whose
    machine zone differs (a PC set to UTC) must not sell an item the store considers expired.
    """
    return moment.astimezone(zone_for(name))


def local_zone_text() -> str:
    """How the till's own zone is shown (no IANA name is known for it): "Local (CET)"."""
    return f"Local ({datetime.now().astimezone().tzname()})"


def known_timezones() -> list[str]:
    """Every IANA name the zoneinfo database has, sorted (for a pick list)."""
    return sorted(zoneinfo.available_timezones())
