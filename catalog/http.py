"""Downloads for plain HTTP clients: a manifest of signed URLs, and a stable link per file.

``GET /manifest`` lists the files of the assets a filter selects (the GraphQL ``AssetFilter``
as JSON) with signed URLs: TSV for scripts, JSON, or an ``aria2c -i`` input file that keeps
the folder layout and checks hashes. ``GET /download/{asset}/{path}`` is a link that can be
shared or written down: it redirects to a fresh signed URL on every visit. Refusals are one
line of plain text with the status of the domain error."""

from __future__ import annotations

import dataclasses
import enum
import json
import re
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from types import NoneType, UnionType
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response, StreamingResponse
from strawberry.scalars import JSON

from catalog.config import Settings
from catalog.conventions.modalities import Vocabulary
from catalog.db.engine import Database
from catalog.errors import CatalogError, Invalid
from catalog.graphql.inputs import MAX_FILTER_NODES, AssetFilter, to_filter
from catalog.repo import filters
from catalog.services import manifests
from catalog.services.manifests import ManifestEntry
from catalog.storage.registry import StoreRegistry

Endpoint = Callable[[Request], Awaitable[Response]]
T = TypeVar("T")

MANIFEST_URL_LIFETIME = 24 * 3600
"""Default lifetime of manifest URLs: a long download must still be able to start its last file."""
DOWNLOAD_URL_LIFETIME = 3600
MAX_FILTER_CHARS = 16 * 1024
TSV_HEADER = "# url\tasset/path\tsize\tsha256\n"
_PARAMETERS = ("filter", "pathGlob", "expiresIn", "format")
_LINES_PER_CHUNK = 1000
_INTEGER = re.compile(r"-?[0-9]{1,12}")
_TSV_ESCAPES = str.maketrans({"\t": "\\t", "\n": "\\n", "\r": "\\r"})


def manifest_endpoint(
    settings: Settings, db: Database, stores: StoreRegistry, vocabulary: Vocabulary
) -> Endpoint:
    """``GET /manifest?filter=&pathGlob=&expiresIn=&format=tsv|json|aria2``: streams every matching file."""

    async def manifest(request: Request) -> Response:
        params = request.query_params
        try:
            unknown = set(params) - set(_PARAMETERS)
            if unknown:
                raise Invalid(f"unknown parameter {min(unknown)!r}: use {', '.join(_PARAMETERS)}")
            spec = to_filter(parse_filter(params.get("filter")), vocabulary)
            expires_in = min(
                _integer(params.get("expiresIn"), MANIFEST_URL_LIFETIME), settings.max_url_expiry
            )
            name = _format(params.get("format"))
            render, media_type = _FORMATS[name]
            entries, expires_at, truncated = await manifests.manifest(
                db,
                stores,
                filters.condition(db.dialect, spec),
                path_glob=params.get("pathGlob") or None,
                expires_in=expires_in,
            )
        except CatalogError as error:
            return _refusal(error)
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


def download_endpoint(settings: Settings, db: Database, stores: StoreRegistry) -> Endpoint:
    """``GET /download/{asset}/{path:path}``: a 302 to a signed URL of the file's bytes."""
    expires_in = min(DOWNLOAD_URL_LIFETIME, settings.max_url_expiry)

    async def download(request: Request) -> Response:
        asset, path = request.path_params["asset"], request.path_params["path"]
        try:
            url = await manifests.file_url(db, stores, asset, path, expires_in=expires_in)
        except CatalogError as error:
            return _refusal(error)
        return RedirectResponse(url, status_code=302, headers={"Cache-Control": "no-store"})

    return download


def _refusal(error: CatalogError) -> Response:
    return PlainTextResponse(" ".join(error.message.split()), status_code=error.http_status)


# -- the filter: GraphQL's AssetFilter input, spelled as JSON ---------------------------------


def parse_filter(text: str | None) -> AssetFilter | None:
    """The JSON of the GraphQL ``AssetFilter`` input (camelCase keys, enums by value) as that input."""
    if not text:
        return None
    if len(text) > MAX_FILTER_CHARS:
        raise Invalid(f"the filter has more than {MAX_FILTER_CHARS} characters")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise Invalid("the filter is not valid JSON") from None
    return _input(data, AssetFilter, "filter", 0)


def _input(data: object, cls: type[T], where: str, depth: int) -> T:
    """An instance of the strawberry input class ``cls`` (a dataclass) from a JSON object."""
    if not isinstance(data, dict):
        raise Invalid(f"{where} must be a JSON object")
    if depth > MAX_FILTER_NODES:
        raise Invalid(f"the filter nests more than {MAX_FILTER_NODES} levels deep")
    fields = _fields(cls)
    if unknown := set(data) - set(fields):
        raise Invalid(f"unknown field {min(unknown)!r} in {where}")
    if missing := {key for key, (_, _, required) in fields.items() if required} - set(data):
        raise Invalid(f"{where} needs {min(missing)!r}")
    return cls(**{fields[key][0]: _value(value, fields[key][1], key, depth) for key, value in data.items()})


def _fields(cls: type) -> dict[str, tuple[str, Any, bool]]:
    """GraphQL name → (Python name, type, required) of each field of an input class."""
    hints = get_type_hints(cls)
    return {
        _camel(field.name): (field.name, hints[field.name], _required(field))
        for field in dataclasses.fields(cls)
    }


def _value(value: Any, hint: Any, key: str, depth: int) -> Any:
    """``value`` as the field's Python type: checked as GraphQL would check it, converted as it would."""
    if value is None:
        if NoneType in get_args(hint):
            return None
        raise Invalid(f"{key} may not be null")
    if get_origin(hint) in (Union, UnionType):
        (hint,) = (arg for arg in get_args(hint) if arg is not NoneType)
    if get_origin(hint) is list:
        if not isinstance(value, list):
            raise Invalid(f"{key} must be a list")
        return [_value(item, get_args(hint)[0], key, depth) for item in value]
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _input(value, hint, key, depth + 1)
    if hint is JSON:
        return value
    if not isinstance(value, str):
        raise Invalid(f"{key} must be a string")
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _member(hint, value, key)
    if hint is datetime:
        return _datetime(value, key)
    if hint is str:
        return value
    raise TypeError(f"no conversion from JSON to {hint} for {key}")


def _member(kind: type[enum.Enum], value: str, key: str) -> enum.Enum:
    try:
        return kind(value)
    except ValueError:
        raise Invalid(f"{key} must be one of {', '.join(str(m.value) for m in kind)}") from None


def _datetime(value: str, key: str) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise Invalid(f"{key} must be an ISO 8601 date-time") from None


def _required(field: dataclasses.Field[Any]) -> bool:
    return field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING


def _camel(name: str) -> str:
    """``name_contains`` → ``nameContains``; ``and_`` → ``and``: the names the GraphQL schema shows."""
    head, *rest = name.rstrip("_").split("_")
    return head + "".join(part.capitalize() for part in rest)


# -- query parameters and renderings ----------------------------------------------------------


def _integer(text: str | None, default: int) -> int:
    if text is None:
        return default
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
