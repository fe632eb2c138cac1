"""Registering many new assets at once: their rows written as fast as each dialect takes them.

The caller (``catalog.services.register.register_new``) builds every row from the assets'
descriptions; each related row names its asset by position in the batch, ids are assigned here.
PostgreSQL takes binary ``COPY`` on the session's own connection (inside its transaction), with the
access rule each asset follows resolved in one read and the documents' contents stored first (by
statements: new ones skip a digest a concurrent writer holds); SQLite takes the statements of the ordinary
registration path (one ``executemany`` per table). The writer is chosen once per dialect
(``writer_for``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import JSON, or_, select, text

from catalog import access as viewer
from catalog.db import valueindex
from catalog.db.models import AccessRule, Asset, AssetState
from catalog.db.types import JSONText, serialize_json
from catalog.repo import access, assets, audit, contents, documents, files, provenance

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from sqlalchemy.ext.asyncio import AsyncSession

    from catalog.db.dialects import Dialect


@dataclass(slots=True)
class NewRows:
    """The rows of a batch of new assets. ``assets`` holds each asset row's columns but ``id`` and
    ``access_rule_id``; every other row starts with its asset's position in ``assets``."""

    assets: list[dict[str, Any]] = field(default_factory=list)
    documents: list[tuple[int, str, str | None, JSONText]] = field(default_factory=list)
    """(asset, document, schema version, content as canonical JSON): version 1 of each."""
    modalities: list[tuple[int, str]] = field(default_factory=list)
    terms: list[tuple[int, str, str]] = field(default_factory=list)
    """(asset, kind, value)."""
    edges: list[tuple[int, str, str, str | None]] = field(default_factory=list)
    """(derived asset, input name, source, input location)."""
    files: list[tuple[int, str, int, str | None, str]] = field(default_factory=list)
    """(asset, path, size, sha256, key)."""
    values: list[tuple[int, str, Mapping[valueindex.Key, valueindex.Occurrence]]] = field(
        default_factory=list
    )
    """(asset, document, its ``indexed_values``): only where the dialect keeps the value index."""
    audit: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    """(target, detail) of each ``register`` event."""


class Writer:
    """Writes ``NewRows`` in the caller's transaction; returns the new assets' ids, in order."""

    name: ClassVar[str]

    async def write(self, session: AsyncSession, rows: NewRows, recorded_at: datetime) -> list[int]:
        raise NotImplementedError


class StatementWriter(Writer):
    """The ordinary registration path's statements, each one multi-row (SQLite's fastest)."""

    name: ClassVar[str] = "sqlite"

    async def write(self, session: AsyncSession, rows: NewRows, recorded_at: datetime) -> list[int]:
        if not rows.assets:
            return []
        by_name = await assets.insert_ready(session, rows.assets)
        ids = [by_name[row["name"]] for row in rows.assets]
        await documents.add_first_versions(session, _documents_by_asset(ids, rows), recorded_at)
        await audit.record(session, "register", rows.audit)
        if valueindex.kept(session):
            await valueindex.add(session, [(ids[a], name, found) for a, name, found in rows.values])
        await access.apply(session, ids)
        await assets.set_modalities(session, [(ids[a], m) for a, m in rows.modalities])
        await assets.set_terms(session, [(ids[a], kind, value) for a, kind, value in rows.terms])
        await provenance.add(session, [(ids[a], n, s, loc) for a, n, s, loc in rows.edges])
        await files.add(
            session,
            [
                {"asset_id": ids[a], "path": path, "size": size, "sha256": sha, "key": key}
                for a, path, size, sha, key in rows.files
            ],
        )
        return ids


def _documents_by_asset(
    ids: list[int], rows: NewRows
) -> list[tuple[int, dict[str, JSONText], dict[str, str]]]:
    grouped: dict[int, tuple[dict[str, JSONText], dict[str, str]]] = {}
    for position, name, schema_version, content in rows.documents:
        contents, versions = grouped.setdefault(position, ({}, {}))
        contents[name] = content
        if schema_version is not None:
            versions[name] = schema_version
    return [(ids[position], contents, versions) for position, (contents, versions) in grouped.items()]


ASSET_COLUMNS = tuple(column.name for column in Asset.__table__.columns)


class CopyWriter(Writer):
    """Binary ``COPY`` of every table through the asyncpg connection under the session (the
    session's transaction holds them all); asset ids are drawn from their sequence first, so the
    related rows can name them."""

    name: ClassVar[str] = "postgresql"

    async def write(self, session: AsyncSession, rows: NewRows, recorded_at: datetime) -> list[int]:
        if not rows.assets:
            return []
        ids = await _next_ids(session, len(rows.assets))
        rules = await _rules(session, rows.assets)
        connection = await _driver_connection(session)
        author, where = viewer.current().name, viewer.origin()
        records = [_asset_record(i, row, rules) for i, row in zip(ids, rows.assets, strict=True)]
        content_ids = await contents.ids(session, [content for *_, content in rows.documents])
        await _copy(connection, "assets", ASSET_COLUMNS, records)
        await _copy(
            connection,
            "metadata_documents",
            (
                "asset_id",
                "document",
                "version",
                "is_current",
                "schema_version",
                "content_id",
                "recorded_at",
                "author",
            ),
            [
                (ids[a], d, 1, True, v, content_id, recorded_at, author)
                for (a, d, v, _), content_id in zip(rows.documents, content_ids, strict=True)
            ],
        )
        await _copy(
            connection,
            "asset_modalities",
            ("asset_id", "abbreviation"),
            [(ids[a], m) for a, m in rows.modalities],
        )
        await _copy(
            connection,
            "asset_terms",
            ("asset_id", "kind", "value"),
            [(ids[a], k, v) for a, k, v in rows.terms],
        )
        await _copy(
            connection,
            "provenance_edges",
            ("derived_id", "input_name", "source", "input_location"),
            [(ids[a], n, s, loc) for a, n, s, loc in rows.edges],
        )
        await _copy(
            connection,
            "files",
            ("asset_id", "path", "size", "sha256", "key"),
            [(ids[a], path, size, sha, key) for a, path, size, sha, key in rows.files],
        )
        at = _now()
        await _copy(
            connection,
            "audit_events",
            ("at", "actor", "action", "target", "detail", "origin"),
            [
                (at, author, "register", target, serialize_json(detail), where)
                for target, detail in rows.audit
            ],
        )
        return ids


async def _next_ids(session: AsyncSession, count: int) -> list[int]:
    query = text("SELECT nextval(pg_get_serial_sequence('assets', 'id')) FROM generate_series(1, :count)")
    return sorted((await session.scalars(query, {"count": count})).all())


async def _rules(
    session: AsyncSession, rows: Sequence[dict[str, Any]]
) -> tuple[dict[str, int], dict[str, int]]:
    """(asset name → its own rule, project → its rule) for the batch: the rule an asset follows is
    its own, else its project's (as ``catalog.repo.access`` keeps it)."""
    names = [row["name"] for row in rows]
    projects = sorted({row["project"] for row in rows if row.get("project") is not None})
    found = await session.execute(
        select(AccessRule.id, AccessRule.asset_name, AccessRule.project).where(
            or_(AccessRule.asset_name.in_(names), AccessRule.project.in_(projects))
        )
    )
    own: dict[str, int] = {}
    of_project: dict[str, int] = {}
    for rule_id, asset_name, project in found:
        if asset_name is not None:
            own[asset_name] = rule_id
        if project is not None:
            of_project[project] = rule_id
    return own, of_project


def _asset_record(
    asset_id: int, row: Mapping[str, Any], rules: tuple[dict[str, int], dict[str, int]]
) -> tuple[Any, ...]:
    own, of_project = rules
    complete = dict(_ASSET_DEFAULTS, **row, id=asset_id, state=AssetState.READY)
    complete["access_rule_id"] = own.get(row["name"], of_project.get(row.get("project") or "", None))
    for name in _JSON_COLUMNS:
        complete[name] = serialize_json(complete[name])
    return tuple(complete[name] for name in ASSET_COLUMNS)


def _column_defaults() -> dict[str, Any]:
    """Each asset column's value when a row leaves it out (the models' Python-side defaults)."""
    defaults: dict[str, Any] = {}
    for column in Asset.__table__.columns:
        default = column.default
        value = None
        if default is not None and default.is_scalar:
            value = default.arg
        elif default is not None and default.is_callable:
            value = default.arg(None)
        defaults[column.name] = value
    return defaults


_ASSET_DEFAULTS = _column_defaults()
_JSON_COLUMNS = tuple(c.name for c in Asset.__table__.columns if isinstance(c.type, JSON))
"""Written as JSON text (the session's connection encodes JSONB from text)."""


async def _driver_connection(session: AsyncSession) -> Any:
    """The asyncpg connection under the session, inside the session's transaction (begun by the
    statement the writer ran first)."""
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    return raw.driver_connection


async def _copy(connection: Any, table: str, columns: Sequence[str], records: list[tuple[Any, ...]]) -> None:
    if records:
        await connection.copy_records_to_table(table, records=records, columns=list(columns))


def _now() -> datetime:
    return datetime.now(UTC)


_WRITERS: dict[str, type[Writer]] = {w.name: w for w in (CopyWriter, StatementWriter)}


def writer_for(dialect: Dialect) -> Writer:
    """The fastest writer of new assets ``dialect`` takes."""
    return _WRITERS[dialect.name]()


__all__ = ["NewRows", "Writer", "writer_for"]
