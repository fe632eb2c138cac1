"""One field across schema generations: a unified path (``unified: true``, or a named fact of the
``fact`` document) reaches a fact wherever 0.x, 1.x or 2.x documents keep it. Every real record of
``../shared/fixtures/records`` (``other-sources/`` included) and every example document of both
generations is registered, on SQLite and on PostgreSQL; each expected answer is a plain reading of
the raw JSON, written here generation by generation (where 1.x and 2.x keep the fact, and whether as
text or as an object), without the catalog's alias table."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from conftest import Catalog, local_settings, served
from servers import free_port
from test_questions import document, one_spelling, reach, subject_details

from catalog.conventions.metadata import aliases
from catalog.conventions.modalities import Vocabulary
from catalog.db.engine import Database
from catalog.services.imports import Record, RecordImport

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable
    from pathlib import Path

Raw = dict[str, dict[str, Any]]
UPGRADED = "multiplane-ophys_804670_2025-09-17_10-26-00_processed_2025-09-18_18-01-45"
"""A 1.1.1 record whose 2.0.80 form is in other-sources/aind-metadata-viz: registered under another
name (``...-v2``) so that both forms are current at once."""


# -- the records: real ones, and the examples of both generations as one-document records ----------


def real_records(fixtures: Path) -> list[dict[str, Any]]:
    """Every real record; the 2.x form of ``UPGRADED`` renamed, so the two are two assets."""
    paths = sorted((fixtures / "records").glob("*.json")) + sorted((fixtures / "records").glob("*/*/*.json"))
    records = [json.loads(path.read_text()) for path in paths]
    for record in records:
        if record["name"] == UPGRADED and str(record.get("schema_version", "")).startswith("2."):
            record["name"] = UPGRADED.replace("multiplane-ophys_", "multiplane-ophys-v2_", 1)
    return records


def example_records(fixtures: Path) -> list[dict[str, Any]]:
    """One record per example document: ``<dir>/<prefix>_<document>.json`` is that document."""
    documents = ("data_description", "subject", "procedures", "instrument", "rig")
    documents += ("acquisition", "session", "processing", "quality_control")
    records = []
    for generation in ("examples-v1", "examples-v2"):
        for number, path in enumerate(sorted((fixtures / generation).glob("*.json"))):
            kind = next((d for d in documents if path.stem.endswith(d)), None)
            if kind is None:
                continue
            label = f"{generation}-{path.stem}".replace("_", "-")
            records.append(
                {"name": f"{label}_9{number:05d}_2024-01-01_00-00-00", kind: json.loads(path.read_text())}
            )
    return records


@pytest.fixture(scope="module")
def raw(fixtures_dir: Path) -> Raw:
    records = real_records(fixtures_dir) + example_records(fixtures_dir)
    return {record["name"]: record for record in records}


@pytest.fixture(scope="module")
async def catalog(
    module_migrated_database_url: str, raw: Raw, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Catalog]:
    port = free_port()
    settings = local_settings(module_migrated_database_url, tmp_path_factory.mktemp("generations"), port)
    db = Database(settings.database_url)
    report = await RecordImport(db, Vocabulary())(Record(name, record) for name, record in raw.items())
    await db.dispose()
    assert report.errors == []
    with served(settings, port) as running:
        yield running


# -- plain readings of the raw JSON, generation by generation ------------------------------------


def at(record: dict[str, Any], name: str, path: str) -> list[Any]:
    """The non-null values a path reaches in one document of a record."""
    doc = document(record, name)
    return [] if doc is None else [v for v in reach(doc, path) if v is not None]


def text_or(key: str) -> Callable[[list[Any]], list[Any]]:
    """Older versions write text, newer an object whose ``key`` holds the same fact."""
    return lambda values: [v.get(key) if isinstance(v, dict) else v for v in values]


def scalars(values: list[Any]) -> list[Any]:
    return [v for v in values if v is not None and not isinstance(v, (dict, list))]


def genotype(record: dict[str, Any]) -> list[Any]:
    """subject 0.x-1.x: subject.genotype; 2.x: subject.subject_details.genotype."""
    return [subject_details(record).get("genotype")]


def species(record: dict[str, Any]) -> list[Any]:
    """Text in subject 0.x, a Species object since; under subject_details in 2.x."""
    return text_or("name")([subject_details(record).get("species")])


def start_time(record: dict[str, Any]) -> list[Any]:
    """session 0.x-1.x session_start_time, light-sheet acquisition 0.x-1.x session_start_time,
    acquisition 2.x acquisition_start_time."""
    return [
        *at(record, "session", "session_start_time"),
        *at(record, "acquisition", "session_start_time"),
        *at(record, "acquisition", "acquisition_start_time"),
    ]


def session_type(record: dict[str, Any]) -> list[Any]:
    return [
        *at(record, "session", "session_type"),
        *at(record, "acquisition", "session_type"),
        *at(record, "acquisition", "acquisition_type"),
    ]


def experimenters(record: dict[str, Any]) -> list[Any]:
    """experimenter_full_name (texts) in session and light-sheet acquisition 0.x-1.x; acquisition
    2.x experimenters, texts or Person objects."""
    return [
        *at(record, "session", "experimenter_full_name"),
        *at(record, "acquisition", "experimenter_full_name"),
        *text_or("name")(at(record, "acquisition", "experimenters")),
    ]


def instrument_id(record: dict[str, Any]) -> list[Any]:
    """rig 0.x-1.x rig_id (some write instrument_id), instrument instrument_id."""
    return [
        *at(record, "rig", "rig_id"),
        *at(record, "rig", "instrument_id"),
        *at(record, "instrument", "instrument_id"),
    ]


def modality(record: dict[str, Any]) -> list[Any]:
    """data_description 0.x-1.x modality (text, an object or a list of them), 2.x modalities."""
    return text_or("abbreviation")(
        [*at(record, "data_description", "modality"), *at(record, "data_description", "modalities")]
    )


def objective_manufacturer(record: dict[str, Any]) -> list[Any]:
    """The objectives of a rig (1.x) or of an instrument (light-sheet 0.x-1.x), or the 2.x
    instrument's components of object_type Objective; the manufacturer text in 0.x, an
    Organization object since."""
    components = [c for c in at(record, "instrument", "components") if isinstance(c, dict)]
    objectives = [c.get("manufacturer") for c in components if c.get("object_type") == "Objective"]
    return text_or("name")(
        [
            *at(record, "rig", "objectives.manufacturer"),
            *at(record, "instrument", "objectives.manufacturer"),
            *objectives,
        ]
    )


def excitation_wavelength(record: dict[str, Any]) -> list[Any]:
    """A light-sheet tile's channel: laser_wavelength (acquisition 0.x), excitation_wavelength
    (0.x-1.x); acquisition 2.x: the light sources of a data stream's channels."""
    return [
        *at(record, "acquisition", "tiles.channel.laser_wavelength"),
        *at(record, "acquisition", "tiles.channel.excitation_wavelength"),
        *at(record, "acquisition", "data_streams.configurations.channels.light_sources.wavelength"),
    ]


def light_source_wavelength(record: dict[str, Any]) -> list[Any]:
    """session 0.x-1.x: the light sources of a data stream; acquisition 2.x: a data stream's
    configurations of a laser or an LED."""
    configurations = [
        c for c in at(record, "acquisition", "data_streams.configurations") if isinstance(c, dict)
    ]
    lights = ("Laser config", "Light emitting diode config")
    return [
        *at(record, "session", "data_streams.light_sources.wavelength"),
        *(c.get("wavelength") for c in configurations if c.get("object_type") in lights),
    ]


def injection_target(record: dict[str, Any]) -> list[Any]:
    """A subject procedure's targeted structure: text in procedures 0.x, a CCF object since."""
    return text_or("acronym")(at(record, "procedures", "subject_procedures.procedures.targeted_structure"))


def imaging_target(record: dict[str, Any]) -> list[Any]:
    """session 0.x-1.x: a field of view's targeted structure (text or object); acquisition 2.x: an
    imaging plane's."""
    return text_or("acronym")(
        [
            *at(record, "session", "data_streams.ophys_fovs.targeted_structure"),
            *at(record, "acquisition", "data_streams.configurations.images.planes.targeted_structure"),
        ]
    )


def mouse_platform(record: dict[str, Any]) -> list[Any]:
    """session 0.x-1.x mouse_platform_name; acquisition 2.x subject_details.mouse_platform_name."""
    return [
        *at(record, "session", "mouse_platform_name"),
        *at(record, "acquisition", "subject_details.mouse_platform_name"),
    ]


def process_types(record: dict[str, Any]) -> list[Any]:
    """processing 1.x: the name of each step of processing_pipeline.data_processes (a process
    type); processing 2.x: each data process's process_type."""
    return [
        *at(record, "processing", "processing_pipeline.data_processes.name"),
        *at(record, "processing", "data_processes.process_type"),
    ]


def metric_statuses(record: dict[str, Any]) -> list[Any]:
    """quality_control 1.x evaluations[].metrics[].status_history; 2.x metrics[].status_history."""
    return [
        *at(record, "quality_control", "evaluations.metrics.status_history.status"),
        *at(record, "quality_control", "metrics.status_history.status"),
    ]


def qc_stages(record: dict[str, Any]) -> list[Any]:
    """quality_control 1.x: the stage of each evaluation; 2.x: of each metric."""
    return [
        *at(record, "quality_control", "evaluations.stage"),
        *at(record, "quality_control", "metrics.stage"),
    ]


@dataclass(frozen=True)
class Fact:
    """A fact asked by a unified path, and its plain reading."""

    ask: str
    path: str
    """The MetadataPath's fields, as GraphQL."""
    read: Callable[[dict[str, Any]], list[Any]]


def unified(document: str, path: str) -> str:
    return f'document: "{document}", path: "{path}", unified: true'


def fact(name: str) -> str:
    return f'document: "fact", path: "{name}"'


FACTS = [
    Fact("genotype, the named fact", fact("genotype"), genotype),
    Fact("genotype, by its 1.x path", unified("subject", "genotype"), genotype),
    Fact("genotype, by its 2.x path", unified("subject", "subject_details.genotype"), genotype),
    Fact("species, text or object", fact("species"), species),
    Fact("session or acquisition start time", fact("start_time"), start_time),
    Fact("start time, by the session's path", unified("session", "session_start_time"), start_time),
    Fact("session or acquisition type", fact("session_type"), session_type),
    Fact("experimenters of the session or acquisition", fact("experimenters"), experimenters),
    Fact("rig or instrument id", fact("instrument_id"), instrument_id),
    Fact("modality, text, objects or 2.x modalities", fact("modality"), modality),
    Fact(
        "objective manufacturer, rig or instrument, text or object",
        fact("objective_manufacturer"),
        objective_manufacturer,
    ),
    Fact(
        "objective manufacturer by the rig's path",
        unified("rig", "objectives.manufacturer"),
        objective_manufacturer,
    ),
    Fact(
        "tile laser or excitation wavelength, 2.x light sources",
        fact("excitation_wavelength"),
        excitation_wavelength,
    ),
    Fact(
        "excitation wavelength by the 0.x tile path",
        unified("acquisition", "tiles.channel.laser_wavelength"),
        excitation_wavelength,
    ),
    Fact("injection target, text or CCF object", fact("injection_target"), injection_target),
    Fact(
        "imaging target of a field of view or a plane",
        unified("session", "data_streams.ophys_fovs.targeted_structure"),
        imaging_target,
    ),
    Fact("mouse platform of the session", unified("session", "mouse_platform_name"), mouse_platform),
    Fact(
        "processing step types, 1.x pipeline or 2.x",
        unified("processing", "processing_pipeline.data_processes.name"),
        process_types,
    ),
    Fact(
        "light source wavelength of a session's stream or a 2.x configuration",
        unified("session", "data_streams.light_sources.wavelength"),
        light_source_wavelength,
    ),
    Fact(
        "quality metric statuses, 1.x evaluations or 2.x",
        unified("quality_control", "metrics.status_history.status"),
        metric_statuses,
    ),
    Fact(
        "quality control stages, per evaluation or per metric",
        unified("quality_control", "evaluations.stage"),
        qc_stages,
    ),
]


def generations(record: dict[str, Any]) -> set[str]:
    """The schema generations of a record's documents (each document's major version)."""
    versions = [str(d.get("schema_version")) for d in record.values() if isinstance(d, dict)]
    return {v.split(".")[0] for v in versions if re.match("[0-9]+[.]", v)}


def expected_facet(raw: Raw, read: Callable[[dict[str, Any]], list[Any]]) -> dict[Any, int]:
    """Assets per value (a number and the text writing it one value), assets without one under null."""
    counts: Counter[Any] = Counter()
    for record in raw.values():
        counts.update(one_spelling(scalars(read(record))))
    return dict(counts)


def holding(raw: Raw, read: Callable[[dict[str, Any]], list[Any]], value: Any) -> set[str]:
    return {name for name, record in raw.items() if value in one_spelling(scalars(read(record)))}


# -- the specification ---------------------------------------------------------------------------


@pytest.mark.parametrize("item", FACTS, ids=[f.ask for f in FACTS])
def test_a_unified_facet_counts_the_fact_of_every_generation(item: Fact, catalog: Catalog, raw: Raw) -> None:
    data = catalog.data(
        f"{{ facets(metadataFields: [{{{item.path}}}], limit: 1000) {{ values {{ value count }} truncated }} }}"
    )
    (facet,) = data["facets"]
    assert not facet["truncated"]
    assert {v["value"]: v["count"] for v in facet["values"]} == expected_facet(raw, item.read)


@pytest.mark.parametrize("item", FACTS, ids=[f.ask for f in FACTS])
def test_a_unified_predicate_finds_the_assets_of_every_generation(
    item: Fact, catalog: Catalog, raw: Raw
) -> None:
    """EQ on the two most frequent values, EXISTS and NE (its complement) find what the raw reading finds."""
    values = [v for v, _ in Counter(expected_facet(raw, item.read)).most_common() if v is not None][:2]
    asked = {f"eq{i}": f"{{{item.path}, op: EQ, value: {json.dumps(v)}}}" for i, v in enumerate(values)}
    asked["exists"] = f"{{{item.path}, op: EXISTS, value: true}}"
    asked["ne"] = f"{{{item.path}, op: NE, value: {json.dumps(values[0])}}}"
    query = " ".join(
        f"{alias}: assets(filter: {{metadata: [{predicate}]}}, first: 500) {{ edges {{ node {{ name }} }} }}"
        for alias, predicate in asked.items()
    )
    data = catalog.data(f"{{ {query} }}")
    found = {alias: {e["node"]["name"] for e in page["edges"]} for alias, page in data.items()}
    expected = {f"eq{i}": holding(raw, item.read, v) for i, v in enumerate(values)}
    expected["exists"] = {name for name, record in raw.items() if scalars(item.read(record))}
    expected["ne"] = set(raw) - expected["eq0"]
    assert found == expected


def test_every_fact_is_held_by_records_of_each_generation(raw: Raw) -> None:
    """No case passes by reading one generation only: each fact is held by a record wholly 0.x/1.x
    and by one wholly 2.x (real records or examples)."""
    held = {f.ask: [generations(r) for r in raw.values() if scalars(f.read(r))] for f in FACTS}
    one_sided = {
        ask: sorted(set().union(*found))
        for ask, found in held.items()
        if not (any(g and g <= {"0", "1"} for g in found) and any(g == {"2"} for g in found))
    }
    assert one_sided == {}


# -- elementMatch: the element path and each condition read in the element's generation ----------


def elements_of(record: dict[str, Any], places: list[tuple[str, str]]) -> list[dict[str, Any]]:
    return [e for name, path in places for e in at(record, name, path) if isinstance(e, dict)]


def objectives(record: dict[str, Any]) -> list[dict[str, Any]]:
    """1.x rig and 0.x-1.x instrument objectives; the 2.x instrument's components of type Objective."""
    listed = elements_of(record, [("rig", "objectives"), ("instrument", "objectives")])
    components = elements_of(record, [("instrument", "components")])
    return listed + [c for c in components if c.get("object_type") == "Objective"]


def number(value: Any) -> float | None:
    """A JSON number or a decimal written as text (2.x writes numerical apertures as text)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    return float(value) if isinstance(value, str) and re.fullmatch(r"[0-9]+(\.[0-9]+)?", value) else None


@dataclass(frozen=True)
class Match:
    ask: str
    predicate: str
    holds: Callable[[dict[str, Any]], bool]


def target(injection: dict[str, Any]) -> list[Any]:
    return scalars(text_or("acronym")([v for v in reach(injection, "targeted_structure") if v is not None]))


def injections(record: dict[str, Any]) -> list[dict[str, Any]]:
    return elements_of(record, [("procedures", "subject_procedures.procedures")])


def wavelengths(tile: dict[str, Any]) -> list[Any]:
    return [*reach(tile, "channel.laser_wavelength"), *reach(tile, "channel.excitation_wavelength")]


MATCHES = [
    Match(
        "an injection into VISp (a text target or a CCF object) with some injection material",
        '{document: "procedures", path: "subject_procedures.procedures", unified: true, elementMatch: '
        '[{path: "targeted_structure", op: EQ, value: "VISp"}, {path: "injection_materials", op: EXISTS, value: true}]}',
        lambda r: any("VISp" in target(e) and reach(e, "injection_materials") for e in injections(r)),
    ),
    Match(
        "an injection with a target that is not VISp",
        '{document: "procedures", path: "subject_procedures.procedures", unified: true, elementMatch: '
        '[{path: "targeted_structure", op: EXISTS, value: true}, {path: "targeted_structure", op: NE, value: "VISp"}]}',
        lambda r: any(target(e) and "VISp" not in target(e) for e in injections(r)),
    ),
    Match(
        "a Nikon objective (text or object; rig, instrument or 2.x component) with a numerical aperture over 0.5",
        '{document: "rig", path: "objectives", unified: true, elementMatch: '
        '[{path: "manufacturer", op: EQ, value: "Nikon"}, {path: "numerical_aperture", op: GT, value: 0.5}]}',
        lambda r: any(
            "Nikon" in text_or("name")([o.get("manufacturer")])
            and (number(o.get("numerical_aperture")) or 0) > 0.5
            for o in objectives(r)
        ),
    ),
    Match(
        "a light-sheet tile lit at 488 nm (laser_wavelength or excitation_wavelength)",
        '{document: "acquisition", path: "tiles", unified: true, elementMatch: '
        '[{path: "channel.excitation_wavelength", op: EQ, value: 488}]}',
        lambda r: any(488 in wavelengths(t) for t in elements_of(r, [("acquisition", "tiles")])),
    ),
]


def test_a_unified_element_match_reads_each_element_in_its_generation(catalog: Catalog, raw: Raw) -> None:
    query = " ".join(
        f"m{i}: assets(filter: {{metadata: [{m.predicate}]}}, first: 500) {{ edges {{ node {{ name }} }} }}"
        for i, m in enumerate(MATCHES)
    )
    data = catalog.data(f"{{ {query} }}")
    found = {m.ask: {e["node"]["name"] for e in data[f"m{i}"]["edges"]} for i, m in enumerate(MATCHES)}
    expected = {m.ask: {name for name, record in raw.items() if m.holds(record)} for m in MATCHES}
    assert found == expected
    assert all(expected.values())


def test_the_element_matches_are_answered_by_both_generations(raw: Raw) -> None:
    """Each elementMatch above holds for a wholly 0.x/1.x record and for a wholly 2.x one, but
    the tiles (a 0.x/1.x light-sheet shape) and the negation."""
    one_sided = {
        m.ask: sorted(set().union(*(generations(r) for r in raw.values() if m.holds(r))))
        for m in MATCHES
        if not (
            any(generations(r) <= {"0", "1"} and m.holds(r) for r in raw.values())
            and any(generations(r) == {"2"} and m.holds(r) for r in raw.values())
        )
    }
    assert set(one_sided) <= {MATCHES[1].ask, MATCHES[3].ask}


# -- aggregates: group keys and measures over unified paths --------------------------------------


def test_session_and_acquisition_start_times_are_one_aggregate_key(catalog: Catalog, raw: Raw) -> None:
    """Assets per year of the session (1.x) or acquisition (2.x) start, grouped by one key."""
    data = catalog.data(
        '{ aggregate(groupBy: [{path: {document: "fact", path: "start_time"}, bucket: YEAR}], '
        "measures: [{op: COUNT, field: ASSET}], first: 1000) { rows { keys values } truncated } }"
    )
    years: Counter[Any] = Counter()
    for record in raw.values():
        found = {
            v[:4]
            for v in start_time(record)
            if isinstance(v, str) and re.match("[0-9]{4}-[0-9]{2}-[0-9]{2}", v)
        }
        years.update(found or {None})
    assert {row["keys"][0]: row["values"][0] for row in data["aggregate"]["rows"]} == years
    assert (
        len({"session_start_time" in (document(r, "session") or {}) for r in raw.values() if start_time(r)})
        == 2
    )


def test_a_unified_measure_reads_every_generation_per_unified_group(catalog: Catalog, raw: Raw) -> None:
    """Per species (text or object, subject or subject_details): assets, and the mean excitation
    wavelength over every tile channel or 2.x light source of the group's assets."""
    data = catalog.data(
        '{ aggregate(groupBy: [{path: {document: "fact", path: "species"}}], measures: [{op: COUNT, field: ASSET}, '
        '{op: AVG, path: {document: "fact", path: "excitation_wavelength"}}], first: 1000) { rows { keys values } } }'
    )
    groups: dict[Any, list[str]] = {}
    for name, record in raw.items():
        for key in dict.fromkeys(scalars(species(record))) or [None]:
            groups.setdefault(key, []).append(name)
    expected = {}
    for key, members in groups.items():
        values = [n for m in members for n in map(number, excitation_wavelength(raw[m])) if n is not None]
        expected[key] = [len(members), pytest.approx(sum(values) / len(values)) if values else None]
    assert {row["keys"][0]: row["values"] for row in data["aggregate"]["rows"]} == expected


# -- what a user is told --------------------------------------------------------------------------


def test_an_unknown_fact_is_refused_with_the_known_ones(catalog: Catalog) -> None:
    body = catalog.gql('{ facets(metadataFields: [{document: "fact", path: "genotpye"}]) { field } }')
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "genotype" in error["message"]


def test_any_generation_s_spelling_of_a_fact_reaches_all_the_others() -> None:
    """Whichever place of an entry a user names, the unified path reaches every place of it (a
    kept place, 2.x components of a type, is reached from the others), and stays small."""
    missing = {}
    for moved in aliases.MOVED:
        wanted = {aliases.Spelled(p.document, p.path, p.kept) for p in moved.places}
        for place in moved.places:
            if place.kept is None:
                reached = {
                    aliases.Spelled(s.document, s.path, s.kept)
                    for s in aliases.unified(place.document, place.path)
                }
                if not wanted <= reached or len(reached) > 16:
                    missing[f"{place.document}.{place.path}"] = sorted(map(str, wanted - reached))
    assert missing == {}
    assert all(aliases.unified("fact", name) for name in aliases.FACTS)
