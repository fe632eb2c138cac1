"""Asset names: the one identifier every lab tool agrees on, parsed strictly from the right.

A primary name is ``[<label>_]<subject-id>_<yyyy-mm-dd>_<HH-MM-SS>``; a derived name appends one
or more ``_<process-label>_<yyyy-mm-dd>_<HH-MM-SS>`` suffixes. Names become folder names and
object-store prefixes, so anything that is not plain ASCII tokens joined by ``_`` is refused
with a message that says exactly what is wrong. The compact ``yyyymmdd_HHMMSS`` legacy form is
refused: no real name uses it, and an eight-digit date cannot be told from a numeric subject id.
"""

from __future__ import annotations

import calendar
import enum
import re
import string
from dataclasses import dataclass
from datetime import datetime

from aind_data_schema_models.modalities import Modality

from catalog.errors import InvalidName

MAX_NAME_LENGTH = 255

TOKEN_CHARACTERS = string.ascii_letters + string.digits + ".-"
"""Every character a token may hold: a valid name is these joined by ``_``. SQL strips a name's
last token with ``rtrim(name, TOKEN_CHARACTERS)`` (see ``catalog.repo.provenance``)."""

# Character classes are spelled [0-9] / [A-Za-z]: Python's \d and \w also match non-ASCII digits
# and letters (full-width digits would otherwise pass as a date).
_NAME_CHARACTERS = re.compile(f"[{re.escape(TOKEN_CHARACTERS)}_]+")
_DATE_OR_TIME = re.compile(r"[0-9]+-[0-9]+-[0-9]+")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_TIME = re.compile(r"([0-9]{2})-([0-9]{2})-([0-9]{2})")
_PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")

_PLATFORM_LABELS = (
    # Platforms of aind-data-schema-models 0.x; the package dropped them in 4.x.
    "behavior",
    "confocal",
    "ecephys",
    "exaSPIM",
    "FIP",
    "HCR",
    "HSFP",
    "ISI",
    "MERFISH",
    "mesoSPIM",
    "motor-observatory",
    "MRI",
    "multiplane-ophys",
    "single-plane-ophys",
    "SLAP2",
    "SmartSPIM",
    # Labels of real asset names found in neither vocabulary, and the 0.x modality "slap".
    "diSPIM",
    "multi-ecephys",
    "ophys",
    "slap",
)
_KNOWN_LABELS = frozenset(label.casefold() for label in (*Modality.abbreviation_map, *_PLATFORM_LABELS))
"""Labels that cannot be subject ids: ``ecephys_2023-04-05_13-14-15`` has a label and no subject."""


class AssetKind(enum.StrEnum):
    """Whether an asset was acquired (primary) or computed from other assets (derived)."""

    PRIMARY = "PRIMARY"
    DERIVED = "DERIVED"


@dataclass(frozen=True, slots=True)
class AssetName:
    """The parts of a valid asset name; times are naive, in the acquisition's local zone.

    ``label`` is the optional platform/modality token of the primary part. ``process_label`` and
    ``processed`` describe the last process suffix only; ``parent_name`` is the name without that
    suffix, the input by convention (the primary name when there is one suffix).
    ``out_of_order`` says which process time precedes the time before it: such names occur
    (copies, backfills), so they register with a warning instead of being refused.
    """

    name: str
    kind: AssetKind
    label: str | None
    subject_id: str
    acquired: datetime
    process_label: str | None
    processed: datetime | None
    primary_name: str
    parent_name: str | None
    out_of_order: str | None = None


def parse_name(name: str) -> AssetName:
    """Split ``name`` into its parts, or raise :class:`InvalidName` saying what is wrong."""
    if not name:
        raise _invalid(name, "the name is empty")
    if len(name) > MAX_NAME_LENGTH:
        raise _invalid(name, f"longer than the maximum of {MAX_NAME_LENGTH} characters")
    if not _NAME_CHARACTERS.fullmatch(name) or ".." in name:
        raise _invalid(name, _bad_character(name))
    if name.startswith("."):
        raise _invalid(name, "starts with '.' (a hidden folder)")
    if name.startswith("_"):
        raise _invalid(name, "starts with '_' (empty first token)")
    if name.endswith("_"):
        raise _invalid(name, "ends with '_' (empty last token)")
    if "__" in name:
        raise _invalid(name, "contains '__' (empty token)")

    tokens = name.split("_")
    # Walk date-time pairs from the right; pair_ends[i] is the token index just past pair i.
    pair_ends = [len(tokens)]
    stamps = [_date_time(name, tokens, len(tokens))]
    while True:
        pair_start = pair_ends[-1] - 2
        previous = pair_start - 1
        while previous >= 0 and not _DATE_OR_TIME.fullmatch(tokens[previous]):
            previous -= 1
        if previous < 0:
            break
        stamps.append(_date_time(name, tokens, previous + 1))
        if previous == pair_start - 1:
            raise _invalid(
                name,
                f"two date-time pairs in a row: no process label before '{tokens[pair_start]}_"
                f"{tokens[pair_start + 1]}'",
            )
        pair_ends.append(previous + 1)
    pair_ends.reverse()
    stamps.reverse()

    prefix = tokens[: pair_ends[0] - 2]
    if not prefix:
        raise _invalid(name, "missing subject id before the acquisition date")
    if len(prefix) > 2:
        raise _invalid(
            name,
            f"{len(prefix)} tokens before the acquisition date ('{'_'.join(prefix)}'), expected "
            "[<label>_]<subject-id> (subject ids cannot contain '_')",
        )
    subject_id = prefix[-1]
    if subject_id.casefold() in _KNOWN_LABELS:
        raise _invalid(name, f"missing subject id: '{subject_id}' is a platform/modality label")

    out_of_order = None
    for index in range(1, len(stamps)):
        if stamps[index] < stamps[index - 1] and out_of_order is None:
            process = "_".join(tokens[pair_ends[index - 1] : pair_ends[index] - 2])
            before = "acquisition" if index == 1 else "previous process"
            out_of_order = (
                f"process '{process}' time {stamps[index].isoformat(' ')} is earlier than the {before} "
                f"time {stamps[index - 1].isoformat(' ')}"
            )

    derived = len(pair_ends) > 1
    return AssetName(
        name=name,
        kind=AssetKind.DERIVED if derived else AssetKind.PRIMARY,
        label=prefix[0] if len(prefix) == 2 else None,
        subject_id=subject_id,
        acquired=stamps[0],
        process_label="_".join(tokens[pair_ends[-2] : pair_ends[-1] - 2]) if derived else None,
        processed=stamps[-1] if derived else None,
        primary_name="_".join(tokens[: pair_ends[0]]),
        parent_name="_".join(tokens[: pair_ends[-2]]) if derived else None,
        out_of_order=out_of_order,
    )


def is_valid_name(name: str) -> bool:
    """Whether ``name`` follows the convention, for callers that only filter."""
    try:
        parse_name(name)
    except InvalidName:
        return False
    return True


def parse_name_or_none(name: str) -> AssetName | None:
    """The parts of ``name``, or None: for what a name says of an asset never registered."""
    try:
        return parse_name(name)
    except InvalidName:
        return None


def _invalid(name: str, reason: str) -> InvalidName:
    """One line quoting the name (``repr`` escapes control characters; long names are cut)."""
    quoted = repr(name) if len(name) <= 80 else f"{name[:60]!r}... ({len(name)} characters)"
    return InvalidName(f"invalid asset name {quoted}: {reason}")


def _bad_character(name: str) -> str:
    """Name the first problem of a name with characters outside ``[A-Za-z0-9._-]`` or a ``..``."""
    if "://" in name:
        return "looks like a URI or location, expected a bare asset name"
    if ".." in name:
        return "contains '..' (path traversal)"
    for separator in ("/", "\\"):
        if separator in name:
            return f"contains the path separator {separator!r}, a name is one folder, not a path"
    escape = _PERCENT_ESCAPE.search(name)
    if escape:
        return f"contains the percent-encoded character '{escape.group()}', expected a decoded name"
    bad = next(character for character in name if not _NAME_CHARACTERS.fullmatch(character))
    if not bad.isascii():
        return f"contains the non-ASCII character {bad!r} (U+{ord(bad):04X})"
    if bad.isspace():
        return f"contains whitespace ({bad!r}), tokens are separated by '_'"
    if not bad.isprintable():
        return f"contains the control character {bad!r}"
    return f"contains {bad!r}, tokens allow only ASCII letters, digits, '.' and '-', separated by '_'"


def _date_time(name: str, tokens: list[str], end: int) -> datetime:
    """Read ``tokens[end - 2]`` as ``yyyy-mm-dd`` and ``tokens[end - 1]`` as ``HH-MM-SS``."""
    time_token = tokens[end - 1]
    time = _TIME.fullmatch(time_token)
    if not time:
        if _DATE.fullmatch(time_token):
            raise _invalid(name, f"no time HH-MM-SS after the date '{time_token}'")
        at_end = " at the end (a name ends with _<yyyy-mm-dd>_<HH-MM-SS>)" if end == len(tokens) else ""
        raise _invalid(name, f"expected a time HH-MM-SS{at_end}, got '{time_token}'")
    if end < 2:
        raise _invalid(name, f"no date yyyy-mm-dd before the time '{time_token}'")
    date_token = tokens[end - 2]
    date = _DATE.fullmatch(date_token)
    if not date:
        raise _invalid(
            name,
            f"expected a date yyyy-mm-dd (four-digit year, zero-padded month and day) before the time "
            f"'{time_token}', got '{date_token}'",
        )
    year, month, day = (int(part) for part in date.groups())
    hour, minute, second = (int(part) for part in time.groups())
    if year < 1:
        raise _invalid(name, f"date '{date_token}': year 0000 does not exist")
    if not 1 <= month <= 12:
        raise _invalid(name, f"date '{date_token}': month {month:02d} is not 01..12")
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise _invalid(name, f"date '{date_token}': day {day:02d} does not exist in {year:04d}-{month:02d}")
    if hour > 23:
        raise _invalid(name, f"time '{time_token}': hour {hour:02d} is not 00..23")
    if minute > 59:
        raise _invalid(name, f"time '{time_token}': minute {minute:02d} is not 00..59")
    if second > 59:
        raise _invalid(name, f"time '{time_token}': second {second:02d} is not 00..59")
    return datetime(year, month, day, hour, minute, second)
