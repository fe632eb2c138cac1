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
    "Reading: a path predicate is answered without a Python call per JSON node (natively by "
    "key, one REGEXP per candidate member: `_reached_by` / `_Walk` in `catalog/db/dialects/"
    "sqlite.py`): a single predicate costs a small multiple of walking the documents once (the "
    "floor row); an elementMatch also parses each element again per condition, and a "
    "`metadataFields` facet reads values through one FROM item (`Reached`), which still computes "
    "the path of every array element it visits. The target is missed by design of the reading "
    "itself: every query parses every acquisition document (about 150 MB of JSON at 10,000 "
    "records), so no reading of the JSON at query time reaches tens of milliseconds. What would: "
    "an index table of reached values (document, path, value as number / instant / text, element "
    "position), written at registration and read by B-tree, as the typed columns are."
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
        "SELECT count(*) FROM metadata_documents, json_tree(content, '$.tiles')"
        " WHERE document = 'acquisition' AND is_current"
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


async def main(arguments: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite+aiosqlite:///{folder}/catalog.db")
        await upgrade(db)
        made = records(arguments.records)
        start = time.perf_counter()
        report = await RecordImport(db, Vocabulary())(iter(made))
        loaded = time.perf_counter() - start
        assert not report.errors, report.errors[:3]
        rows = await measure(db, arguments.requests)
        await db.dispose()
    command = "python benchmarks/metadata_sqlite.py " + shlex.join(sys.argv[1:])
    lines = [
        *preamble(
            SECTION,
            command.strip(),
            f"SQLite, {arguments.records:,} records imported through RecordImport in {loaded:.0f} s",
        ),
        "",
        f"| query | answer | p50 ms | p95 ms | under {TARGET_MS:.0f} ms |",
        "|---|---|---|---|---|",
        *(f"| {n} | {a} | {p50:.1f} | {p95:.1f} | {verdict(p95 < TARGET_MS)} |" for n, a, p50, p95 in rows),
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
