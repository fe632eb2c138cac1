"""The typed filters of ``AssetFilter`` over real records, on SQLite and on PostgreSQL: modality
families (a legacy spelling such as ``SmartSPIM`` found by ``SPIM``, yet kept and findable as
written), list forms, case-insensitive text, exclusive bounds and location patterns. Every expected
answer is read from the raw JSON with plain Python."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

import pytest
from conftest import Catalog, local_settings, served
from servers import free_port
from test_questions import document, investigators_of, modalities_of, project_of, subject_of

from catalog.conventions.modalities import Vocabulary
from catalog.db.engine import Database
from catalog.limits import MAX_IN_VALUES
from catalog.services.imports import Record, RecordImport

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable
    from pathlib import Path

Raw = dict[str, dict[str, Any]]

ASSETS = "query($filter: AssetFilter) { assets(filter: $filter, first: 500) { edges { node { name } } } }"


def record_files(fixtures_dir: Path) -> list[Path]:
    """Every real record with a name of its own: the top-level files and the two records of
    aind-data-access-api (the other two of ``other-sources`` repeat a name or are refused by name
    rules, and are specified where those are)."""
    records = fixtures_dir / "records"
    return sorted(
        [*records.glob("*.json"), *(records / "other-sources" / "aind-data-access-api").glob("*.json")]
    )


@pytest.fixture(scope="module")
def raw(fixtures_dir: Path) -> Raw:
    records = [json.loads(path.read_text()) for path in record_files(fixtures_dir)]
    return {record["name"]: record for record in records}


@pytest.fixture(scope="module")
async def catalog(
    module_migrated_database_url: str, fixtures_dir: Path, tmp_path_factory: pytest.TempPathFactory, raw: Raw
) -> AsyncIterator[Catalog]:
    """Every record registered metadata-only, served over HTTP, once per backend."""
    port = free_port()
    settings = local_settings(module_migrated_database_url, tmp_path_factory.mktemp("typed"), port)
    db = Database(settings.database_url)
    report = await RecordImport(db, Vocabulary())(
        Record(path.name, json.loads(path.read_text())) for path in record_files(fixtures_dir)
    )
    await db.dispose()
    assert report.errors == []
    assert report.registered == len(raw)
    with served(settings, port) as running:
        yield running


def found(catalog: Catalog, **filter_: Any) -> set[str]:
    data = catalog.data(ASSETS, filter=filter_)["assets"]["edges"]
    return {edge["node"]["name"] for edge in data}


def refused(catalog: Catalog, **filter_: Any) -> str:
    body = catalog.gql(ASSETS, filter=filter_)
    assert "data" not in body or body["data"] is None, body
    return str(body["errors"][0]["extensions"]["code"])


def having(raw: Raw, holds: Callable[[dict[str, Any]], bool]) -> set[str]:
    return {name for name, record in raw.items() if holds(record)}


# -- modality families --------------------------------------------------------------------------


def platform_of(record: dict[str, Any]) -> str | None:
    """data_description.platform (0.x/1.x): a string or an object with an abbreviation."""
    platform = (document(record, "data_description") or {}).get("platform")
    platform = platform.get("abbreviation") if isinstance(platform, dict) else platform
    return platform if isinstance(platform, str) else None


def says_spim(record: dict[str, Any]) -> bool:
    """Any modality or the platform is a light-sheet term: SPIM, SmartSPIM, exaSPIM, mesoSPIM..."""
    terms = [*modalities_of(record), platform_of(record) or ""]
    return any(term.lower().endswith("spim") for term in terms)


def family_of(term: str) -> str:
    """A written modality's family: every light-sheet spelling is SPIM, the 0.8.0 ``slap`` is slap2."""
    return "SPIM" if term.lower().endswith("spim") else {"slap": "slap2"}.get(term, term)


def test_spim_finds_every_record_whose_modality_or_platform_is_a_spim_spelling(
    catalog: Catalog, raw: Raw
) -> None:
    expected = having(raw, says_spim)
    written_legacy = having(
        raw, lambda r: any(m != "SPIM" and m.lower().endswith("spim") for m in modalities_of(r))
    )
    assert written_legacy, "the records hold legacy SPIM spellings"
    assert found(catalog, modality=["SPIM"]) == expected
    assert found(catalog, modality=["selective plane illumination microscopy"]) == expected
    assert found(catalog, modalitiesAll=["spim"]) == expected


def test_a_legacy_spelling_finds_exactly_the_records_written_so(catalog: Catalog, raw: Raw) -> None:
    expected = having(raw, lambda r: "smartspim" in {m.lower() for m in modalities_of(r)})
    assert expected
    assert found(catalog, modality=["SmartSPIM"]) == expected
    assert found(catalog, modality=["smartspim"]) == expected


def test_an_asset_reports_its_modality_as_the_record_spells_it(catalog: Catalog, raw: Raw) -> None:
    names = sorted(having(raw, lambda r: "SmartSPIM" in modalities_of(r)))
    query = "query($names: [String!]) { assets(filter: {names: $names}) { edges { node { name modalities { abbreviation } } } } }"
    edges = catalog.data(query, names=names)["assets"]["edges"]
    assert {e["node"]["name"]: [m["abbreviation"] for m in e["node"]["modalities"]] for e in edges} == {
        name: ["SmartSPIM"] for name in names
    }


def test_modalities_all_asks_for_each_family(catalog: Catalog, raw: Raw) -> None:
    def families(record: dict[str, Any]) -> set[str]:
        return {family_of(m) for m in modalities_of(record)}

    slap_and_behavior = having(raw, lambda r: {"slap2", "behavior"} <= families(r))
    assert any("slap" in modalities_of(raw[name]) for name in slap_and_behavior)
    assert found(catalog, modalitiesAll=["slap2", "behavior"]) == slap_and_behavior
    assert found(catalog, modalitiesAll=["SPIM", "behavior"]) == having(
        raw, lambda r: {"SPIM", "behavior"} <= families(r)
    )


def test_the_modality_family_facet_counts_legacy_spellings_under_their_family(
    catalog: Catalog, raw: Raw
) -> None:
    query = "{ facets(fields: [MODALITY, MODALITY_FAMILY], limit: 100) { field values { value count } } }"
    facets = {
        f["field"]: {v["value"]: v["count"] for v in f["values"]} for f in catalog.data(query)["facets"]
    }
    written = Counter(m for record in raw.values() for m in modalities_of(record))
    families = Counter(f for record in raw.values() for f in {family_of(m) for m in modalities_of(record)})
    missing = sum(1 for record in raw.values() if not modalities_of(record))
    assert facets["MODALITY"] == {**written, **({None: missing} if missing else {})}
    assert facets["MODALITY_FAMILY"] == {**families, **({None: missing} if missing else {})}
    assert facets["MODALITY_FAMILY"]["SPIM"] == len(having(raw, says_spim))


def test_a_group_by_modality_family_counts_each_asset_once_per_family(catalog: Catalog, raw: Raw) -> None:
    query = "{ aggregate(measures: [{op: COUNT, field: ASSET}], groupBy: [{field: MODALITY_FAMILY}]) { rows { keys values } } }"
    rows = catalog.data(query)["aggregate"]["rows"]
    counted = {row["keys"][0]: row["values"][0] for row in rows if row["keys"][0] is not None}
    assert counted == Counter(
        f for record in raw.values() for f in {family_of(m) for m in modalities_of(record)}
    )


# -- list forms and case ----------------------------------------------------------------------------


def test_a_list_form_finds_the_assets_holding_any_of_its_values(catalog: Catalog, raw: Raw) -> None:
    projects = ["Dynamic Routing", "OpenScope", "no such project"]
    assert found(catalog, projects=projects) == having(raw, lambda r: project_of(r) in projects)
    names = sorted(raw)[::7]
    assert found(catalog, names=names) == set(names)
    subjects = sorted({subject_of(name, record) for name, record in raw.items()})[:5]
    assert found(catalog, subjectIds=subjects) == {n for n, r in raw.items() if subject_of(n, r) in subjects}
    people = sorted({p for record in raw.values() for p in investigators_of(record)})[:3]
    assert found(catalog, investigators=people) == having(
        raw, lambda r: bool(set(investigators_of(r)) & set(people))
    )


def test_a_list_and_its_single_form_must_both_hold(catalog: Catalog, raw: Raw) -> None:
    both = found(catalog, projects=["Dynamic Routing", "OpenScope"], project="OpenScope")
    assert both == having(raw, lambda r: project_of(r) == "OpenScope")


def test_an_empty_list_matches_nothing_as_an_empty_or_does(catalog: Catalog) -> None:
    assert found(catalog, projects=[]) == set()
    assert found(catalog, investigators=[]) == set()
    assert found(catalog, **{"or": []}) == set()
    assert found(catalog, **{"not": {"projects": []}}) == found(catalog)


def test_a_list_longer_than_the_limit_is_refused_with_a_code(catalog: Catalog) -> None:
    values = [f"p{i}" for i in range(MAX_IN_VALUES + 1)]
    assert refused(catalog, projects=values) == "BAD_USER_INPUT"
    assert refused(catalog, modality=values) == "BAD_USER_INPUT"
    assert refused(catalog, **{"and": [{"subjectIds": values}]}) == "BAD_USER_INPUT"
    assert found(catalog, projects=values[:MAX_IN_VALUES]) == set()


def test_exact_text_is_case_sensitive_unless_the_filter_says_otherwise(catalog: Catalog, raw: Raw) -> None:
    routing = having(raw, lambda r: (project_of(r) or "").lower() == "dynamic routing")
    assert routing
    assert found(catalog, project="dynamic routing") == set()
    assert found(catalog, project="dynamic routing", caseInsensitive=True) == routing
    assert found(catalog, projects=["DYNAMIC ROUTING", "openscope"], caseInsensitive=True) == having(
        raw, lambda r: (project_of(r) or "").lower() in {"dynamic routing", "openscope"}
    )
    person = sorted({p for record in raw.values() for p in investigators_of(record)})[0]
    assert found(catalog, investigator=person.upper(), caseInsensitive=True) == having(
        raw, lambda r: person.lower() in {p.lower() for p in investigators_of(r)}
    )


def test_case_insensitivity_reaches_every_nested_filter(catalog: Catalog, raw: Raw) -> None:
    nested = {
        "caseInsensitive": True,
        "or": [{"project": "openscope"}, {"not": {"project": "DYNAMIC ROUTING"}}],
    }
    expected = having(
        raw,
        lambda r: (
            (project_of(r) or "").lower() == "openscope" or (project_of(r) or "").lower() != "dynamic routing"
        ),
    )
    assert found(catalog, **nested) == expected


def test_case_insensitive_matching_folds_ascii_letters_only_and_takes_values_literally(
    catalog: Catalog,
) -> None:
    assert found(catalog, project="dynamic.routing", caseInsensitive=True) == set()
    assert found(catalog, project="Dynamic Routing.*", caseInsensitive=True) == set()


# -- bounds ------------------------------------------------------------------------------------


def test_exclusive_bounds_leave_out_the_bound_itself(catalog: Catalog) -> None:
    query = "{ assets(first: 500) { edges { node { name acquisitionDuration acquiredAt } } } }"
    nodes = [edge["node"] for edge in catalog.data(query)["assets"]["edges"]]
    durations = {n["name"]: n["acquisitionDuration"] for n in nodes if n["acquisitionDuration"] is not None}
    middle = sorted(durations.values())[len(durations) // 2]
    assert found(catalog, acquisitionDurationMin=middle) == {n for n, d in durations.items() if d >= middle}
    assert found(catalog, acquisitionDurationAbove=middle) == {n for n, d in durations.items() if d > middle}
    assert found(catalog, acquisitionDurationBelow=middle) == {n for n, d in durations.items() if d < middle}
    assert found(catalog, acquisitionDurationMax=middle) == {n for n, d in durations.items() if d <= middle}

    times = {n["name"]: datetime.fromisoformat(n["acquiredAt"]) for n in nodes if n["acquiredAt"]}
    moment = sorted(times.values())[len(times) // 2]
    at = moment.isoformat()
    assert found(catalog, acquiredAfter=at) == {n for n, t in times.items() if t >= moment}
    assert found(catalog, acquiredStrictlyAfter=at) == {n for n, t in times.items() if t > moment}
    assert found(catalog, acquiredBefore=at) == {n for n, t in times.items() if t < moment}
    assert found(catalog, acquiredOnOrBefore=at) == {n for n, t in times.items() if t <= moment}
    just_after = (moment + timedelta(microseconds=1)).isoformat()
    assert found(catalog, acquiredOnOrBefore=at) == found(catalog, acquiredBefore=just_after)


def test_size_bounds_round_to_whole_bytes_the_way_each_bound_means(catalog: Catalog) -> None:
    everything = found(catalog)
    assert found(catalog, totalSizeAbove=-0.5) == everything
    assert found(catalog, totalSizeBelow=0.5) == found(catalog, totalSizeMax=0)
    assert found(catalog, fileCountAbove=0) == found(catalog, fileCountMin=1)


# -- location ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pattern",
    [
        "s3://aind-open-data/SmartSPIM_*",
        "*SmartSPIM_6?????_*",
        "s3://aind-open-data/smartspim_*",
        "*_2023-*",
        "s3://*",
    ],
)
def test_a_location_pattern_matches_the_whole_location(catalog: Catalog, raw: Raw, pattern: str) -> None:
    expected = having(
        raw, lambda r: isinstance(r.get("location"), str) and fnmatchcase(r["location"], pattern)
    )
    assert found(catalog, locationMatches=pattern) == expected


def test_a_location_pattern_reads_regex_characters_literally(catalog: Catalog) -> None:
    assert found(catalog, locationMatches="s3://aind-open-data/.*") == set()
    assert refused(catalog, locationMatches="") == "BAD_USER_INPUT"
