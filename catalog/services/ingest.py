"""Folder ingest: hash and store every file of an asset folder, then publish it at once.

An asset is claimed by a pending row (the unique name lets exactly one ingest win), files
are streamed to the store with bounded concurrency and recorded in batches, and the asset
becomes visible in one final transaction. An interrupted ingest leaves its pending row and
recorded files behind; running it again resumes and sends nothing already stored. A claim
whose holder died (``claims.abandoned``) is taken over at once, and the partial uploads it
left under the asset's prefix are discarded."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError

from catalog.conventions.metadata import CORE_DOCUMENTS, read_document_file
from catalog.db.models import Asset, AssetState, File
from catalog.errors import Conflict, Invalid
from catalog.folders import LocalFile, scan_folder
from catalog.repo import assets, documents, files, uploads
from catalog.services import claims
from catalog.services.describe import Description, describe
from catalog.services.register import (
    IMMUTABLE,
    METADATA_FILES,
    MetadataMoved,
    apply_updates,
    now,
    plan_update,
    published_fields,
    write_related,
)
from catalog.storage.base import SMALL_FILE, StoredObject, sha256_file

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from catalog.conventions.modalities import Vocabulary
    from catalog.db.engine import Database
    from catalog.storage import ObjectStore

FLUSH_ROWS = 500
BATCH_FILES = 256
"""Small files stored per call (one thread hop of a local store)."""
BATCH_BYTES = 16 * 1024 * 1024


def batches(local: list[LocalFile], most: int = BATCH_FILES) -> Iterator[list[LocalFile]]:
    """Runs of up to ``most`` small files (and ``BATCH_BYTES``), in path order; a big file alone."""
    run: list[LocalFile] = []
    size = 0
    for item in local:
        if item.size > SMALL_FILE:
            yield [item]
            continue
        if run and (len(run) >= most or size + item.size > BATCH_BYTES):
            yield run
            run, size = [], 0
        run.append(item)
        size += item.size
    if run:
        yield run


@dataclass(slots=True)
class IngestResult:
    name: str
    outcome: str  # "registered", "updated" (a new metadata version) or "unchanged"
    files: int = 0
    bytes: int = 0
    uploaded: int = 0
    reused: int = 0
    warnings: list[str] = field(default_factory=list)


def _busy(name: str, holder: str | None) -> str:
    by = f" (process {holder})" if holder else ""
    return f"{name}: being registered by another ingest right now{by}"


def read_documents(folder: Path, name: str) -> dict[str, Any]:
    """The core metadata files at the top of the folder; malformed JSON names the file."""
    found = {}
    for document in CORE_DOCUMENTS:
        path = folder / f"{document}.json"
        if path.is_file():
            try:
                found[document] = read_document_file(path)
            except Invalid as error:
                raise type(error)(f"{name}: {error.message}") from None
    return found


class FolderIngest:
    """Registers asset folders into one database and one store."""

    def __init__(
        self,
        db: Database,
        store: ObjectStore,
        vocabulary: Vocabulary,
        *,
        concurrency: int = 16,
        batch: int = BATCH_FILES,
    ) -> None:
        self.db = db
        self.store = store
        self.vocabulary = vocabulary
        self.concurrency = concurrency
        self.batch = batch

    async def __call__(self, folder: Path, on_bytes: Callable[[int], None] | None = None) -> IngestResult:
        folder = Path(folder).resolve()
        if not folder.is_dir():
            raise Invalid(f"{folder.name}: {folder} is not a folder")
        name = folder.name
        description = describe(name, read_documents(folder, name), self.vocabulary)
        local = await asyncio.to_thread(scan_folder, folder)
        token = uuid.uuid4().hex
        existing, asset_id = await self._claim(name, description, token)
        if existing is not None and existing.state == AssetState.READY:
            return await self._again(existing, description, local)
        heartbeat = asyncio.create_task(self._keep_claim(asset_id, token))
        try:
            await self.store.discard_partial(f"{name}/")
            result = await self._upload(asset_id, token, name, local, on_bytes)
        except BaseException:
            heartbeat.cancel()
            await self._release(asset_id, token)
            raise
        heartbeat.cancel()
        await self._publish(asset_id, token, description, local)
        result.warnings = description.warnings
        return result

    async def _claim(self, name: str, description: Description, token: str) -> tuple[Asset | None, int]:
        holder = claims.holder()
        try:
            async with self.db.transaction() as session:
                existing = await assets.any_state_by_name(session, name)
                if existing is None:
                    kind = description.fields["kind"]
                    asset_id = await assets.claim(
                        session, name=name, kind=kind, token=token, holder=holder, now=now()
                    )
                    return None, asset_id
                if existing.state == AssetState.READY:
                    return existing, existing.id
                if existing.state == AssetState.DRAFT:
                    raise Conflict(f"{name}: a draft built by uploads; seal it (catalog seal) instead")
                if await uploads.holds(session, existing.id, now()):
                    raise Conflict(f"{name}: being uploaded (openUpload) right now")
                abandoned = claims.abandoned(existing.claimed_by, existing.heartbeat_at, now())
                if not abandoned or not await assets.take_over(
                    session,
                    existing.id,
                    old_token=existing.claim_token,
                    token=token,
                    holder=holder,
                    now=now(),
                ):
                    raise Conflict(_busy(name, existing.claimed_by))
                return existing, existing.id
        except IntegrityError:
            raise Conflict(_busy(name, None)) from None

    async def _keep_claim(self, asset_id: int, token: str) -> None:
        while True:
            await asyncio.sleep(claims.HEARTBEAT.total_seconds())
            async with self.db.transaction() as session:
                await assets.renew_claim(session, asset_id, token=token, now=now())

    async def _release(self, asset_id: int, token: str) -> None:
        """Let the next run resume at once instead of waiting for the claim to go stale."""
        async with self.db.transaction() as session:
            await assets.release(session, asset_id, token=token)

    async def _upload(
        self,
        asset_id: int,
        token: str,
        name: str,
        local: list[LocalFile],
        on_bytes: Callable[[int], None] | None,
    ) -> IngestResult:
        async with self.db.reader() as session:
            recorded = await files.recorded(session, asset_id)
        result = IngestResult(name, "registered", files=len(local), bytes=sum(f.size for f in local))
        pending: list[dict[str, Any]] = []
        lock = asyncio.Lock()
        queue = iter(batches(local, self.batch))

        async def flush() -> None:
            async with lock:
                batch, pending[:] = list(pending), []
                if not batch:
                    return
                async with self.db.transaction() as session:
                    if not await assets.renew_claim(session, asset_id, token=token, now=now()):
                        raise Conflict(f"{name}: another ingest took over this registration")
                    # rows of paths a previous run recorded are replaced, the rest only added
                    await files.replace(session, asset_id, [row for row in batch if row["path"] in recorded])
                    await files.add(
                        session,
                        [dict(row, asset_id=asset_id) for row in batch if row["path"] not in recorded],
                    )

        async def worker() -> None:
            for unit in queue:
                sending = [item for item in unit if not await self._already_stored(name, item, recorded)]
                result.reused += len(unit) - len(sending)
                for item, stored in zip(sending, await self._store(name, sending), strict=True):
                    if stored.size != item.size:
                        raise Invalid(f"{name}: {item.path} changed while it was being stored")
                    pending.append(
                        {"path": item.path, "size": stored.size, "sha256": stored.sha256, "key": stored.key}
                    )
                result.uploaded += len(sending)
                if len(pending) >= FLUSH_ROWS:
                    await flush()
                if on_bytes is not None:
                    on_bytes(sum(item.size for item in unit))

        width = min(self.concurrency, self.store.parallel_writes or self.concurrency, max(len(local), 1))
        workers = [asyncio.create_task(worker()) for _ in range(width)]
        try:
            await asyncio.gather(*workers)
        except BaseException:
            for task in workers:
                task.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            raise
        finally:
            await flush()  # what was stored is recorded, so a rerun resumes after it
        return result

    async def _store(self, name: str, items: list[LocalFile]) -> list[StoredObject]:
        """A batch of small files in one call, a big file streamed on its own."""
        if not items:
            return []
        if len(items) == 1 and items[0].size > SMALL_FILE:
            return [await self.store.put_file(f"{name}/{items[0].path}", items[0].source)]
        return await self.store.put_files([(f"{name}/{item.path}", item.source) for item in items])

    async def _already_stored(
        self, name: str, item: LocalFile, recorded: dict[str, tuple[int, str | None]]
    ) -> bool:
        """A file a previous run stored and recorded is not sent again if its hash still matches."""
        found = recorded.get(item.path)
        if found is None or found[0] != item.size or found[1] is None:
            return False
        stat = await self.store.stat(f"{name}/{item.path}")
        if stat is None or stat.size != item.size:
            return False
        return await asyncio.to_thread(sha256_file, item.source) == found[1]

    async def _publish(
        self, asset_id: int, token: str, description: Description, local: list[LocalFile]
    ) -> None:
        name = description.name.name
        async with self.db.transaction() as session:
            await files.remove_except(session, asset_id, {f.path for f in local})
            stored = [{"size": size} for size, _ in (await files.recorded(session, asset_id)).values()]
            fields = published_fields(
                description, location=f"{self.store.url}/{name}", store_url=self.store.url, files=stored
            )
            if not await assets.publish(session, asset_id, token=token, fields=fields):
                raise Conflict(f"{name}: another ingest took over this registration")
            await write_related(session, [(asset_id, description)], now())

    async def _again(self, existing: Asset, description: Description, local: list[LocalFile]) -> IngestResult:
        """The same name again: its data must be the registered data (immutable); changed metadata
        files make a new version of each document that changed, identical ones are a no-op."""
        name = existing.name
        async with self.db.reader() as session:
            recorded = await files.of_asset(session, existing.id)
        await self._same_data(name, recorded, local)
        result = IngestResult(name, "unchanged", files=len(local), bytes=sum(f.size for f in local))
        if existing.metadata_digest == description.digest:
            return result
        failure = None
        for _attempt in range(3):
            try:
                stored = await self._update(existing.id, description, local, recorded)
                if stored is not None:
                    result.outcome, result.uploaded, result.warnings = "updated", stored, description.warnings
                return result
            except MetadataMoved as error:
                failure = error
        raise Conflict(f"{failure.message if failure else name}; try again")

    async def _same_data(self, name: str, recorded: dict[str, File], local: list[LocalFile]) -> None:
        """Every file but the metadata files must be the registered one: same paths, sizes, hashes."""
        registered = {path: row for path, row in recorded.items() if path not in METADATA_FILES}
        data = [item for item in local if item.path not in METADATA_FILES]
        for item in data:
            row = registered.get(item.path)
            if row is None:
                raise Conflict(f"{name}: {item.path} is not in the registered asset; {IMMUTABLE}")
            if row.size != item.size:
                raise Conflict(
                    f"{name}: {item.path} differs from the registered file (size {item.size} != {row.size}); "
                    f"{IMMUTABLE}"
                )
        missing = sorted(set(registered) - {item.path for item in data})
        if missing:
            raise Conflict(f"{name}: registered file {missing[0]} is missing from the folder; {IMMUTABLE}")
        semaphore = asyncio.Semaphore(self.concurrency)

        async def check(item: LocalFile) -> None:
            async with semaphore:
                if await asyncio.to_thread(sha256_file, item.source) != registered[item.path].sha256:
                    raise Conflict(
                        f"{name}: {item.path} differs from the registered file (sha256); {IMMUTABLE}"
                    )

        await asyncio.gather(*(check(item) for item in data))

    async def _update(
        self, asset_id: int, description: Description, local: list[LocalFile], recorded: dict[str, File]
    ) -> int | None:
        """A new metadata version planned from what is registered now; the changed metadata files
        are stored before it is written, so the store holds what the current version says. Returns
        how many files were stored, None when nothing changed after all. Raises ``MetadataMoved``
        if another writer came first."""
        name = description.name.name
        async with self.db.reader() as session:
            taken = (await assets.taken_by_name(session, [name]))[name]
            history = (await documents.history(session, [asset_id])).get(asset_id, [])
        update = plan_update(name, taken, history, description)
        if update is None:
            return None
        stored = []
        for item in local:
            if item.path in METADATA_FILES:
                digest = await asyncio.to_thread(sha256_file, item.source)
                row = recorded.get(item.path)
                if row is None or row.sha256 != digest:
                    key = f"{name}/{item.path}"
                    put = await self.store.put_file(key, item.source)
                    stored.append({"path": item.path, "size": put.size, "sha256": put.sha256, "key": key})
        update.fields.update(file_count=len(local), total_size=sum(item.size for item in local))
        async with self.db.transaction() as session:
            await apply_updates(session, [update], now())
            await files.replace(session, asset_id, stored)
            await files.remove_except(session, asset_id, {item.path for item in local})
        return len(stored)
