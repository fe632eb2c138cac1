"""Register assets already sitting in a store (an existing bucket): metadata read from the
store, hashes from the objects' checksums where the store keeps them, else streamed."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError

from catalog.conventions.metadata import CORE_DOCUMENTS
from catalog.db.models import Asset, AssetState
from catalog.errors import CatalogError, Conflict, InvalidMetadata
from catalog.repo import assets, documents, files
from catalog.services.describe import Description, describe
from catalog.services.register import (
    IMMUTABLE,
    METADATA_FILES,
    MetadataMoved,
    RegistrationReport,
    apply_updates,
    now,
    plan_update,
    published_fields,
    write_related,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.ext.asyncio import AsyncSession

    from catalog.conventions.modalities import Vocabulary
    from catalog.db.engine import Database
    from catalog.storage import ObjectInfo, ObjectStore


async def read_object(store: ObjectStore, key: str) -> bytes:
    return b"".join([chunk async for chunk in store.read(key)])


class StoreIndex:
    def __init__(
        self, db: Database, vocabulary: Vocabulary, *, hash_files: bool = True, concurrency: int = 16
    ) -> None:
        self.db = db
        self.vocabulary = vocabulary
        self.hash_files = hash_files
        self.semaphore = asyncio.Semaphore(concurrency)

    async def __call__(self, store: ObjectStore) -> RegistrationReport:
        result = RegistrationReport()
        for name, objects in (await self._group(store)).items():
            try:
                outcome, description = await self._register(store, name, objects)
            except CatalogError as error:
                result.errors.append(error.message)
                continue
            if outcome == "unchanged":
                result.unchanged += 1
                continue
            if outcome == "registered":
                result.registered += 1
            else:
                result.updated += 1
            if description.warnings:
                result.warnings[name] = description.warnings
        return result

    async def _group(self, store: ObjectStore) -> dict[str, list[ObjectInfo]]:
        """Objects by their first key segment: one prefix per asset, by convention."""
        grouped: dict[str, list[ObjectInfo]] = {}
        async for info in store.list():
            head, _, rest = info.key.partition("/")
            if rest:
                grouped.setdefault(head, []).append(info)
        return grouped

    async def _documents(self, store: ObjectStore, name: str, keys: set[str]) -> dict[str, Any]:
        found = {}
        for document in CORE_DOCUMENTS:
            key = f"{name}/{document}.json"
            if key in keys:
                try:
                    content = json.loads(await read_object(store, key))
                except (json.JSONDecodeError, UnicodeDecodeError) as error:
                    raise InvalidMetadata(f"{name}: {document}.json: not valid JSON: {error}") from None
                if not isinstance(content, dict):
                    raise InvalidMetadata(f"{name}: {document}.json: expected a JSON object")
                found[document] = content
        return found

    async def _sha256(self, store: ObjectStore, info: ObjectInfo) -> str | None:
        if info.sha256 is not None or not self.hash_files:
            return info.sha256
        async with self.semaphore:
            return await store.sha256(info.key)

    async def _register(
        self, store: ObjectStore, name: str, objects: Sequence[ObjectInfo]
    ) -> tuple[str, Description]:
        description = describe(
            name, await self._documents(store, name, {o.key for o in objects}), self.vocabulary
        )
        hashes = await asyncio.gather(*(self._sha256(store, info) for info in objects))
        rows = [
            {"path": info.key.partition("/")[2], "size": info.size, "sha256": sha, "key": info.key}
            for info, sha in zip(objects, hashes, strict=True)
        ]
        retries = 2
        while True:
            try:
                return await self._write(store, name, description, rows), description
            except MetadataMoved:  # updated by another process meanwhile: plan again on top of that
                if not retries:
                    raise
                retries -= 1

    async def _write(
        self, store: ObjectStore, name: str, description: Description, rows: list[dict[str, Any]]
    ) -> str:
        """Registers the asset, or writes a new metadata version of it: "registered", "updated"
        or "unchanged"."""
        try:
            async with self.db.transaction() as session:
                existing = await assets.any_state_by_name(session, name)
                if existing is not None:
                    return await self._again(session, existing, description, rows)
                fields = published_fields(
                    description, location=f"{store.url}/{name}", store_url=store.url, files=rows
                )
                ids = await assets.insert_ready(session, [{"name": name, **fields}])
                await files.add(session, [dict(row, asset_id=ids[name]) for row in rows])
                await write_related(session, [(ids[name], description)], now())
        except IntegrityError:
            raise Conflict(f"{name}: registered by another process at the same time") from None
        return "registered"

    async def _again(
        self, session: AsyncSession, existing: Asset, description: Description, rows: list[dict[str, Any]]
    ) -> str:
        """The same name again: its data objects must be the registered ones (immutable); changed
        metadata objects make a new version of each document that changed."""
        name = existing.name
        if existing.state != AssetState.READY:
            raise Conflict(f"{name}: being registered by another ingest right now")
        recorded = await files.of_asset(session, existing.id)
        registered = {path: row for path, row in recorded.items() if path not in METADATA_FILES}
        data = [row for row in rows if row["path"] not in METADATA_FILES]
        for row in data:
            known = registered.get(row["path"])
            if (
                known is None
                or known.size != row["size"]
                or (known.sha256 and row["sha256"] and known.sha256 != row["sha256"])
            ):
                raise Conflict(f"{name}: {row['path']} differs from the registered file; {IMMUTABLE}")
        if len(registered) != len(data):
            raise Conflict(f"{name}: the registered files differ from the store's; {IMMUTABLE}")
        if existing.metadata_digest == description.digest:
            return "unchanged"
        taken = assets.Taken(existing.id, existing.state, existing.metadata_digest, existing.location)
        history = (await documents.history(session, [existing.id])).get(existing.id, [])
        update = plan_update(name, taken, history, description)
        if update is None:
            return "unchanged"
        update.fields.update(file_count=len(rows), total_size=sum(row["size"] for row in rows))
        await apply_updates(session, [update], now())
        await files.replace(session, existing.id, [row for row in rows if row["path"] in METADATA_FILES])
        await files.remove_except(session, existing.id, {row["path"] for row in rows})
        return "updated"
