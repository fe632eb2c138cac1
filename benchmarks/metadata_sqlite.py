"""Metadata predicates on SQLite: how fast the embedded default answers path predicates over large
arrays (light-sheet tiles) at a real lab's size.

1. A fresh SQLite catalog, migrated to head, loaded through the catalog's own import path
   (``catalog.services.imports.RecordImport``) with ``--records`` metadata records built from the
   real fixture records (``../shared/fixtures/records``): renamed copies of each (the first
   date-time of the name moved on by whole minutes, so names stay valid and distinct), laser and
   excitation powers scaled by a random factor per copy. About a third carry light-sheet
   acquisitions with hundreds of tiles, as the fixtures do.
2. In-process, through the repository functions the GraphQL resolvers call (one session, after
   a warm-up): p50 and p95 of (1) the number of assets with one tile whose channel has an
   excitation power above 25 and the channel name 561 (``elementMatch`` over ``acquisition.tiles``),
   (2) the number with any ``tiles.channel.excitation_power GT 25``, (3) a ``metadataFields``
   facet over ``tiles.channel.channel_name``, (4) a typed filter (``project``), the baseline, and
   (5) the floor of any reading that parses the JSON per query: one ``json_tree`` walk over the
   tiles of every acquisition document, testing nothing.
3. All of it twice, on two catalogs of the same records: one keeping the value index
   (``catalog.db.valueindex``, the default) and one reading the JSON documents (the index turned
   off), the baseline measured in the same run; the answers must agree. The import's time is
   reported for both.

Usage::

    .venv/bin/python benchmarks/metadata_sqlite.py [--records 10000] [--requests 20] [--no-results]

Prints a Markdown table and rewrites its section of ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import random
import re
import shlex
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

BENCHMARKS = Path(__file__).resolve().parent
REPO = BENCHMARKS.parent
sys.path[:0] = [str(BENCHMARKS)]

from results import preamble, verdict, write_section  # noqa: E402
from sqlalchemy import TextClause, func, select, text  # noqa: E402

from catalog.conventions.modalities import Vocabulary  # noqa: E402
from catalog.db.dialects import SQLiteDialect  # noqa: E402
from catalog.db.engine import Database  # noqa: E402
from catalog.db.migrate import upgrade  # noqa: E402
from catalog.db.models import Asset, AssetState  # noqa: E402
from catalog.repo import facets, filters  # noqa: E402
from catalog.schemas.enums import PredicateOp  # noqa: E402
from catalog.schemas.filters import AssetFilter, ElementPredicate, MetadataPredicate  # noqa: E402
from catalog.schemas.paths import MetadataPath  # noqa: E402
from catalog.services.imports import Record, RecordImport  # noqa: E402

SECTION = "## Metadata predicates on SQLite (benchmarks/metadata_sqlite.py)"
TARGET_MS = 50.0
"""The issue's target: tens of milliseconds at 10,000 records."""
WARMUP = 2
READING = (
    "Reading: reading the JSON documents costs at least one walk of every acquisition per query"
    " (the floor row: about 150 MB of JSON at 10,000 records), so no reading of the documents"
    " reaches tens of milliseconds. The value index answers from a B-tree keyed by (path, reading,"
    " value, asset): a predicate reads the rows of one value range, an elementMatch the rows of"
    " each condition with the positions of the elements holding them (one Python call per"
    " candidate asset intersects them), a facet the rows of one path. Its price is paid at"
    " registration: about 1,100 rows per record (every distinct value of every path, each reading"
    " of it), written into a B-tree ordered by path, so each batch touches pages all over it;"
    " the walk of the documents runs in the import's worker thread, beside the writes."
)
FIXTURES = REPO.parent / "shared" / "fixtures" / "records"
STAMP = re.compile(r"\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}")
POWERS = frozenset({"excitation_power", "laser_power"})


def records(count: int, seed: int = 11) -> list[Record]:
    """``count`` records: renamed copies of the fixture records, with varied powers."""
    originals = [json.loads(p.read_text()) for p in sorted(FIXTURES.glob("*.json"))]
    rng = random.Random(seed)
    made = []
    for index in range(count):
        record = copy.deepcopy(originals[index % len(originals)])
        copy_number = index // len(originals)
        if copy_number:
            record["name"] = _moved(record["name"], copy_number)
            _vary(record, rng.uniform(0.5, 1.5))
        made.append(Record(f"copy {index}", record))
    return made


def _moved(name: str, minutes: int) -> str:
    """The name with its first date-time moved on by ``minutes``."""
    stamp = STAMP.search(name)
    assert stamp is not None, name
    moment = datetime.strptime(stamp[0], "%Y-%m-%d_%H-%M-%S") + timedelta(minutes=minutes)
    return name[: stamp.start()] + f"{moment:%Y-%m-%d_%H-%M-%S}" + name[stamp.end() :]


def _vary(value: Any, factor: float) -> None:
    """Scale every laser or excitation power written as a number."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in POWERS and isinstance(inner, (int, float)) and not isinstance(inner, bool):
                value[key] = round(inner * factor, 2)
            else:
                _vary(inner, factor)
    elif isinstance(value, list):
        for inner in value:
            _vary(inner, factor)


def _tiles(*conditions: ElementPredicate) -> AssetFilter:
    return AssetFilter(
        metadata=[MetadataPredicate(document="acquisition", path="tiles", element_match=list(conditions))]
    )


QUERIES: dict[str, AssetFilter | MetadataPath | TextClause] = {
    "tile elementMatch (power > 25, channel 561), totalCount": _tiles(
        ElementPredicate(path="channel.excitation_power", op=PredicateOp.GT, value=25),
        ElementPredicate(path="channel.channel_name", op=PredicateOp.EQ, value="561"),
    ),
    "tiles.channel.excitation_power GT 25, totalCount": AssetFilter(
        metadata=[
            MetadataPredicate(
                document="acquisition", path="tiles.channel.excitation_power", op=PredicateOp.GT, value=25
            )
        ]
    ),
    "metadataFields facet over tiles.channel.channel_name": MetadataPath(
        document="acquisition", path="tiles.channel.channel_name"
    ),
    "typed filter (project), totalCount (baseline)": AssetFilter(project="Thalamus in the middle"),
    "floor: one json_tree walk over every acquisition's tiles": text(
        "SELECT count(*) FROM metadata_documents AS d JOIN metadata_contents AS c ON c.id = d.content_id,"
        " json_tree(c.content, '$.tiles') WHERE d.document = 'acquisition' AND d.is_current"
    ),
}


async def answer(db: Database, query: AssetFilter | MetadataPath | TextClause) -> Any:
    async with db.reader() as session:
        if isinstance(query, TextClause):
            return await session.scalar(query)
        if isinstance(query, MetadataPath):
            return len((await facets.metadata_counts(session, db.dialect, query, None, 50)).values)
        matching = filters.condition(db.dialect, query)
        return await session.scalar(
            select(func.count()).select_from(Asset).where(Asset.state == AssetState.READY, matching)
        )


async def measure(db: Database, requests: int) -> list[tuple[str, Any, float, float]]:
    rows = []
    for name, query in QUERIES.items():
        for _ in range(WARMUP):
            await answer(db, query)
        times = []
        for _ in range(requests):
            start = time.perf_counter()
            found = await answer(db, query)
            times.append((time.perf_counter() - start) * 1000)
        p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
        rows.append((name, found, statistics.median(times), p95))
    return rows


async def catalog_of(folder: str, made: list[Record], *, indexed: bool) -> tuple[Database, float]:
    """A fresh catalog holding ``made``, keeping the value index or not; the import's seconds."""
    SQLiteDialect.indexes_values = indexed  # the class attribute every reading and writing asks
    db = Database(f"sqlite+aiosqlite:///{folder}/{'indexed' if indexed else 'json'}.db")
    await upgrade(db)
    start = time.perf_counter()
    report = await RecordImport(db, Vocabulary())(iter(made))
    loaded = time.perf_counter() - start
    assert not report.errors, report.errors[:3]
    return db, loaded


async def main(arguments: argparse.Namespace) -> None:
    made = records(arguments.records)
    measured: dict[bool, tuple[float, list[tuple[str, Any, float, float]]]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for indexed in (False, True):
            db, loaded = await catalog_of(folder, made, indexed=indexed)
            measured[indexed] = (loaded, await measure(db, arguments.requests))
            await db.dispose()
    (json_load, json_rows), (index_load, index_rows) = measured[False], measured[True]
    for (name, json_answer, *_), (_, index_answer, *_) in zip(json_rows, index_rows, strict=True):
        assert json_answer == index_answer, (name, json_answer, index_answer)
    count = arguments.records
    command = "python benchmarks/metadata_sqlite.py " + shlex.join(sys.argv[1:])
    lines = [
        *preamble(SECTION, command.strip(), f"SQLite, {count:,} records imported through RecordImport"),
        "",
        "Each query is run on two catalogs of the same records: one reading the JSON documents (the"
        " baseline, measured in the same run) and one keeping the index of metadata values"
        " (`catalog/db/valueindex.py`, the default). Both give the same answers (checked).",
        "",
        f"| query | answer | JSON reading p50 ms | index p50 ms | index p95 ms | speed-up | under {TARGET_MS:.0f} ms |",
        "|---|---|---|---|---|---|---|",
        *(
            f"| {n} | {a} | {j50:.1f} | {p50:.1f} | {p95:.1f} | {j50 / p50:.0f}× | {verdict(p95 < TARGET_MS)} |"
            for (n, a, j50, _), (_, _, p50, p95) in zip(json_rows, index_rows, strict=True)
        ),
        "",
        f"| import of {count:,} records | without the index | with it | cost |",
        "|---|---|---|---|",
        f"| seconds (records/s) | {json_load:.1f} ({count / json_load:,.0f}/s) |"
        f" {index_load:.1f} ({count / index_load:,.0f}/s) | {index_load / json_load:.1f}× |",
        "",
        READING,
        "",
    ]
    print("\n".join(lines))
    if arguments.results:
        write_section(SECTION, "\n".join(lines))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--no-results", dest="results", action="store_false")
    asyncio.run(main(parser.parse_args()))
