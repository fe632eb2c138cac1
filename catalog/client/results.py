"""Answers the client holds whole once fetched (facets, aggregates, lineage, manifests), as plain
data with the conversions a notebook wants: ``to_dataframe()`` and ``to_networkx()``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from catalog.client.extras import needing
from catalog.client.tables import frame

if TYPE_CHECKING:
    from collections.abc import Iterator

    import networkx as nx
    import pandas as pd

    from catalog.client.columns import Kind


@dataclass(frozen=True, slots=True)
class Facet:
    """Counts per value of one dimension, most frequent first (``None`` counts assets without one)."""

    field: str
    values: list[tuple[Any, int]]
    distinct_values: int
    truncated: bool
    """More values than the limit: only the most frequent are listed."""
    ignored: list[str]
    """The filter fields a disjunctive facet did not apply: its own."""


@dataclass(frozen=True, slots=True)
class Facets:
    """The facets of one request; ``facets["modality"]`` is one of them."""

    facets: list[Facet]

    def __getitem__(self, field: str) -> Facet:
        for facet in self.facets:
            if facet.field in (field, field.upper()):
                return facet
        raise KeyError(f"no facet {field!r}: these are {', '.join(f.field for f in self.facets)}")

    def __iter__(self) -> Iterator[Facet]:
        return iter(self.facets)

    def __len__(self) -> int:
        return len(self.facets)

    def to_dataframe(self) -> pd.DataFrame:
        """One row per facet and value: ``field`` (categorical), ``value``, ``count``."""
        records = [
            {"field": facet.field, "value": value, "count": count}
            for facet in self.facets
            for value, count in facet.values
        ]
        return frame(records, {"field": "category", "value": "object", "count": "integer"})


@dataclass(frozen=True, slots=True)
class Aggregate:
    """Groups and their measures; ``columns`` names the group keys, then measures and formulas."""

    columns: list[str]
    rows: list[dict[str, Any]]
    """Each group by column name; a time's MIN or MAX is ISO 8601 text."""
    truncated: bool
    """More groups matched than ``first``."""
    counts: frozenset[str] = field(default=frozenset())
    """The columns that count (COUNT, COUNT_DISTINCT): whole numbers."""
    keys: int = 0
    """How many of the columns are group keys."""

    def __len__(self) -> int:
        return len(self.rows)

    def to_dataframe(self) -> pd.DataFrame:
        """A row per group: text keys categorical, counts nullable integers (``Int64``), times
        aware datetimes, other measures floats."""
        return frame(
            self.rows, {name: self._kind(position, name) for position, name in enumerate(self.columns)}
        )

    def _kind(self, position: int, name: str) -> Kind:
        present = [row[name] for row in self.rows if row.get(name) is not None]
        text = bool(present) and all(isinstance(value, str) for value in present)
        if position < self.keys:
            return "category" if text else "object"
        if name in self.counts:
            return "integer"
        return "datetime" if text else "float"


@dataclass(frozen=True, slots=True)
class Provenance:
    """The lineage around one asset: its nodes (it first, then assets and names never registered,
    as the API gives them) and the edges between them, from a derived asset's name (``source``)
    to its input's (``target``)."""

    name: str
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    truncated: bool
    """The depth limit left some further asset out."""

    def to_networkx(self) -> nx.DiGraph[str]:
        """A DiGraph keyed by name whose edges point the way data flows, from an input to what was
        derived from it (so ``nx.descendants(g, name)`` is everything built on ``name``). Each node
        has ``hops`` (0: the asset asked about), ``registered``, ``redacted`` (False where the
        server does not say), ``process_label``, ``processed_at`` (of the other nodes) and, when
        registered, ``kind``, ``project``, ``data_level``, ``qc_status`` and ``acquired_at``;
        each edge its ``process``."""
        with needing("networkx"):
            import networkx as nx

        graph: nx.DiGraph[str] = nx.DiGraph(name=self.name, truncated=self.truncated)
        for node in self.nodes:
            graph.add_node(node["name"], **_node_attributes(node))
        for edge in self.edges:
            graph.add_edge(edge["target"], edge["source"], process=edge.get("process"))
        return graph


def _node_attributes(node: dict[str, Any]) -> dict[str, Any]:
    asset = node.get("asset") or {}
    return {
        "hops": node["hops"],
        "registered": node["registered"],
        "redacted": bool(node.get("redacted", False)),
        "process_label": node.get("processLabel"),
        "processed_at": _instant(node.get("processedAt")),
        "kind": asset.get("kind"),
        "project": asset.get("project"),
        "data_level": asset.get("dataLevel"),
        "qc_status": asset.get("qcStatus"),
        "acquired_at": _instant(asset.get("acquiredAt")),
    }


def _instant(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


@dataclass(frozen=True, slots=True)
class ManifestFile:
    """One file to download: where it goes (``asset/path``), what it must be, and a signed URL."""

    asset: str
    path: str
    size: int
    sha256: str | None
    url: str
    alternates: tuple[str, ...] = ()
    """Signed URLs of the same file in the asset's further locations, tried in order when ``url``
    fails."""


@dataclass(frozen=True, slots=True)
class Manifest:
    """The files of some assets with signed URLs valid until ``expires_at``; ``download`` takes it
    as it is, and signs a file's URL again when the store refuses it."""

    files: list[ManifestFile]
    expires_at: datetime
    truncated: bool
    """More files matched than one manifest lists: narrow the filter or the glob."""
    path_glob: str | None = None
    """The glob the files were chosen by (renewed links are chosen by it too)."""

    def __len__(self) -> int:
        return len(self.files)

    @property
    def total_size(self) -> int:
        """Bytes in all files listed."""
        return sum(file.size for file in self.files)
