"""``GET /manifest``: the files of the assets a filter selects, with signed URLs, streamed as
TSV for scripts, JSON, or an ``aria2c -i`` input file that keeps the folder layout and checks
hashes. The filter is the GraphQL ``AssetFilter`` as JSON, coerced exactly as GraphQL does."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from catalog.errors import Invalid
from catalog.graphql.coercion import coerce
from catalog.limits import MAX_FILTER_CHARS
from catalog.schemas.filters import AssetFilter, prepared
from catalog.services import manifests
from catalog.services.manifests import ManifestEntry
from catalog.web.inputs import read_json

if TYPE_CHECKING:
    from catalog.conventions.modalities import Vocabulary
    from catalog.db.engine import Database
    from catalog.storage.registry import StoreRegistry

Endpoint = Callable[[Request], Awaitable[Response]]

TSV_HEADER = "# url\tasset/path\tsize\tsha256\n"
_PARAMETERS = ("filter", "pathGlob", "expiresIn", "format")
_LINES_PER_CHUNK = 1000
_INTEGER = re.compile(r"-?[0-9]{1,12}")
_TSV_ESCAPES = str.maketrans({"\t": "\\t", "\n": "\\n", "\r": "\\r"})


def manifest_endpoint(db: Database, stores: StoreRegistry, vocabulary: Vocabulary) -> Endpoint:
    """``GET /manifest?filter=&pathGlob=&expiresIn=&format=tsv|json|aria2``: streams every matching file."""

    async def manifest(request: Request) -> Response:
        params = request.query_params
        if unknown := set(params) - set(_PARAMETERS):
            raise Invalid(f"unknown parameter {min(unknown)!r}: use {', '.join(_PARAMETERS)}")
        spec = prepared(parse_filter(params.get("filter")), vocabulary)
        name = _format(params.get("format"))
        render, media_type = _FORMATS[name]
        entries, expires_at, truncated = await manifests.manifest(
            db,
            stores,
            spec,
            path_glob=params.get("pathGlob") or None,
            expires_in=_seconds(params.get("expiresIn")),
        )
        return StreamingResponse(
            render(entries, truncated),
            media_type=media_type,
            headers={
                "Cache-Control": "no-store",
                "Content-Disposition": f'attachment; filename="manifest.{name}"',
                "X-Manifest-Expires-At": expires_at.isoformat(),
                "X-Manifest-Truncated": str(truncated).lower(),
            },
        )

    return manifest


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


def _tsv(entries: list[ManifestEntry], truncated: bool) -> Iterator[str]:
    """A line per file, for scripts (``cut -f1``, ``while IFS=$'\\t' read -r url path size sha256``).

    Not for ``wget -i`` as is: wget takes a whole line for a URL, tabs and all."""
    yield TSV_HEADER
    for chunk in _chunks(entries):
        yield "".join(
            f"{e.url}\t{_tsv_field(e.asset)}/{_tsv_field(e.path)}\t{e.size}\t{e.sha256 or ''}\n"
            for e in chunk
        )
    yield from _truncation(entries, truncated)


def _aria2(entries: list[ManifestEntry], truncated: bool) -> Iterator[str]:
    """An ``aria2c -i`` input file: each URL, then options saving it as ``asset/path`` and
    checking its SHA-256 (aria2c would otherwise name every file after its URL: raw.bin, raw.1.bin...)."""
    yield "# aria2c -i this-file: saves each file as asset/path and checks its sha256\n"
    for chunk in _chunks(entries):
        yield "".join(
            f"{e.url}\n  out={_tsv_field(e.asset)}/{_tsv_field(e.path)}\n"
            + (f"  checksum=sha-256={e.sha256}\n" if e.sha256 else "")
            for e in chunk
        )
    yield from _truncation(entries, truncated)


def _truncation(entries: list[ManifestEntry], truncated: bool) -> Iterator[str]:
    if truncated:
        yield f"# truncated: more than {len(entries)} files matched; narrow the filter or pathGlob\n"


def _tsv_field(text: str) -> str:
    """Tabs and line breaks are legal in paths, so they are written as ``\\t``, ``\\n``, ``\\r``."""
    return text.translate(_TSV_ESCAPES)


def _json(entries: list[ManifestEntry], _truncated: bool) -> Iterator[str]:
    """One JSON array, sent a chunk of objects at a time."""
    yield "["
    for number, chunk in enumerate(_chunks(entries)):
        yield ("," if number else "") + ",".join(json.dumps(dataclasses.asdict(e)) for e in chunk)
    yield "]\n"


def _chunks(entries: Sequence[ManifestEntry]) -> Iterator[Sequence[ManifestEntry]]:
    """Many lines per write: a write per line would cost more than formatting them."""
    for start in range(0, len(entries), _LINES_PER_CHUNK):
        yield entries[start : start + _LINES_PER_CHUNK]


_Render = Callable[[list[ManifestEntry], bool], Iterable[str]]
_FORMATS: Mapping[str, tuple[_Render, str]] = {
    "tsv": (_tsv, "text/tab-separated-values"),
    "json": (_json, "application/json"),
    "aria2": (_aria2, "text/plain"),
}
