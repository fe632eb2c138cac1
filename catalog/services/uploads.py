"""Uploads without storage credentials: a writer declares an asset's files (path, size, sha256),
sends their bytes to presigned URLs, and completes; the catalog checks every file in the store
and publishes the asset in one transaction, described from its metadata files as folder ingest
describes it. Until then the asset is a pending claim nobody sees, that no ingest takes over;
an upload not completed within ``CATALOG_UPLOAD_LIFETIME`` expires (``expire``) and leaves
nothing behind. Opening the same name with the same files again, by the same token, resumes.

Drafts (processing with a person in the loop, docs/conventions.md): a derived asset built one
step (top-level folder, with its own ``processing.json``) at a time, visible to writers only;
the current step may be replaced, earlier ones not; ``seal`` makes it an ordinary asset once
its integrated top-level ``processing.json`` and ``quality_control.json`` are there.

The command line reaches these services through the client too (``catalog upload``: the
application in process, or a server), so one path serves every upload."""

from __future__ import annotations

import asyncio
import re
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError

from catalog import access
from catalog.access import Role, Viewer
from catalog.conventions.metadata import CORE_DOCUMENTS, parse_document
from catalog.conventions.names import AssetKind, parse_name
from catalog.db.models import AssetState
from catalog.errors import Conflict, Forbidden, Invalid, NotFound, UploadIncomplete
from catalog.limits import MAX_UPLOAD_FILES
from catalog.repo import assets, audit, documents, files, uploads
from catalog.services import claims
from catalog.services.describe import Description, describe
from catalog.services.register import apply_updates, now, plan_update, published_fields, write_related
from catalog.storage.base import validate_key
from catalog.storage.s3 import MAX_PARTS

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from sqlalchemy.ext.asyncio import AsyncSession

    from catalog.config import Settings
    from catalog.conventions.modalities import Vocabulary
    from catalog.db.engine import Database
    from catalog.db.models import Upload, UploadFile
    from catalog.storage import ObjectStore

SHA256 = re.compile(r"[0-9a-f]{64}")
NO_DRAFT = "primary assets never have drafts"
EARLIER_STEP = "earlier steps are not revisited; start a new asset"
HOLDER = "upload"
"""How an upload's claim names its holder: no process, so ingest asks ``uploads.holds`` instead."""
SEAL_NEEDS = ("processing", "quality_control")
"""The integrated top-level documents a draft needs before it is sealed."""


@dataclass(frozen=True, slots=True)
class Declared:
    """A file an upload will send: its path in the asset, size and sha256 (lowercase hex)."""

    path: str
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class PlannedFile:
    path: str
    size: int
    sha256: str
    stored: bool
    """Already in the store at its size (a resumed upload need not send it again)."""
    url: str | None
    """Where to PUT the whole file; None for one sent in parts (``part_urls``)."""
    part_size: int | None
    part_count: int
    parts_stored: list[int]


@dataclass(frozen=True, slots=True)
class Plan:
    id: str
    name: str
    draft: bool
    expires_at: datetime
    files: list[PlannedFile]


class Uploads:
    """Opens, signs, completes and aborts uploads into one database and one store, as the current
    viewer (``access.current()``): a writer or an admin."""

    def __init__(self, db: Database, store: ObjectStore, vocabulary: Vocabulary, settings: Settings) -> None:
        self.db = db
        self.store = store
        self.vocabulary = vocabulary
        self.lifetime = timedelta(seconds=settings.upload_lifetime)
        self.max_url_expiry = settings.max_url_expiry
        self.threshold = settings.multipart_threshold
        self.part_size = settings.multipart_chunk_size

    async def open(self, name: str, declared: Sequence[Declared], *, draft: bool = False) -> Plan:
        """A new upload of ``name``, or the one this viewer has open with the same files (resumed)."""
        owner = _writer("uploading").name
        step = _checked(name, declared, draft=draft)
        for _attempt in range(2):
            try:
                upload = await self._open(name, declared, draft=draft, step=step, owner=owner)
            except IntegrityError:  # another upload or ingest of the name came first
                raise Conflict(f"{name}: being registered or uploaded by someone else right now") from None
            if upload is not None:
                return await self._plan(upload)
        raise Conflict(f"{name}: being registered or uploaded by someone else right now")

    async def part_urls(self, upload_id: str, path: str, parts: Sequence[int]) -> list[tuple[int, str]]:
        """Presigned URLs of parts (numbered from 1) of a file the upload sends in parts."""
        upload, declared = await self._own_open(upload_id)
        row = next((f for f in declared if f.path == path), None)
        if row is None or row.part_size is None or row.parts_id is None:
            raise Invalid(f"{path!r} is not a file this upload sends in parts")
        count = _part_count(row.size, row.part_size)
        if bad := sorted({p for p in parts if not 1 <= p <= count}):
            raise Invalid(f"{path}: parts run from 1 to {count}, not {bad[0]}")
        expires_in = self._url_lifetime(upload)
        return [
            (
                p,
                self.store.presign_part(
                    row.key, row.parts_id, p, expires_in, size=_part_length(row.size, row.part_size, p)
                ),
            )
            for p in parts
        ]

    async def complete(self, upload_id: str) -> str:
        """Check every declared file in the store and publish the asset (or the draft's new state);
        the asset's name. An upload completed already answers the same."""
        _writer("uploading")
        async with self.db.reader() as session:
            upload = await uploads.get(session, upload_id)
        if upload is not None and upload.state == uploads.COMPLETED:
            return upload.name
        upload, declared = await self._own_open(upload_id)
        problems = await self._check_stored(declared)
        if problems:
            raise UploadIncomplete(f"{upload.name}: upload incomplete: {'; '.join(problems)}")
        async with self.db.reader() as session:
            asset = await assets.any_state_by_name(session, upload.name)
            recorded = await files.of_asset(session, _claimed(upload))
        if asset is None or asset.id != upload.asset_id:
            raise Conflict(f"{upload.name}: this upload lost its claim on the name (it expired)")
        if upload.draft and asset.state == AssetState.DRAFT:
            await self._grow_draft(upload, declared, recorded)
        else:
            await self._publish(upload, declared)
        return upload.name

    async def abort(self, upload_id: str) -> bool:
        """Drop an open upload and what it stored; False when it was not open."""
        viewer = _writer("uploading")
        async with self.db.reader() as session:
            upload = await uploads.get(session, upload_id)
        if upload is None or (upload.owner != viewer.name and viewer.role is not Role.ADMIN):
            raise NotFound(f"no upload {upload_id!r} of yours")
        if upload.state != uploads.OPEN:
            return False
        await self._discard(upload, uploads.ABORTED)
        return True

    async def expire(self, at: datetime | None = None) -> list[str]:
        """Discard every upload past its expiry: its objects, parts and pending claim. The names."""
        async with self.db.reader() as session:
            expired = await uploads.expired(session, at or now())
        for upload in expired:
            await self._discard(upload, uploads.ABORTED)
        return [upload.name for upload in expired]

    async def seal(self, name: str) -> None:
        """Make the draft ``name`` an ordinary, immutable asset, described from its top-level metadata."""
        _writer("sealing a draft")
        async with self.db.reader() as session:
            asset = await assets.any_state_by_name(session, name)
            if asset is None or asset.state == AssetState.PENDING:
                raise NotFound(f"no draft named {name!r}")
            if asset.state != AssetState.DRAFT:
                raise Conflict(f"{name}: not a draft (sealed already, or never one)")
            if await uploads.holds(session, asset.id, now()):
                raise Conflict(f"{name}: an upload to this draft is open; complete or abort it first")
            recorded = await files.of_asset(session, asset.id)
        found = await self._documents({p: r.key for p, r in recorded.items()}, name)
        if lacking := [d for d in SEAL_NEEDS if d not in found]:
            raise Invalid(
                f"{name}: a draft is sealed once its top-level {' and '.join(f'{d}.json' for d in lacking)} "
                "are written"
            )
        description = describe(name, found, self.vocabulary)
        async with self.db.transaction() as session:
            if not await assets.seal(session, asset.id):
                raise Conflict(f"{name}: not a draft (sealed already, or never one)")
            await self._new_metadata(session, asset.id, name, description)
            await audit.record(session, "draft.seal", [(name, {"files": len(recorded)})])

    async def _open(
        self, name: str, declared: Sequence[Declared], *, draft: bool, step: str | None, owner: str
    ) -> Upload | None:
        """The upload, resumed or new; None when an expired one was cleared first (try again)."""
        at = now()
        async with self.db.reader() as session:
            held = await uploads.open_for_name(session, name)
            held_files = await uploads.files_of(session, held.id) if held is not None else []
        if held is not None:
            if held.expires_at <= at:
                await self._discard(held, uploads.ABORTED)
                return None
            if held.owner != owner:
                raise Conflict(f"{name}: another token has an upload of it open")
            same = {(f.path, f.size, f.sha256) for f in held_files} == {
                (f.path, f.size, f.sha256) for f in declared
            }
            if held.draft != draft or not same:
                raise Conflict(f"{name}: you have an upload of it open with other files; abort it first")
            return held
        upload_id = uuid.uuid4().hex
        async with self.db.transaction() as session:
            asset_id = await self._claim(
                session, name, declared, draft=draft, step=step, token=upload_id, at=at
            )
            rows = [
                {
                    "path": f.path,
                    "size": f.size,
                    "sha256": f.sha256,
                    "key": f"{name}/{f.path}",
                    "part_size": self._part_size(f.size) if f.size > self.threshold else None,
                }
                for f in declared
            ]
            upload = {
                "id": upload_id,
                "asset_id": asset_id,
                "name": name,
                "owner": owner,
                "draft": draft,
                "step": step,
                "created_at": at,
                "expires_at": at + self.lifetime,
            }
            await uploads.add(session, upload, rows)
            await audit.record(
                session,
                "upload.open",
                [(name, {"upload": upload_id, "draft": draft, "step": step, "files": len(rows)})],
            )
        for item in declared:
            if item.size > self.threshold:
                parts_id = await self.store.start_parts(f"{name}/{item.path}")
                async with self.db.transaction() as session:
                    await uploads.set_parts_id(session, upload_id, item.path, parts_id)
        async with self.db.reader() as session:
            return await uploads.get(session, upload_id)

    async def _claim(
        self,
        session: AsyncSession,
        name: str,
        declared: Sequence[Declared],
        *,
        draft: bool,
        step: str | None,
        token: str,
        at: datetime,
    ) -> int:
        """The asset row the upload holds: a new pending claim, an abandoned one taken over, or the
        draft it adds to."""
        existing = await assets.any_state_by_name(session, name)
        if existing is None:
            kind = parse_name(name).kind.value
            return await assets.claim(session, name=name, kind=kind, token=token, holder=HOLDER, now=at)
        if existing.state == AssetState.READY:
            raise Conflict(f"{name}: already registered (registered assets are immutable)")
        if existing.state == AssetState.DRAFT:
            if not draft:
                raise Conflict(f"{name}: a draft; upload to it as a draft, or seal it")
            steps = await uploads.steps(session, existing.id)
            if step is not None and step in steps[:-1]:
                raise Conflict(f"{name}: {step} is an earlier step; {EARLIER_STEP}")
            return existing.id
        if await uploads.holds(session, existing.id, at) or not claims.abandoned(
            existing.claimed_by, existing.heartbeat_at, at
        ):
            raise Conflict(f"{name}: being registered or uploaded by someone else right now")
        if not await assets.take_over(
            session, existing.id, old_token=existing.claim_token, token=token, holder=HOLDER, now=at
        ):
            raise Conflict(f"{name}: being registered or uploaded by someone else right now")
        return existing.id

    async def _plan(self, upload: Upload) -> Plan:
        async with self.db.reader() as session:
            declared = await uploads.files_of(session, upload.id)
            recorded = await files.of_asset(session, _claimed(upload))
        expires_in = self._url_lifetime(upload)
        semaphore = asyncio.Semaphore(16)

        async def planned(row: UploadFile) -> PlannedFile:
            async with semaphore:
                if row.part_size is not None and row.parts_id is not None:
                    parts = await self.store.stored_parts(row.key, row.parts_id)
                    count = _part_count(row.size, row.part_size)
                    done = [
                        p
                        for p, size in sorted(parts.items())
                        if size == _part_length(row.size, row.part_size, p)
                    ]
                    stored = await self._present(row, recorded) if not parts else False
                    return PlannedFile(
                        row.path, row.size, row.sha256, stored, None, row.part_size, count, done
                    )
                url = self.store.presign_put(row.key, expires_in, size=row.size, sha256=row.sha256)
                stored = await self._present(row, recorded)
                return PlannedFile(row.path, row.size, row.sha256, stored, url, None, 0, [])

        planned_files = await asyncio.gather(*(planned(row) for row in declared))
        return Plan(upload.id, upload.name, upload.draft, upload.expires_at, list(planned_files))

    async def _present(self, row: UploadFile, recorded: dict[str, Any]) -> bool:
        """Whether the store holds the declared file: a draft's file recorded with this sha256, or
        an object of the declared size that is no recorded (older) version of the file."""
        known = recorded.get(row.path)
        if known is not None and known.key == row.key:
            return bool(known.sha256 == row.sha256 and known.size == row.size)
        info = await self.store.stat(row.key)
        return info is not None and info.size == row.size and info.sha256 in (None, row.sha256)

    async def _own_open(self, upload_id: str) -> tuple[Upload, list[UploadFile]]:
        viewer = _writer("uploading")
        async with self.db.reader() as session:
            upload = await uploads.get(session, upload_id)
            declared = await uploads.files_of(session, upload_id) if upload is not None else []
        if upload is None or upload.owner != viewer.name:
            raise NotFound(f"no upload {upload_id!r} of yours")
        if upload.state != uploads.OPEN:
            raise Conflict(f"upload {upload_id} of {upload.name} was {upload.state}")
        if upload.expires_at <= now():
            raise Conflict(f"upload {upload_id} of {upload.name} expired; open a new one")
        return upload, declared

    async def _check_stored(self, declared: Sequence[UploadFile]) -> list[str]:
        """What is wrong with the files in the store, one line each (nothing: all there, intact).
        Parts are joined first; a file of wrong bytes is deleted, so that sending it again fixes it."""
        semaphore = asyncio.Semaphore(16)

        async def check(row: UploadFile) -> str | None:
            async with semaphore:
                if row.part_size is not None and row.parts_id is not None:
                    missing = await self._join_parts(row, row.part_size, row.parts_id)
                    if missing:
                        return missing
                info = await self.store.stat(row.key)
                if info is None:
                    return f"{row.path} is missing"
                if info.size != row.size:
                    await self.store.delete(row.key)
                    return f"{row.path} has {info.size} bytes, not {row.size} (deleted: send it again)"
                found = info.sha256 or await self.store.sha256(row.key)
                if found != row.sha256:
                    await self.store.delete(row.key)
                    return f"{row.path} differs from its sha256 (deleted: send it again)"
                return None

        found = await asyncio.gather(*(check(row) for row in declared))
        return [problem for problem in found if problem]

    async def _join_parts(self, row: UploadFile, part_size: int, parts_id: str) -> str | None:
        """Join a file's parts once all are there; what is missing, if any."""
        parts = await self.store.stored_parts(row.key, parts_id)
        if not parts and (info := await self.store.stat(row.key)) is not None and info.size == row.size:
            await self.store.abort_parts(row.key, parts_id)  # joined before, or stored whole
            return None
        count = _part_count(row.size, part_size)
        lacking = [p for p in range(1, count + 1) if parts.get(p) != _part_length(row.size, part_size, p)]
        if lacking:
            shown = ", ".join(map(str, lacking[:10])) + (" ..." if len(lacking) > 10 else "")
            return f"{row.path} lacks parts {shown} of {count}"
        await self.store.finish_parts(row.key, parts_id)
        return None

    async def _publish(self, upload: Upload, declared: Sequence[UploadFile]) -> None:
        """The first completion: the asset (or the draft) becomes visible with its files."""
        name, asset_id = upload.name, _claimed(upload)
        description = await self._describe(name, {f.path: f.key for f in declared})
        if upload.draft:
            await self._check_step(upload, {f.path: f.key for f in declared})
        rows = [{"path": f.path, "size": f.size, "sha256": f.sha256, "key": f.key} for f in declared]
        fields = published_fields(
            description, location=f"{self.store.url}/{name}", store_url=self.store.url, files=rows
        )
        if upload.draft:
            fields["draft_step"] = upload.step
        async with self.db.transaction() as session:
            await files.replace(session, asset_id, rows)
            state = AssetState.DRAFT if upload.draft else AssetState.READY
            if not await assets.publish(session, asset_id, token=upload.id, fields=fields, state=state):
                raise Conflict(f"{name}: this upload lost its claim on the name (it expired)")
            await write_related(session, [(asset_id, description)], now())
            if upload.step is not None:
                await uploads.add_step(session, asset_id, upload.step, now())
            await self._closed(session, upload)

    async def _grow_draft(
        self, upload: Upload, declared: Sequence[UploadFile], recorded: dict[str, Any]
    ) -> None:
        """A later draft upload: a new step appended, or the current one replaced whole; top-level
        files added or replaced; the metadata follows the top-level documents."""
        name, step, asset_id = upload.name, upload.step, _claimed(upload)
        sent = {f.path: f.key for f in declared}
        await self._check_step(upload, sent)
        kept = {p: r.key for p, r in recorded.items() if step is None or not p.startswith(f"{step}/")}
        description = await self._describe(name, kept | sent)
        dropped = [r.key for p, r in recorded.items() if p not in kept and p not in sent]
        rows = [{"path": f.path, "size": f.size, "sha256": f.sha256, "key": f.key} for f in declared]
        async with self.db.transaction() as session:
            steps = await uploads.steps(session, asset_id)
            if step is not None and step in steps[:-1]:
                raise Conflict(f"{name}: {step} is an earlier step; {EARLIER_STEP}")
            if step is not None and step not in steps:
                await uploads.add_step(session, asset_id, step, now())
                steps.append(step)
            await files.remove_except(session, asset_id, set(kept) | set(sent))
            await files.replace(session, asset_id, rows)
            totals = [row.size for p, row in recorded.items() if p in kept and p not in sent]
            totals += [f.size for f in declared]
            await assets.set_draft_contents(
                session,
                asset_id,
                step=steps[-1] if steps else None,
                files=len(totals),
                size=sum(totals),
            )
            await self._new_metadata(session, asset_id, name, description)
            await self._closed(session, upload)
        for key in dropped:
            await self.store.delete(key)

    async def _new_metadata(
        self, session: AsyncSession, asset_id: int, name: str, description: Description
    ) -> None:
        taken = (await assets.taken_by_name(session, [name]))[name]
        history = (await documents.history(session, [asset_id])).get(asset_id, [])
        update = plan_update(name, taken, history, description, reason=None)
        if update is not None:
            await apply_updates(session, [update], now())

    async def _closed(self, session: AsyncSession, upload: Upload) -> None:
        if not await uploads.close(session, upload.id, uploads.COMPLETED):
            raise Conflict(f"upload {upload.id} of {upload.name} was completed or aborted meanwhile")
        await audit.record(
            session, "upload.complete", [(upload.name, {"upload": upload.id, "draft": upload.draft})]
        )

    async def _check_step(self, upload: Upload, sent: dict[str, str]) -> None:
        """A step's own ``processing.json`` must be a metadata document."""
        if upload.step is not None:
            path = f"{upload.step}/processing.json"
            parse_document(await self._read(sent[path]), f"{upload.name}/{path}")

    async def _describe(self, name: str, keys: dict[str, str]) -> Description:
        """The asset described from its top-level metadata files in the store, as ingest reads them."""
        return describe(name, await self._documents(keys, name), self.vocabulary)

    async def _documents(self, keys: dict[str, str], name: str) -> dict[str, Any]:
        found = {}
        for document in CORE_DOCUMENTS:
            key = keys.get(f"{document}.json")
            if key is not None:
                try:
                    found[document] = parse_document(await self._read(key), f"{document}.json")
                except Invalid as error:
                    raise type(error)(f"{name}: {error.message}") from None
        return found

    async def _read(self, key: str) -> bytes:
        return b"".join([chunk async for chunk in self.store.read(key)])

    async def _discard(self, upload: Upload, state: str) -> None:
        """Remove what an upload left (objects, parts), then its claim: in this order, so that a
        crash in between leaves it open, to be discarded again."""
        async with self.db.reader() as session:
            declared = await uploads.files_of(session, upload.id)
            asset = await assets.any_state_by_name(session, upload.name)
            ours = asset is not None and asset.id == upload.asset_id
            recorded = await files.of_asset(session, asset.id) if asset is not None and ours else {}
        claimed = (
            ours
            and asset is not None
            and asset.state == AssetState.PENDING
            and asset.claim_token == upload.id
        )
        # A draft keeps the files it recorded; a name another registration took over (an ingest,
        # after this upload expired) keeps every object: that one may be writing them right now.
        draft = ours and asset is not None and asset.state == AssetState.DRAFT
        for row in declared:
            if row.parts_id is not None:
                await self.store.abort_parts(row.key, row.parts_id)
            known = recorded.get(row.path)
            if claimed or (draft and (known is None or known.key != row.key)):
                await self.store.delete(row.key)
        async with self.db.transaction() as session:
            if await uploads.close(session, upload.id, state):
                await audit.record(session, "upload.abort", [(upload.name, {"upload": upload.id})])
            if claimed and asset is not None:
                await assets.remove_pending(session, asset.id, token=upload.id)

    def _url_lifetime(self, upload: Upload) -> int:
        """Seconds a URL lives: never past the upload, never beyond the server's cap (a second short
        of the upload's end, as a store counts from its own later clock reading)."""
        left = int((upload.expires_at - now()).total_seconds()) - 1
        return max(1, min(left, self.max_url_expiry))

    def _part_size(self, size: int) -> int:
        """The configured part size, grown when a file would need over 10,000 parts."""
        return max(self.part_size, -(-size // MAX_PARTS))


def _claimed(upload: Upload) -> int:
    """The asset an open upload holds: gone only with an abandoned upload's pending row."""
    if upload.asset_id is None:
        raise Conflict(f"{upload.name}: this upload lost its claim on the name (it expired)")
    return upload.asset_id


def _writer(what: str) -> Viewer:
    viewer = access.current()
    if viewer.role not in (Role.WRITER, Role.ADMIN):
        raise Forbidden(f"{what} takes a writer's or an admin's token")
    return viewer


def _checked(name: str, declared: Sequence[Declared], *, draft: bool) -> str | None:
    """Refuse a bad name or file list; a draft upload's step (its one top-level folder), if any."""
    parsed = parse_name(name)
    if draft and parsed.kind is not AssetKind.DERIVED:
        raise Invalid(f"{name}: {NO_DRAFT}")
    if not declared:
        raise Invalid(f"{name}: an upload declares at least one file")
    if len(declared) > MAX_UPLOAD_FILES:
        raise Invalid(f"{name}: at most {MAX_UPLOAD_FILES} files per upload, not {len(declared)}")
    seen: set[str] = set()
    for item in declared:
        validate_key(f"{name}/{item.path}")
        if item.path.endswith(".catalog-partial"):
            raise Invalid(f"{name}: file paths may not end with .catalog-partial")
        if item.path in seen:
            raise Invalid(f"{name}: {item.path} is declared twice")
        seen.add(item.path)
        if item.size < 0:
            raise Invalid(f"{name}: {item.path} has a negative size")
        if not SHA256.fullmatch(item.sha256):
            raise Invalid(f"{name}: {item.path}: a sha256 is 64 lowercase hex digits")
    return _step(name, [item.path for item in declared]) if draft else None


def _step(name: str, paths: Sequence[str]) -> str | None:
    folders = sorted({path.split("/", 1)[0] for path in paths if "/" in path})
    if len(folders) > 1:
        raise Invalid(
            f"{name}: a draft upload holds top-level files and at most one step folder, not {folders}"
        )
    if not folders:
        return None
    step = folders[0]
    if f"{step}/processing.json" not in paths:
        raise Invalid(f"{name}: step {step} needs its own {step}/processing.json")
    return step


def _part_count(size: int, part_size: int) -> int:
    return max(1, -(-size // part_size))


def _part_length(size: int, part_size: int, part: int) -> int:
    return min(part_size, size - (part - 1) * part_size)
