"""``AsyncCatalog``: the client itself, over httpx. ``Catalog`` runs these same methods from
synchronous code; their arguments are described there."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from catalog.client import documents, inputs
from catalog.client.assets import AsyncAssets
from catalog.client.columns import ASSET_COLUMNS, record
from catalog.client.errors import parsed, refusal
from catalog.client.results import Aggregate, Facet, Facets, Manifest, ManifestFile, Provenance
from catalog.client.transfers import DownloadSummary, download
from catalog.client.uploads import UploadSummary, upload
from catalog.errors import CatalogError, NotFound
from catalog.limits import MAX_NAMES, MAX_PAGE
from catalog.schemas.aggregates import AggregateOrder, HavingPredicate
from catalog.schemas.enums import AggregateOp, CountUnit, FacetField, ProvenanceDirection
from catalog.schemas.paths import MetadataPath

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from types import TracebackType

COUNTING = {AggregateOp.COUNT.name, AggregateOp.COUNT_DISTINCT.name}


class AsyncCatalog:
    """A catalog server, for ``async`` code: ``async with AsyncCatalog(url) as cat: ...``.

    Each method is ``Catalog``'s, awaited; ``assets()`` returns its lazy result at once
    (``async for``, ``await result.count()``, ``await result.to_dataframe()``)."""

    def __init__(
        self,
        url: str,
        token: str | None = None,
        *,
        timeout: float = 60.0,
        mounts: Mapping[str, httpx.AsyncBaseTransport] | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        # The token goes with requests to the catalog only, never to a signed link's host: an S3
        # presigned URL refuses a second credential, and the token is not theirs to see.
        self._credentials = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout, connect=10.0), mounts=dict(mounts) if mounts else None
        )
        self._fields: dict[str, frozenset[str]] = {}

    async def __aenter__(self) -> AsyncCatalog:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def query(self, text: str, /, **variables: Any) -> dict[str, Any]:
        response = await self._http.post(
            f"{self.url}/graphql", json={"query": text, "variables": variables}, headers=self._credentials
        )
        body = parsed(response)  # once: a table's answer is megabytes
        if (error := refusal(response, body)) is not None:
            raise error
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict):
            raise CatalogError(f"{self.url}/graphql did not answer as a GraphQL API")
        return data

    def assets(
        self, *, order_by: Any = None, page_size: int = MAX_PAGE, time_zone: str | None = None, **filters: Any
    ) -> AsyncAssets:
        spec = inputs.asset_filter(filters, "assets()")
        order = inputs.order(order_by) if order_by is not None else None
        return AsyncAssets(self, spec, order, page_size, time_zone)

    async def asset(self, name: str) -> dict[str, Any]:
        found = (await self.query(documents.ASSET, name=name))["asset"]
        if found is None:
            raise NotFound(f"no asset named {name!r}")
        return {
            **record(found, ASSET_COLUMNS),
            "metadata": found["metadata"],
            "derived_from": [asset["name"] for asset in found["derivedFrom"]],
            "derivatives": [asset["name"] for asset in found["derivatives"]],
        }

    async def facets(
        self,
        fields: Any = None,
        *,
        metadata_fields: Any = None,
        limit: int = 100,
        unit: str = "assets",
        disjunctive: bool = False,
        time_zone: str | None = None,
        **filters: Any,
    ) -> Facets:
        data = await self.query(
            documents.FACETS,
            filter=inputs.asset_filter(filters, "facets()"),
            fields=None
            if fields is None
            else [inputs.enum_name(FacetField, f, "fields") for f in inputs.listed(fields)],
            metadataFields=None
            if metadata_fields is None
            else [
                inputs.input_object(MetadataPath, m, "metadata_fields")
                for m in inputs.listed(metadata_fields)
            ],
            limit=limit,
            unit=inputs.enum_name(CountUnit, unit, "unit"),
            disjunctive=disjunctive,
            timeZone=time_zone,
        )
        return Facets(
            [
                Facet(
                    facet["field"],
                    [(value["value"], value["count"]) for value in facet["values"]],
                    facet["distinctValues"],
                    facet["truncated"],
                    facet["ignored"],
                )
                for facet in data["facets"]
            ]
        )

    async def aggregate(
        self,
        group_by: Any = (),
        measures: Any = ("count",),
        *,
        having: Any = None,
        order_by: Any = None,
        first: int = 100,
        unwind: Any = None,
        formulas: Any = None,
        time_zone: str | None = None,
        **filters: Any,
    ) -> Aggregate:
        keys = [inputs.group_key(key) for key in inputs.listed(group_by)]
        measured = [inputs.measure(spec) for spec in inputs.listed(measures)]
        data = await self.query(
            documents.AGGREGATE,
            filter=inputs.asset_filter(filters, "aggregate()"),
            groupBy=keys,
            measures=measured,
            having=_objects(HavingPredicate, having, "having"),
            orderBy=_objects(AggregateOrder, order_by, "order_by"),
            first=first,
            unwind=None if unwind is None else inputs.input_object(MetadataPath, unwind, "unwind"),
            formulas=None if formulas is None else inputs.listed(formulas),
            timeZone=time_zone,
        )
        result = data["aggregate"]
        columns: list[str] = result["columns"]
        measure_columns = columns[len(keys) : len(keys) + len(measured)]
        return Aggregate(
            columns=columns,
            rows=[row["record"] for row in result["rows"]],
            truncated=result["truncated"],
            counts=frozenset(
                name for name, m in zip(measure_columns, measured, strict=True) if m["op"] in COUNTING
            ),
            keys=len(keys),
        )

    async def files(
        self, *, sha256: str | None = None, key: str | None = None, first: int = 50
    ) -> list[dict[str, Any]]:
        if (sha256 is None) == (key is None):
            raise TypeError("files(): give sha256 or key, one of them")
        if sha256 is not None:
            found = (await self.query(documents.FILE_BY_SHA256, sha256=sha256, first=first))["fileBySha256"]
        else:
            found = (await self.query(documents.FILE_BY_KEY, key=key, first=first))["fileByKey"]
        return [_placed(place) for place in found]

    async def locations(self, name: str) -> list[dict[str, Any]]:
        asset = (await self.query(documents.LOCATIONS, name=name))["asset"]
        if asset is None:
            raise NotFound(f"no asset named {name!r}")
        return [_location(found) for found in asset["locations"]]

    async def add_location(
        self, name: str, url: str, *, label: str | None = None, priority: int | None = None
    ) -> list[dict[str, Any]]:
        data = await self.query(documents.ADD_LOCATION, name=name, url=url, label=label, priority=priority)
        return [_location(found) for found in data["addLocation"]]

    async def remove_location(self, name: str, url: str) -> list[dict[str, Any]]:
        data = await self.query(documents.REMOVE_LOCATION, name=name, url=url)
        return [_location(found) for found in data["removeLocation"]]

    async def provenance(self, name: str, direction: str = "upstream", depth: int = 10) -> Provenance:
        node_fields = documents.PROVENANCE_NODE
        if "redacted" in await self._fields_of("ProvenanceNode"):
            node_fields += " redacted"
        data = await self.query(
            documents.provenance(node_fields),
            name=name,
            direction=inputs.enum_name(ProvenanceDirection, direction, "direction"),
            depth=depth,
        )
        asset = data["asset"]
        if asset is None:
            raise NotFound(f"no asset named {name!r}")
        graph = asset.pop("provenance")
        origin = {
            "name": name,
            "hops": 0,
            "registered": True,
            "processLabel": asset["processLabel"],
            "asset": asset,
        }
        return Provenance(name, [origin, *graph["nodes"]], graph["edges"], graph["truncated"])

    async def manifest(
        self,
        assets: AsyncAssets | Iterable[str] | str,
        *,
        include: str | None = None,
        expires_in: int | None = None,
    ) -> Manifest:
        if isinstance(assets, AsyncAssets) and assets.time_zone is None:
            return await self._manifest(assets.filter or {}, include, expires_in)
        # Names, or a query whose dates a time zone reads (which a manifest cannot be told).
        names = (
            [item["name"] async for item in assets]
            if isinstance(assets, AsyncAssets)
            else inputs.listed(assets)
        )
        parts = [
            await self._manifest(
                inputs.asset_filter({"names": names[start : start + MAX_NAMES]}) or {}, include, expires_in
            )
            for start in range(0, len(names), MAX_NAMES)
        ]
        return Manifest(
            [file for part in parts for file in part.files],
            min((part.expires_at for part in parts), default=datetime.now().astimezone()),
            any(part.truncated for part in parts),
            include,
        )

    async def download(
        self,
        assets: Manifest | AsyncAssets | Iterable[str] | str,
        dest: str | Path,
        *,
        include: str | None = None,
        parallel: int = 8,
        expires_in: int | None = None,
        quiet: bool = False,
    ) -> DownloadSummary:
        if isinstance(assets, Manifest) and include is not None:
            raise ValueError("a manifest's files are chosen already: include goes with names or a query")
        manifest = (
            assets
            if isinstance(assets, Manifest)
            else await self.manifest(assets, include=include, expires_in=expires_in)
        )

        async def renew(asset: str) -> Manifest:
            return await self._manifest({"name": asset}, manifest.path_glob, expires_in)

        return await download(
            manifest, Path(dest), http=self._http, renew=renew, parallel=parallel, quiet=quiet
        )

    async def upload(
        self,
        folder: str | Path,
        *,
        name: str | None = None,
        draft: bool = False,
        step: str | None = None,
        parallel: int = 8,
        quiet: bool = False,
    ) -> UploadSummary:
        return await upload(
            self.query,
            self._http,
            Path(folder),
            name=name,
            draft=draft,
            step=step,
            parallel=parallel,
            quiet=quiet,
        )

    async def seal(self, name: str) -> dict[str, Any]:
        return record((await self.query(documents.SEAL_DRAFT, name=name))["sealDraft"], ASSET_COLUMNS)

    async def _manifest(self, spec: dict[str, Any], include: str | None, expires_in: int | None) -> Manifest:
        data = await self.query(documents.MANIFEST, filter=spec, pathGlob=include, expiresIn=expires_in)
        found = data["downloadManifest"]
        return Manifest(
            [
                ManifestFile(
                    file["asset"],
                    file["path"],
                    int(file["size"]),
                    file["sha256"],
                    file["url"],
                    tuple(file["alternates"]),
                )
                for file in found["files"]
            ],
            datetime.fromisoformat(found["expiresAt"]),
            found["truncated"],
            include,
        )

    def _lacks(self, type_name: str, field: str) -> bool:
        """Whether the server is already known not to have a field (its type's fields were asked)."""
        known = self._fields.get(type_name)
        return known is not None and field not in known

    async def _fields_of(self, type_name: str) -> frozenset[str]:
        """The fields the server's schema gives a type (asked once): a newer field is asked for
        only where the server has it."""
        if type_name not in self._fields:
            found = (await self.query(documents.TYPE_FIELDS, name=type_name))["__type"] or {}
            self._fields[type_name] = frozenset(field["name"] for field in found.get("fields") or ())
        return self._fields[type_name]


def _placed(place: dict[str, Any]) -> dict[str, Any]:
    """A ``FileLocation`` answer as ``files()`` gives it."""
    location = place["asset"]["location"]
    return {
        "asset": place["asset"]["name"],
        "path": place["path"],
        "size": int(place["file"]["size"]),
        "sha256": place["file"]["sha256"],
        "location": f"{location}/{place['path']}" if location else None,
    }


def _location(found: dict[str, Any]) -> dict[str, Any]:
    """A location in Python spelling, its time a datetime."""
    added_at = found["addedAt"]
    return {
        "url": found["url"],
        "label": found["label"],
        "priority": found["priority"],
        "primary": found["primary"],
        "added_by": found["addedBy"],
        "added_at": None if added_at is None else datetime.fromisoformat(added_at),
        "fallback": found["fallback"],
    }


def _objects(cls: type, values: Any, where: str) -> list[dict[str, Any]] | None:
    return (
        None
        if values is None
        else [inputs.input_object(cls, value, where) for value in inputs.listed(values)]
    )
