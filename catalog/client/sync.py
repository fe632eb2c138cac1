"""``Catalog``: the client for scripts and notebooks. Each method runs ``AsyncCatalog``'s on a
private event loop (``loop.BackgroundLoop``), so it also works inside Jupyter, whose own loop is
already running."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from catalog.client.aio import AsyncCatalog
from catalog.client.assets import Assets, AsyncAssets
from catalog.client.loop import BackgroundLoop
from catalog.limits import MAX_PAGE

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from pathlib import Path
    from types import TracebackType

    import httpx

    from catalog.client.results import Aggregate, Facets, Manifest, Provenance
    from catalog.client.transfers import DownloadSummary
    from catalog.client.uploads import UploadSummary

T = TypeVar("T")


class Catalog:
    """A catalog server: search its assets, count and group them, follow their lineage,
    download their files and upload new ones.

    >>> cat = Catalog("https://catalog.lab.org", token="cat_...")  # token: for private data
    >>> df = cat.assets(modality="ecephys", acquired_after="2023-01-01").to_dataframe()
    >>> cat.download(df.name[:20], "data/", include="*.nwb")
    >>> cat.upload("/scratch/ecephys_655568_2022-04-26_11-48-09_sorted_2023-05-01_10-00-00")

    Refusals raise ``catalog.client.CatalogError`` subclasses whose ``.code`` is the server's
    (``NotFound``, ``Invalid``, ``Unauthenticated``...). Use it in a ``with`` block, or call
    ``close()``, to release its connections and thread early."""

    def __init__(
        self,
        url: str,
        token: str | None = None,
        *,
        timeout: float = 60.0,
        mounts: Mapping[str, httpx.AsyncBaseTransport] | None = None,
    ) -> None:
        """``url``: the catalog's base URL; ``token``: a bearer token (``catalog token create``),
        needed only for private assets or a catalog without anonymous reading; ``timeout``:
        seconds to wait for an answer; ``mounts``: httpx transports by URL pattern, e.g.
        ``{"http://127.0.0.1:8000": httpx.ASGITransport(app)}`` to reach an application in this
        process (other URLs, such as an S3 bucket's signed links, go over the network)."""
        self._loop = BackgroundLoop()
        self.core = AsyncCatalog(url, token, timeout=timeout, mounts=mounts)

    @property
    def url(self) -> str:
        return self.core.url

    def __repr__(self) -> str:
        return f"Catalog({self.url!r})"

    def __enter__(self) -> Catalog:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._loop.run(self.core.aclose())
        self._loop.close()

    def query(self, text: str, /, **variables: Any) -> dict[str, Any]:
        """The ``data`` of a GraphQL request, for anything the methods below do not cover:
        ``cat.query("query($n: String!) { asset(name: $n) { files { edges { node { path } } } } }", n=name)``."""
        return self._loop.run(self.core.query(text, **variables))

    def assets(
        self, *, order_by: Any = None, page_size: int = MAX_PAGE, time_zone: str | None = None, **filters: Any
    ) -> Assets:
        """The assets matching every filter given, read lazily (see ``Assets``).

        Filters are the fields of the API's ``AssetFilter`` spelled in Python:
        ``modality="ecephys"`` (or a list: any of them), ``species="Mus musculus"``,
        ``project=...``, ``subject_id=...``, ``acquired_after="2023-01-01"`` (a date, a
        datetime, or ISO text; read in ``time_zone`` when it has no offset), ``names=[...]``
        (up to 10,000 at once), ``qc_status``, ``data_level``, ``file_count_min``,
        ``metadata=[{"document": "subject", "path": "genotype", "op": "contains", "value": "Cre"}]``,
        ``or_=[{...}, {...}]``, ``not_={...}``... A keyword the API does not know raises a
        TypeError listing the valid ones. ``order_by``: ``"acquired_at"``, ``"-acquired_at"``
        (descending) or a list of them (by name otherwise)."""
        return Assets(
            self.core.assets(order_by=order_by, page_size=page_size, time_zone=time_zone, **filters),
            self._loop,
        )

    def asset(self, name: str) -> dict[str, Any]:
        """One asset by name: its columns (as in ``assets().to_dataframe()``), ``metadata`` (every
        current document), ``derived_from`` and ``derivatives`` (names); NotFound if there is none."""
        return self._loop.run(self.core.asset(name))

    def facets(
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
        """Counts per value of each dimension among the assets the filters select:
        ``cat.facets(["modality", "species"], project="...")["modality"].values``.

        ``fields``: facet names (``modality``, ``species``, ``project``, ``year``, ``month``...;
        all when omitted); ``metadata_fields``: ``[{"document": "session", "path":
        "experimenter_full_name"}]``; ``unit``: ``"assets"`` or ``"subjects"``; ``disjunctive``:
        each facet ignores its own filter (a search page's counts)."""
        return self._loop.run(
            self.core.facets(
                fields,
                metadata_fields=metadata_fields,
                limit=limit,
                unit=unit,
                disjunctive=disjunctive,
                time_zone=time_zone,
                **filters,
            )
        )

    def aggregate(
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
        """Groups of the assets the filters select, measured in the database:
        ``cat.aggregate(group_by=["project", "month"], measures=["count", "avg:acquisition_duration"])``.

        ``group_by``: facet names, or ``{"path": {"document": ..., "path": ...}, "bucket": "year"}``;
        ``measures``: ``"op"`` or ``"op:field"`` (ops count, count_distinct, min, max, avg, sum;
        fields asset, subject, acquisition_duration, total_size, acquired_at...) or the API's
        ``Measure`` as a dict; ``having``, ``order_by``, ``unwind`` and ``formulas`` as in the
        API (README, "Analytical queries"). ``.to_dataframe()`` gives a row per group."""
        return self._loop.run(
            self.core.aggregate(
                group_by,
                measures,
                having=having,
                order_by=order_by,
                first=first,
                unwind=unwind,
                formulas=formulas,
                time_zone=time_zone,
                **filters,
            )
        )

    def files(
        self, *, sha256: str | None = None, key: str | None = None, first: int = 50
    ) -> list[dict[str, Any]]:
        """Which asset and path hold a file, by its content (``sha256``, 64 hexadecimal digits, any
        case) or where it is (``key``: ``ASSET/path``, or a URL in one of its asset's locations), at
        most ``first`` (up to 500): each as ``asset``, ``path``, ``size``, ``sha256`` and
        ``location`` (the file's URL in its asset's location; None for an asset without one)."""
        return self._loop.run(self.core.files(sha256=sha256, key=key, first=first))

    def locations(self, name: str) -> list[dict[str, Any]]:
        """Where an asset's folder is kept: where it was registered (``primary``), then the further
        copies in the order a download falls back to them; each with ``url``, ``label``,
        ``priority``, ``primary``, ``added_by``, ``added_at`` and ``fallback`` (whether manifests
        sign its copy of each file as an alternate)."""
        return self._loop.run(self.core.locations(name))

    def add_location(
        self, name: str, url: str, *, label: str | None = None, priority: int | None = None
    ) -> list[dict[str, Any]]:
        """List a further copy of an asset's folder (a writer's token): ``s3://bucket/prefix/NAME``,
        ``file:///dir/NAME``, ``https://...``; ``label`` a word for it (cold, lab-server...),
        ``priority`` its place in the order (1 first; default last). Returns its locations."""
        return self._loop.run(self.core.add_location(name, url, label=label, priority=priority))

    def remove_location(self, name: str, url: str) -> list[dict[str, Any]]:
        """Remove a further location of an asset (a writer's token; the primary stays). Returns its
        locations."""
        return self._loop.run(self.core.remove_location(name, url))

    def provenance(self, name: str, direction: str = "upstream", depth: int = 10) -> Provenance:
        """The lineage of an asset: ``"upstream"`` (what it came from), ``"downstream"`` (what
        came from it) or ``"both"``, up to ``depth`` hops; ``.to_networkx()`` makes it a graph.
        Names never registered (intermediates not kept) are nodes with ``registered`` False."""
        return self._loop.run(self.core.provenance(name, direction, depth))

    def manifest(
        self,
        assets: Assets | Iterable[str] | str,
        *,
        include: str | None = None,
        expires_in: int | None = None,
    ) -> Manifest:
        """The files of some assets (a result of ``assets()``, or names) with signed URLs, sizes
        and sha256s, without downloading them; ``include``: a path glob (``"*.nwb"``,
        ``"ecephys/**"``); ``expires_in``: seconds the URLs live (the server caps it)."""
        return self._loop.run(self.core.manifest(_core(assets), include=include, expires_in=expires_in))

    def download(
        self,
        assets: Manifest | Assets | Iterable[str] | str,
        dest: str | Path,
        *,
        include: str | None = None,
        parallel: int = 8,
        expires_in: int | None = None,
        quiet: bool = False,
    ) -> DownloadSummary:
        """Download the files of some assets (a result of ``assets()``, names, or a ``Manifest``)
        to ``dest/<asset>/<path>``, ``parallel`` at a time, with a progress bar unless ``quiet``;
        ``include``: a path glob (``"*.nwb"``), with names or a query; ``expires_in``: seconds
        the signed URLs live. A file above 64 MiB comes in byte ranges over several of the
        ``parallel`` connections.

        Run it again after an interruption: files in place with the recorded sha256 are skipped
        and partial ones (``.part``) resumed. Every file's sha256 is checked; one that differs is
        removed and raises ``Corrupted``. Links that expire on the way are signed again.
        Returns how many files were fetched, bytes received, files skipped, links renewed."""
        return self._loop.run(
            self.core.download(
                _core(assets), dest, include=include, parallel=parallel, expires_in=expires_in, quiet=quiet
            )
        )

    def upload(
        self,
        folder: str | Path,
        *,
        name: str | None = None,
        draft: bool = False,
        step: str | None = None,
        parallel: int = 8,
        quiet: bool = False,
    ) -> UploadSummary:
        """Register the asset folder ``folder`` (named ``name``, by default the folder's name)
        by sending its files to the catalog's store through signed URLs: a writer's token, no
        storage credentials. ``parallel`` files (or parts of big ones) travel at once, with a
        progress bar unless ``quiet``.

        Every file is hashed first; the catalog checks each size and sha256 in the store before
        the asset appears. Run it again after an interruption: what the store holds already is
        not sent again.

        Drafts, for processing validated step by step: ``draft=True, step="<subfolder>"`` sends
        that step's files (a new step, or the current one again to replace it; the subfolder
        holds the step's ``processing.json``); ``draft=True`` without a step sends the folder's
        top-level files (the integrated ``processing.json`` and ``quality_control.json``),
        then ``seal(name)``. Only writers see a draft. Returns what was sent."""
        return self._loop.run(
            self.core.upload(folder, name=name, draft=draft, step=step, parallel=parallel, quiet=quiet)
        )

    def seal(self, name: str) -> dict[str, Any]:
        """Freeze the draft ``name`` once its integrated metadata is in: the catalog checks its
        top-level ``processing.json`` and ``quality_control.json`` and makes it an ordinary,
        immutable asset that readers see. Returns its columns, as ``asset()``."""
        return self._loop.run(self.core.seal(name))


def _core(assets: Assets | T) -> AsyncAssets | T:
    """A lazy result as the asynchronous client takes it."""
    return assets.core if isinstance(assets, Assets) else assets
