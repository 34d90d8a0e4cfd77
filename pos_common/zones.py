"""Time zones by IANA name, for what people read (stored times stay UTC)."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, tzinfo


def zone_for(name: str | None) -> tzinfo:
    """The zone named ``name``; this machine's own zone when empty or no longer known."""
    if name:
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass  # a report made where that zone existed: show it in the local zone
    zone = datetime.now().astimezone().tzinfo
    assert zone is not None
    return zone
