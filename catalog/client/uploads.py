"""Uploading an asset folder through the catalog's signed PUT URLs: no storage credentials, only
a writer's token.

Every file is hashed first, because the upload is opened with each file's path, size and sha256.
The server's plan says what the store holds already (a crashed upload, opened again, resumes
there) and how to send the rest: a small file in one PUT, a big one part by part, its parts'
URLs signed on demand. ``parallel`` PUTs run at once, each streamed from disk a chunk at a time
(memory stays at ``parallel`` chunks), retried after a dropped connection and signed again when
the store refuses an expired URL. The asset appears only when the completing mutation has
checked every size and sha256 in the store."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO

import httpx

from catalog.client import documents
from catalog.client.errors import refusal
from catalog.client.progress import Credit, TransferProgress
from catalog.errors import CatalogError, Invalid
from catalog.folders import LocalFile, scan_folder
from catalog.storage.base import sha256_file

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
    from pathlib import Path

    Query = Callable[..., Awaitable[dict[str, Any]]]
    """``AsyncCatalog.query``: a GraphQL document and its variables, to the ``data`` of the answer."""

CHUNK = 1024 * 1024
"""Bytes read from disk and sent at once, per PUT in flight."""
ATTEMPTS = 3
"""Tries per PUT when the connection fails."""
PAUSE = 0.5
"""Seconds before the second try, twice that before the third."""
RENEWALS = 2
"""Fresh URLs per PUT when the store refuses one (expired)."""
PART_URLS = 100
"""Parts signed per request, as a big file's parts are reached."""
HASHING = 4
"""Files hashed at once (hashlib releases the GIL: threads use every core)."""
FORBIDDEN = 403


@dataclass(frozen=True, slots=True)
class UploadSummary:
    """What an upload did."""

    name: str
    """The asset."""
    files: int
    """Files sent (whole or in parts)."""
    bytes: int
    """Bytes sent (of a resumed file, only the rest)."""
    skipped: int
    """Files the store already held: a resumed upload, or a draft step's files sent before."""
    draft: bool
    """Whether the asset is a draft (visible to writers only, until sealed)."""
    step: str | None
    """A draft's current step."""


@dataclass(frozen=True, slots=True)
class _Piece:
    """One PUT: a whole file (``part`` 0) or one part of it."""

    path: str
    source: Path
    part: int
    start: int
    length: int


def chosen_files(folder: Path, *, draft: bool, step: str | None) -> list[LocalFile]:
    """What an upload sends of ``folder``: everything; for a draft's step, the files of that
    subfolder (each step lives in its own); for a draft without a step, its top-level files (the
    integrated metadata written last)."""
    if not folder.is_dir():
        raise Invalid(f"{folder} is not a folder")
    found = scan_folder(folder)
    if step is not None:
        if not draft:
            raise ValueError("a step belongs to a draft: upload(..., draft=True, step=...)")
        step = step.strip("/")
        found = [file for file in found if file.path.startswith(f"{step}/")]
        if not found:
            raise Invalid(f"the step folder {folder / step} holds no files")
    elif draft:
        found = [file for file in found if "/" not in file.path]
        if not found:
            raise Invalid(f"{folder} holds no top-level files to add to the draft")
    elif not found:
        raise Invalid(f"{folder} holds no files")
    return found


async def upload(
    query: Query,
    http: httpx.AsyncClient,
    folder: Path,
    *,
    name: str | None,
    draft: bool,
    step: str | None,
    parallel: int,
    quiet: bool,
) -> UploadSummary:
    """Send ``folder`` (or the part of it a draft's step names) as the asset ``name`` (by
    default the folder's name) and complete the upload."""
    if parallel < 1:
        raise ValueError(f"parallel must be at least 1, not {parallel}")
    local = await asyncio.to_thread(chosen_files, folder, draft=draft, step=step)
    declared = await _declared(local)
    opened = {"name": name or folder.name, "files": declared, "draft": draft}
    plan = (await query(documents.OPEN_UPLOAD, **opened))["openUpload"]
    sources = {file.path: file.source for file in local}
    pieces = [piece for entry in plan["files"] for piece in _pieces(entry, sources[entry["path"]])]
    size = sum(piece.length for piece in pieces)
    stored = sum(1 for entry in plan["files"] if entry["stored"])
    sending = _Sending(query, http, plan, opened, pieces)
    with TransferProgress(len(plan["files"]) - stored, size, quiet=quiet, label="upload") as progress:
        sending.progress = progress
        pending = iter(pieces)
        try:
            async with asyncio.TaskGroup() as group:
                for _ in range(min(parallel, len(pieces))):
                    group.create_task(sending.work(pending))
        except ExceptionGroup as failed:  # the first failure stopped the others: it is the news
            raise failed.exceptions[0] from None
    asset = (await query(documents.COMPLETE_UPLOAD, uploadId=plan["id"]))["completeUpload"]
    return UploadSummary(
        asset["name"], len(plan["files"]) - stored, size, stored, asset["draft"], asset["draftStep"]
    )


async def _declared(local: list[LocalFile]) -> list[dict[str, Any]]:
    """Each file's path, size and sha256, as ``openUpload`` takes them."""
    gate = asyncio.Semaphore(HASHING)

    async def hashed(file: LocalFile) -> dict[str, Any]:
        async with gate:
            digest = await asyncio.to_thread(sha256_file, file.source)
        return {"path": file.path, "size": file.size, "sha256": digest}

    return list(await asyncio.gather(*(hashed(file) for file in local)))


def _pieces(entry: dict[str, Any], source: Path) -> list[_Piece]:
    """The PUTs a planned file still needs: none once stored, else the whole file or its missing
    parts."""
    if entry["stored"]:
        return []
    size = int(entry["size"])
    if not entry["partCount"]:
        return [_Piece(entry["path"], source, 0, 0, size)]
    part_size, received = int(entry["partSize"]), set(entry["partsStored"])
    return [
        _Piece(
            entry["path"], source, part, (part - 1) * part_size, min(part_size, size - (part - 1) * part_size)
        )
        for part in range(1, entry["partCount"] + 1)
        if part not in received
    ]


class _Sending:
    def __init__(
        self,
        query: Query,
        http: httpx.AsyncClient,
        plan: dict[str, Any],
        opened: dict[str, Any],
        pieces: list[_Piece],
    ) -> None:
        self._query, self._http, self._opened = query, http, opened
        self._upload = plan["id"]
        self._urls: dict[tuple[str, int], str] = {
            (entry["path"], 0): entry["url"] for entry in plan["files"] if entry["url"]
        }
        self._part_counts = {entry["path"]: entry["partCount"] for entry in plan["files"]}
        self._left = Counter(piece.path for piece in pieces)
        """PUTs still to make per file: the file is done when its count reaches 0."""
        self._signing = asyncio.Lock()
        self.progress: TransferProgress

    async def work(self, pending: Iterator[_Piece]) -> None:
        """Send pieces from the shared queue until it is empty."""
        for piece in pending:
            await self._send(piece)
            self._left[piece.path] -= 1
            if not self._left[piece.path]:
                self.progress.finished()

    async def _send(self, piece: _Piece) -> None:
        renewals, attempt = 0, 0
        while True:
            url = await self._url(piece)
            credit = Credit(self.progress)
            try:
                response = await self._http.put(
                    url,
                    content=_chunks(piece, credit),
                    headers={"Content-Length": str(piece.length)},
                )
            except httpx.TransportError:
                credit.at(0)
                attempt += 1
                if attempt == ATTEMPTS:
                    raise
                await asyncio.sleep(PAUSE * attempt)
                continue
            if response.status_code == FORBIDDEN and renewals < RENEWALS:
                credit.at(0)
                renewals += 1
                await self._renew(piece, url)
                continue
            if not response.is_success:
                raise refusal(response) or CatalogError(
                    f"HTTP {response.status_code} sending {piece.path}"
                    + (f" (part {piece.part})" if piece.part else "")
                )
            return

    async def _url(self, piece: _Piece) -> str:
        """The piece's signed URL; a big file's parts are signed a batch at a time, as reached."""
        key = (piece.path, piece.part)
        if key in self._urls:
            return self._urls[key]
        async with self._signing:
            if key not in self._urls:
                await self._sign_parts(piece.path, piece.part)
        return self._urls[key]

    async def _sign_parts(self, path: str, first: int) -> None:
        parts = list(range(first, min(first + PART_URLS, self._part_counts[path] + 1)))
        signed = await self._query(documents.UPLOAD_PART_URLS, uploadId=self._upload, path=path, parts=parts)
        self._urls.update({(path, item["part"]): item["url"] for item in signed["uploadPartUrls"]})

    async def _renew(self, piece: _Piece, refused: str) -> None:
        """Sign the piece's URL again (an expired one), unless another worker just did."""
        async with self._signing:
            if self._urls.get((piece.path, piece.part)) != refused:
                return
            if piece.part:
                await self._sign_parts(piece.path, piece.part)
                return
            plan = (await self._query(documents.OPEN_UPLOAD, **self._opened))["openUpload"]
            self._urls.update({(entry["path"], 0): entry["url"] for entry in plan["files"] if entry["url"]})


async def _chunks(piece: _Piece, credit: Credit) -> AsyncIterator[bytes]:
    """The piece's bytes, read from disk a chunk at a time as the connection takes them."""
    handle: BinaryIO = await asyncio.to_thread(piece.source.open, "rb")
    try:
        await asyncio.to_thread(handle.seek, piece.start)
        sent = 0
        while sent < piece.length:
            chunk = await asyncio.to_thread(handle.read, min(CHUNK, piece.length - sent))
            if not chunk:
                raise Invalid(f"{piece.source} changed while it was being uploaded (it is shorter)")
            sent += len(chunk)
            credit.at(sent)
            yield chunk
    finally:
        await asyncio.to_thread(handle.close)
