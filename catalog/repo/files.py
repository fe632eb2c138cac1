"""Files of assets: what was stored, with size and hash."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import ColumnElement, and_, delete, func, insert, or_, select, true

from catalog.db.models import Asset, AssetLocation, File
from catalog.repo.filters import condition
from catalog.repo.visibility import visible

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy import Table
    from sqlalchemy.ext.asyncio import AsyncSession

    from catalog.conventions.globs import PathGlob
    from catalog.db.dialects import Dialect
    from catalog.schemas.filters import AssetFilter

_LAST = chr(0x10FFFF)
"""The greatest code point: a prefix ending with it has no successor of its length."""


async def of_asset(session: AsyncSession, asset_id: int) -> dict[str, File]:
    rows = await session.scalars(select(File).where(File.asset_id == asset_id))
    return {row.path: row for row in rows}


async def recorded(session: AsyncSession, asset_id: int) -> dict[str, tuple[int, str | None]]:
    """path → (size, sha256) of an asset's files: plain columns, no ORM object per row."""
    query = select(File.path, File.size, File.sha256).where(File.asset_id == asset_id)
    return {path: (size, digest) for path, size, digest in await session.execute(query)}


async def replace(session: AsyncSession, asset_id: int, rows: Sequence[dict[str, Any]]) -> None:
    """Record files of an asset, replacing rows of the same paths (a resumed upload's retries)."""
    if not rows:
        return
    await session.execute(
        delete(File).where(File.asset_id == asset_id, File.path.in_([row["path"] for row in rows]))
    )
    await add(session, [dict(row, asset_id=asset_id) for row in rows])


async def remove_except(session: AsyncSession, asset_id: int, keep: set[str]) -> None:
    """Drop rows of files that a resumed ingest no longer finds in its folder."""
    stale = [path for path in (await recorded(session, asset_id)) if path not in keep]
    if stale:
        await session.execute(delete(File).where(File.asset_id == asset_id, File.path.in_(stale)))


async def add(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """The table's insert, not the ORM's: no per-row bookkeeping for a chunked store's 10^5 rows."""
    if rows:
        await session.execute(insert(cast("Table", File.__table__)), list(rows))


async def page_by_asset(
    session: AsyncSession,
    dialect: Dialect,
    asset_ids: Sequence[int],
    first: int,
    after_path: str | None = None,
    path_glob: PathGlob | None = None,
) -> dict[int, list[File]]:
    """Up to ``first`` files of each asset in path order after a path (optionally only paths
    matching a glob): one statement, the window function keeps each asset's first rows in SQL."""
    condition: list[ColumnElement[bool]] = [File.asset_id.in_(asset_ids)]
    if after_path is not None:
        condition.append(File.path > after_path)
    if path_glob is not None:
        condition.append(matches_glob(dialect, path_glob))
    position = func.row_number().over(partition_by=File.asset_id, order_by=File.path).label("position")
    ranked = select(File.id, position).where(*condition).subquery()
    query = (
        select(File)
        .join(ranked, ranked.c.id == File.id)
        .where(ranked.c.position <= first)
        .order_by(File.asset_id, File.path)
    )
    found: dict[int, list[File]] = {}
    for row in await session.scalars(query):
        found.setdefault(row.asset_id, []).append(row)
    return found


@dataclass(frozen=True, slots=True)
class Listed:
    """One file of a manifest: plain columns, no ORM object (a manifest may list 100,000)."""

    asset: str
    store_url: str | None
    path: str
    size: int
    sha256: str | None
    key: str


def matches_glob(dialect: Dialect, path_glob: PathGlob) -> ColumnElement[bool]:
    """The glob's regex, and its literal prefix as a range of paths in code-point order, which
    the (asset_id, path) index of the dialect's binary collation finds (``ix_files_path_binary``
    on PostgreSQL, the unique index on SQLite, whose text is compared byte-wise anyway)."""
    regex = dialect.matches(File.path, path_glob.regex)
    prefix = path_glob.prefix.rstrip(_LAST)
    if not prefix:
        return regex
    path = File.path.collate(dialect.binary)
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return and_(path >= prefix, path < upper, regex)


@dataclass(frozen=True, slots=True)
class Holder:
    """An asset a manifest lists files of: how to find them, and about how many there are."""

    id: int
    name: str
    file_count: int


async def holders(
    session: AsyncSession, dialect: Dialect, spec: AssetFilter | None, limit: int, after: str | None = None
) -> list[Holder]:
    """Visible assets matching the filter, by name, the first ``limit`` past ``after``: where a
    manifest evaluates its filter, once per ``limit`` assets rather than once per batch of files."""
    query = (
        visible()
        .where(condition(dialect, spec))
        .with_only_columns(Asset.id, Asset.name, Asset.file_count)
        .order_by(Asset.name)
        .limit(limit)
    )
    if after is not None:
        query = query.where(Asset.name > after)
    return [Holder(*row) for row in await session.execute(query)]


async def held_by(
    session: AsyncSession,
    dialect: Dialect,
    asset_ids: Sequence[int],
    path_glob: PathGlob | None,
    limit: int,
    after_path: str | None = None,
) -> list[Listed]:
    """Files of these visible assets whose path matches ``path_glob``, by asset name then path, the
    first ``limit``: a batch of a manifest. One asset's are read in the order of its (asset, path)
    index, past ``after_path`` when given (the rest of the asset a batch ended in), so that a
    store of 100,000 chunks is never sorted, nor read again from its start, for each batch."""
    query = (
        visible()
        .join(File, File.asset_id == Asset.id)
        .where(Asset.id.in_(asset_ids))
        .with_only_columns(Asset.name, Asset.store_url, File.path, File.size, File.sha256, File.key)
        .limit(limit)
    )
    if path_glob is not None:
        query = query.where(matches_glob(dialect, path_glob))
    if len(asset_ids) == 1:
        query = query.order_by(File.path)
        if after_path is not None:
            query = query.where(File.path > after_path)
    elif after_path is not None:
        raise ValueError("after_path continues one asset")
    else:
        query = query.order_by(Asset.name, File.path)
    return [Listed(*row) for row in await session.execute(query)]


async def one(session: AsyncSession, asset_name: str, path: str) -> tuple[str | None, File] | None:
    """(store URL, file) of one file of a visible asset."""
    query = (
        visible()
        .join(File, File.asset_id == Asset.id)
        .where(Asset.name == asset_name, File.path == path)
        .with_only_columns(Asset.store_url, File)
    )
    found = (await session.execute(query)).one_or_none()
    return None if found is None else (found[0], found[1])


@dataclass(frozen=True, slots=True)
class Held:
    """A visible asset whose files the catalog keeps in a store."""

    id: int
    name: str
    store_url: str


async def held_in_stores(session: AsyncSession, names: Sequence[str] = ()) -> list[Held]:
    """Visible assets with files in a store (metadata-only records have none), by name; only
    ``names`` when given."""
    query = (
        visible()
        .where(Asset.store_url.is_not(None))
        .with_only_columns(Asset.id, Asset.name, Asset.store_url)
        .order_by(Asset.name)
    )
    if names:
        query = query.where(Asset.name.in_(list(names)))
    return [Held(id_, name, url) for id_, name, url in await session.execute(query) if url is not None]


async def stored_at(session: AsyncSession, store_url: str, key: str) -> File | None:
    """The file a visible asset recorded at ``key`` of the store at ``store_url``, or of a further
    location of the asset there (``<store_url>/<asset>``, a copy a manifest signs). A key begins
    with its asset's name (every registration stores files so), which finds the row through the
    unique name and (asset, path) indexes."""
    name, _, path = key.partition("/")
    copy = select(AssetLocation.id).where(
        AssetLocation.asset_id == Asset.id, AssetLocation.url == f"{store_url}/{name}"
    )
    query = (
        visible()
        .join(File, File.asset_id == Asset.id)
        .where(Asset.name == name, File.path == path, File.key == key)
        .where(or_(Asset.store_url == store_url, copy.exists()))
        .with_only_columns(File)
    )
    return (await session.scalars(query)).one_or_none()


async def with_sha256(session: AsyncSession, digest: str, first: int) -> list[tuple[Asset, File]]:
    """Up to ``first`` (asset, file) pairs of visible assets whose file has this lowercase hex
    digest, by asset name then path (``ix_files_sha256`` finds them)."""
    query = (
        visible()
        .join(File, File.asset_id == Asset.id)
        .where(File.sha256 == digest)
        .add_columns(File)
        .order_by(Asset.name, File.path)
        .limit(first)
    )
    return [(asset, file) for asset, file in await session.execute(query)]


@dataclass(frozen=True, slots=True)
class Placed:
    """Where a key or URL may put a file: in the asset ``name`` at ``path``, and, for a URL, in
    the asset's folder ``folder`` (its primary location or a further one)."""

    name: str
    path: str
    folder: str | None = None


async def placed(session: AsyncSession, candidates: Sequence[Placed], first: int) -> list[tuple[Asset, File]]:
    """Up to ``first`` (asset, file) pairs of visible assets that some candidate names, by asset
    name then path: each is found through the unique name and (asset, path) indexes."""
    if not candidates:
        return []
    further = select(AssetLocation.id).where(AssetLocation.asset_id == Asset.id)
    matches = [
        and_(
            Asset.name == c.name,
            File.path == c.path,
            true()
            if c.folder is None
            else or_(Asset.location == c.folder, further.where(AssetLocation.url == c.folder).exists()),
        )
        for c in candidates
    ]
    query = (
        visible()
        .join(File, File.asset_id == Asset.id)
        .where(or_(*matches))
        .add_columns(File)
        .order_by(Asset.name, File.path)
        .limit(first)
    )
    return [(asset, file) for asset, file in await session.execute(query)]
