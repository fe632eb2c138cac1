"""Questions a scientist asks of the catalog, each answered by one GraphQL request over every real
record of ``../shared/fixtures/records`` (the 76 top-level files, imported metadata-only), on
SQLite and on PostgreSQL. Every expected answer is computed here from the raw JSON with plain
Python — no catalog code — by the rules the README states: paths cross arrays, numbers written as
strings are numbers, ISO dates are dates, JSON null is missing; a multi-valued group key puts an
asset in each of its groups and assets without a value form the null group; column measures read
each asset once per group, path measures every value the path reaches in the asset's document."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pytest
from conftest import Catalog, local_settings, served
from servers import free_port

from catalog.conventions.modalities import Vocabulary
from catalog.db.engine import Database
from catalog.services.imports import Record, RecordImport

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Iterable
    from pathlib import Path

Raw = dict[str, dict[str, Any]]
"""Every record: its name → the record as written."""

INJECTIONS = "subject_procedures.procedures"
FIRST = 200


# -- reading the raw JSON --------------------------------------------------------------------------


def document(record: dict[str, Any], name: str) -> dict[str, Any] | None:
    """A metadata document of a record; JSON null or anything but an object is no document."""
    value = record.get(name)
    return value if isinstance(value, dict) else None


def reach(value: Any, path: str) -> list[Any]:
    """Every value a dot path reaches, an array standing for each of its elements at every step
    (arrays inside arrays too) and at the end."""

    def spread(values: Iterable[Any]) -> list[Any]:
        out: list[Any] = []
        for item in values:
            out += spread(item) if isinstance(item, list) else [item]
        return out

    found = [value]
    for key in path.split("."):
        found = [item[key] for item in spread(found) if isinstance(item, dict) and key in item]
    return spread(found)


def reach_in(record: dict[str, Any], name: str, path: str) -> list[Any]:
    """The values a path reaches in one document of a record, JSON nulls left out."""
    doc = document(record, name)
    return [] if doc is None else [v for v in reach(doc, path) if v is not None]


def scalars_in(record: dict[str, Any], name: str, path: str) -> list[Any]:
    """What a group key or a path measure reads: the non-null scalars reached."""
    return [v for v in reach_in(record, name, path) if not isinstance(v, (dict, list))]


NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,2})?")


def number(value: Any) -> float | None:
    """A JSON number, or a string that plainly writes one ("100.0", "-0.85"), as the README says."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and NUMBER.fullmatch(value):
        digits = sum(c.isdigit() for c in re.split("[eE]", value)[0])
        return float(value) if digits <= 15 else None
    return None


def numbers_in(record: dict[str, Any], name: str, path: str) -> list[float]:
    return [n for n in map(number, scalars_in(record, name, path)) if n is not None]


def text(value: Any) -> str | None:
    """Stripped non-empty text; a number is its own text (subject ids)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (int, float)):
        return str(value)
    return (value.strip() or None) if isinstance(value, str) else None


NAME_TIME = r"_([0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]{2}-[0-9]{2}-[0-9]{2})"


def name_times(name: str) -> list[datetime]:
    """The times an asset name carries: acquisition first, then each processing time (UTC)."""
    return [
        datetime.strptime(t, "%Y-%m-%d_%H-%M-%S").replace(tzinfo=UTC) for t in re.findall(NAME_TIME, name)
    ]


def kind(name: str) -> str:
    return "DERIVED" if len(name_times(name)) > 1 else "PRIMARY"


def subject_of(name: str, record: dict[str, Any]) -> str:
    """subject.subject_id, else the data description's, else the one in the asset's name."""
    for doc in ("subject", "data_description"):
        found = text((document(record, doc) or {}).get("subject_id"))
        if found:
            return found
    return re.sub(NAME_TIME + ".*", "", name).rsplit("_", 1)[-1]


def light_sheet(name: str, record: dict[str, Any]) -> bool:
    """What ``modality: ["SPIM"]`` finds: SPIM in any spelling, legacy ones (SmartSPIM, exaSPIM) too."""
    return any(m.lower().endswith("spim") for m in modalities_of(record))


def modalities_of(record: dict[str, Any]) -> list[str]:
    """data_description.modality (0.x/1.x: a string, an object or a list of them) or .modalities (2.x)."""
    description = document(record, "data_description") or {}
    raw = description.get("modalities")
    if raw is None:
        raw = description.get("modality")
    items = raw if isinstance(raw, list) else [] if raw is None else [raw]
    found = [item.get("abbreviation") if isinstance(item, dict) else item for item in items]
    return list(dict.fromkeys(m for m in found if isinstance(m, str)))


def project_of(record: dict[str, Any]) -> str | None:
    return text((document(record, "data_description") or {}).get("project_name"))


def investigators_of(record: dict[str, Any]) -> list[str]:
    raw = (document(record, "data_description") or {}).get("investigators") or []
    names = [text(i.get("name") if isinstance(i, dict) else i) for i in raw]
    return list(dict.fromkeys(n for n in names if n))


def funders_of(record: dict[str, Any]) -> list[str]:
    """Each funding source's funder: its abbreviation, else its name (or the funder as text)."""
    raw = (document(record, "data_description") or {}).get("funding_source") or []
    found = []
    for entry in raw if isinstance(raw, list) else [raw]:
        funder = entry.get("funder") if isinstance(entry, dict) else entry
        if isinstance(funder, dict):
            funder = text(funder.get("abbreviation")) or text(funder.get("name"))
        found.append(text(funder))
    return list(dict.fromkeys(f for f in found if f))


def data_level_of(name: str, record: dict[str, Any]) -> str:
    level = text((document(record, "data_description") or {}).get("data_level"))
    if level is None:
        return "derived" if kind(name) == "DERIVED" else "raw"
    return level.lower().removesuffix(" data")


def subject_details(record: dict[str, Any]) -> dict[str, Any]:
    """Where species, sex and birth date live: the subject (1.x) or its subject_details (2.x)."""
    subject = document(record, "subject") or {}
    details = subject.get("subject_details")
    return details if isinstance(details, dict) else subject


def species_of(record: dict[str, Any]) -> str | None:
    species = subject_details(record).get("species")
    if isinstance(species, dict):
        return text(species.get("name")) or text(species.get("abbreviation"))
    return text(species)


def sex_of(record: dict[str, Any]) -> str | None:
    sex = text(subject_details(record).get("sex"))
    return None if sex is None else sex.capitalize()


def birth_of(record: dict[str, Any]) -> date | None:
    born = text(subject_details(record).get("date_of_birth"))
    return None if born is None else datetime.fromisoformat(born).date()


def declared_zone(record: dict[str, Any]) -> tzinfo:
    """2.x acquisitions name their time zone (acquisition_start_tz); otherwise naive times are UTC."""
    zone = (document(record, "acquisition") or {}).get("acquisition_start_tz")
    if isinstance(zone, str):
        return ZoneInfo(zone)
    if isinstance(zone, (int, float)) and not isinstance(zone, bool):
        return timezone(timedelta(hours=zone))
    return UTC


def moment(value: Any, zone: tzinfo = UTC) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    found = datetime.fromisoformat(value.strip())
    return found if found.tzinfo else found.replace(tzinfo=zone)


def recorded_time(record: dict[str, Any], which: str) -> datetime | None:
    """When the session (1.x) or acquisition (light-sheet 0.x/1.x, 2.x) started or ended."""
    places = [("session", f"session_{which}_time"), ("acquisition", f"acquisition_{which}_time")]
    places.append(("acquisition", f"session_{which}_time"))
    for doc, key in places:
        found = moment((document(record, doc) or {}).get(key), declared_zone(record))
        if found is not None:
            return found
    return None


def acquired_at(name: str, record: dict[str, Any]) -> datetime:
    """The recorded start; else when a raw asset's data description was written; else the name's time."""
    start = recorded_time(record, "start")
    if start is not None:
        return start
    description = document(record, "data_description") or {}
    created, day = description.get("creation_time"), description.get("creation_date")
    if data_level_of(name, record) != "derived" and (created or day):
        if isinstance(day, str) and isinstance(created, str) and len(created) <= 8:
            return moment(f"{day}T{created}") or name_times(name)[0]
        return moment(created or day) or name_times(name)[0]
    return name_times(name)[0]


def month_of(name: str, record: dict[str, Any]) -> str:
    """The UTC calendar month of the acquisition."""
    return acquired_at(name, record).astimezone(UTC).strftime("%Y-%m")


def span(start: datetime | None, end: datetime | None, days: int) -> float | None:
    """Seconds from start to end; a negative span, or one over ``days``, is no measure."""
    if start is None or end is None or not timedelta(0) <= end - start <= timedelta(days=days):
        return None
    return (end - start).total_seconds()


def acquisition_duration(name: str, record: dict[str, Any]) -> float | None:
    return span(recorded_time(record, "start"), recorded_time(record, "end"), 366)


def age_at_acquisition(name: str, record: dict[str, Any]) -> int | None:
    """Whole days from birth to the day of acquisition, that day where it was recorded."""
    born = birth_of(record)
    if born is None:
        return None
    days = (acquired_at(name, record).date() - born).days
    return days if 0 <= days <= 100 * 366 else None


def processing_duration(name: str, record: dict[str, Any]) -> float | None:
    """From the first processing step's start to the last one's end (naive times UTC); a derived
    asset without a recorded start starts at its name's processing time."""
    processing = document(record, "processing") or {}
    pipeline = processing.get("processing_pipeline")
    steps = (pipeline or {}).get("data_processes") if isinstance(pipeline, dict) else None
    if steps is None:
        steps = processing.get("data_processes") or []
    starts = [m for m in (moment(s.get("start_date_time")) for s in steps) if m]
    ends = [m for m in (moment(s.get("end_date_time")) for s in steps) if m]
    start = min(starts, default=None) or (name_times(name)[1] if kind(name) == "DERIVED" else None)
    return span(start, max(ends, default=None), 10 * 366)


# -- what comes back, made comparable --------------------------------------------------------------


def rows(data: dict[str, Any]) -> dict[tuple[Any, ...], list[Any]]:
    """An aggregate's rows: (keys) → values."""
    found = data["aggregate"]["rows"]
    table = {tuple(row["keys"]): row["values"] for row in found}
    assert len(table) == len(found), "two rows with the same keys"
    return table


def ranked(data: dict[str, Any]) -> dict[str, Any]:
    """An aggregate's rows in order, and whether more groups matched."""
    result = data["aggregate"]
    return {
        "rows": [(tuple(r["keys"]), r["values"]) for r in result["rows"]],
        "truncated": result["truncated"],
    }


def names(data: dict[str, Any]) -> set[str]:
    edges = data["assets"]["edges"]
    assert len(edges) < FIRST, "a page filled up: raise FIRST"
    return {edge["node"]["name"] for edge in edges}


def subjects(data: dict[str, Any]) -> set[str]:
    edges = data["assets"]["edges"]
    assert len(edges) < FIRST, "a page filled up: raise FIRST"
    return {edge["node"]["subject"]["subjectId"] for edge in edges}


def facets(data: dict[str, Any]) -> dict[str, dict[Any, int]]:
    """Every aliased facets field: alias → value → count."""
    return {
        alias: {v["value"]: v["count"] for facet in found for v in facet["values"]}
        for alias, found in data.items()
    }


def aliased(read: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Several aliased assets fields of one request, each read alike."""
    return lambda data: {alias: read({"assets": found}) for alias, found in data.items()}


def approx(value: Any) -> Any:
    """The expectation with each float compared approximately (counts come back as floats too)."""
    if isinstance(value, dict):
        return {k: approx(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(approx(v) for v in value)
    if isinstance(value, float):
        return pytest.approx(value, rel=1e-9, abs=1e-6)
    return value


# -- helpers for the expectations ------------------------------------------------------------------


def mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def grouped(
    raw: Raw,
    keys: Callable[[str, dict[str, Any]], Iterable[tuple[Any, ...]]],
    where: Callable[..., bool] | None = None,
) -> dict[tuple[Any, ...], list[str]]:
    """Group key tuples → the assets in the group (each asset once per group)."""
    groups: dict[tuple[Any, ...], list[str]] = defaultdict(list)
    for name, record in raw.items():
        if where is None or where(name, record):
            for key in dict.fromkeys(keys(name, record)):
                groups[key].append(name)
    return dict(groups)


def each(values: list[Any]) -> list[tuple[Any, ...]]:
    """One group per value; none is the null group."""
    return [(v,) for v in values] or [(None,)]


def by_modality(name: str, record: dict[str, Any]) -> list[tuple[Any, ...]]:
    return each(modalities_of(record))


def by_project(name: str, record: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(project_of(record),)]


def by_path(doc: str, path: str) -> Callable[[str, dict[str, Any]], list[tuple[Any, ...]]]:
    return lambda name, record: each(scalars_in(record, doc, path))


def measured(
    groups: dict[tuple[Any, ...], list[str]], raw: Raw, *measures: Callable[[list[str], Raw], Any]
) -> dict[tuple[Any, ...], list[Any]]:
    return {key: [m(members, raw) for m in measures] for key, members in groups.items()}


def count(members: list[str], raw: Raw) -> int:
    return len(members)


def distinct_subjects(members: list[str], raw: Raw) -> int:
    return len({subject_of(n, raw[n]) for n in members})


def column(
    op: Callable[[list[Any]], Any], of: Callable[[str, dict[str, Any]], Any]
) -> Callable[[list[str], Raw], Any]:
    """A column measure: each asset's value once, missing values left out."""

    def measure(members: list[str], raw: Raw) -> Any:
        values = [v for v in (of(n, raw[n]) for n in members) if v is not None]
        return op(values) if values or op is len else None

    return measure


def along(
    op: Callable[[list[Any]], Any], doc: str, path: str, read: Callable[..., list[Any]] = numbers_in
) -> Callable[[list[str], Raw], Any]:
    """A path measure: every value the path reaches in each asset of the group."""

    def measure(members: list[str], raw: Raw) -> Any:
        values = [v for n in members for v in read(raw[n], doc, path)]
        return op(values) if values else None

    return measure


def elements(doc: str, path: str) -> Callable[[list[str], Raw], int]:
    """COUNT with unit ELEMENTS: the non-null elements the path reaches in the group's assets."""
    return lambda members, raw: sum(len(reach_in(raw[n], doc, path)) for n in members)


def distinct_values(members: list[str], raw: Raw, doc: str, path: str) -> int:
    def identity(v: Any) -> tuple[str, Any]:
        return (
            ("n", float(v))
            if isinstance(v, (int, float)) and not isinstance(v, bool)
            else (type(v).__name__, v)
        )

    return len({identity(v) for n in members for v in scalars_in(raw[n], doc, path)})


def assets(raw: Raw, where: Callable[[str, dict[str, Any]], bool]) -> set[str]:
    return {name for name, record in raw.items() if where(name, record)}


def injections(record: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for p in reach_in(record, "procedures", INJECTIONS) if isinstance(p, dict)]


def tiles(record: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for t in reach_in(record, "acquisition", "tiles") if isinstance(t, dict)]


def any_number(values: list[Any], test: Callable[[float], bool]) -> bool:
    return any(n is not None and test(n) for n in map(number, values))


def iso_bucket(size: int) -> Callable[[Any], str | None]:
    return lambda v: v[:size] if isinstance(v, str) and re.match("[0-9]{4}-[0-9]{2}-[0-9]{2}", v) else None


def by_bucket(doc: str, path: str, size: int) -> Callable[[str, dict[str, Any]], list[tuple[Any, ...]]]:
    """A path's ISO dates cut to a day, month or year; assets with no such date form the null group."""
    cut = iso_bucket(size)
    return lambda name, record: each([b for b in map(cut, scalars_in(record, doc, path)) if b])


def top(
    table: dict[tuple[Any, ...], list[Any]], measure: int, n: int, descending: bool = True
) -> dict[str, Any]:
    """The rows ordered by a measure (missing last), then by the keys (missing last), cut to n."""

    def order(item: tuple[tuple[Any, ...], list[Any]]) -> tuple[Any, ...]:
        keys, values = item
        value = values[measure]
        ranked_value = (value is None, -(value or 0) if descending else (value or 0))
        return (*ranked_value, *((k is None, k or "") for k in keys))

    ordered = sorted(table.items(), key=order)
    return {"rows": [(k, v) for k, v in ordered[:n]], "truncated": len(ordered) > n}


def sets_of(pairs: Iterable[tuple[Any, Any]]) -> dict[Any, set[Any]]:
    found: dict[Any, set[Any]] = defaultdict(set)
    for key, member in pairs:
        found[key].add(member)
    return dict(found)


def one_spelling(values: list[Any]) -> set[Any]:
    """The distinct values, a number and a string writing it being one (the number), a whole
    number an int; {None} when there are none."""
    read = {number(v) if number(v) is not None else v for v in values}
    return {int(v) if isinstance(v, float) and v.is_integer() else v for v in read} or {None}


def procedure_types(record: dict[str, Any]) -> set[Any]:
    return set(scalars_in(record, "procedures", f"{INJECTIONS}.procedure_type"))


# -- the questions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    ask: str
    query: str
    expect: Callable[[Raw], Any]
    read: Callable[[dict[str, Any]], Any] = rows
    variables: dict[str, Any] = field(default_factory=dict)


def aggregate(args: str) -> str:
    return f"{{ aggregate({args}) {{ rows {{ keys values }} truncated }} }}"


def asset_query(filter_: str, fields: str = "name") -> str:
    return f"{{ assets(filter: {filter_}, first: {FIRST}) {{ edges {{ node {{ {fields} }} }} }} }}"


def metadata_filter(doc: str, path: str, op: str, value: str) -> str:
    return f'{{metadata: [{{document: "{doc}", path: "{path}", op: {op}, value: {value}}}]}}'


def element_filter(doc: str, path: str, *conditions: str) -> str:
    return f'{{metadata: [{{document: "{doc}", path: "{path}", elementMatch: [{", ".join(conditions)}]}}]}}'


def holds(path: str, op: str, value: str) -> str:
    return f'{{path: "{path}", op: {op}, value: {value}}}'


def exists(doc: str, path: str) -> str:
    return metadata_filter(doc, path, "EXISTS", "true")


def has(doc: str, path: str) -> Callable[[str, dict[str, Any]], bool]:
    """The raw reading of ``exists``: the path reaches some value other than JSON null."""
    return lambda name, record: bool(reach_in(record, doc, path))


HAS_FUNDER = exists("data_description", "funding_source.funder")
NANOJECT = holds("procedure_type", "EQ", '"Nanoject injection"')


def per_procedure_type(raw: Raw) -> dict[tuple[Any, ...], list[Any]]:
    return measured(
        grouped(raw, lambda n, r: each(scalars_in(r, "procedures", f"{INJECTIONS}.procedure_type"))),
        raw,
        count,
        distinct_subjects,
    )


QUESTIONS = [
    # -- how many, per what ---------------------------------------------------------------------
    Question(
        "how many assets and distinct mice per modality",
        aggregate(
            "groupBy: [{field: MODALITY}], measures: [{op: COUNT, field: ASSET}, {op: COUNT_DISTINCT, field: SUBJECT}]"
        ),
        lambda raw: measured(grouped(raw, by_modality), raw, count, distinct_subjects),
    ),
    Question(
        "how many distinct subjects per project",
        aggregate("groupBy: [{field: PROJECT}], measures: [{op: COUNT_DISTINCT, field: SUBJECT}]"),
        lambda raw: measured(grouped(raw, by_project), raw, distinct_subjects),
    ),
    Question(
        "how many distinct mice per project among ecephys sessions (COUNT with unit SUBJECTS)",
        aggregate(
            'filter: {modality: ["ecephys"]}, groupBy: [{field: PROJECT}], '
            "measures: [{op: COUNT, field: ASSET, unit: SUBJECTS}, {op: COUNT, field: ASSET}]"
        ),
        lambda raw: {
            key: [distinct_subjects(members, raw), len(members)]
            for key, members in grouped(raw, by_project, lambda n, r: "ecephys" in modalities_of(r)).items()
        },
    ),
    Question(
        "which mice were recorded in more than one session",
        aggregate(
            "groupBy: [{field: SUBJECT}], measures: [{op: COUNT, field: ASSET}], having: [{measure: 0, op: GT, value: 1}]"
        ),
        lambda raw: {
            key: [len(members)]
            for key, members in grouped(raw, lambda n, r: [(subject_of(n, r),)]).items()
            if len(members) > 1
        },
    ),
    Question(
        "projects with at least 3 assets, with their mice",
        aggregate(
            "groupBy: [{field: PROJECT}], measures: [{op: COUNT, field: ASSET}, {op: COUNT, field: SUBJECT}], "
            "having: [{measure: 0, op: GTE, value: 3}]"
        ),
        lambda raw: {
            key: values
            for key, values in measured(grouped(raw, by_project), raw, count, distinct_subjects).items()
            if values[0] >= 3
        },
    ),
    Question(
        "the four projects with the most assets",
        aggregate(
            "groupBy: [{field: PROJECT}], measures: [{op: COUNT, field: ASSET}], "
            "orderBy: [{measure: 0, descending: true}], first: 4"
        ),
        lambda raw: top(measured(grouped(raw, by_project), raw, count), 0, 4),
        ranked,
    ),
    Question(
        "investigators of each project",
        aggregate(
            "groupBy: [{field: PROJECT}, {field: INVESTIGATOR}], measures: [{op: COUNT, field: ASSET}]"
        ),
        lambda raw: measured(
            grouped(raw, lambda n, r: [(project_of(r), i) for (i,) in each(investigators_of(r))]), raw, count
        ),
    ),
    Question(
        "how many assets and mice each funder paid for",
        aggregate(
            f"filter: {HAS_FUNDER}, groupBy: [{{field: FUNDING}}], "
            "measures: [{op: COUNT, field: ASSET}, {op: COUNT, field: SUBJECT}]"
        ),
        lambda raw: measured(
            grouped(raw, lambda n, r: each(funders_of(r)), has("data_description", "funding_source.funder")),
            raw,
            count,
            distinct_subjects,
        ),
    ),
    Question(
        "raw and derived assets per modality",
        aggregate("groupBy: [{field: MODALITY}, {field: KIND}], measures: [{op: COUNT, field: ASSET}]"),
        lambda raw: measured(
            grouped(raw, lambda n, r: [(m, kind(n)) for (m,) in by_modality(n, r)]), raw, count
        ),
    ),
    Question(
        "assets per data level and species",
        aggregate("groupBy: [{field: DATA_LEVEL}, {field: SPECIES}], measures: [{op: COUNT, field: ASSET}]"),
        lambda raw: measured(grouped(raw, lambda n, r: [(data_level_of(n, r), species_of(r))]), raw, count),
    ),
    Question(
        "assets per month of acquisition in 2024",
        "query($after: DateTime!, $before: DateTime!) { aggregate(filter: {acquiredAfter: $after, "
        "acquiredBefore: $before}, groupBy: [{field: MONTH}], measures: [{op: COUNT, field: ASSET}]) "
        "{ rows { keys values } truncated } }",
        lambda raw: measured(
            grouped(
                raw,
                lambda n, r: [(month_of(n, r),)],
                lambda n, r: (
                    datetime(2024, 1, 1, tzinfo=UTC) <= acquired_at(n, r) < datetime(2025, 1, 1, tzinfo=UTC)
                ),
            ),
            raw,
            count,
        ),
        variables={"after": "2024-01-01T00:00:00+00:00", "before": "2025-01-01T00:00:00+00:00"},
    ),
    Question(
        "how many distinct mice were recorded each month in 2025, per modality",
        aggregate(
            'filter: {acquiredAfter: "2025-01-01T00:00:00Z", acquiredBefore: "2026-01-01T00:00:00Z"}, '
            "groupBy: [{field: MODALITY}, {field: MONTH}], measures: [{op: COUNT_DISTINCT, field: SUBJECT}]"
        ),
        lambda raw: measured(
            grouped(
                raw,
                lambda n, r: [(m, month_of(n, r)) for (m,) in by_modality(n, r)],
                lambda n, r: (
                    datetime(2025, 1, 1, tzinfo=UTC) <= acquired_at(n, r) < datetime(2026, 1, 1, tzinfo=UTC)
                ),
            ),
            raw,
            distinct_subjects,
        ),
    ),
    Question(
        "assets and mice per year of acquisition (facets, unit ASSETS vs SUBJECTS)",
        "{ a: facets(fields: [YEAR]) { values { value count } } "
        "s: facets(fields: [YEAR], unit: SUBJECTS) { values { value count } } }",
        lambda raw: {
            "a": dict(Counter(acquired_at(n, r).astimezone(UTC).year for n, r in raw.items())),
            "s": {
                year: len(members)
                for year, members in sets_of(
                    (acquired_at(n, r).astimezone(UTC).year, subject_of(n, r)) for n, r in raw.items()
                ).items()
            },
        },
        facets,
    ),
    Question(
        "males and females (and the unsexed), as mice and as assets (facets)",
        "{ a: facets(fields: [SEX]) { values { value count } } "
        "s: facets(fields: [SEX], unit: SUBJECTS) { values { value count } } }",
        lambda raw: {
            "a": dict(Counter(sex_of(r) for r in raw.values())),
            "s": {
                k: len(v) for k, v in sets_of((sex_of(r), subject_of(n, r)) for n, r in raw.items()).items()
            },
        },
        facets,
    ),
    Question(
        "mice per procedure type, and assets (facet of a metadata path)",
        '{ a: facets(fields: [], metadataFields: [{document: "procedures", path: "'
        + INJECTIONS
        + '.procedure_type"}]) '
        "{ values { value count } } "
        's: facets(fields: [], metadataFields: [{document: "procedures", path: "'
        + INJECTIONS
        + '.procedure_type"}], '
        "unit: SUBJECTS) { values { value count } } }",
        lambda raw: {
            "a": {
                k: len(v)
                for k, v in sets_of(
                    (t, n) for n, r in raw.items() for t in procedure_types(r) or {None}
                ).items()
            },
            "s": {
                k: len(v)
                for k, v in sets_of(
                    (t, subject_of(n, r)) for n, r in raw.items() for t in procedure_types(r) or {None}
                ).items()
            },
        },
        facets,
    ),
    Question(
        "assets per chamber immersion refractive index, a number and its string one value (facet)",
        '{ a: facets(fields: [], metadataFields: [{document: "acquisition", '
        'path: "chamber_immersion.refractive_index"}]) { values { value count } } }',
        lambda raw: {
            "a": {
                k: len(v)
                for k, v in sets_of(
                    (value, n)
                    for n, r in raw.items()
                    for value in one_spelling(
                        scalars_in(r, "acquisition", "chamber_immersion.refractive_index")
                    )
                ).items()
            }
        },
        facets,
    ),
    # -- metadata paths as group keys, dates in buckets ----------------------------------------------
    Question(
        "assets per month of surgery (path bucket MONTH)",
        aggregate(
            f"filter: {exists('procedures', 'subject_procedures.start_date')}, "
            'groupBy: [{path: {document: "procedures", path: "subject_procedures.start_date"}, bucket: MONTH}], '
            "measures: [{op: COUNT, field: ASSET}]"
        ),
        lambda raw: measured(
            grouped(
                raw,
                by_bucket("procedures", "subject_procedures.start_date", 7),
                has("procedures", "subject_procedures.start_date"),
            ),
            raw,
            count,
        ),
    ),
    Question(
        "sessions per year of their recorded start, as written (path bucket YEAR)",
        aggregate(
            f"filter: {exists('session', 'session_start_time')}, "
            'groupBy: [{path: {document: "session", path: "session_start_time"}, bucket: YEAR}], '
            "measures: [{op: COUNT, field: ASSET}, {op: COUNT, field: SUBJECT}]"
        ),
        lambda raw: measured(
            grouped(raw, by_bucket("session", "session_start_time", 4), has("session", "session_start_time")),
            raw,
            count,
            distinct_subjects,
        ),
    ),
    Question(
        "mice per month of birth (path bucket MONTH on subject.date_of_birth)",
        aggregate(
            f"filter: {exists('subject', 'date_of_birth')}, "
            'groupBy: [{path: {document: "subject", path: "date_of_birth"}, bucket: MONTH}], '
            "measures: [{op: COUNT_DISTINCT, field: SUBJECT}]"
        ),
        lambda raw: measured(
            grouped(raw, by_bucket("subject", "date_of_birth", 7), has("subject", "date_of_birth")),
            raw,
            distinct_subjects,
        ),
    ),
    Question(
        "days of surgery shared by at least two assets (path bucket DAY, having)",
        aggregate(
            f"filter: {exists('procedures', 'subject_procedures.start_date')}, "
            'groupBy: [{path: {document: "procedures", path: "subject_procedures.start_date"}, bucket: DAY}], '
            "measures: [{op: COUNT, field: ASSET}], having: [{measure: 0, op: GTE, value: 2}]"
        ),
        lambda raw: {
            k: v
            for k, v in measured(
                grouped(
                    raw,
                    by_bucket("procedures", "subject_procedures.start_date", 10),
                    has("procedures", "subject_procedures.start_date"),
                ),
                raw,
                count,
            ).items()
            if v[0] >= 2
        },
    ),
    Question(
        "assets and mice per procedure type (a multi-valued path key)",
        aggregate(
            f'groupBy: [{{path: {{document: "procedures", path: "{INJECTIONS}.procedure_type"}}}}], '
            "measures: [{op: COUNT, field: ASSET}, {op: COUNT, field: SUBJECT}]"
        ),
        per_procedure_type,
    ),
    Question(
        "procedures per type (elements, counted over the assets having that type)",
        aggregate(
            f"filter: {exists('procedures', f'{INJECTIONS}.procedure_type')}, "
            f'groupBy: [{{path: {{document: "procedures", path: "{INJECTIONS}.procedure_type"}}}}], '
            f'measures: [{{op: COUNT, path: {{document: "procedures", path: "{INJECTIONS}"}}, unit: ELEMENTS}}]'
        ),
        lambda raw: measured(
            grouped(
                raw,
                by_path("procedures", f"{INJECTIONS}.procedure_type"),
                has("procedures", f"{INJECTIONS}.procedure_type"),
            ),
            raw,
            elements("procedures", INJECTIONS),
        ),
    ),
    Question(
        "how many procedures and surgeries per project (unit ELEMENTS)",
        aggregate(
            "groupBy: [{field: PROJECT}], measures: ["
            f'{{op: COUNT, path: {{document: "procedures", path: "{INJECTIONS}"}}, unit: ELEMENTS}}, '
            '{op: COUNT, path: {document: "procedures", path: "subject_procedures"}, unit: ELEMENTS}]'
        ),
        lambda raw: {
            key: [
                sum(len(injections(raw[n])) for n in members),
                elements("procedures", "subject_procedures")(members, raw),
            ]
            for key, members in grouped(raw, by_project).items()
        },
    ),
    Question(
        "how many tiles did each light-sheet project image (unit ELEMENTS)",
        aggregate(
            'filter: {modality: ["SPIM"]}, groupBy: [{field: PROJECT}], '
            'measures: [{op: COUNT, path: {document: "acquisition", path: "tiles"}, unit: ELEMENTS}, '
            "{op: COUNT, field: ASSET}]"
        ),
        lambda raw: {
            key: [sum(len(tiles(raw[n])) for n in members), len(members)]
            for key, members in grouped(raw, by_project, light_sheet).items()
        },
    ),
    Question(
        "mean, smallest and largest injection volume per project (numbers written as strings)",
        aggregate(
            "groupBy: [{field: PROJECT}], measures: ["
            f'{{op: AVG, path: {{document: "procedures", path: "{INJECTIONS}.injection_volume"}}}}, '
            f'{{op: MIN, path: {{document: "procedures", path: "{INJECTIONS}.injection_volume"}}}}, '
            f'{{op: MAX, path: {{document: "procedures", path: "{INJECTIONS}.injection_volume"}}}}]'
        ),
        lambda raw: measured(
            grouped(raw, by_project),
            raw,
            along(mean, "procedures", f"{INJECTIONS}.injection_volume"),
            along(min, "procedures", f"{INJECTIONS}.injection_volume"),
            along(max, "procedures", f"{INJECTIONS}.injection_volume"),
        ),
    ),
    Question(
        "total volume injected into each mouse that got more than 200",
        aggregate(
            "groupBy: [{field: SUBJECT}], measures: ["
            f'{{op: SUM, path: {{document: "procedures", path: "{INJECTIONS}.injection_volume"}}}}], '
            "having: [{measure: 0, op: GT, value: 200}]"
        ),
        lambda raw: {
            key: [total]
            for key, values in measured(
                grouped(raw, lambda n, r: [(subject_of(n, r),)]),
                raw,
                along(sum, "procedures", f"{INJECTIONS}.injection_volume"),
            ).items()
            if (total := values[0]) is not None and total > 200
        },
    ),
    Question(
        "how many different injection volumes each project used (COUNT_DISTINCT of a path)",
        aggregate(
            "groupBy: [{field: PROJECT}], measures: ["
            f'{{op: COUNT_DISTINCT, path: {{document: "procedures", path: "{INJECTIONS}.injection_volume"}}}}]'
        ),
        lambda raw: {
            key: [distinct_values(members, raw, "procedures", f"{INJECTIONS}.injection_volume")]
            for key, members in grouped(raw, by_project).items()
        },
    ),
    Question(
        "mean and highest laser power per light-sheet project",
        aggregate(
            'filter: {modality: ["SPIM"]}, groupBy: [{field: PROJECT}], measures: ['
            '{op: AVG, path: {document: "acquisition", path: "tiles.channel.laser_power"}}, '
            '{op: MAX, path: {document: "acquisition", path: "tiles.channel.laser_power"}}]'
        ),
        lambda raw: measured(
            grouped(raw, by_project, light_sheet),
            raw,
            along(mean, "acquisition", "tiles.channel.laser_power"),
            along(max, "acquisition", "tiles.channel.laser_power"),
        ),
    ),
    # -- which assets: predicates over any document ----------------------------------------------
    Question(
        "sessions with more than 3 data streams",
        asset_query(metadata_filter("session", "data_streams", "LENGTH_GT", "3")),
        lambda raw: assets(
            raw, lambda n, r: len((document(r, "session") or {}).get("data_streams") or []) > 3
        ),
        names,
    ),
    Question(
        "light-sheet acquisitions of exactly 84 tiles",
        asset_query(metadata_filter("acquisition", "tiles", "LENGTH_EQ", "84")),
        lambda raw: assets(
            raw, lambda n, r: len((document(r, "acquisition") or {}).get("tiles") or []) == 84
        ),
        names,
    ),
    Question(
        "assets with a surgery that recorded no procedures (LENGTH_EQ 0 after crossing surgeries)",
        asset_query(metadata_filter("procedures", INJECTIONS, "LENGTH_EQ", "0")),
        lambda raw: assets(
            raw,
            lambda n, r: any(
                isinstance(s, dict) and s.get("procedures") == []
                for s in reach_in(r, "procedures", "subject_procedures")
            ),
        ),
        names,
    ),
    Question(
        "which subjects had a Nanoject injection over 50 nl on the same injection",
        asset_query(
            element_filter("procedures", INJECTIONS, NANOJECT, holds("injection_volume", "GT", "50")),
            "name subject { subjectId }",
        ),
        lambda raw: {
            subject_of(n, r)
            for n, r in raw.items()
            if any(
                p.get("procedure_type") == "Nanoject injection"
                and any_number(reach(p, "injection_volume"), lambda v: v > 50)
                for p in injections(r)
            )
        },
        subjects,
    ),
    Question(
        "a Nanoject injection and an injection of at least 100, never on the same injection",
        asset_query(
            "{metadata: ["
            f'{{document: "procedures", path: "{INJECTIONS}.procedure_type", op: EQ, value: "Nanoject injection"}}, '
            f'{{document: "procedures", path: "{INJECTIONS}.injection_volume", op: GTE, value: 100}}], '
            f"not: {element_filter('procedures', INJECTIONS, NANOJECT, holds('injection_volume', 'GTE', '100'))}}}"
        ),
        lambda raw: assets(
            raw,
            lambda n, r: (
                any(p.get("procedure_type") == "Nanoject injection" for p in injections(r))
                and any(any_number(reach(p, "injection_volume"), lambda v: v >= 100) for p in injections(r))
                and not any(
                    p.get("procedure_type") == "Nanoject injection"
                    and any_number(reach(p, "injection_volume"), lambda v: v >= 100)
                    for p in injections(r)
                )
            ),
        ),
        names,
    ),
    Question(
        "injections of exactly 100 (volumes stored as text like '100.0')",
        asset_query(metadata_filter("procedures", f"{INJECTIONS}.injection_volume", "EQ", "100")),
        lambda raw: assets(
            raw,
            lambda n, r: any_number(
                scalars_in(r, "procedures", f"{INJECTIONS}.injection_volume"), lambda v: v == 100
            ),
        ),
        names,
    ),
    Question(
        "injections of 200 or 600 nl (IN over numbers written as text)",
        'query($volumes: JSON) { assets(filter: {metadata: [{document: "procedures", '
        f'path: "{INJECTIONS}.injection_volume", op: IN, value: $volumes}}]}}, first: {FIRST}) '
        "{ edges { node { name } } } }",
        lambda raw: assets(
            raw,
            lambda n, r: any_number(
                scalars_in(r, "procedures", f"{INJECTIONS}.injection_volume"), lambda v: v in (200, 600)
            ),
        ),
        names,
        variables={"volumes": [200, 600]},
    ),
    Question(
        "left-hemisphere injections deeper than 3 mm",
        asset_query(
            element_filter(
                "procedures",
                INJECTIONS,
                holds("injection_hemisphere", "EQ", '"Left"'),
                holds("injection_coordinate_depth", "GT", "3"),
            )
        ),
        lambda raw: assets(
            raw,
            lambda n, r: any(
                p.get("injection_hemisphere") == "Left"
                and any_number(reach(p, "injection_coordinate_depth"), lambda v: v > 3)
                for p in injections(r)
            ),
        ),
        names,
    ),
    Question(
        "brain injections placed beyond -2 mm on some axis (coordinates: arrays in arrays)",
        asset_query(
            element_filter(
                "procedures",
                INJECTIONS,
                holds("object_type", "EQ", '"Brain injection"'),
                holds("coordinates.translation", "LT", "-2"),
            )
        ),
        lambda raw: assets(
            raw,
            lambda n, r: any(
                p.get("object_type") == "Brain injection"
                and any_number(reach(p, "coordinates.translation"), lambda v: v < -2)
                for p in injections(r)
            ),
        ),
        names,
    ),
    Question(
        "tiles with laser power over 25 on channel 639",
        asset_query(
            element_filter(
                "acquisition",
                "tiles",
                holds("channel.channel_name", "EQ", '"639"'),
                holds("channel.laser_power", "GT", "25"),
            )
        ),
        lambda raw: assets(
            raw,
            lambda n, r: any(
                (t.get("channel") or {}).get("channel_name") == "639"
                and any_number(reach(t, "channel.laser_power"), lambda v: v > 25)
                for t in tiles(r)
            ),
        ),
        names,
    ),
    Question(
        "tiles of channel 488 at 25 or more on one tile, versus on any two tiles",
        "{ same: assets(filter: "
        + element_filter(
            "acquisition",
            "tiles",
            holds("channel.channel_name", "EQ", '"488"'),
            holds("channel.laser_power", "GTE", "25"),
        )
        + f", first: {FIRST}) {{ edges {{ node {{ name }} }} }} "
        'apart: assets(filter: {metadata: [{document: "acquisition", path: "tiles.channel.channel_name", op: EQ, '
        'value: "488"}, {document: "acquisition", path: "tiles.channel.laser_power", op: GTE, value: 25}]}, '
        f"first: {FIRST}) {{ edges {{ node {{ name }} }} }} }}",
        lambda raw: {
            "same": assets(
                raw,
                lambda n, r: any(
                    (t.get("channel") or {}).get("channel_name") == "488"
                    and any_number(reach(t, "channel.laser_power"), lambda v: v >= 25)
                    for t in tiles(r)
                ),
            ),
            "apart": assets(
                raw,
                lambda n, r: (
                    "488" in scalars_in(r, "acquisition", "tiles.channel.channel_name")
                    and any_number(
                        scalars_in(r, "acquisition", "tiles.channel.laser_power"), lambda v: v >= 25
                    )
                ),
            ),
        },
        aliased(names),
    ),
    Question(
        "tiles whose notes mention laser power, in any case (ICONTAINS)",
        asset_query(metadata_filter("acquisition", "tiles.notes", "ICONTAINS", '"LASER POWER"')),
        lambda raw: assets(
            raw,
            lambda n, r: any(
                isinstance(v, str) and "laser power" in v.lower()
                for v in scalars_in(r, "acquisition", "tiles.notes")
            ),
        ),
        names,
    ),
    Question(
        "mice whose genotype carries a cre line, in any case (ICONTAINS)",
        asset_query(
            metadata_filter("subject", "genotype", "ICONTAINS", '"cre"'), "name subject { subjectId }"
        ),
        lambda raw: {
            subject_of(n, r)
            for n, r in raw.items()
            if any(isinstance(g, str) and "cre" in g.lower() for g in scalars_in(r, "subject", "genotype"))
        },
        subjects,
    ),
    Question(
        "procedures following a protocols.io protocol (MATCHES)",
        asset_query(
            metadata_filter(
                "procedures",
                f"{INJECTIONS}.protocol_id",
                "MATCHES",
                json.dumps(r"^dx\.doi\.org/10\.17504/protocols\.io\."),
            )
        ),
        lambda raw: assets(
            raw,
            lambda n, r: any(
                isinstance(v, str) and re.search(r"^dx\.doi\.org/10\.17504/protocols\.io\.", v)
                for v in scalars_in(r, "procedures", f"{INJECTIONS}.protocol_id")
            ),
        ),
        names,
    ),
    Question(
        "light-sheet tiles imaged through the 561 or 639 excitation folders (MATCHES with groups)",
        asset_query(
            metadata_filter(
                "acquisition", "tiles.file_name", "MATCHES", json.dumps("^Ex_(561|639)_Em_[0-9]+/")
            )
        ),
        lambda raw: assets(
            raw,
            lambda n, r: any(
                isinstance(v, str) and re.search("^Ex_(561|639)_Em_[0-9]+/", v)
                for v in scalars_in(r, "acquisition", "tiles.file_name")
            ),
        ),
        names,
    ),
    Question(
        "assets without any quality-control evaluation (EXISTS false, missing documents included)",
        asset_query(metadata_filter("quality_control", "evaluations", "EXISTS", "false")),
        lambda raw: assets(raw, lambda n, r: not reach_in(r, "quality_control", "evaluations")),
        names,
    ),
    Question(
        "sessions whose animal was not weighed before (EXISTS false over null)",
        asset_query(
            '{and: [{metadata: [{document: "session", path: "session_start_time", op: EXISTS, value: true}]}, '
            '{metadata: [{document: "session", path: "animal_weight_prior", op: EXISTS, value: false}]}]}'
        ),
        lambda raw: assets(
            raw,
            lambda n, r: (
                bool(reach_in(r, "session", "session_start_time"))
                and not reach_in(r, "session", "animal_weight_prior")
            ),
        ),
        names,
    ),
    # -- derived measures ------------------------------------------------------------------------
    Question(
        "acquisitions longer than two hours",
        asset_query("{acquisitionDurationMin: 7200}"),
        lambda raw: assets(raw, lambda n, r: (acquisition_duration(n, r) or 0) >= 7200),
        names,
    ),
    Question(
        "mice younger than 120 days at acquisition",
        asset_query("{subjectAgeAtAcquisitionMax: 119}", "name subject { subjectId }"),
        lambda raw: {
            subject_of(n, r)
            for n, r in raw.items()
            if (a := age_at_acquisition(n, r)) is not None and a <= 119
        },
        subjects,
    ),
    Question(
        "derived assets whose processing took more than an hour",
        asset_query("{kind: DERIVED, processingDurationMin: 3600}"),
        lambda raw: assets(
            raw, lambda n, r: kind(n) == "DERIVED" and (processing_duration(n, r) or 0) >= 3600
        ),
        names,
    ),
    Question(
        "the five longest acquisitions",
        "{ assets(orderBy: [{field: ACQUISITION_DURATION, direction: DESC}], first: 5) "
        "{ edges { node { name acquisitionDuration } } } }",
        lambda raw: sorted(
            ((n, d) for n, r in raw.items() if (d := acquisition_duration(n, r)) is not None),
            key=lambda x: -x[1],
        )[:5],
        lambda data: [(e["node"]["name"], e["node"]["acquisitionDuration"]) for e in data["assets"]["edges"]],
    ),
    Question(
        "average acquisition duration per modality per month",
        aggregate(
            "groupBy: [{field: MODALITY}, {field: MONTH}], "
            "measures: [{op: AVG, field: ACQUISITION_DURATION}, {op: COUNT, field: ASSET}]"
        ),
        lambda raw: measured(
            grouped(raw, lambda n, r: [(m, month_of(n, r)) for (m,) in by_modality(n, r)]),
            raw,
            column(mean, acquisition_duration),
            count,
        ),
    ),
    Question(
        "total hours of acquisition and how many durations are known, per modality",
        aggregate(
            "groupBy: [{field: MODALITY}], "
            "measures: [{op: SUM, field: ACQUISITION_DURATION}, {op: COUNT, field: ACQUISITION_DURATION}]"
        ),
        lambda raw: measured(
            grouped(raw, by_modality),
            raw,
            column(sum, acquisition_duration),
            column(len, acquisition_duration),
        ),
    ),
    Question(
        "the two projects with the longest mean acquisition",
        aggregate(
            "groupBy: [{field: PROJECT}], measures: [{op: AVG, field: ACQUISITION_DURATION}], "
            "orderBy: [{measure: 0, descending: true}], first: 2"
        ),
        lambda raw: top(measured(grouped(raw, by_project), raw, column(mean, acquisition_duration)), 0, 2),
        ranked,
    ),
    Question(
        "mice older than 90 days at acquisition, per species",
        aggregate(
            "filter: {subjectAgeAtAcquisitionMin: 91}, groupBy: [{field: SPECIES}], "
            "measures: [{op: COUNT, field: SUBJECT}, {op: COUNT, field: ASSET}]"
        ),
        lambda raw: measured(
            grouped(raw, lambda n, r: [(species_of(r),)], lambda n, r: (age_at_acquisition(n, r) or 0) >= 91),
            raw,
            distinct_subjects,
            count,
        ),
    ),
    Question(
        "youngest, oldest and mean age at acquisition per project",
        aggregate(
            "groupBy: [{field: PROJECT}], measures: [{op: MIN, field: SUBJECT_AGE_AT_ACQUISITION}, "
            "{op: MAX, field: SUBJECT_AGE_AT_ACQUISITION}, {op: AVG, field: SUBJECT_AGE_AT_ACQUISITION}]"
        ),
        lambda raw: measured(
            grouped(raw, by_project),
            raw,
            column(min, age_at_acquisition),
            column(max, age_at_acquisition),
            column(mean, age_at_acquisition),
        ),
    ),
    Question(
        "mean age at acquisition per year of surgery for mice with a Nanoject injection",
        aggregate(
            "filter: "
            + element_filter("procedures", INJECTIONS, NANOJECT)
            + ', groupBy: [{path: {document: "procedures", path: "subject_procedures.start_date"}, bucket: YEAR}], '
            "measures: [{op: AVG, field: SUBJECT_AGE_AT_ACQUISITION}, {op: COUNT, field: ASSET}]"
        ),
        lambda raw: measured(
            grouped(
                raw,
                by_bucket("procedures", "subject_procedures.start_date", 4),
                lambda n, r: any(p.get("procedure_type") == "Nanoject injection" for p in injections(r)),
            ),
            raw,
            column(mean, age_at_acquisition),
            count,
        ),
    ),
    Question(
        "average and longest processing of derived assets per modality",
        aggregate(
            "filter: {kind: DERIVED}, groupBy: [{field: MODALITY}], "
            "measures: [{op: AVG, field: PROCESSING_DURATION}, {op: MAX, field: PROCESSING_DURATION}]"
        ),
        lambda raw: measured(
            grouped(raw, by_modality, lambda n, r: kind(n) == "DERIVED"),
            raw,
            column(mean, processing_duration),
            column(max, processing_duration),
        ),
    ),
]


# -- the catalog: every top-level record, imported once per backend ----------------------------------


def record_files(fixtures_dir: Path) -> list[Path]:
    return sorted((fixtures_dir / "records").glob("*.json"))


@pytest.fixture(scope="module")
def raw(fixtures_dir: Path) -> Raw:
    records = [json.loads(path.read_text()) for path in record_files(fixtures_dir)]
    assert len(records) == 76
    return {record["name"]: record for record in records}


@pytest.fixture(scope="module")
async def questions(
    module_migrated_database_url: str, fixtures_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Catalog]:
    """Every top-level record registered metadata-only, served over HTTP, once per backend."""
    port = free_port()
    settings = local_settings(module_migrated_database_url, tmp_path_factory.mktemp("questions"), port)
    db = Database(settings.database_url)
    report = await RecordImport(db, Vocabulary())(
        Record(path.name, json.loads(path.read_text())) for path in record_files(fixtures_dir)
    )
    await db.dispose()
    assert report.errors == []
    assert report.registered == 76
    with served(settings, port) as running:
        yield running


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.ask for q in QUESTIONS])
def test_a_question_gets_the_answer_the_raw_records_give(
    question: Question, questions: Catalog, raw: Raw
) -> None:
    body = questions.gql(question.query, **question.variables)
    assert "errors" not in body, body["errors"]
    assert question.read(body["data"]) == approx(question.expect(raw))


def test_the_questions_are_many_distinct_and_not_vacuous(raw: Raw) -> None:
    """At least 40 questions, each answer holding something: no question passes by both sides
    finding nothing."""
    assert len(QUESTIONS) >= 40
    assert len({q.ask for q in QUESTIONS}) == len(QUESTIONS)
    empty = [q.ask for q in QUESTIONS if not question_has_answer(q.expect(raw))]
    assert empty == []


def question_has_answer(answer: Any) -> bool:
    if isinstance(answer, dict) and set(answer) == {"rows", "truncated"}:
        return bool(answer["rows"])
    if isinstance(answer, dict) and answer and all(isinstance(v, (set, dict)) for v in answer.values()):
        return all(bool(v) for v in answer.values())
    return bool(answer)
