"""``GET /manifest``: the files of the assets a filter selects, with signed URLs, streamed as
TSV for scripts, JSON, or an ``aria2c -i`` input file that keeps the folder layout and checks
hashes. The filter is the GraphQL ``AssetFilter`` as JSON, coerced exactly as GraphQL does.

The files are read, signed and sent a batch at a time, so the first line leaves after the first
batch, a small one (``manifests.FIRST_BATCH``). What fails before it (a bad request, the first read past its budget, an outage) is an
ordinary error with its status and code. A stream cannot change its status once sent: a failure
after the first byte ends the body with what the format allows (TSV and aria2: a line
``# incomplete: CODE: message``; JSON: an array never closed, which no parser accepts) and the
connection closes without HTTP's last chunk, so curl, wget and httpx report an incomplete
transfer instead of a short manifest. ``X-Manifest-Truncated`` is sent when the whole manifest
was read before the first byte; a longer one says it at its end (the ``# truncated:`` line)."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from catalog.errors import CatalogError, Invalid
from catalog.graphql.coercion import coerce
from catalog.limits import MAX_FILTER_CHARS
from catalog.schemas.filters import AssetFilter, prepared
from catalog.services import manifests
from catalog.services.manifests import ManifestStream
from catalog.web.encoding import encode
from catalog.web.inputs import read_json

if TYPE_CHECKING:
    from starlette.types import Send

    from catalog.conventions.modalities import Vocabulary
    from catalog.db.engine import Database
    from catalog.storage.registry import StoreRegistry

Endpoint = Callable[[Request], Awaitable[Response]]

TSV_HEADER = "# url\tasset/path\tsize\tsha256\n"
_PARAMETERS = ("filter", "pathGlob", "expiresIn", "format")
_INTEGER = re.compile(r"-?[0-9]{1,12}")
_TSV_ESCAPES = str.maketrans({"\t": "\\t", "\n": "\\n", "\r": "\\r"})
_log = logging.getLogger(__name__)


def manifest_endpoint(db: Database, stores: StoreRegistry, vocabulary: Vocabulary, batch: int) -> Endpoint:
    """``GET /manifest?filter=&pathGlob=&expiresIn=&format=tsv|json|aria2``: streams every matching
    file, ``batch`` files at a time."""

    async def manifest(request: Request) -> Response:
        params = request.query_params
        if unknown := set(params) - set(_PARAMETERS):
            raise Invalid(f"unknown parameter {min(unknown)!r}: use {', '.join(_PARAMETERS)}")
        spec = prepared(parse_filter(params.get("filter")), vocabulary)
        name = _format(params.get("format"))
        render, ending, media_type = _FORMATS[name]
        stream = await manifests.open_manifest(
            db,
            stores,
            spec,
            path_glob=params.get("pathGlob") or None,
            expires_in=_seconds(params.get("expiresIn")),
            batch=batch,
            first=manifests.FIRST_BATCH,
        )
        headers = {
            "Cache-Control": "no-store",
            "Content-Disposition": f'attachment; filename="manifest.{name}"',
            "X-Manifest-Expires-At": stream.expires_at.isoformat(),
        }
        if stream.complete:
            headers["X-Manifest-Truncated"] = str(stream.truncated).lower()
        return CutShortOnFailure(_ended(render(stream), ending), media_type=media_type, headers=headers)

    return manifest


class CutShortOnFailure(StreamingResponse):
    """A stream that a domain error ends without HTTP's last chunk: the server then closes the
    connection, and the client knows the body is incomplete (its status was sent long before)."""

    async def stream_response(self, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        try:
            async for chunk in self.body_iterator:
                body = chunk if isinstance(chunk, bytes | memoryview) else chunk.encode(self.charset)
                await send({"type": "http.response.body", "body": body, "more_body": True})
        except CatalogError as error:
            _log.warning("a streamed answer was cut short: %s: %s", error.code, error.message)
            return
        await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _ended(pieces: AsyncIterator[str], ending: Callable[[CatalogError], str]) -> AsyncIterator[str]:
    """The pieces, and after a failure the format's word for it before the failure goes on."""
    try:
        async for piece in pieces:
            yield piece
    except CatalogError as error:
        yield ending(error)
        raise


def parse_filter(text: str | None) -> AssetFilter | None:
    """The JSON of the GraphQL ``AssetFilter`` input (camelCase keys, enums by name) as that input."""
    if not text:
        return None
    if len(text) > MAX_FILTER_CHARS:
        raise Invalid(f"the filter has more than {MAX_FILTER_CHARS} characters")
    return coerce(read_json(text, "the filter"), AssetFilter, "filter")


def _seconds(text: str | None) -> int | None:
    if text is None:
        return None
    if not _INTEGER.fullmatch(text):
        raise Invalid(f"expiresIn must be a whole number of seconds, not {text!r}")
    return int(text)


def _format(text: str | None) -> str:
    name = text or "tsv"
    if name not in _FORMATS:
        raise Invalid(f"format must be one of {', '.join(_FORMATS)}, not {name!r}")
    return name


async def _tsv(stream: ManifestStream) -> AsyncIterator[str]:
    """A line per file, for scripts (``cut -f1``, ``while IFS=$'\\t' read -r url path size sha256``).

    Not for ``wget -i`` as is: wget takes a whole line for a URL, tabs and all."""
    yield TSV_HEADER
    async for batch in stream.batches():
        if batch:
            yield "".join(
                f"{e.url}\t{_tsv_field(f'{e.asset}/{e.path}')}\t{e.size}\t{e.sha256 or ''}\n" for e in batch
            )
    if stream.truncated:
        yield _truncation(stream)


async def _aria2(stream: ManifestStream) -> AsyncIterator[str]:
    """An ``aria2c -i`` input file: each URL, then options saving it as ``asset/path`` and
    checking its SHA-256 (aria2c would otherwise name every file after its URL: raw.bin, raw.1.bin...)."""
    yield "# aria2c -i this-file: saves each file as asset/path and checks its sha256\n"
    async for batch in stream.batches():
        if batch:
            yield "".join(
                f"{e.url}\n  out={_tsv_field(f'{e.asset}/{e.path}')}\n"
                + (f"  checksum=sha-256={e.sha256}\n" if e.sha256 else "")
                for e in batch
            )
    if stream.truncated:
        yield _truncation(stream)


def _truncation(stream: ManifestStream) -> str:
    return f"# truncated: more than {stream.listed} files matched; narrow the filter or pathGlob\n"


def _comment_ending(error: CatalogError) -> str:
    """A comment line, the last of an incomplete TSV or aria2 manifest."""
    return f"# incomplete: {error.code}: {error.message}\n"


def _tsv_field(text: str) -> str:
    """Tabs and line breaks are legal in paths, so they are written as ``\\t``, ``\\n``, ``\\r``;
    looked for first, as translating costs ten times more and almost no path holds one."""
    if "\t" in text or "\n" in text or "\r" in text:
        return text.translate(_TSV_ESCAPES)
    return text


async def _json(stream: ManifestStream) -> AsyncIterator[str]:
    """One JSON array, sent a batch of objects at a time."""
    yield "["
    first = True
    async for batch in stream.batches():
        if batch:
            yield ("" if first else ",") + encode(batch)[1:-1].decode()
            first = False
    yield "]\n"


def _unclosed(_error: CatalogError) -> str:
    """Nothing: the array stays open, and a JSON parser refuses the manifest."""
    return ""


_Render = Callable[[ManifestStream], AsyncIterator[str]]
_FORMATS: Mapping[str, tuple[_Render, Callable[[CatalogError], str], str]] = {
    "tsv": (_tsv, _comment_ending, "text/tab-separated-values"),
    "json": (_json, _unclosed, "application/json"),
    "aria2": (_aria2, _comment_ending, "text/plain"),
}
