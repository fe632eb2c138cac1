"""Element-level analytics over every real record (``../shared/fixtures/records``), on SQLite and
PostgreSQL: ``aggregate(unwind:)`` groups and counts the array elements a path reaches instead
of the assets holding them; a ``MetadataPath`` with ``where`` and ``elementPath`` selects the
values of matching elements only (facets, keys, measures); ``length`` reads array lengths; and
``formulas`` compute values from measures. Expected answers come from the raw JSON, read with
plain Python (the readers of ``test_questions``)."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import UTC, datetime
from statistics import mean
from typing import TYPE_CHECKING, Any

import pytest
from test_questions import INJECTIONS, number, project_of, questions, raw, reach, reach_in, subject_of

if TYPE_CHECKING:
    from conftest import Catalog
    from test_questions import Raw

__all__ = ["questions", "raw"]  # module fixtures shared with test_questions

NANOJECT = '{path: "procedure_type", op: EQ, value: "Nanoject injection"}'
PROCEDURES = f'{{document: "procedures", path: "{INJECTIONS}"}}'


def rows(body: dict[str, Any]) -> dict[tuple[Any, ...], list[Any]]:
    assert "errors" not in body, body["errors"]
    found = body["data"]["aggregate"]["rows"]
    return {tuple(row["keys"]): row["values"] for row in found}


def procedure_elements(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The elements ``subject_procedures.procedures`` reaches that unwind sees (non-null)."""
    return [p for p in reach_in(record, "procedures", INJECTIONS) if isinstance(p, dict)]


def scalars(value: Any, path: str) -> list[Any]:
    return [v for v in reach(value, path) if v is not None and not isinstance(v, (dict, list))]


def is_nanoject(element: dict[str, Any]) -> bool:
    return "Nanoject injection" in scalars(element, "procedure_type")


def test_unwound_procedures_are_counted_per_type_as_elements_assets_and_subjects(
    questions: Catalog, raw: Raw
) -> None:
    elements: Counter[Any] = Counter()
    holders: dict[Any, set[str]] = defaultdict(set)
    for name, record in raw.items():
        for element in procedure_elements(record):
            for key in dict.fromkeys(scalars(element, "procedure_type")) or [None]:
                elements[key] += 1
                holders[key].add(name)
    expected = {
        (key,): [elements[key], len(holders[key]), len({subject_of(n, raw[n]) for n in holders[key]})]
        for key in elements
    }
    body = questions.gql(
        f'{{ aggregate(unwind: {PROCEDURES}, groupBy: [{{element: "procedure_type"}}], '
        "measures: [{op: COUNT, unit: ELEMENTS}, {op: COUNT}, {op: COUNT, unit: SUBJECTS}]) "
        "{ rows { keys values } } }"
    )
    assert rows(body) == expected
    assert expected[("Nanoject injection",)][0] > expected[("Nanoject injection",)][1]  # not vacuous


def test_unwinding_with_where_reads_each_matching_elements_values_per_project(
    questions: Catalog, raw: Raw
) -> None:
    volumes: dict[Any, list[float]] = defaultdict(list)
    counts: Counter[Any] = Counter()
    for record in raw.values():
        project = project_of(record)
        for element in filter(is_nanoject, procedure_elements(record)):
            counts[project] += 1
            volumes[project] += [
                n for n in map(number, scalars(element, "injection_volume")) if n is not None
            ]
    body = questions.gql(
        f'{{ aggregate(unwind: {{document: "procedures", path: "{INJECTIONS}", where: [{NANOJECT}]}}, '
        "groupBy: [{field: PROJECT}], measures: [{op: COUNT, unit: ELEMENTS}, "
        '{op: AVG, element: "injection_volume"}, {op: MAX, element: "injection_volume"}]) '
        "{ rows { keys values } } }"
    )
    found = rows(body)
    assert found.keys() == {(p,) for p in counts}
    for (project,), (count, average, largest) in found.items():
        assert count == counts[project]
        assert average == pytest.approx(mean(volumes[project]) if volumes[project] else None)
        assert largest == pytest.approx(max(volumes[project]) if volumes[project] else None)


def test_a_facet_counts_the_values_of_matching_elements_only(questions: Catalog, raw: Raw) -> None:
    """The virus names of injection materials whose material type is Virus (not the reagents')."""
    holders: dict[Any, set[str]] = defaultdict(set)
    for name, record in raw.items():
        for material in reach_in(record, "procedures", f"{INJECTIONS}.injection_materials"):
            if isinstance(material, dict) and "Virus" in scalars(material, "material_type"):
                for value in scalars(material, "name"):
                    holders[value].add(name)
    body = questions.gql(
        f'{{ facets(metadataFields: [{{document: "procedures", path: "{INJECTIONS}.injection_materials", '
        'where: [{path: "material_type", op: EQ, value: "Virus"}], elementPath: "name"}], limit: 1000) '
        "{ values { value count } } }"
    )
    assert "errors" not in body, body["errors"]
    values = {v["value"]: v["count"] for v in body["data"]["facets"][0]["values"]}
    without = sum(1 for name in raw if not any(name in names for names in holders.values()))
    assert values == {**{k: len(v) for k, v in holders.items()}, None: without}
    assert "Heparin" not in values  # a reagent's name is not counted


def test_a_measure_with_where_counts_the_matching_elements_per_group(questions: Catalog, raw: Raw) -> None:
    expected: Counter[Any] = Counter()
    for record in raw.values():
        if procedure_elements(record):
            project = project_of(record)
            expected[project] += sum(map(is_nanoject, procedure_elements(record)))
    body = questions.gql(
        "{ aggregate(groupBy: [{field: PROJECT}], measures: [{op: COUNT, unit: ELEMENTS, path: "
        f'{{document: "procedures", path: "{INJECTIONS}", where: [{NANOJECT}]}}}}]) '
        "{ rows { keys values } } }"
    )
    found = {key: values[0] for key, values in rows(body).items()}
    assert {k: v for k, v in found.items() if v} == {(k,): v for k, v in expected.items() if v}


def test_array_lengths_are_a_group_key_and_a_measure(questions: Catalog, raw: Raw) -> None:
    lengths = {name: tile_counts(record) for name, record in raw.items()}
    per_length: Counter[Any] = Counter()
    for found in lengths.values():
        for key in dict.fromkeys(found) or [None]:
            per_length[key] += 1
    body = questions.gql(
        '{ aggregate(groupBy: [{path: {document: "acquisition", path: "tiles", length: true}}], '
        "measures: [{op: COUNT, field: ASSET}]) { rows { keys values } } }"
    )
    assert rows(body) == {(k,): [v] for k, v in per_length.items()}
    every = [n for found in lengths.values() for n in found]
    body = questions.gql(
        '{ aggregate(measures: [{op: AVG, path: {document: "acquisition", path: "tiles", length: true}}, '
        '{op: MAX, path: {document: "acquisition", path: "tiles", length: true}}]) { rows { keys values } } }'
    )
    assert rows(body)[()] == pytest.approx([mean(every), max(every)])
    assert max(every) > 100  # light-sheet records hold hundreds of tiles


def tile_counts(record: dict[str, Any]) -> list[int]:
    acquisition = record.get("acquisition")
    tiles = acquisition.get("tiles") if isinstance(acquisition, dict) else None
    return [len(tiles)] if isinstance(tiles, list) else []


def test_formulas_compute_shares_and_ratios_from_the_measures(questions: Catalog, raw: Raw) -> None:
    per_project: Counter[Any] = Counter(project_of(r) for r in raw.values())
    subjects: dict[Any, set[str]] = defaultdict(set)
    for name, record in raw.items():
        subjects[project_of(record)].add(subject_of(name, record))
    body = questions.gql(
        "{ aggregate(groupBy: [{field: PROJECT}], measures: [{op: COUNT, field: ASSET}, "
        '{op: COUNT, field: SUBJECT}], formulas: ["100 * m0 / total(m0)", "m0 / m1", "m0 - 2 * m1"], '
        "orderBy: [{measure: 2, descending: true}], first: 500) { rows { keys values } } }"
    )
    found = rows(body)
    total = sum(per_project.values())
    for (project,), (assets, distinct, share, ratio, difference) in found.items():
        assert [assets, distinct] == [per_project[project], len(subjects[project])]
        assert share == pytest.approx(100 * assets / total)
        assert ratio == pytest.approx(assets / distinct if distinct else None)
        assert difference == pytest.approx(assets - 2 * distinct)
    assert sum(values[2] for values in found.values()) == pytest.approx(100)
    ordered = [row["values"][2] for row in body["data"]["aggregate"]["rows"]]
    assert ordered == sorted(ordered, reverse=True)  # ordered by a formula


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ('groupBy: [{element: "procedure_type"}], measures: [{op: COUNT, field: ASSET}]', "give unwind"),
        (
            f'unwind: {PROCEDURES}, measures: [{{op: AVG, unit: ELEMENTS, element: "injection_volume"}}]',
            "use COUNT",
        ),
        (
            'unwind: {document: "rig", path: "objectives", unified: true}, measures: [{op: COUNT, unit: ELEMENTS}]',
            "unified paths are not unwound",
        ),
        (
            f"unwind: {PROCEDURES}, measures: [{{op: AVG}}]",
            "exactly one of field, path, element and expression",
        ),
        ('measures: [{op: COUNT, field: ASSET}], formulas: ["m0 / m3"]', "m3 is not one of the measures"),
        (
            'measures: [{op: COUNT, field: ASSET}], formulas: ["__import__(\\"os\\")"]',
            "cannot read",
        ),
        (
            'measures: [{op: COUNT, field: ASSET}], formulas: ["m0 / total(m0)"], '
            "having: [{measure: 1, op: GT, value: 0.5}]",
            "having cannot test a formula with total()",
        ),
        (
            'groupBy: [{path: {document: "procedures", path: "x", where: [{path: "y", op: EQ, value: 1}]}}], '
            "measures: [{op: COUNT, field: ASSET}]",
            "give elementPath",
        ),
    ],
)
def test_a_malformed_element_aggregate_is_refused_with_a_message(
    questions: Catalog, arguments: str, message: str
) -> None:
    body = questions.gql(f"{{ aggregate({arguments}) {{ rows {{ keys values }} }} }}")
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
    assert message in body["errors"][0]["message"]


def first_number(element: Any, path: str) -> float | None:
    return next((n for n in map(number, scalars(element, path)) if n is not None), None)


def first_day(values: list[Any]) -> float | None:
    """Days since 1970-01-01 UTC of the first ISO date or date-time (no offset: UTC)."""
    for value in values:
        if isinstance(value, str) and ISO.fullmatch(value):
            try:
                moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                continue
            moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
            return (moment - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds() / 86400
    return None


ISO = re.compile(
    r"[12][0-9]{3}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})?)?"
)


def test_an_element_expression_measures_the_weight_change_of_each_surgery(
    questions: Catalog, raw: Raw
) -> None:
    changes: dict[Any, list[float]] = defaultdict(list)
    for record in raw.values():
        for surgery in reach_in(record, "procedures", "subject_procedures"):
            if not isinstance(surgery, dict):
                continue
            before = first_number(surgery, "animal_weight_prior")
            after = first_number(surgery, "animal_weight_post")
            if before is not None and after is not None:
                changes[project_of(record)].append(after - before)
    body = questions.gql(
        '{ aggregate(unwind: {document: "procedures", path: "subject_procedures"}, groupBy: [{field: PROJECT}], '
        'measures: [{op: AVG, expression: "animal_weight_post - animal_weight_prior"}, '
        '{op: COUNT, unit: ELEMENTS, expression: "animal_weight_post - animal_weight_prior"}]) '
        "{ rows { keys values } } }"
    )
    found = {key: values for key, values in rows(body).items() if values[1]}
    assert found == {(k,): [pytest.approx(mean(v)), len(v)] for k, v in changes.items()}
    assert sum(len(v) for v in changes.values()) > 10


def test_an_element_expression_reads_another_document_and_dates_as_days(questions: Catalog, raw: Raw) -> None:
    """The subject's age in days at each surgery: its start date less the subject's date of birth."""
    ages: list[float] = []
    for record in raw.values():
        birth = first_day(scalars(record.get("subject") or {}, "date_of_birth"))
        for surgery in reach_in(record, "procedures", "subject_procedures"):
            start = first_day(scalars(surgery, "start_date")) if isinstance(surgery, dict) else None
            if birth is not None and start is not None:
                ages.append(start - birth)
    body = questions.gql(
        '{ aggregate(unwind: {document: "procedures", path: "subject_procedures"}, measures: ['
        '{op: MIN, expression: "days(start_date) - days(subject:date_of_birth)"}, '
        '{op: AVG, expression: "days(start_date) - days(subject:date_of_birth)"}, '
        '{op: COUNT, unit: ELEMENTS, expression: "days(start_date) - days(subject:date_of_birth)"}]) '
        "{ rows { keys values } } }"
    )
    assert rows(body)[()] == pytest.approx([min(ages), mean(ages), len(ages)])
    assert len(ages) > 10


def test_an_element_expression_is_a_group_key(questions: Catalog, raw: Raw) -> None:
    per_change: Counter[Any] = Counter()
    for record in raw.values():
        for surgery in reach_in(record, "procedures", "subject_procedures"):
            if isinstance(surgery, dict):
                before = first_number(surgery, "animal_weight_prior")
                after = first_number(surgery, "animal_weight_post")
                per_change[None if before is None or after is None else after - before] += 1
    body = questions.gql(
        '{ aggregate(unwind: {document: "procedures", path: "subject_procedures"}, '
        'groupBy: [{expression: "animal_weight_post - animal_weight_prior"}], '
        "measures: [{op: COUNT, unit: ELEMENTS}], first: 1000) { rows { keys values } } }"
    )
    assert {key: values[0] for key, values in rows(body).items()} == {(k,): v for k, v in per_change.items()}


@pytest.mark.parametrize(
    ("document", "path", "other", "other_path"),
    [("session", "rig_id", "rig", "rig_id"), ("acquisition", "instrument_id", "instrument", "instrument_id")],
)
def test_absent_from_lists_the_values_no_asset_has_at_another_path(
    questions: Catalog, raw: Raw, document: str, path: str, other: str, other_path: str
) -> None:
    """An anti-join: the rig (instrument) ids sessions (acquisitions) name that no rig (instrument)
    document of any asset has, with the assets naming each."""
    known = {json.dumps(v) for record in raw.values() for v in scalars(record.get(other) or {}, other_path)}
    holders: dict[Any, set[str]] = defaultdict(set)
    for name, record in raw.items():
        for value in scalars(record.get(document) or {}, path):
            if json.dumps(value) not in known:
                holders[value].add(name)
    body = questions.gql(
        f'{{ facets(metadataFields: [{{document: "{document}", path: "{path}", '
        f'absentFrom: {{document: "{other}", path: "{other_path}"}}}}], limit: 1000) {{ values {{ value count }} }} }}'
    )
    assert "errors" not in body, body["errors"]
    values = {v["value"]: v["count"] for v in body["data"]["facets"][0]["values"] if v["value"] is not None}
    assert values == {k: len(v) for k, v in holders.items()}
    assert values  # real records name rigs and instruments that were never registered


def test_unwinding_keeps_the_elements_whose_two_fields_compare_so(questions: Catalog, raw: Raw) -> None:
    """Surgeries after which the animal weighed less than before, per project (a where comparing
    two fields of one element)."""
    lighter: Counter[Any] = Counter()
    for record in raw.values():
        for surgery in reach_in(record, "procedures", "subject_procedures"):
            if not isinstance(surgery, dict):
                continue
            before = [n for n in map(number, scalars(surgery, "animal_weight_prior")) if n is not None]
            after = [n for n in map(number, scalars(surgery, "animal_weight_post")) if n is not None]
            if any(a < b for a in after for b in before):
                lighter[project_of(record)] += 1
    body = questions.gql(
        '{ aggregate(unwind: {document: "procedures", path: "subject_procedures", where: '
        '[{path: "animal_weight_post", op: LT, otherPath: "animal_weight_prior"}]}, groupBy: [{field: PROJECT}], '
        "measures: [{op: COUNT, unit: ELEMENTS}]) { rows { keys values } } }"
    )
    assert rows(body) == {(k,): [v] for k, v in lighter.items()}
    assert lighter


def test_absent_from_in_a_filter_finds_the_assets_naming_an_unknown_value(
    questions: Catalog, raw: Raw
) -> None:
    """Sessions naming a rig id that no rig document of any asset has; and the complement."""
    known = {json.dumps(v) for record in raw.values() for v in scalars(record.get("rig") or {}, "rig_id")}
    naming = {
        name
        for name, record in raw.items()
        if any(json.dumps(v) not in known for v in scalars(record.get("session") or {}, "rig_id"))
    }
    predicate = (
        '{document: "session", path: "rig_id", op: EXISTS, value: %s, '
        'absentFrom: {document: "rig", path: "rig_id"}}'
    )
    found = {}
    for value in ("true", "false"):
        body = questions.gql(
            f"{{ assets(filter: {{metadata: [{predicate % value}]}}, first: 500) {{ edges {{ node {{ name }} }} }} }}"
        )
        assert "errors" not in body, body["errors"]
        found[value] = {edge["node"]["name"] for edge in body["data"]["assets"]["edges"]}
    assert found["true"] == naming
    assert found["false"] == set(raw) - naming
    assert naming


def test_absent_from_takes_only_exists(questions: Catalog) -> None:
    body = questions.gql(
        '{ assets(filter: {metadata: [{document: "session", path: "rig_id", op: EQ, value: "x", '
        'absentFrom: {document: "rig", path: "rig_id"}}]}) { totalCount } }'
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "absentFrom goes with op EXISTS" in body["errors"][0]["message"]


def test_a_group_key_reads_the_values_of_matching_elements_and_keeps_assets_without_any(
    questions: Catalog, raw: Raw
) -> None:
    """Assets per virus name (of materials whose type is Virus); assets without one in the null group."""
    groups: Counter[Any] = Counter()
    for record in raw.values():
        names = {
            value
            for material in reach_in(record, "procedures", f"{INJECTIONS}.injection_materials")
            if isinstance(material, dict) and "Virus" in scalars(material, "material_type")
            for value in scalars(material, "name")
        }
        for key in names or {None}:
            groups[key] += 1
    body = questions.gql(
        f'{{ aggregate(groupBy: [{{path: {{document: "procedures", path: "{INJECTIONS}.injection_materials", '
        'where: [{path: "material_type", op: EQ, value: "Virus"}], elementPath: "name"}}], '
        "measures: [{op: COUNT, field: ASSET}], first: 1000) { rows { keys values } } }"
    )
    assert rows(body) == {(k,): [v] for k, v in groups.items()}
