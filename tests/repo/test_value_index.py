"""The embedded default's index of metadata values (``metadata_values``, SQLite only) holds, for
every current document, exactly the readings a plain reading of the raw JSON gives at each path,
with the elements of the first array crossed that each value occurs at; predicates, element
matches and facets read from it select what the JSON reading of the documents selects."""

from __future__ import annotations

import copy
import json
from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest
from databases import copy_sqlite
from sqlalchemy import select, text
from test_metadata_predicates import holding_every_record, raw_records, records

from catalog.conventions.metadata import documents_from_record
from catalog.conventions.modalities import Vocabulary
from catalog.conventions.paths import SEGMENT, parse_path, values_at
from catalog.db import migrate
from catalog.db.engine import Database
from catalog.db.jsonvalues import instant_key, is_number, read_number
from catalog.db.models import (
    Asset,
    AssetState,
    IndexedPath,
    IndexedValue,
    MetadataContent,
    MetadataDocument,
)
from catalog.db.valueindex import Space, element_meet
from catalog.limits import MAX_PATH_SEGMENTS
from catalog.repo import facets, filters
from catalog.schemas.enums import PredicateOp
from catalog.schemas.filters import AssetFilter, ElementPredicate, MetadataPredicate
from catalog.schemas.paths import MetadataPath
from catalog.services.imports import Record, RecordImport

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterable
    from pathlib import Path

__all__ = ["records"]  # the fixture of every real record's documents, shared

Row = tuple[str, int, Any]
"""(path, space, value) of one indexed reading."""


@pytest.fixture(scope="module")
def sqlite_url(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite catalog at the head revision: the dialect keeping the index."""
    path = tmp_path_factory.mktemp("db") / "catalog.db"
    copy_sqlite(sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture(scope="module")
async def loaded(sqlite_url: str, fixtures_dir: Path) -> AsyncIterator[Database]:
    """A SQLite catalog holding every real record, registered metadata-only."""
    database = await holding_every_record(sqlite_url, fixtures_dir)
    yield database
    await database.dispose()


def key_paths(value: Any, prefix: tuple[str, ...] = ()) -> Iterable[tuple[str, ...]]:
    """Every path of keys in a document a request can name, arrays crossed."""
    if isinstance(value, list):
        for item in value:
            yield from key_paths(item, prefix)
    elif isinstance(value, dict):
        for key, inner in value.items():
            if SEGMENT.match(key) and len(prefix) < MAX_PATH_SEGMENTS:
                yield (*prefix, key)
                yield from key_paths(inner, (*prefix, key))


def readings(value: Any) -> set[tuple[int, Any]]:
    """A value's readings as predicates read it (``catalog.db.jsonvalues``)."""
    if isinstance(value, str):
        number = read_number(value)
        found = {(Space.TEXT, value)} if number is None else {(Space.NUMERAL, value), (Space.NUMERIC, number)}
        if (instant := instant_key(value)) is not None:
            found.add((Space.INSTANT, instant))
        return found
    if isinstance(value, bool):
        return {(Space.TRUE if value else Space.FALSE, 0)}
    if value is None:
        return set()  # left out
    if isinstance(value, dict):
        return {(Space.OBJECT, 0)}
    return {(Space.NUMBER, value)}


def expected_rows(document: dict[str, Any]) -> set[Row]:
    """The plain reading: at every path, each reading of each value ``values_at`` reaches."""
    return {
        (".".join(path), space, read)
        for path in set(key_paths(document))
        for value in values_at(document, list(path))
        for space, read in readings(value)
    }


async def indexed(db: Database) -> dict[tuple[str, str], dict[Row, tuple[int | None, str | None]]]:
    """The rows of each (asset name, document): (path, space, value) → (crossed, elements)."""
    query = (
        select(Asset.name, IndexedPath.document, IndexedPath.path, IndexedValue.space, IndexedValue.value)
        .add_columns(IndexedValue.crossed, IndexedValue.elements)
        .join(IndexedValue, IndexedValue.asset_id == Asset.id)
        .join(IndexedPath, IndexedPath.id == IndexedValue.path_id)
    )
    found: dict[tuple[str, str], dict[Row, tuple[int | None, str | None]]] = {}
    async with db.reader() as session:
        for name, document, path, space, value, crossed, elements in await session.execute(query):
            found.setdefault((name, document), {})[(path, space, value)] = (crossed, elements)
    return found


async def test_the_index_holds_every_reading_a_plain_reading_reaches(
    loaded: Database, records: dict[str, dict[str, Any]]
) -> None:
    expected = {
        (name, document): rows
        for name, documents in records.items()
        for document, content in documents.items()
        if (rows := expected_rows(content))
    }
    assert sum(map(len, expected.values())) > 10_000  # many paths, arrays and nested arrays among them
    found = {key: set(rows) for key, rows in (await indexed(loaded)).items()}
    assert found == expected


def first_array(document: dict[str, Any], path: list[str]) -> tuple[int, list[Any]] | None:
    """Where a path first crosses an array (how many keys lead to it) and its elements, nested
    arrays flattened; None when it crosses none."""
    node: Any = document
    for depth, key in enumerate(path, start=1):
        node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, list):
            return depth, values_at({"a": node}, ["a"])
    return None


async def test_each_row_names_the_elements_of_the_first_array_its_value_occurs_at(
    loaded: Database, records: dict[str, dict[str, Any]]
) -> None:
    checked = 0
    for (name, document), rows in (await indexed(loaded)).items():
        content = records[name][document]
        by_path: dict[str, list[tuple[tuple[int, Any], tuple[int | None, str | None]]]] = {}
        for (path, space, value), where in rows.items():
            by_path.setdefault(path, []).append(((space, value), where))
        for path, found in by_path.items():
            segments = parse_path(path)
            array = first_array(content, segments)
            if array is None:
                assert {where for _, where in found} == {(None, None)}
                continue
            depth, items = array
            below = segments[depth:]
            per_element = [
                {r for v in (values_at(item, below) if below else [item]) for r in readings(v)}
                for item in items
            ]
            for reading, (crossed, elements) in found:
                assert crossed == depth
                assert elements is not None
                named = {i for i in range(len(items)) if int(elements, 16) >> i & 1}
                assert named == {i for i, held in enumerate(per_element) if reading in held}
                checked += 1
    assert checked > 10_000


PATHS_ASKED = 90


def cases(records: dict[str, dict[str, Any]]) -> list[tuple[str, str, str, Any]]:
    """Predicates over many paths of the fixtures (an even sample of every path any holds), with
    values taken from them: every op the index answers, on strings, numbers (also written as
    strings), instants, booleans, nulls, objects."""
    reached: dict[tuple[str, str], Any] = {}
    for documents in records.values():
        for document, content in documents.items():
            for path in key_paths(content):
                values = values_at(content, list(path))
                if values and (document, ".".join(path)) not in reached:
                    reached[(document, ".".join(path))] = values[len(values) // 2]
    every = sorted(reached, key=repr)[:: max(1, len(reached) // PATHS_ASKED)]
    return [case for document, path in every for case in _cases_at(document, path, reached[(document, path)])]


def _cases_at(document: str, path: str, value: Any) -> list[tuple[str, str, str, Any]]:
    at = [(document, path, "EXISTS", True), (document, path, "EXISTS", False)]
    at += [(document, path, "TYPE", kind) for kind in ("string", "number", "boolean", "null", "object")]
    if isinstance(value, str):
        at += [(document, path, op, value) for op in ("EQ", "NE", "LT", "GTE", "CONTAINS")]
        at += [(document, path, "IN", [value, "x"]), (document, path, "ICONTAINS", value[:3].upper() or "a")]
        at.append((document, path, "MATCHES", "^[0-9]"))
        if (number := read_number(value)) is not None:
            at += [(document, path, op, number) for op in ("EQ", "GT", "LTE")]
    elif is_number(value) and abs(value) < 2**53:
        at += [(document, path, op, value) for op in ("EQ", "GT", "LTE", "CONTAINS")]
        at.append((document, path, "IN", [value, str(value)]))
    elif isinstance(value, bool) or value is None:
        at += [(document, path, "EQ", value), (document, path, "IN", [value])]
    return at


async def selected(db: Database, matching: Any) -> set[str]:
    async with db.reader() as session:
        query = select(Asset.name).where(Asset.state == AssetState.READY, matching)
        return set(await session.scalars(query))


def current_holding(document: str, holds: Any) -> Any:
    """The assets whose current ``document`` satisfies ``holds`` (a reading of its content)."""
    return Asset.id.in_(
        select(MetadataDocument.asset_id)
        .join(MetadataContent, MetadataContent.id == MetadataDocument.content_id)
        .where(MetadataDocument.document == document, MetadataDocument.is_current.is_(True), holds)
    )


async def json_selected(db: Database, document: str, path: str, op: str, value: Any) -> set[str]:
    """The assets the dialect's JSON reading selects: the reference."""
    negated = op == "NE" or (op == "EXISTS" and value is False)
    positive_op, positive_value = (
        ("EQ", value) if op == "NE" else ("EXISTS", True) if negated else (op, value)
    )
    holds = db.dialect.predicate(MetadataContent.__table__.c.content, path, positive_op, positive_value)
    found = await selected(db, current_holding(document, holds))
    return (await selected(db, Asset.id.is_not(None))) - found if negated else found


async def index_selected(db: Database, document: str, path: str, op: str, value: Any) -> set[str]:
    spec = AssetFilter(
        metadata=[MetadataPredicate(document=document, path=path, op=PredicateOp(op), value=value)]
    )
    return await selected(db, filters.condition(db.dialect, spec))


async def test_an_indexed_predicate_selects_what_the_json_reading_selects(
    loaded: Database, records: dict[str, dict[str, Any]]
) -> None:
    asked = cases(records)
    assert len(asked) > 300
    differing = [
        case for case in asked if await index_selected(loaded, *case) != await json_selected(loaded, *case)
    ]
    assert differing == []
    selecting = [case for case in asked if await index_selected(loaded, *case)]
    assert len(selecting) > len(asked) / 3  # the cases select something: not vacuous


ARRAYS = [
    ("acquisition", "tiles"),
    ("acquisition", "tiles.channel"),
    ("procedures", "subject_procedures"),
    ("procedures", "subject_procedures.procedures"),  # behind an array: the JSON settles it
    ("session", "data_streams"),
    ("data_description", "investigators"),
    ("processing", "processing_pipeline.data_processes"),
    ("rig", "light_sources"),
    ("session", "stimulus_epochs"),
]


def element_cases(
    records: dict[str, dict[str, Any]],
) -> list[tuple[str, str, list[tuple[str, str, Any]], bool]]:
    """Element matches over real arrays: two scalar fields of one element (it matches), the same
    fields taken from two different elements (some documents hold no element with both), and one
    field with a negated or unindexable second condition; each with whether it is the first,
    which must select at least the record it was taken from."""
    found = []
    for document, path in ARRAYS:
        for documents in records.values():
            elements = [
                e for e in values_at(documents.get(document), parse_path(path)) if isinstance(e, dict)
            ]
            fields = [
                [(k, v) for k, v in e.items() if isinstance(v, (str, int, float)) and SEGMENT.match(k)]
                for e in elements
            ]
            if len(fields) < 2 or len(fields[0]) < 2 or len(fields[-1]) < 2:
                continue
            (k1, v1), (k2, v2) = fields[0][:2]
            other = dict(fields[-1]).get(k2, v2)
            found += [
                (document, path, [(k1, "EQ", v1), (k2, "EQ", v2)], True),
                (document, path, [(k1, "EQ", v1), (k2, "EQ", other)], False),
                (document, path, [(k1, "EQ", v1), (k2, "NE", v2)], False),
                (document, path, [(k1, "EXISTS", True), (k2, "LENGTH_GT", 0)], False),
            ]
            break
    return found


async def test_an_indexed_element_match_selects_what_the_json_reading_selects(
    loaded: Database, records: dict[str, dict[str, Any]]
) -> None:
    asked = element_cases(records)
    assert {(d, p) for d, p, _, _ in asked} == set(ARRAYS)
    content = MetadataContent.__table__.c.content
    differing, empty = [], []
    for document, path, conditions, one_element in asked:
        as_conditions = [(p, op, v, None) for p, op, v in conditions]
        holds = loaded.dialect.element_match(content, path, as_conditions)
        reference = await selected(loaded, current_holding(document, holds))
        elements = [ElementPredicate(path=p, op=PredicateOp(op), value=v) for p, op, v in conditions]
        spec = AssetFilter(metadata=[MetadataPredicate(document=document, path=path, element_match=elements)])
        found = await selected(loaded, filters.condition(loaded.dialect, spec))
        if found != reference:
            differing.append((document, path, conditions, found ^ reference))
        if one_element and not found:
            empty.append((document, path))
    assert differing == []
    assert empty == []


def test_element_meet_finds_an_element_every_condition_names() -> None:
    assert element_meet("3;6") == 1  # elements {0, 1} and {1, 2} share 1
    assert element_meet("1,4;2") == 0  # {0, 2} and {1}
    assert element_meet("1,4;4,8;c") == 1  # {0, 2}, {2, 3}, {2, 3}: 2
    assert element_meet(None) == 0


FACETS = [
    ("subject", "sex"),
    ("subject", "genotype"),
    ("procedures", "subject_procedures.procedures.injection_volume"),
    ("procedures", "subject_procedures.procedures.procedure_type"),
    ("acquisition", "tiles.channel.channel_name"),
    ("acquisition", "tiles.channel.laser_power"),
    ("data_description", "modality.abbreviation"),
    ("data_description", "investigators.name"),
    ("session", "data_streams.stream_modalities.abbreviation"),
    ("quality_control", "evaluations.metrics.value"),
]


def facet_reference(records: dict[str, dict[str, Any]], document: str, path: str) -> list[tuple[Any, int]]:
    """A facet by a plain reading: per scalar value (nulls left out) the assets reaching it, a
    number and a string writing it one value; the assets reaching none under None."""
    counted: Counter[str] = Counter()
    missing = 0
    for documents in records.values():
        reached = [v for v in values_at(documents.get(document), parse_path(path)) if v is not None]
        spelled = set()
        for value in reached:
            if isinstance(value, (dict, bool)):
                spelled |= {json.dumps(value)} if isinstance(value, bool) else set()
                continue
            number = value if is_number(value) else read_number(value)
            if number is not None:
                value = int(number) if float(number).is_integer() else float(number)
            spelled.add(json.dumps(value))
        counted.update(spelled)
        missing += not spelled
    found = [(json.loads(key), n) for key, n in counted.items()]
    return sorted(found, key=repr) + ([(None, missing)] if missing else [])


@pytest.mark.parametrize(("document", "path"), FACETS)
async def test_a_facet_over_a_path_counts_what_a_plain_reading_counts(
    loaded: Database, records: dict[str, dict[str, Any]], document: str, path: str
) -> None:
    async with loaded.reader() as session:
        counts = await facets.metadata_counts(
            session, loaded.dialect, MetadataPath(document=document, path=path), None, 1000
        )
    nulls = [item for item in counts.values if item[0] is None]
    found = sorted((item for item in counts.values if item[0] is not None), key=repr) + nulls
    expected = facet_reference(records, document, path)
    assert found == expected
    assert counts.distinct == len(expected)
    assert len(expected) > 1


@pytest.fixture(scope="module")
async def loaded_anywhere(module_migrated_database_url: str, fixtures_dir: Path) -> AsyncIterator[Database]:
    """Every real record, registered metadata-only, on each dialect."""
    database = await holding_every_record(module_migrated_database_url, fixtures_dir)
    yield database
    await database.dispose()


@pytest.mark.parametrize(("document", "path"), FACETS)
async def test_a_facet_read_from_the_documents_counts_what_a_plain_reading_counts(
    loaded_anywhere: Database,
    records: dict[str, dict[str, Any]],
    document: str,
    path: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where no index serves it (PostgreSQL, or a path the index does not hold): an asset reaching a
    number and a string writing it counts once, under the number."""
    monkeypatch.setattr(type(loaded_anywhere.dialect), "indexes_values", False)
    async with loaded_anywhere.reader() as session:
        counts = await facets.metadata_counts(
            session, loaded_anywhere.dialect, MetadataPath(document=document, path=path), None, 1000
        )
    nulls = [item for item in counts.values if item[0] is None]
    found = sorted((item for item in counts.values if item[0] is not None), key=repr) + nulls
    expected = facet_reference(records, document, path)
    assert found == expected
    assert counts.distinct == len(expected)


@pytest.fixture
async def sqlite_db(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[Database]:
    """An empty SQLite catalog of its own at the head revision."""
    copy_sqlite(sqlite_template, tmp_path / "catalog.db")
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'catalog.db'}")
    yield database
    await database.dispose()


async def test_a_new_metadata_version_replaces_its_rows(sqlite_db: Database, fixtures_dir: Path) -> None:
    record = next(
        r
        for r in raw_records(fixtures_dir)
        if isinstance(r.get("subject"), dict) and r["subject"].get("sex") and r.get("procedures")
    )
    changed = copy.deepcopy(record)
    changed["subject"]["sex"] = "Unknown sex"
    changed["subject"]["new_field"] = [[{"depth": "2.5"}], 3]
    changed["procedures"] = None  # the document is removed
    register = RecordImport(sqlite_db, Vocabulary())
    assert (await register([Record(record["name"], record)])).errors == []
    assert (await register([Record(record["name"], changed)])).errors == []

    expected = {
        (record["name"], document): rows
        for document, content in documents_from_record(changed).items()
        if (rows := expected_rows(content))
    }
    assert {key: set(rows) for key, rows in (await indexed(sqlite_db)).items()} == expected
    assert ("new_field.depth", Space.NUMERIC, 2.5) in expected[(record["name"], "subject")]
    assert await index_selected(sqlite_db, "subject", "new_field.depth", "GT", 2) == {record["name"]}
    assert await index_selected(sqlite_db, "subject", "sex", "EQ", record["subject"]["sex"]) == set()
    assert await index_selected(sqlite_db, "procedures", "subject_id", "EXISTS", True) == set()


async def test_an_upgrade_fills_the_index_of_a_catalog_registered_before_it(
    sqlite_db: Database, fixtures_dir: Path, loaded: Database
) -> None:
    """A catalog taken down to revision 0007 (which drops the index) gets, on upgrade, the very
    rows registration writes; so does one whose rows follow another reading (``PRAGMA
    user_version``)."""
    report = await RecordImport(sqlite_db, Vocabulary())(
        Record(r["name"], r) for r in raw_records(fixtures_dir)
    )
    assert report.errors == []
    registered = await indexed(loaded)
    await migrate.downgrade(sqlite_db, "0007")
    await migrate.upgrade(sqlite_db)
    assert await indexed(sqlite_db) == registered

    async with sqlite_db.transaction() as session:
        await session.execute(text("DELETE FROM metadata_values"))
        await session.execute(text("PRAGMA user_version = 0"))
    await migrate.ensure_schema(sqlite_db)
    assert await indexed(sqlite_db) == registered


async def test_only_sqlite_keeps_the_index(db: Database) -> None:
    """Only the dialect whose JSON functions parse a whole document per call keeps the tables."""
    tables = "SELECT count(*) FROM information_schema.tables WHERE table_name = 'metadata_values'"
    if db.dialect.name == "sqlite":
        tables = "SELECT count(*) FROM sqlite_master WHERE name = 'metadata_values'"
    async with db.reader() as session:
        assert await session.scalar(text(tables)) == (1 if db.dialect.name == "sqlite" else 0)
    assert db.dialect.indexes_values == (db.dialect.name == "sqlite")
