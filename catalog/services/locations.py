"""Where an asset's data is kept: its primary location (where it was registered: the catalog's
store, or the folder its record names) and further ones a writer adds, as neurobank keeps
them (cold storage, another bucket, a lab server), each a URL of the asset's folder with a label
and a priority. A client falls back to them in order; a manifest signs those the server can."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from catalog import access
from catalog.access import Role
from catalog.errors import Forbidden, Invalid, NotFound
from catalog.repo import assets, audit, locations

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.ext.asyncio import AsyncSession

    from catalog.db.engine import Database
    from catalog.db.models import Asset, AssetLocation

PRIMARY = "primary"
"""The label of the location an asset was registered at; no further location takes it."""
DEFAULT_LABEL = "mirror"
LABEL = re.compile(r"[a-z0-9][a-z0-9._-]{0,31}")
"""A label is a short word of its owner's choosing: live, cold, mirror, lab-server, backup..."""
SCHEMES = ("s3", "gs", "file", "https", "http")
SIGNED_SCHEMES = ("s3", "file")
"""Locations the server signs downloads from: S3 buckets (with its own credentials) and folders
it reads (served by ``/files``)."""
MAX_URL_BYTES = 2048
MAX_PRIORITY = 1_000_000
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_EXAMPLES = (
    "s3://bucket/prefix/ASSET, gs://bucket/prefix/ASSET, file:///folder/ASSET or https://host/path/ASSET"
)


@dataclass(frozen=True, slots=True)
class Location:
    """One place an asset's folder is kept, as ``catalog locate`` and ``Asset.locations`` show it."""

    url: str
    label: str
    priority: int
    """0 for the primary; further locations from 1, in the order a client tries them."""
    primary: bool
    added_by: str | None
    added_at: datetime | None
    fallback: bool
    """Whether manifests sign this location's copy of each file as an alternate URL."""


def checked_url(text: str) -> str:
    """A location's URL in one spelling (scheme lower case, no trailing slash, a folder as
    ``Path.as_uri`` writes it), or ``Invalid`` saying what is wrong."""
    shown = text if len(text) <= 120 else f"{text[:117]}..."
    if not text or len(text.encode()) > MAX_URL_BYTES:
        raise Invalid(f"location {shown!r}: a URL of 1 to {MAX_URL_BYTES} bytes, such as {_EXAMPLES}")
    if any(c.isspace() or not c.isprintable() for c in text):
        raise Invalid(f"location {shown!r} holds a space or a control character: percent-encode it")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise Invalid(f"location {shown!r} is not a URL: use {_EXAMPLES}") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise Invalid(f"location {shown!r}: use {_EXAMPLES}")
    if parts.query or parts.fragment or text.endswith(("?", "#")):
        raise Invalid(f"location {shown!r}: no query or fragment, its files' paths are appended to it")
    if parts.username is not None or parts.password is not None:
        raise Invalid(f"location {shown!r}: no credentials in a URL every reader of the asset sees")
    segments = [s for s in unquote(parts.path).split("/") if s]
    if any(s in (".", "..") or not s.isprintable() for s in segments):
        raise Invalid(f"location {shown!r}: no . or .. nor an encoded control character in its path")
    if scheme == "file":
        if parts.netloc not in ("", "localhost") or not segments:
            raise Invalid(f"location {shown!r}: a folder is file:///absolute/path")
        return PurePosixPath("/", *segments).as_uri()
    if scheme in ("s3", "gs") and not _BUCKET.fullmatch(parts.netloc):
        raise Invalid(f"location {shown!r}: {scheme}://BUCKET/prefix, with a valid bucket name")
    if not parts.hostname or port == 0:
        raise Invalid(f"location {shown!r}: a URL needs a host")
    path = "/".join(s for s in parts.path.split("/") if s)
    return f"{scheme}://{parts.netloc.lower()}" + (f"/{path}" if path else "")


def checked_label(text: str) -> str:
    label = text.strip().lower()
    if label == PRIMARY:
        raise Invalid("the label primary is the location an asset was registered at: choose another")
    if not LABEL.fullmatch(label):
        raise Invalid(
            f"label {text!r}: a word of letters, digits and ._- (up to 32), e.g. cold or lab-server"
        )
    return label


def fallback_store(url: str, asset: str) -> str | None:
    """The store whose key ``<asset>/<path>`` is this location's copy of a file (the same key as
    in the asset's own store), when the server signs downloads from it: an S3 bucket or a folder,
    whose last segment is the asset's name. None otherwise."""
    scheme, _, rest = url.partition("://")
    parent, _, last = rest.rpartition("/")
    if scheme not in SIGNED_SCHEMES or last != asset or not parent.strip("/"):
        return None
    return f"{scheme}://{parent}"


def fallback_hint(url: str, asset: str) -> str | None:
    """Why a bucket or folder location will not be signed as an alternate, if it will not."""
    if url.partition("://")[0] not in SIGNED_SCHEMES or fallback_store(url, asset) is not None:
        return None
    return f"manifests will not offer {url} as a fallback: name the asset's own folder, ending in /{asset}"


def listing(asset: Asset, further: Sequence[AssetLocation]) -> list[Location]:
    """An asset's locations as readers see them: its primary first, then the others by priority."""
    found = []
    if asset.location:
        found.append(Location(asset.location, PRIMARY, 0, True, None, asset.registered_at, False))
    found += [
        Location(
            row.url,
            row.label,
            row.priority,
            False,
            row.added_by,
            row.added_at,
            fallback_store(row.url, asset.name) is not None,
        )
        for row in further
    ]
    return found


async def of(db: Database, name: str) -> list[Location]:
    """The locations of an asset the current viewer may read."""
    async with db.reader() as session:
        asset = await _asset(session, name)
        further = await locations.of_assets(session, [asset.id])
    return listing(asset, further.get(asset.id, []))


async def add(
    db: Database, name: str, url: str, *, label: str | None = None, priority: int | None = None
) -> Location:
    """Add a further location to an asset (a writer's or an admin's act, recorded in the audit log)."""
    _check_writer()
    url = checked_url(url)
    label = checked_label(label) if label is not None else DEFAULT_LABEL
    if priority is not None and not 1 <= priority <= MAX_PRIORITY:
        raise Invalid(f"priority must be between 1 and {MAX_PRIORITY}, not {priority}")
    async with db.transaction() as session:
        asset = await _asset(session, name)
        if url == asset.location:
            raise Invalid(f"{url} is the primary location of {name}")
        row = await locations.add(
            session,
            asset.id,
            url=url,
            label=label,
            priority=priority,
            added_by=access.current().name,
            added_at=datetime.now(UTC),
        )
        await audit.record(
            session, "location.add", [(name, {"url": url, "label": label, "priority": row.priority})]
        )
    return listing(asset, [row])[-1]


async def remove(db: Database, name: str, url: str) -> None:
    """Remove a further location of an asset (its primary stays: it is where it was registered)."""
    _check_writer()
    url = checked_url(url)
    async with db.transaction() as session:
        asset = await _asset(session, name)
        if url == asset.location:
            raise Invalid(f"{url} is the primary location of {name}, where it was registered: it stays")
        row = await locations.remove(session, asset.id, url)
        if row is None:
            raise NotFound(f"{name} has no location {url}")
        await audit.record(session, "location.remove", [(name, {"url": url, "label": row.label})])


def _check_writer() -> None:
    if access.current().role not in (Role.WRITER, Role.ADMIN):
        raise Forbidden("changing an asset's locations takes a writer's or an admin's token")


async def _asset(session: AsyncSession, name: str) -> Asset:
    asset = await assets.by_name(session, name)
    if asset is None:
        raise NotFound(f"no asset named {name!r}")
    return asset
