"""The typed dimensions of filters, orderings, facets and aggregates: the metadata record's own
times, session type, genotype and date of birth, distinct counts of the normalised dimensions,
times measured by MIN and MAX, aggregate rows read by name, and a request's time zone. Over every
top-level fixture record on SQLite and PostgreSQL; each expected answer is read from the raw JSON
with plain Python (``zoneinfo`` for the zones), by the helpers of ``test_questions``."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pytest
from test_questions import (
    Raw,
    acquired_at,
    approx,
    birth_of,
    by_project,
    document,
    facets,
    funders_of,
    grouped,
    investigators_of,
    modalities_of,
    questions,
    raw,
    rows,
    sets_of,
    species_of,
    subject_details,
    subject_of,
    text,
)

from catalog.conventions.modalities import Vocabulary
from catalog.services.describe import describe

if TYPE_CHECKING:
    from collections.abc import Callable

    from conftest import Catalog

__all__ = ["questions", "raw"]  # the fixtures: the raw records and the catalog holding them

LA = "America/Los_Angeles"
ZONE = ZoneInfo(LA)
NODE = "name recordCreated recordModified sessionType subject { genotype dateOfBirth }"


# -- reading the raw JSON --------------------------------------------------------------------------


def record_time(record: dict[str, Any], key: str) -> datetime | None:
    """A DocDB record's own time (``created``, ``last_modified``): ISO 8601, UTC without an offset."""
    value = record.get(key)
    if not isinstance(value, str):
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def session_type_of(record: dict[str, Any]) -> str | None:
    """session.session_type (1.x), else acquisition.acquisition_type (2.x) or .session_type (0.x)."""
    for doc, key in (
        ("session", "session_type"),
        ("acquisition", "acquisition_type"),
        ("acquisition", "session_type"),
    ):
        found = text((document(record, doc) or {}).get(key))
        if found:
            return found
    return None


def genotype_of(record: dict[str, Any]) -> str | None:
    return text(subject_details(record).get("genotype"))


def birth_year(record: dict[str, Any]) -> int | None:
    born = birth_of(record)
    return None if born is None else born.year


def local_day(name: str, record: dict[str, Any], zone: ZoneInfo = ZONE) -> date:
    return acquired_at(name, record).astimezone(zone).date()


def epoch(value: datetime | date) -> float:
    """Seconds since 1970 UTC; a date at its midnight UTC."""
    moment = value if isinstance(value, datetime) else datetime.combine(value, time(), UTC)
    return moment.timestamp()


def ordered(values: list[Any], descending: bool = False) -> list[Any]:
    """Values in an ordering's order: missing ones last whatever the direction."""
    present = sorted((v for v in values if v is not None), reverse=descending)
    return present + [None] * (len(values) - len(present))


# -- asking ----------------------------------------------------------------------------------------


def every_asset(catalog: Catalog, args: str = "", page: int = 200) -> list[dict[str, Any]]:
    """Every matching asset's node, page after page by the cursor."""
    found: list[dict[str, Any]] = []
    after: str | None = None
    while True:
        data = catalog.data(
            f"query($after: String) {{ assets({args} first: {page}, after: $after) "
            f"{{ edges {{ node {{ {NODE} }} }} pageInfo {{ hasNextPage endCursor }} }} }}",
            after=after,
        )["assets"]
        found += [edge["node"] for edge in data["edges"]]
        if not data["pageInfo"]["hasNextPage"]:
            return found
        after = data["pageInfo"]["endCursor"]


def refusal(catalog: Catalog, query: str) -> dict[str, Any]:
    body = catalog.gql(query)
    assert body.get("errors"), body
    return body["errors"][0]


def moment_of(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


# -- record times ----------------------------------------------------------------------------------


def test_record_times_are_the_records_created_and_last_modified(questions: Catalog, raw: Raw) -> None:
    nodes = {node["name"]: node for node in every_asset(questions)}
    assert {n: (moment_of(v["recordCreated"]), moment_of(v["recordModified"])) for n, v in nodes.items()} == {
        n: (record_time(r, "created"), record_time(r, "last_modified")) for n, r in raw.items()
    }


def test_a_record_without_times_has_none_and_an_unreadable_time_is_a_warning() -> None:
    name = "ecephys_655568_2022-04-26_11-48-09"
    offset = describe(name, {}, Vocabulary(), record={"created": "2024-05-15T10:41:26-07:00"})
    assert offset.fields["record_created"] == datetime(2024, 5, 15, 17, 41, 26, tzinfo=UTC)
    assert offset.fields["record_modified"] is None
    assert describe(name, {}, Vocabulary()).fields["record_created"] is None
    unreadable = describe(name, {}, Vocabulary(), record={"created": "yesterday"})
    assert unreadable.fields["record_created"] is None
    assert any(w.startswith("record.created:") for w in unreadable.warnings)


def test_record_time_windows_select_the_assets_the_raw_records_place_inside(
    questions: Catalog, raw: Raw
) -> None:
    low, high = datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 7, 1, tzinfo=UTC)
    found = every_asset(
        questions,
        'filter: {recordCreatedAfter: "2025-01-01T00:00:00Z", recordCreatedBefore: "2025-07-01T00:00:00Z", '
        'recordModifiedAfter: "2025-03-01T00:00:00Z"},',
    )
    expected = {
        n
        for n, r in raw.items()
        if low <= (record_time(r, "created") or low - timedelta(1)) < high
        and (record_time(r, "last_modified") or low) >= datetime(2025, 3, 1, tzinfo=UTC)
    }
    assert expected
    assert {node["name"] for node in found} == expected


@pytest.mark.parametrize(
    ("field", "read"),
    [
        ("RECORD_MODIFIED", lambda n, r: record_time(r, "last_modified")),
        ("RECORD_CREATED", lambda n, r: record_time(r, "created")),
        ("DATE_OF_BIRTH", lambda n, r: birth_of(r)),
        ("GENOTYPE", lambda n, r: genotype_of(r)),
        ("SESSION_TYPE", lambda n, r: session_type_of(r)),
    ],
)
@pytest.mark.parametrize("direction", ["ASC", "DESC"])
def test_assets_are_ordered_by_the_new_fields_page_after_page(
    questions: Catalog, raw: Raw, field: str, read: Callable[[str, dict[str, Any]], Any], direction: str
) -> None:
    """Pages of seven follow the cursor: every value in order, missing values last."""
    nodes = every_asset(questions, f"orderBy: [{{field: {field}, direction: {direction}}}],", page=7)
    shown: dict[str, Callable[[dict[str, Any]], Any]] = {
        "RECORD_MODIFIED": lambda node: moment_of(node["recordModified"]),
        "RECORD_CREATED": lambda node: moment_of(node["recordCreated"]),
        "DATE_OF_BIRTH": lambda node: (
            node["subject"]["dateOfBirth"] and date.fromisoformat(node["subject"]["dateOfBirth"])
        ),
        "GENOTYPE": lambda node: node["subject"]["genotype"],
        "SESSION_TYPE": lambda node: node["sessionType"],
    }
    assert sorted(node["name"] for node in nodes) == sorted(raw)
    expected = ordered([read(n, r) for n, r in raw.items()], descending=direction == "DESC")
    assert [shown[field](node) for node in nodes] == expected
    assert len(set(expected)) > 3


def test_record_times_are_facets_by_year_month_and_day(questions: Catalog, raw: Raw) -> None:
    data = questions.data(
        "{ cy: facets(fields: [RECORD_CREATED_YEAR], limit: 1000) { values { value count } } "
        "cm: facets(fields: [RECORD_CREATED_MONTH], limit: 1000) { values { value count } } "
        "md: facets(fields: [RECORD_MODIFIED_DAY], limit: 1000) { values { value count } } "
        "my: facets(fields: [RECORD_MODIFIED_YEAR], limit: 1000) { values { value count } } }"
    )
    created = [record_time(r, "created") for r in raw.values()]
    modified = [record_time(r, "last_modified") for r in raw.values()]
    assert facets(data) == {
        "cy": Counter(m.year for m in created if m),
        "cm": Counter(m.strftime("%Y-%m") for m in created if m),
        "md": Counter(m.strftime("%Y-%m-%d") for m in modified if m),
        "my": Counter(m.year for m in modified if m),
    }


# -- session type, genotype, date of birth -----------------------------------------------------------


def test_session_type_genotype_and_date_of_birth_are_facets(questions: Catalog, raw: Raw) -> None:
    data = questions.data(
        "{ st: facets(fields: [SESSION_TYPE], limit: 1000) { values { value count } } "
        "g: facets(fields: [GENOTYPE], limit: 1000) { values { value count } } "
        "b: facets(fields: [DATE_OF_BIRTH], limit: 1000) { values { value count } } "
        "bm: facets(fields: [DATE_OF_BIRTH_MONTH], limit: 1000) { values { value count } } "
        "by: facets(fields: [DATE_OF_BIRTH_YEAR], limit: 1000, unit: SUBJECTS) { values { value count } } }"
    )
    births = [birth_of(r) for r in raw.values()]
    subjects_born = sets_of((birth_year(r), subject_of(n, r)) for n, r in raw.items())
    assert facets(data) == {
        "st": Counter(session_type_of(r) for r in raw.values()),
        "g": Counter(genotype_of(r) for r in raw.values()),
        "b": Counter(b and b.isoformat() for b in births),
        "bm": Counter(b and b.strftime("%Y-%m") for b in births),
        "by": {year: len(subjects) for year, subjects in subjects_born.items()},
    }
    assert len(facets(data)["st"]) > 3
    assert len(facets(data)["g"]) > 3


def test_session_type_genotype_and_birth_year_are_group_keys(questions: Catalog, raw: Raw) -> None:
    data = questions.data(
        "{ aggregate(groupBy: [{field: SESSION_TYPE}, {field: GENOTYPE}, {field: DATE_OF_BIRTH_YEAR}], "
        "measures: [{op: COUNT, field: ASSET}]) { rows { keys values } } }"
    )
    expected = grouped(
        raw,
        lambda n, r: [(session_type_of(r), genotype_of(r), birth_year(r))],
    )
    assert rows(data) == approx({key: [len(members)] for key, members in expected.items()})


# -- a time zone for buckets and date windows --------------------------------------------------------


def test_day_month_and_year_buckets_follow_the_time_zone(questions: Catalog, raw: Raw) -> None:
    """17 of the 117 assets of the issue fell on another UTC day than their local day: here too
    some do, and each bucket follows the zone asked for."""
    shifted = [n for n, r in raw.items() if local_day(n, r) != local_day(n, r, ZoneInfo("UTC"))]
    assert shifted
    data = questions.data(
        f'{{ d: facets(fields: [DAY], limit: 1000, timeZone: "{LA}") {{ values {{ value count }} }} '
        f'm: facets(fields: [MONTH], limit: 1000, timeZone: "{LA}") {{ values {{ value count }} }} '
        f'y: facets(fields: [YEAR], timeZone: "{LA}") {{ values {{ value count }} }} '
        "u: facets(fields: [DAY], limit: 1000) { values { value count } } }"
    )
    assert facets(data) == {
        "d": Counter(local_day(n, r).isoformat() for n, r in raw.items()),
        "m": Counter(local_day(n, r).strftime("%Y-%m") for n, r in raw.items()),
        "y": Counter(local_day(n, r).year for n, r in raw.items()),
        "u": Counter(acquired_at(n, r).astimezone(UTC).date().isoformat() for n, r in raw.items()),
    }


def test_record_time_buckets_follow_the_time_zone_in_aggregates(questions: Catalog, raw: Raw) -> None:
    data = questions.data(
        f'{{ aggregate(groupBy: [{{field: DAY}}, {{field: RECORD_CREATED_DAY}}], timeZone: "{LA}", '
        "measures: [{op: COUNT, field: ASSET}], first: 1000) { rows { keys values } } }"
    )
    expected = grouped(
        raw,
        lambda n, r: [
            (local_day(n, r).isoformat(), record_time(r, "created").astimezone(ZONE).date().isoformat())
        ],
    )
    assert rows(data) == approx({key: [len(members)] for key, members in expected.items()})


def test_a_date_window_without_an_offset_is_read_in_the_time_zone(questions: Catalog, raw: Raw) -> None:
    """The window is the UTC day of an asset acquired on another day in Los Angeles: read in UTC
    it holds that asset, read in Los Angeles it does not."""
    name = min(n for n, r in raw.items() if local_day(n, r) != local_day(n, r, ZoneInfo("UTC")))
    day = acquired_at(name, raw[name]).astimezone(UTC).date()
    window = f'filter: {{acquiredAfter: "{day}", acquiredBefore: "{day + timedelta(1)}"}},'

    def inside(zone: ZoneInfo) -> set[str]:
        low = datetime.combine(day, time(), zone)
        return {n for n, r in raw.items() if low <= acquired_at(n, r) < low + timedelta(1)}

    assert name in inside(ZoneInfo("UTC")) - inside(ZONE)
    assert {node["name"] for node in every_asset(questions, window)} == inside(ZoneInfo("UTC"))
    assert {node["name"] for node in every_asset(questions, f'{window} timeZone: "{LA}",')} == inside(ZONE)
    counted = questions.data(
        f'{{ aggregate({window} timeZone: "{LA}", measures: [{{op: COUNT, field: ASSET}}]) {{ rows {{ values }} }} }}'
    )
    assert counted["aggregate"]["rows"] == [{"values": [len(inside(ZONE))]}]


@pytest.mark.parametrize(
    "query",
    [
        '{ facets(fields: [DAY], timeZone: "Mars/Olympus_Mons") { field } }',
        '{ aggregate(measures: [{op: COUNT, field: ASSET}], timeZone: "Mars/Olympus_Mons") { rows { values } } }',
        '{ assets(timeZone: "Mars/Olympus_Mons") { edges { node { name } } } }',
        '{ assets(timeZone: "../../etc/passwd") { edges { node { name } } } }',
    ],
)
def test_an_unknown_time_zone_is_refused_with_a_clear_message(questions: Catalog, query: str) -> None:
    error = refusal(questions, query)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "unknown time zone" in error["message"]
    assert "IANA" in error["message"]


# -- distinct counts, times measured ------------------------------------------------------------------


def test_distinct_investigators_modalities_funders_species_and_days_per_project(
    questions: Catalog, raw: Raw
) -> None:
    data = questions.data(
        f'{{ aggregate(groupBy: [{{field: PROJECT}}], timeZone: "{LA}", measures: ['
        "{op: COUNT_DISTINCT, field: INVESTIGATOR}, {op: COUNT_DISTINCT, field: MODALITY}, "
        "{op: COUNT_DISTINCT, field: FUNDING}, {op: COUNT_DISTINCT, field: SPECIES}, "
        "{op: COUNT_DISTINCT, field: DAY}, {op: COUNT, field: ASSET}]) { rows { keys values } } }"
    )

    def distinct(read: Callable[[str, dict[str, Any]], list[Any]]) -> Callable[[list[str]], int]:
        return lambda members: len({v for n in members for v in read(n, raw[n]) if v is not None})

    measures = [
        distinct(lambda n, r: investigators_of(r)),
        distinct(lambda n, r: modalities_of(r)),
        distinct(lambda n, r: funders_of(r)),
        distinct(lambda n, r: [species_of(r)]),
        distinct(lambda n, r: [local_day(n, r)]),
        len,
    ]
    expected = {key: [m(members) for m in measures] for key, members in grouped(raw, by_project).items()}
    assert rows(data) == approx(expected)
    assert any(values[0] > 1 for values in expected.values())


def test_distinct_counts_over_everything_need_no_group(questions: Catalog, raw: Raw) -> None:
    data = questions.data(
        "{ aggregate(measures: [{op: COUNT_DISTINCT, field: INVESTIGATOR}, {op: COUNT_DISTINCT, field: GENOTYPE}, "
        "{op: COUNT_DISTINCT, field: SESSION_TYPE}]) { rows { keys values } } }"
    )
    assert rows(data) == {
        (): [
            len({i for r in raw.values() for i in investigators_of(r)}),
            len({genotype_of(r) for r in raw.values()} - {None}),
            len({session_type_of(r) for r in raw.values()} - {None}),
        ]
    }


def test_min_and_max_of_times_and_dates_are_epoch_seconds_and_iso_in_the_record(
    questions: Catalog, raw: Raw
) -> None:
    data = questions.data(
        f'{{ aggregate(groupBy: [{{field: PROJECT}}], timeZone: "{LA}", measures: ['
        "{op: MIN, field: ACQUIRED_AT}, {op: MAX, field: RECORD_MODIFIED}, "
        "{op: MIN, field: DATE_OF_BIRTH}, {op: MAX, field: DATE_OF_BIRTH}, {op: COUNT, field: RECORD_CREATED}]) "
        "{ columns rows { keys values record } } }"
    )
    result = data["aggregate"]
    assert result["columns"] == [
        "project",
        "min_acquired_at",
        "max_record_modified",
        "min_date_of_birth",
        "max_date_of_birth",
        "count_record_created",
    ]

    def extremes(members: list[str]) -> tuple[Any, ...]:
        started = min(acquired_at(n, raw[n]) for n in members)
        modified = max(record_time(raw[n], "last_modified") for n in members)  # type: ignore[type-var]
        births = [b for n in members if (b := birth_of(raw[n]))]
        return started, modified, min(births, default=None), max(births, default=None), len(members)

    expected = {key: extremes(members) for key, members in grouped(raw, by_project).items()}
    assert {tuple(row["keys"]): row["values"] for row in result["rows"]} == approx(
        {
            k: [epoch(s), epoch(m), b0 and epoch(b0), b1 and epoch(b1), float(c)]
            for k, (s, m, b0, b1, c) in expected.items()
        }
    )
    assert {row["record"]["project"]: row["record"] for row in result["rows"]} == {
        key[0]: {
            "project": key[0],
            "min_acquired_at": s.astimezone(ZONE).isoformat(),
            "max_record_modified": m.astimezone(ZONE).isoformat(),
            "min_date_of_birth": b0 and b0.isoformat(),
            "max_date_of_birth": b1 and b1.isoformat(),
            "count_record_created": c,
        }
        for key, (s, m, b0, b1, c) in expected.items()
    }


@pytest.mark.parametrize(
    "measure",
    [
        "{op: AVG, field: ACQUIRED_AT}",
        "{op: SUM, field: DATE_OF_BIRTH}",
        "{op: MAX, field: INVESTIGATOR}",
        "{op: COUNT, field: MODALITY}",
    ],
)
def test_measures_that_mean_nothing_are_refused(questions: Catalog, measure: str) -> None:
    error = refusal(questions, f"{{ aggregate(measures: [{measure}]) {{ rows {{ values }} }} }}")
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


# -- rows by name ------------------------------------------------------------------------------------


def test_rows_are_readable_by_name_with_default_names_and_aliases(questions: Catalog, raw: Raw) -> None:
    data = questions.data(
        '{ aggregate(groupBy: [{field: PROJECT}, {path: {document: "subject", path: "sex"}}, '
        '{field: MONTH, as: "month"}], measures: [{op: COUNT, field: ASSET}, {op: COUNT, field: ASSET, unit: SUBJECTS}, '
        '{op: AVG, field: ACQUISITION_DURATION}, {op: COUNT_DISTINCT, field: INVESTIGATOR, as: "investigators"}], '
        "first: 1000) { columns rows { keys values record } } }"
    )["aggregate"]
    assert data["columns"] == [
        "project",
        "subject.sex",
        "month",
        "count",
        "count_subjects",
        "avg_acquisition_duration",
        "investigators",
    ]
    assert data["rows"]
    for row in data["rows"]:
        assert row["record"] == approx(
            dict(zip(data["columns"], [*row["keys"], *row["values"]], strict=True))
        )
        assert isinstance(row["record"]["count"], int)


def test_two_columns_of_one_name_are_refused_only_when_read_by_name(questions: Catalog) -> None:
    twice = "measures: [{op: COUNT, field: ASSET}, {op: COUNT, field: ASSET}]"
    assert questions.data(f"{{ aggregate({twice}) {{ rows {{ values }} }} }}")["aggregate"]["rows"]
    error = refusal(questions, f"{{ aggregate({twice}) {{ columns }} }}")
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "'count'" in error["message"]
    assert "`as`" in error["message"]
    renamed = '[{op: COUNT, field: ASSET}, {op: COUNT, field: ASSET, as: "again"}]'
    assert questions.data(f"{{ aggregate(measures: {renamed}) {{ columns }} }}")["aggregate"]["columns"] == [
        "count",
        "again",
    ]
