"""The catalog from Python: search, count, lineage, downloads and uploads over the HTTP API.

>>> from catalog.client import Catalog
>>> cat = Catalog("https://catalog.lab.org")
>>> df = cat.assets(modality="ecephys", species="Mus musculus").to_dataframe()
>>> cat.download(df.name[:20], "data/", include="*.nwb", parallel=8)

``Catalog`` is for scripts and notebooks, ``AsyncCatalog`` for ``async`` code. Tables and graphs
need pandas and networkx: ``pip install 'catalog[client]'``."""

from catalog.client.aio import AsyncCatalog
from catalog.client.assets import Assets, AsyncAssets
from catalog.client.errors import TooComplex
from catalog.client.results import Aggregate, Facet, Facets, Manifest, ManifestFile, Provenance
from catalog.client.sync import Catalog
from catalog.client.transfers import DownloadSummary
from catalog.client.uploads import UploadSummary
from catalog.errors import (
    CatalogError,
    Conflict,
    Corrupted,
    Expired,
    Forbidden,
    Invalid,
    NotFound,
    TimedOut,
    TooLarge,
    Unauthenticated,
    Unavailable,
    UploadIncomplete,
)

__all__ = [
    "Aggregate",
    "Assets",
    "AsyncAssets",
    "AsyncCatalog",
    "Catalog",
    "CatalogError",
    "Conflict",
    "Corrupted",
    "DownloadSummary",
    "Expired",
    "Facet",
    "Facets",
    "Forbidden",
    "Invalid",
    "Manifest",
    "ManifestFile",
    "NotFound",
    "Provenance",
    "TimedOut",
    "TooComplex",
    "TooLarge",
    "Unauthenticated",
    "Unavailable",
    "UploadIncomplete",
    "UploadSummary",
]
