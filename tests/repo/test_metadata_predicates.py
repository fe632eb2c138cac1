"""One predicate language, two dialects: every predicate selects exactly the records a
plain reading of the raw JSON selects, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import json
import math
import operator
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest
from factories import record_names
from sqlalchemy import cast, func, literal, select, true
from sqlalchemy.dialects.postgresql import JSONB

from catalog.conventions.metadata import documents_from_record
from catalog.conventions.modalities import Vocabulary
from catalog.conventions.paths import parse_path, values_at
from catalog.db.dialects import dialect_for
from catalog.db.engine import Database
from catalog.db.models import Asset, AssetState, MetadataContent, MetadataDocument
from catalog.errors import Invalid
from catalog.repo import filters
from catalog.schemas.enums import PredicateOp
from catalog.schemas.filters import AssetFilter, ElementPredicate, MetadataPredicate
from catalog.services.imports import Record, RecordImport

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterable
    from pathlib import Path

INJECTIONS = "subject_procedures.procedures"

PREDICATES = [
    ("subject", "sex", "EQ", "Male"),
    ("subject", "sex", "NE", "Male"),
    ("subject", "subject_id", "IN", ["652918", "660104", "750318"]),
    ("subject", "genotype", "CONTAINS", "Cre"),
    ("data_description", "modality.abbreviation", "EQ", "ecephys"),
    ("data_description", "modalities.abbreviation", "EQ", "SPIM"),
    ("data_description", "investigators.name", "CONTAINS", "Svoboda"),
    ("data_description", "funding_source.funder.abbreviation", "EQ", "NINDS"),
    ("data_description", "data_level", "IN", ["raw", "raw data"]),
    ("session", "data_streams.stream_modalities.abbreviation", "EQ", "ecephys"),
    ("session", "stimulus_epochs", "EXISTS", True),
    ("acquisition", "tiles.channel.laser_power", "GT", 25),
    ("acquisition", "tiles.channel.laser_power", "LTE", 10),
    ("procedures", f"{INJECTIONS}.procedure_type", "EQ", "Nanoject injection"),
    ("quality_control", "evaluations", "EXISTS", True),
    ("processing", "processing_pipeline", "EXISTS", False),
    ("rig", "rig_id", "CONTAINS", "NP"),
    ("subject", "wellness_reports", "EXISTS", True),
    ("data_description", "restrictions", "EQ", None),
    # numbers written as strings ("100.0", "-0.85") compare as numbers
    ("procedures", f"{INJECTIONS}.injection_volume", "GT", 100),
    ("procedures", f"{INJECTIONS}.injection_volume", "EQ", 100),
    ("procedures", f"{INJECTIONS}.injection_volume", "IN", [200, 600]),
    ("procedures", f"{INJECTIONS}.injection_volume", "EQ", "100"),
    ("procedures", f"{INJECTIONS}.injection_coordinate_ml", "LT", -1),
    ("procedures", f"{INJECTIONS}.injection_coordinate_depth", "GTE", 3.3),
    ("acquisition", "tiles.coordinate_transformations.translation", "GT", 60000),
    # ISO dates and date-times compare as instants, offsets honoured, no offset meaning UTC
    ("subject", "date_of_birth", "LT", "2023-01-01"),
    ("subject", "date_of_birth", "GT", "2023-01-01"),
    ("subject", "date_of_birth", "GTE", "2024-06-01"),
    ("subject", "date_of_birth", "LTE", "2023-02-11T00:00:00+00:00"),
    ("subject", "date_of_birth", "EQ", "2023-02-11"),
    ("session", "session_start_time", "GTE", "2024-01-01"),
    ("session", "session_start_time", "EQ", "2023-04-07T21:11:25Z"),
    ("session", "session_start_time", "LTE", "2023-04-07T16:11:25-05:00"),
    ("session", "session_start_time", "LT", "2024-10-25T17:24:48.557209"),
    ("acquisition", "acquisition_start_time", "GTE", "2025-11-26T23:41:33.334711Z"),
    ("acquisition", "acquisition_start_time", "LT", "2019-03-15T22:31:03.507361"),
    ("acquisition", "acquisition_start_time", "LT", "2019-03-15T22:31:03.507360"),
    ("acquisition", "acquisition_start_time", "GT", "2023-07-07 17:52:04-07:00"),
    # case-insensitive substrings and regular expressions
    ("subject", "genotype", "ICONTAINS", "cre"),
    ("data_description", "investigators.name", "ICONTAINS", "SVOBODA"),
    ("acquisition", "tiles.notes", "ICONTAINS", "LASER POWER"),
    ("acquisition", "tiles.file_name", "MATCHES", "^Ex_(488|561)_Em_[0-9]+/"),
    ("subject", "subject_id", "MATCHES", "^6[0-9]{5}$"),
    ("procedures", f"{INJECTIONS}.procedure_type", "MATCHES", "^(Nanoject|Retro-orbital) injection$"),
    ("data_description", "name", "MATCHES", "_20(22|23)-0[1-6]-\\d{2}_"),
    ("acquisition", "tiles.notes", "MATCHES", "\\sLaser power"),
    ("session", "session_start_time", "MATCHES", "T1[0-4]:.*-0[78]:00$"),
    ("rig", "rig_id", "MATCHES", "[A-Z]{2}\\.?[0-9]+"),
    # lengths of arrays (earlier steps cross arrays as usual)
    ("procedures", "subject_procedures", "LENGTH_GT", 0),
    ("procedures", INJECTIONS, "LENGTH_GT", 3),
    ("data_description", "modality", "LENGTH_EQ", 2),
    ("data_description", "modality", "LENGTH_LT", 2),
    ("data_description", "investigators", "LENGTH_EQ", 0),
    ("acquisition", "tiles", "LENGTH_LT", 100),
    # JSON types: an array is the array at the path, other types a value reached (arrays crossed)
    ("procedures", f"{INJECTIONS}.injection_volume", "TYPE", "string"),
    ("procedures", f"{INJECTIONS}.injection_volume", "TYPE", "number"),
    ("rig", "objectives.manufacturer", "TYPE", "object"),
    ("rig", "objectives.manufacturer", "TYPE", "string"),
    ("instrument", "components.manufacturer", "TYPE", "object"),
    ("data_description", "modality", "TYPE", "array"),
    ("data_description", "modality", "TYPE", "object"),
    ("subject", "genotype", "TYPE", "null"),
    ("subject", "genotype", "TYPE", "string"),
    ("session", "reward_consumed_total", "TYPE", "string"),
    ("subject", "wellness_reports", "TYPE", "array"),
    ("data_description", "data_level", "TYPE", "boolean"),
    # JSON null is missing
    ("session", "animal_weight_prior", "EXISTS", True),
    ("data_description", "project_name", "EXISTS", False),
    ("subject", "housing", "EXISTS", True),
]

NANOJECT_OF_100 = (("procedure_type", "EQ", "Nanoject injection"), ("injection_volume", "GTE", 100))

ELEMENT_MATCHES = [
    ("procedures", INJECTIONS, NANOJECT_OF_100),
    (
        "procedures",
        INJECTIONS,
        (("procedure_type", "MATCHES", "^Retro"), ("injection_volume", "EXISTS", True)),
    ),
    (
        "procedures",
        INJECTIONS,
        (("procedure_type", "ICONTAINS", "NANOJECT"), ("injection_volume", "NE", 200)),
    ),
    (
        "procedures",
        INJECTIONS,
        (("injection_volume", "EXISTS", False), ("procedure_type", "CONTAINS", "injection")),
    ),
    ("acquisition", "tiles", (("channel.laser_power", "GT", 25), ("file_name", "MATCHES", "^Ex_639"))),
    ("acquisition", "tiles", (("channel.laser_power", "LTE", 20), ("channel.channel_name", "EQ", "561"))),
    (
        "acquisition",
        "tiles",
        (("coordinate_transformations.translation", "GT", 60000), ("channel.channel_name", "IN", ["488"])),
    ),
    (
        "acquisition",
        "tiles",
        (("coordinate_transformations", "LENGTH_EQ", 2), ("channel.laser_power", "GTE", 90)),
    ),
    (
        "data_description",
        "modality",
        (("abbreviation", "EQ", "ecephys"), ("name", "ICONTAINS", "extracellular")),
    ),
    (
        "procedures",
        INJECTIONS,
        (("injection_volume", "TYPE", "string"), ("procedure_type", "MATCHES", "^Nano")),
    ),
    (
        "acquisition",
        "tiles",
        (("coordinate_transformations", "TYPE", "array"), ("channel", "TYPE", "object")),
    ),
]


EDGES = [
    # (document, path, op, value, whether it holds) as the README says, for values no record has
    ({"v": "1e2"}, "v", "EQ", 100, True),
    ({"v": "+.5"}, "v", "LT", 1, True),
    ({"v": " 100 "}, "v", "EQ", 100, False),
    ({"v": "123456789012345"}, "v", "GT", 0, True),
    ({"v": "1234567890123456"}, "v", "GT", 0, True),
    # read to 15 significant digits, as PostgreSQL's .double() reads them
    ({"v": "462.00000000000057"}, "v", "GT", 462, True),
    ({"v": "462.00000000000057"}, "v", "EQ", 462.000000000001, True),
    ({"v": "462.00000000000057"}, "v", "EQ", 462.00000000000057, False),
    ({"v": "-46.272452799999996"}, "v", "EQ", -46.2724528, True),
    ({"v": "3824814834692185710091650.17148"}, "v", "EQ", 3.82481483469219e24, True),
    ({"v": "0." + "0" * 298 + "1"}, "v", "GT", 0, True),
    ({"v": "0." + "0" * 400 + "1"}, "v", "GT", -1, False),
    ({"v": "1" + "0" * 400}, "v", "GT", 0, False),
    ({"v": "0e999"}, "v", "EQ", 0, True),
    ({"v": "1e400"}, "v", "GT", 0, False),
    ({"v": "NaN"}, "v", "LT", 0, False),
    ({"v": 2.8}, "v", "EQ", "2.8", False),
    ({"v": True}, "v", "EQ", 1, False),
    ({"v": "2023-02-11T00:00:00Z"}, "v", "EQ", "2023-02-11", True),
    ({"v": "2023-02-11T01:00:00+01:00"}, "v", "EQ", "2023-02-11", True),
    ({"v": "2023-02-10 23:00:00-01:00"}, "v", "EQ", "2023-02-11T00:00:00", True),
    ({"v": "2023-02-11 00:00:00.000001"}, "v", "GT", "2023-02-11", True),
    ({"v": "2023-02-11T00:00:00.000001Z"}, "v", "LTE", "2023-02-11T00:00:00Z", False),
    ({"v": "2023-02-30"}, "v", "GT", "2000-01-01", False),
    ({"v": "2023-02-11T00:00"}, "v", "GT", "2000-01-01", False),
    ({"v": "2023-02-11T00:00:00+0100"}, "v", "GT", "2000-01-01", False),
    ({"v": "abc"}, "v", "GT", "2000-01-01", False),
    ({"v": "1999"}, "v", "LT", "2023", True),
    ({"v": "a\nb"}, "v", "MATCHES", "a.b", False),
    ({"v": "a\nb"}, "v", "MATCHES", "a[^x]b", False),
    ({"v": "a\nb"}, "v", "MATCHES", "a\\sb", True),
    ({"v": "ab\n"}, "v", "MATCHES", "b$", False),
    ({"v": "x\nab"}, "v", "MATCHES", "^ab", False),
    ({"v": "\u0663"}, "v", "MATCHES", "\\d", False),
    ({"v": "\u00e9"}, "v", "MATCHES", "^\\w$", False),
    ({"v": 12}, "v", "MATCHES", "1", False),
    ({"v": "CRE"}, "v", "ICONTAINS", "cre", True),
    ({"v": "axb"}, "v", "ICONTAINS", "A.B", False),
    ({"v": "\u00c9"}, "v", "ICONTAINS", "\u00e9", False),
    ({"v": [[1, 2, 3]]}, "v", "LENGTH_EQ", 1, True),
    ({"v": "ab"}, "v", "LENGTH_EQ", 2, False),
    ({"a": [{"v": [1]}, {"v": [1, 2]}]}, "a.v", "LENGTH_GT", 1, True),
    # arrays crossed at every step, nested arrays too; keys reached only along the path
    ({"v": [[1, [2]], 3]}, "v", "EQ", 2, True),
    ({"a": [[{"b": [[5]]}]]}, "a.b", "EQ", 5, True),
    ({"v": [{"w": 2}]}, "v", "EQ", 2, False),
    ({"v": [[{"w": 2}]]}, "v.w", "GT", 1, True),
    ({"a-b": [{"c_d": [1, 7]}]}, "a-b.c_d", "EQ", 7, True),
    ({"x": {"v": 1}, "v": 2}, "v", "EQ", 1, False),
    ({"x": [{"v": 1}], "v": {"x": 2}}, "v.x", "EQ", 1, False),
    ({"v": [[None]]}, "v", "EXISTS", True, False),
    ({"v": [[True]]}, "v", "TYPE", "boolean", True),
    ({"v": [1, "a"]}, "v", "TYPE", "string", True),
    ({"v": [1, "a"]}, "v", "TYPE", "object", False),
    ({"v": None}, "v", "EXISTS", True, False),
    ({"v": [None]}, "v", "EXISTS", True, False),
    ({"v": []}, "v", "EXISTS", True, False),
    ({"v": {}}, "v", "EXISTS", True, True),
    ({"v": False}, "v", "EXISTS", True, True),
]


# -- the reference: a plain reading of the raw JSON ------------------------------------------------


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _as_number(found: Any) -> float | None:
    """A number, or a string that plainly writes a finite one (no spaces) to 15 significant digits."""
    if _is_number(found):
        return float(found)
    if not isinstance(found, str) or not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", found, re.A):
        return None
    number = float(found)
    mantissa = re.split("[eE]", found)[0]
    if math.isinf(number) or (number == 0 and any(c in "123456789" for c in mantissa)):
        return None
    return float(f"{number:.15g}")


def _as_instant(found: Any) -> datetime | None:
    """An ISO date or date-time string (years 1000-2999) as an aware instant; UTC unless it says."""
    shape = r"[12]\d{3}-\d\d-\d\d([T ]\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-](0\d|1[0-4]):\d\d)?)?"
    if not isinstance(found, str) or not re.fullmatch(shape, found, re.A):
        return None
    try:
        moment = datetime.fromisoformat(found)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


COMPARE = {"EQ": operator.eq, "LT": operator.lt, "LTE": operator.le, "GT": operator.gt, "GTE": operator.ge}
LENGTH = {"LENGTH_EQ": operator.eq, "LENGTH_GT": operator.gt, "LENGTH_LT": operator.lt}
JSON_TYPES = {
    str: "string",
    int: "number",
    float: "number",
    bool: "boolean",
    type(None): "null",
    dict: "object",
}


def holds(found: Any, op: str, wanted: Any) -> bool:
    """The reference reading of one value reached by the path: the wanted value's type decides."""
    if op == "EXISTS":
        return found is not None
    if op == "IN":
        return any(holds(found, "EQ", w) for w in wanted)
    if op in ("CONTAINS", "ICONTAINS", "MATCHES") and isinstance(wanted, str):
        if not isinstance(found, str):
            return False
        if op == "MATCHES":
            return re.search(wanted, found) is not None
        return wanted.lower() in found.lower() if op == "ICONTAINS" else wanted in found
    compare = COMPARE["EQ" if op == "CONTAINS" else op]
    if wanted is None or isinstance(wanted, bool):
        return found is wanted
    if _is_number(wanted):
        number = _as_number(found)
        return number is not None and compare(number, wanted)
    instant = _as_instant(wanted)
    if instant is not None:
        other = _as_instant(found)
        return other is not None and compare(other, instant)
    return isinstance(found, str) and compare(found, wanted)


def arrays_at(document: Any, segments: list[str]) -> list[list[Any]]:
    """The arrays the path reaches, read whole: arrays are crossed up to the last key only."""
    parents = values_at(document, segments[:-1]) if len(segments) > 1 else [document]
    last = segments[-1]
    return [p[last] for p in parents if isinstance(p, dict) and isinstance(p.get(last), list)]


def satisfied(document: Any, path: str, op: str, value: Any) -> bool:
    """Does the document (or an element) satisfy one predicate, negations included?"""
    if op == "NE":
        return not satisfied(document, path, "EQ", value)
    if op == "EXISTS" and value is False:
        return not satisfied(document, path, "EXISTS", True)
    segments = parse_path(path)
    if op in LENGTH:
        return any(LENGTH[op](len(array), value) for array in arrays_at(document, segments))
    if op == "TYPE" and value == "array":
        return bool(arrays_at(document, segments))
    if op == "TYPE":
        return any(JSON_TYPES[type(found)] == value for found in values_at(document, segments))
    return any(holds(v, op, value) for v in values_at(document, segments))


def reference(records: dict[str, dict[str, Any]], document: str, path: str, op: str, value: Any) -> set[str]:
    """Records whose document satisfies the predicate (a missing document satisfies negations)."""
    return {name for name, docs in records.items() if satisfied(docs.get(document), path, op, value)}


def element_reference(
    records: dict[str, dict[str, Any]], document: str, path: str, conditions: tuple[tuple[str, str, Any], ...]
) -> set[str]:
    """Records with one element (each element of an array, or the value) meeting every condition."""
    return {
        name
        for name, docs in records.items()
        if document in docs
        and any(
            all(satisfied(element, *condition) for condition in conditions)
            for element in values_at(docs[document], parse_path(path))
        )
    }


# -- the database: every real record, imported once per backend -------------------------------------


def raw_records(fixtures_dir: Path) -> list[dict[str, Any]]:
    return [
        json.loads((fixtures_dir / "records" / f"{n}.json").read_text()) for n in record_names(fixtures_dir)
    ]


@pytest.fixture(scope="module")
def records(fixtures_dir: Path) -> dict[str, dict[str, Any]]:
    """Every real record: name → its documents."""
    return {r["name"]: documents_from_record(r) for r in raw_records(fixtures_dir)}


async def holding_every_record(url: str, fixtures_dir: Path) -> Database:
    """The catalog at ``url`` with every real record registered metadata-only."""
    database = Database(url)
    report = await RecordImport(database, Vocabulary())(
        Record(r["name"], r) for r in raw_records(fixtures_dir)
    )
    assert report.errors == []
    return database


@pytest.fixture(scope="module")
async def db(module_migrated_database_url: str, fixtures_dir: Path) -> AsyncIterator[Database]:
    """One catalog per backend holding every real record, registered metadata-only."""
    database = await holding_every_record(module_migrated_database_url, fixtures_dir)
    yield database
    await database.dispose()


Condition = tuple[str, str, Any]
"""(path, op, value) of one condition of an element match."""


def predicate(
    document: str,
    path: str,
    op: str | None = None,
    value: Any = None,
    element_match: Iterable[Condition] = (),
) -> MetadataPredicate:
    """A metadata predicate as the API builds it; an op outside ``PredicateOp`` stays a string, so
    that the checks in the data layer meet it too."""
    elements = [ElementPredicate(path=p, op=_op(o), value=v) for p, o, v in element_match]
    return MetadataPredicate(
        document=document, path=path, op=_op(op), value=value, element_match=elements or None
    )


def _op(name: str | None) -> Any:
    return PredicateOp(name) if name in PredicateOp.__members__ else name


async def selected(db: Database, *predicates: MetadataPredicate) -> set[str]:
    spec = AssetFilter(metadata=list(predicates))
    async with db.reader() as session:
        query = select(Asset.name).where(Asset.state == AssetState.READY, filters.condition(db.dialect, spec))
        return set(await session.scalars(query))


def _id(value: Any) -> str:
    return str(value)[:40]


@pytest.mark.parametrize(("document", "path", "op", "value"), PREDICATES, ids=_id)
async def test_a_predicate_selects_what_the_raw_json_says(
    document: str, path: str, op: str, value: Any, db: Database, records: dict[str, dict[str, Any]]
) -> None:
    found = await selected(db, predicate(document, path, op, value))
    assert found == reference(records, document, path, op, value)


@pytest.mark.parametrize(("document", "path", "conditions"), ELEMENT_MATCHES, ids=_id)
async def test_an_element_match_selects_what_the_raw_json_says(
    document: str,
    path: str,
    conditions: tuple[tuple[str, str, Any], ...],
    db: Database,
    records: dict[str, dict[str, Any]],
) -> None:
    found = await selected(db, predicate(document, path, element_match=conditions))
    assert found == element_reference(records, document, path, conditions)


async def test_an_element_match_wants_its_conditions_on_one_element(db: Database) -> None:
    """exaSPIM_750318 has a Nanoject injection of 50 nl and a retro-orbital one of "100": each
    condition holds somewhere, both on no single injection."""
    separately = [predicate("procedures", f"{INJECTIONS}.{p}", op, v) for p, op, v in NANOJECT_OF_100]
    together = predicate("procedures", INJECTIONS, element_match=NANOJECT_OF_100)

    on_any = await selected(db, *separately)
    on_one = await selected(db, together)

    assert on_one < on_any
    assert "exaSPIM_750318_2025-02-03_12-13-09" in on_any - on_one


@pytest.mark.parametrize(("document", "path", "op", "value", "expected"), EDGES, ids=_id)
async def test_a_value_is_read_as_the_readme_says(
    document: dict[str, Any], path: str, op: str, value: Any, expected: bool, db: Database
) -> None:
    content: Any = literal(json.dumps(document))
    if db.dialect.name == "postgresql":
        content = cast(content, JSONB)
    async with db.reader() as session:
        found = await session.scalar(select(db.dialect.predicate(content, path, op, value)))

    assert bool(found) is expected


def test_the_predicates_are_not_vacuous(records: dict[str, dict[str, Any]]) -> None:
    """Most predicates of the tables select some records and leave out others."""
    sizes = [len(reference(records, *p)) for p in PREDICATES]
    sizes += [len(element_reference(records, *m)) for m in ELEMENT_MATCHES]
    tables = len(PREDICATES) + len(ELEMENT_MATCHES)
    assert sum(0 < size < len(records) for size in sizes) >= tables * 2 // 3, sizes


@pytest.mark.parametrize(
    ("path", "op", "value"),
    [
        ("a..b", "EQ", 1),
        ("a b", "EQ", 1),
        ("a", "LT", True),
        ("a", "IN", 3),
        ("a", "IN", []),
        ("a", "EQ", {"b": 1}),
        ("a", "EXISTS", "yes"),
        ("a", "LIKE", 1),
        ("a", "ICONTAINS", 3),
        ("a", "MATCHES", "(a+)+"),
        ("a", "MATCHES", "(x|y)*"),
        ("a", "MATCHES", "(a)\\1"),
        ("a", "MATCHES", "(?i)abc"),
        ("a", "MATCHES", "a{300}"),
        ("a", "MATCHES", "a*?"),
        ("a", "MATCHES", "[[:alpha:]]"),
        ("a", "MATCHES", "\\bword"),
        ("a", "MATCHES", "x" * 257),
        ("a", "MATCHES", ""),
        ("a", "MATCHES", 3),
        ("a", "LENGTH_EQ", -1),
        ("a", "LENGTH_GT", 1.5),
        ("a", "LENGTH_LT", True),
        ("a", "LENGTH_EQ", "2"),
        ("a", "TYPE", "integer"),
        ("a", "TYPE", None),
    ],
)
def test_malformed_predicates_are_refused(path: str, op: str, value: Any) -> None:
    spec = AssetFilter(metadata=[predicate("subject", path, op, value)])
    with pytest.raises(Invalid):
        filters.condition(dialect_for("sqlite"), spec)


@pytest.mark.parametrize(
    "predicate",
    [
        predicate("procedures", INJECTIONS),
        predicate("procedures", INJECTIONS, "EQ", 1, element_match=[("a", "EQ", 1)]),
        predicate("procedures", INJECTIONS, value=1, element_match=[("a", "EQ", 1)]),
        predicate("procedures", INJECTIONS, element_match=[("a", "LT", None)]),
        predicate("procedures", INJECTIONS, element_match=[("a", "ALL", 1)]),
        predicate("procedures", INJECTIONS, element_match=[("a", "MATCHES", "(b*)*")]),
        predicate("procedures", INJECTIONS, element_match=[("a", "EQ", n) for n in range(17)]),
    ],
    ids=["neither", "op-and-elements", "value-and-elements", "bad-value", "bad-op", "bad-regex", "too-many"],
)
def test_an_element_match_is_refused_unless_it_stands_alone_and_well_formed(
    predicate: MetadataPredicate,
) -> None:
    with pytest.raises(Invalid):
        filters.condition(dialect_for("postgresql"), AssetFilter(metadata=[predicate]))


# -- numbers written as strings with 16 or 17 significant digits (real float noise) -----------------


def _walk(value: Any, path: tuple[str, ...] = ()) -> Iterable[tuple[tuple[str, ...], Any]]:
    """Every (path, scalar) of a document, arrays crossed."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _walk(inner, (*path, key))
    elif isinstance(value, list):
        for inner in value:
            yield from _walk(inner, path)
    else:
        yield path, value


def long_numbers(records: dict[str, dict[str, Any]]) -> set[tuple[str, str, str]]:
    """(document, path, string) of every number written as a string with more than 15 digits."""
    return {
        (document, ".".join(path), value)
        for docs in records.values()
        for document, content in docs.items()
        for path, value in _walk(content)
        if isinstance(value, str)
        and _as_number(value) is not None
        and sum(c.isdigit() for c in re.split("[eE]", value)[0]) > 15
    }


def test_the_fixtures_write_numbers_with_16_or_17_digits(records: dict[str, dict[str, Any]]) -> None:
    found = long_numbers(records)
    assert len({value for _, _, value in found}) >= 20
    assert ("session", "reward_consumed_total", "462.00000000000057") in found


async def test_numbers_written_with_16_or_17_digits_are_compared_as_numbers(
    db: Database, records: dict[str, dict[str, Any]]
) -> None:
    for document, path, value in sorted(long_numbers(records)):
        number = _as_number(value)
        for op in ("EQ", "GTE", "LT"):
            found = await selected(db, predicate(document, path, op, number))
            assert found == reference(records, document, path, op, number), (document, path, value, op)
            assert found or op == "LT"


async def test_numbers_written_with_16_or_17_digits_count_in_aggregates(
    db: Database, records: dict[str, dict[str, Any]]
) -> None:
    """MIN, MAX, SUM and COUNT of a path's numbers read them as predicates do."""
    table = MetadataDocument.__table__
    contents = MetadataContent.__table__
    for document, path in sorted({(d, p) for d, p, _ in long_numbers(records)}):
        numbers = [
            number
            for docs in records.values()
            if document in docs
            for found in values_at(docs[document], parse_path(path))
            if (number := _as_number(found)) is not None and not isinstance(found, bool)
        ]
        reached = db.dialect.reached(contents.c.content, path)
        number = db.dialect.as_number(reached)
        query = (
            select(func.min(number), func.max(number), func.sum(number), func.count(number))
            .select_from(table)
            .join(contents, contents.c.id == table.c.content_id)
            .join(reached.source, true())
            .where(table.c.document == document, table.c.is_current.is_(True), reached.condition)
        )
        async with db.reader() as session:
            low, high, total, count = (await session.execute(query)).one()
        assert (low, high, count) == (min(numbers), max(numbers), len(numbers)), (document, path)
        assert total == pytest.approx(math.fsum(numbers), rel=1e-12)


# -- comparing two fields: of one element, of one document, of two documents of an asset ----------

SURGERIES = "subject_procedures"

COMPARISONS = [
    # (document, path, op, other document, other path), other document None: the same document
    ("session", "session_end_time", "LT", None, "session_start_time"),  # ended before it started
    ("session", "session_end_time", "GT", None, "session_start_time"),
    ("acquisition", "acquisition_end_time", "LTE", None, "acquisition_start_time"),
    ("acquisition", "acquisition_end_time", "GT", None, "acquisition_start_time"),
    ("procedures", f"{SURGERIES}.start_date", "LT", "subject", "date_of_birth"),  # before birth
    ("procedures", f"{SURGERIES}.start_date", "GTE", "subject", "date_of_birth"),
    ("procedures", f"{SURGERIES}.start_date", "EQ", "subject", "date_of_birth"),
    ("procedures", f"{SURGERIES}.start_date", "NE", "subject", "date_of_birth"),
    ("procedures", f"{SURGERIES}.animal_weight_post", "LT", None, f"{SURGERIES}.animal_weight_prior"),
    ("subject", "subject_id", "EQ", "data_description", "subject_id"),
    ("subject", "subject_id", "NE", "data_description", "subject_id"),
]

ELEMENT_COMPARISONS = [
    # (document, path, conditions): procedures whose weight after is below the weight before
    ("procedures", SURGERIES, (("animal_weight_post", "LT", "animal_weight_prior"),)),
    ("procedures", SURGERIES, (("animal_weight_post", "GT", "animal_weight_prior"),)),
    ("procedures", SURGERIES, (("animal_weight_post", "EQ", "animal_weight_prior"),)),
    ("procedures", SURGERIES, (("animal_weight_post", "NE", "animal_weight_prior"),)),
    ("procedures", SURGERIES, (("end_date", "GT", "start_date"),)),
]


def _as_string(found: Any) -> str | None:
    return found if isinstance(found, str) else None


def compared(found: Any, op: str, other: Any) -> bool:
    """The reference reading of two values: as numbers if both are, else as instants if both are,
    else as strings if both are."""
    for read in (_as_number, _as_instant, _as_string):
        a, b = read(found), read(other)
        if a is not None and b is not None:
            return bool(COMPARE[op](a, b))
    return False


def fields_satisfied(document: Any, path: str, op: str, other_document: Any, other_path: str) -> bool:
    if op == "NE":
        return not fields_satisfied(document, path, "EQ", other_document, other_path)
    values, others = values_at(document, parse_path(path)), values_at(other_document, parse_path(other_path))
    return any(compared(a, op, b) for a in values for b in others)


def comparison_reference(
    records: dict[str, dict[str, Any]], document: str, path: str, op: str, other: str | None, other_path: str
) -> set[str]:
    """Records whose document compares so with the other (a missing document satisfies NE)."""
    return {
        name
        for name, docs in records.items()
        if fields_satisfied(docs.get(document), path, op, docs.get(other or document), other_path)
    }


def element_comparison_reference(
    records: dict[str, dict[str, Any]], document: str, path: str, conditions: tuple[tuple[str, str, str], ...]
) -> set[str]:
    return {
        name
        for name, docs in records.items()
        if document in docs
        and any(
            all(fields_satisfied(element, p, op, element, other) for p, op, other in conditions)
            for element in values_at(docs[document], parse_path(path))
        )
    }


@pytest.mark.parametrize(("document", "path", "op", "other", "other_path"), COMPARISONS, ids=_id)
async def test_two_fields_compare_as_the_raw_json_says(
    document: str,
    path: str,
    op: str,
    other: str | None,
    other_path: str,
    db: Database,
    records: dict[str, dict[str, Any]],
) -> None:
    spec = MetadataPredicate(
        document=document, path=path, op=PredicateOp(op), other_path=other_path, other_document=other
    )
    assert await selected(db, spec) == comparison_reference(records, document, path, op, other, other_path)


@pytest.mark.parametrize(("document", "path", "conditions"), ELEMENT_COMPARISONS, ids=_id)
async def test_two_fields_of_one_element_compare_as_the_raw_json_says(
    document: str,
    path: str,
    conditions: tuple[tuple[str, str, str], ...],
    db: Database,
    records: dict[str, dict[str, Any]],
) -> None:
    elements = [ElementPredicate(path=p, op=PredicateOp(op), other_path=other) for p, op, other in conditions]
    spec = MetadataPredicate(document=document, path=path, element_match=elements)
    assert await selected(db, spec) == element_comparison_reference(records, document, path, conditions)


async def test_a_field_comparison_and_a_value_condition_hold_on_one_element(
    db: Database, records: dict[str, dict[str, Any]]
) -> None:
    conditions = (("animal_weight_post", "LT", "animal_weight_prior"),)
    lighter = element_comparison_reference(records, "procedures", SURGERIES, conditions)
    spec = predicate("procedures", SURGERIES, element_match=[("start_date", "GTE", "2023-09-01")])
    spec.element_match = [
        *(spec.element_match or []),
        ElementPredicate(path="animal_weight_post", op=PredicateOp.LT, other_path="animal_weight_prior"),
    ]
    expected = {
        name
        for name in lighter
        if any(
            fields_satisfied(e, "animal_weight_post", "LT", e, "animal_weight_prior")
            and satisfied(e, "start_date", "GTE", "2023-09-01")
            for e in values_at(records[name]["procedures"], parse_path(SURGERIES))
        )
    }
    assert await selected(db, spec) == expected
    assert expected
    assert expected < lighter


def test_the_field_comparisons_are_not_vacuous(records: dict[str, dict[str, Any]]) -> None:
    sizes = [len(comparison_reference(records, *c)) for c in COMPARISONS]
    sizes += [len(element_comparison_reference(records, *c)) for c in ELEMENT_COMPARISONS]
    assert sum(0 < size < len(records) for size in sizes) >= len(sizes) * 2 // 3, sizes


@pytest.mark.parametrize(
    "spec",
    [
        MetadataPredicate(document="session", path="a", op=PredicateOp.CONTAINS, other_path="b"),
        MetadataPredicate(document="session", path="a", op=PredicateOp.LT, value=1, other_path="b"),
        MetadataPredicate(document="session", path="a", op=PredicateOp.LT, other_document="subject"),
        MetadataPredicate(document="session", path="a", op=PredicateOp.LT, other_path="b c"),
        MetadataPredicate(
            document="session",
            path="a",
            element_match=[ElementPredicate(path="b", op=PredicateOp.MATCHES, other_path="c")],
        ),
        MetadataPredicate(
            document="session",
            path="a",
            element_match=[ElementPredicate(path="b", op=PredicateOp.EQ, value=1, other_path="c")],
        ),
    ],
    ids=["not-a-comparison", "value-too", "document-without-path", "bad-path", "element-op", "element-value"],
)
@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_a_malformed_field_comparison_is_refused(spec: MetadataPredicate, dialect: str) -> None:
    with pytest.raises(Invalid):
        filters.condition(dialect_for(dialect), AssetFilter(metadata=[spec]))
