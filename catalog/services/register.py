"""Writing a described asset: the rows every registration path shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import groupby
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from catalog.conventions.metadata import CORE_DOCUMENTS
from catalog.db import valueindex
from catalog.db.models import TermKind
from catalog.errors import Conflict
from catalog.repo import access, assets, audit, bulk, documents, provenance
from catalog.services.describe import Description, encode, location_prefix

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from sqlalchemy.ext.asyncio import AsyncSession

    from catalog.db.dialects import Dialect


@dataclass(slots=True)
class RegistrationReport:
    """The outcome of registering many assets: counts, refusals and warnings by name. ``updated``
    counts assets given a new metadata version."""

    registered: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: dict[str, list[str]] = field(default_factory=dict)


def now() -> datetime:
    return datetime.now(UTC)


def metadata_fields(description: Description) -> dict[str, Any]:
    """The asset row's columns that follow its current metadata (rewritten by a new version)."""
    return {**description.fields, "metadata_digest": description.digest, "warnings": description.warnings}


def published_fields(
    description: Description, *, location: str | None, store_url: str | None, files: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    """The asset row as it becomes visible."""
    return {
        **metadata_fields(description),
        "location": location,
        "location_prefix": location_prefix(location),
        "store_url": store_url,
        "file_count": len(files),
        "total_size": sum(row["size"] for row in files),
        "registered_at": now(),
    }


async def write_related(
    session: AsyncSession, described: Sequence[tuple[int, Description]], recorded_at: datetime
) -> None:
    """Documents (version 1) and the rows their content implies, of newly registered assets."""
    await documents.add_first_versions(
        session, [(asset_id, d.encoded, d.schema_versions) for asset_id, d in described], recorded_at
    )
    await audit.record(
        session, "register", [(d.name.name, {"documents": sorted(d.encoded)}) for _, d in described]
    )
    if valueindex.kept(session):
        walked = [(asset_id, d.indexed_values()) for asset_id, d in described]
        await valueindex.add(
            session, [(asset_id, *document) for asset_id, w in walked for document in w.items()]
        )
    await write_dimensions(session, described)


@dataclass(frozen=True, slots=True)
class NewAsset:
    """A new asset described in full: its metadata, where its data is, and its files (rows of
    path, size, sha256 and key)."""

    description: Description
    location: str | None
    store_url: str | None = None
    files: Sequence[dict[str, Any]] = ()


def new_rows(new: Sequence[NewAsset], dialect: Dialect) -> bulk.NewRows:
    """Every row registration writes for ``new`` (as ``published_fields`` and ``write_related``
    make them), each naming its asset by position."""
    rows = bulk.NewRows()
    for position, asset in enumerate(new):
        d = asset.description
        fields = published_fields(d, location=asset.location, store_url=asset.store_url, files=asset.files)
        rows.assets.append({"name": d.name.name, **fields})
        rows.documents += [(position, name, d.schema_versions.get(name), c) for name, c in d.encoded.items()]
        rows.modalities += [(position, modality) for modality in d.modalities]
        rows.terms += [(position, kind, value) for kind, value in terms(d)]
        rows.edges += [(position, e.input_name, e.source, e.location) for e in d.edges]
        rows.files += [(position, f["path"], f["size"], f.get("sha256"), f["key"]) for f in asset.files]
        if dialect.indexes_values:
            rows.values += [(position, name, found) for name, found in d.indexed_values().items()]
        rows.audit.append((d.name.name, {"documents": sorted(d.encoded)}))
    return rows


async def register_new(
    session: AsyncSession, dialect: Dialect, new: Sequence[NewAsset], recorded_at: datetime
) -> dict[str, int]:
    """Register assets no row holds yet, all at once by the dialect's fastest writer (``COPY`` on
    PostgreSQL), in the caller's transaction: the same rows as the statement-by-statement path
    (``assets.insert_ready`` then ``write_related``). Returns name → id."""
    ids = await bulk.writer_for(dialect).write(session, new_rows(new, dialect), recorded_at)
    return {asset.description.name.name: asset_id for asset, asset_id in zip(new, ids, strict=True)}


async def write_dimensions(session: AsyncSession, described: Sequence[tuple[int, Description]]) -> None:
    """Modalities, people, funders, provenance edges and the access rule that applies: what an
    asset's current metadata implies, written at registration and rewritten whole by a new
    metadata version (its project may have changed)."""
    await access.apply(session, [asset_id for asset_id, _ in described])
    await assets.set_modalities(
        session, [(asset_id, modality) for asset_id, d in described for modality in d.modalities]
    )
    await assets.set_terms(
        session, [(asset_id, kind, value) for asset_id, d in described for kind, value in terms(d)]
    )
    await provenance.add(
        session,
        [(asset_id, e.input_name, e.source, e.location) for asset_id, d in described for e in d.edges],
    )


METADATA_FILES = frozenset(f"{document}.json" for document in CORE_DOCUMENTS)
"""Paths of an asset folder's metadata files (at its top): versioned with the metadata they hold,
not part of the asset's immutable data."""
IMMUTABLE = "registered data is immutable (only its metadata files may change, as new versions)"


TERM_FIELDS = {
    TermKind.INVESTIGATOR: "investigators",
    TermKind.EXPERIMENTER: "experimenters",
    TermKind.FUNDING: "funding",
    TermKind.MISSING: "missing",
}
"""The asset row's JSON lists kept one row per value in ``asset_terms``, by kind."""


def terms(description: Description) -> list[tuple[str, str]]:
    """(kind, value) of each investigator, experimenter, funder and missing item, once each."""
    return list(
        dict.fromkeys(
            (kind, value)
            for kind, name in TERM_FIELDS.items()
            for value in description.fields.get(name) or []
        )
    )


class MetadataMoved(Conflict):
    """An asset's metadata changed between reading it and writing a new version on top of it:
    the writer reads it again and retries, or reports the version it missed."""


@dataclass(slots=True)
class Update:
    """A new metadata version of a registered asset, planned from its history."""

    name: str
    asset_id: int
    expected_digest: str | None
    description: Description
    fields: dict[str, Any]
    read_versions: dict[str, int]  # document → the current version it replaces
    superseded: list[int]
    versions: list[documents.NewVersion]


def plan_update(
    name: str,
    taken: assets.Taken,
    history: Sequence[documents.Version],
    description: Description,
    *,
    reason: str | None = None,
) -> Update | None:
    """The versions a changed description adds: one for each document that changed or appeared,
    one saying "removed" for each that disappeared; None when no document changed. A description
    equal to an earlier state of the asset is refused: re-importing an old export must not roll
    its metadata back. A correction (given with its ``reason``) may: a deliberate revert is a new
    version."""
    latest: dict[str, documents.Version] = {}
    for version in history:
        if version.document not in latest or version.version > latest[version.document].version:
            latest[version.document] = version
    current = {d: v for d, v in latest.items() if v.is_current}
    registered = encode({d: v.content for d, v in current.items()})
    if registered == description.encoded:
        return None
    replaced = _replaced_state(history, description.encoded) if reason is None else None
    if replaced is not None:
        raise Conflict(
            f"{name}: this is its metadata as recorded {replaced:%Y-%m-%d %H:%M:%S} UTC, since replaced "
            "by a newer version; a re-registration does not roll metadata back"
        )
    update = Update(name, taken.id, taken.digest, description, metadata_fields(description), {}, [], [])
    for document in sorted(set(current) | set(description.encoded)):
        content = description.encoded.get(document)
        if content is not None and registered.get(document) == content:
            continue
        if document in current:
            update.read_versions[document] = current[document].version
            update.superseded.append(current[document].id)
        update.versions.append(
            documents.NewVersion(
                asset_id=taken.id,
                document=document,
                version=latest[document].version + 1 if document in latest else 1,
                is_current=content is not None,
                schema_version=description.schema_versions.get(document) if content is not None else None,
                content=content,
                reason=reason,
            )
        )
    return update


def _replaced_state(history: Sequence[documents.Version], encoded: Mapping[str, str]) -> datetime | None:
    """When the asset's documents were last exactly ``encoded`` before a later version replaced
    them, if ever. Versions written together share their time: each time is one state, the last
    one current (not compared: the caller did)."""
    state: dict[str, Any] = {}
    found = None
    states = [
        (moment, list(versions)) for moment, versions in groupby(history, key=attrgetter("recorded_at"))
    ]
    for moment, versions in states[:-1]:
        for version in versions:
            if version.removed:
                state.pop(version.document, None)
            else:
                state[version.document] = version.content
        if encode(state) == encoded:
            found = moment
    return found


async def apply_updates(session: AsyncSession, updates: Sequence[Update], recorded_at: datetime) -> None:
    """Write new metadata versions and rewrite every query column and row that follows the current
    metadata, in the caller's transaction. Raises ``MetadataMoved`` when an asset's metadata is no
    longer the one its update was planned from."""
    for update in updates:
        if not await assets.replace_metadata(
            session, update.asset_id, expected_digest=update.expected_digest, fields=update.fields
        ):
            raise MetadataMoved(await _missed(session, update))
    await audit.record(
        session,
        "metadata",
        [
            (
                u.name,
                {"versions": {v.document: v.version for v in u.versions}, "reason": u.versions[0].reason},
            )
            for u in updates
        ],
    )
    await documents.supersede(session, [i for update in updates for i in update.superseded])
    await documents.add_versions(session, [v for update in updates for v in update.versions], recorded_at)
    if valueindex.kept(session):
        replaced = await documents.contents_by_id(
            session, [i for update in updates for i in update.superseded]
        )
        await valueindex.remove(session, [(a, name, valueindex.indexed_values(c)) for a, name, c in replaced])
        changed = [(update, v) for update in updates for v in update.versions]
        await valueindex.add(
            session,
            [
                (v.asset_id, v.document, u.description.indexed_values()[v.document])
                for u, v in changed
                if v.is_current
            ],
        )
    ids = [update.asset_id for update in updates]
    await assets.clear_dimensions(session, ids)
    await provenance.remove_inputs(session, ids)
    await write_dimensions(session, [(update.asset_id, update.description) for update in updates])


async def _missed(session: AsyncSession, update: Update) -> str:
    """The message of a lost race: which current versions the update did not know about."""
    keys = [(update.asset_id, v.document) for v in update.versions]
    found = await documents.versions_of(session, keys)
    now_at = {d: versions[-1].version for (_, d), versions in found.items() if versions}
    missed = [
        f"{d} is at version {now_at[d]}, not {update.read_versions[d]}"
        if d in update.read_versions
        else f"{d} was added meanwhile (version {now_at[d]})"
        for _, d in keys
        if now_at.get(d, 0) != update.read_versions.get(d, 0)
    ]
    what = "; ".join(missed) or "another writer came first"
    return f"{update.name}: its metadata changed while a new version was being written ({what})"
