"""A request's time zone: one rule for the times of a request.

A date or date-time without an offset in a filter is read in it, and the day, month and year
buckets of times are drawn on its calendar; UTC unless the request names one."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from catalog.errors import Invalid

UTC_ZONE = ZoneInfo("UTC")


def time_zone(name: str | None) -> ZoneInfo:
    """The zone of an IANA name (e.g. ``America/Los_Angeles``); UTC when none is given."""
    if name is None:
        return UTC_ZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(
            f"unknown time zone {name!r}: give an IANA name such as America/Los_Angeles or UTC"
        ) from None
