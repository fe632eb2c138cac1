"""When, where and by whom an asset was acquired. The same facts live in ``session``/``rig`` (1.x),
``acquisition``/``instrument`` (2.x) or a session-like ``acquisition`` (light-sheet 0.x/1.x); this module
looks each one up in its places in order of preference, reads naive times in the declared zone and falls
back to the description's creation time."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from catalog.conventions.metadata.values import quote, unique

if TYPE_CHECKING:
    from catalog.conventions.metadata.extracted import Extracted
    from catalog.conventions.metadata.reader import Reader

_TIME_ONLY = re.compile(r"[0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?")


# Where each acquisition field lives across generations, in order of preference.
_START_TIMES = (
    ("session", "session_start_time"),
    ("acquisition", "acquisition_start_time"),
    ("acquisition", "session_start_time"),
)
_END_TIMES = (
    ("session", "session_end_time"),
    ("acquisition", "acquisition_end_time"),
    ("acquisition", "session_end_time"),
)
_INSTRUMENT_IDS = (
    ("instrument", "instrument_id"),
    ("rig", "rig_id"),
    ("rig", "instrument_id"),
    ("acquisition", "instrument_id"),
    ("session", "rig_id"),
)
_SESSION_TYPES = (
    ("session", "session_type"),
    ("acquisition", "acquisition_type"),
    ("acquisition", "session_type"),
)
_EXPERIMENTERS = (
    ("session", "experimenter_full_name"),
    ("acquisition", "experimenter_full_name"),
    ("acquisition", "experimenters"),
)


def read_acquisition(reader: Reader, out: Extracted) -> None:
    """When, where and by whom: ``session``/``rig`` (1.x) or ``acquisition``/``instrument`` (2.x).

    Light-sheet 0.x/1.x records use an ``acquisition`` shaped like a session, so each key is
    looked up where it can occur rather than by the record's generation.
    """
    zone = _declared_zone(reader)
    _, out.acquired_start = reader.first_time(_START_TIMES, zone)
    end_field, out.acquired_end = reader.first_time(_END_TIMES, zone)
    if out.acquired_start is None:
        out.acquired_start = _creation_time(reader, out.data_level)
    if out.acquired_start and out.acquired_end and out.acquired_end < out.acquired_start:
        reader.warn(end_field, f"{out.acquired_end} is before the start {out.acquired_start}")
    out.instrument_id = reader.first_text(_INSTRUMENT_IDS)
    out.session_type = reader.first_text(_SESSION_TYPES)
    out.experimenters = unique(name for place in _EXPERIMENTERS for name in reader.names(*place))


def _declared_zone(reader: Reader) -> tzinfo | None:
    """2.x ``acquisition_start_tz`` (a zone name or an hour offset), for naive acquisition times."""
    raw = reader.document("acquisition").get("acquisition_start_tz")
    if raw is None:
        return None
    try:
        if isinstance(raw, str):
            return ZoneInfo(raw.strip())
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return timezone(timedelta(hours=raw))
    except (ValueError, KeyError, OSError, OverflowError):
        pass
    reader.warn("acquisition.acquisition_start_tz", f"not a time zone: {quote(raw)}")
    return None


def _creation_time(reader: Reader, data_level: str | None) -> datetime | None:
    """The acquisition time of last resort: when a primary asset's description was written.

    A derived asset's ``creation_time`` is when it was computed, so it is not used. 0.x
    descriptions split it into ``creation_date`` and a time-only ``creation_time``.
    """
    description = reader.document("data_description")
    created, day = description.get("creation_time"), description.get("creation_date")
    if created is None and day is None:
        return None
    if data_level == "derived":
        reader.warn(
            "data_description.creation_time",
            "not used as the acquisition time: a derived asset's creation time is when it was computed",
        )
        return None
    if isinstance(created, str) and isinstance(day, str) and _TIME_ONLY.fullmatch(created.strip()):
        return reader.time_of("data_description.creation_date", f"{day.strip()}T{created.strip()}")
    if created is None:
        return reader.time_of("data_description.creation_date", day)
    return reader.time_of("data_description.creation_time", created)
