"""Finding assets over HTTP: every filter field alone and combined, every ordering paged
across pages, and facets that count under the filter (or, disjunctively, under the other
dimensions' filters)."""

from __future__ import annotations

import collections
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable

    from conftest import Catalog

FIELDS = """name kind subject { subjectId species sex genotype } modalities { abbreviation }
  project institution dataLevel acquiredAt qcStatus processLabel registeredAt derivedFrom { name }
  investigators experimenters funding sessionType instrumentId location locationPrefix acquiredEnd
  acquisitionDuration subjectAgeAtAcquisition processingDuration fileCount totalSize"""
COUNT = "query($f: AssetFilter) { assets(filter: $f, first: 500) { totalCount edges { node { name } } } }"


def everything(catalog: Catalog) -> list[dict[str, Any]]:
    query = "{ assets(first: 500) { edges { node { " + FIELDS + " } } } }"
    return [edge["node"] for edge in catalog.data(query)["assets"]["edges"]]


def names(catalog: Catalog, spec: dict[str, Any]) -> set[str]:
    found = catalog.data(COUNT, f=spec)["assets"]
    assert found["totalCount"] == len(found["edges"])
    return {edge["node"]["name"] for edge in found["edges"]}


SCALARS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "kind": lambda a: a["kind"],
    "subjectId": lambda a: a["subject"]["subjectId"],
    "species": lambda a: a["subject"]["species"],
    "sex": lambda a: a["subject"]["sex"],
    "genotype": lambda a: a["subject"]["genotype"],
    "project": lambda a: a["project"],
    "institution": lambda a: a["institution"],
    "dataLevel": lambda a: a["dataLevel"],
    "qcStatus": lambda a: a["qcStatus"],
    "processLabel": lambda a: a["processLabel"],
    "sessionType": lambda a: a["sessionType"],
    "instrumentId": lambda a: a["instrumentId"],
}


@pytest.mark.parametrize("field", SCALARS)
def test_each_field_alone_selects_exactly_the_assets_that_have_its_value(demo: Catalog, field: str) -> None:
    assets = everything(demo)
    values = collections.Counter(SCALARS[field](a) for a in assets if SCALARS[field](a) is not None)
    assert values, f"the demo has no {field}"
    for value in list(values)[:3]:
        assert names(demo, {field: value}) == {a["name"] for a in assets if SCALARS[field](a) == value}


def test_modality_matches_any_and_modalities_all_matches_every_one(demo: Catalog) -> None:
    assets = everything(demo)
    held = {a["name"]: {m["abbreviation"] for m in a["modalities"]} for a in assets}
    assert names(demo, {"modality": ["ecephys", "fib"]}) == {
        n for n, m in held.items() if m & {"ecephys", "fib"}
    }
    both = {"behavior", "behavior-videos"}
    assert names(demo, {"modalitiesAll": sorted(both)}) == {n for n, m in held.items() if both <= m}
    assert names(demo, {"modality": ["ECEPHYS"]}) == names(demo, {"modality": ["ecephys"]})


def test_names_dates_and_lineage_select_what_they_say(demo: Catalog) -> None:
    assets = everything(demo)
    some = assets[3]["name"]
    assert names(demo, {"name": some}) == {some}
    assert names(demo, {"nameContains": "_SORTED_"}) == {a["name"] for a in assets if "_sorted_" in a["name"]}
    cut = sorted(a["acquiredAt"] for a in assets)[len(assets) // 2]
    after = {a["name"] for a in assets if a["acquiredAt"] >= cut}
    assert names(demo, {"acquiredAfter": cut}) == after
    assert names(demo, {"acquiredBefore": cut}) == {a["name"] for a in assets} - after
    parent = next(a["derivedFrom"][0]["name"] for a in assets if a["derivedFrom"])
    assert names(demo, {"derivedFrom": parent}) == {
        a["name"] for a in assets if parent in {d["name"] for d in a["derivedFrom"]}
    }


def test_an_empty_or_matches_nothing_and_an_empty_and_everything(demo: Catalog) -> None:
    every = {a["name"] for a in everything(demo)}
    assert names(demo, {"or": []}) == set()
    assert names(demo, {"not": {"or": []}}) == every
    assert names(demo, {"and": []}) == every
    assert names(demo, {"or": [], "kind": "PRIMARY"}) == set()


def test_free_text_needs_every_word_in_the_name_subject_or_project(demo: Catalog) -> None:
    assets = everything(demo)
    subject = next(a["subject"]["subjectId"] for a in assets if "_sorted_" in a["name"] and a["project"])
    project_word = next(a["project"] for a in assets if a["project"]).split()[0]

    def read(asset: dict[str, Any]) -> str:
        return " ".join(
            filter(None, [asset["name"], asset["subject"]["subjectId"], asset["project"]])
        ).lower()

    for text in [subject, subject[1:-1], project_word.upper(), f"{subject} SORTED", "ecephys 2023"]:
        words = text.lower().split()
        expected = {a["name"] for a in assets if all(word in read(a) for word in words)}
        assert expected, f"no demo asset mentions {text!r}"
        assert names(demo, {"text": text}) == expected, text
    assert names(demo, {"text": "nothing-like-this"}) == set()
    assert names(demo, {"text": "100%_"}) == set(), "LIKE wildcards in the text are literal"


LISTS = {"investigator": "investigators", "experimenter": "experimenters", "funding": "funding"}


@pytest.mark.parametrize("field", LISTS)
def test_a_person_or_funder_selects_the_assets_that_name_them(demo: Catalog, field: str) -> None:
    assets = everything(demo)
    values = collections.Counter(v for a in assets for v in a[LISTS[field]])
    assert len(values) >= 2, f"the demo has too few {LISTS[field]}"
    for value, _ in values.most_common(2) + values.most_common()[-1:]:
        assert names(demo, {field: value}) == {a["name"] for a in assets if value in a[LISTS[field]]}
    assert names(demo, {field: "Nobody At All"}) == set()


def test_location_selects_whole_segments_under_it(demo: Catalog) -> None:
    assets = everything(demo)
    prefix = assets[0]["locationPrefix"]
    assert prefix
    assert all(a["location"].startswith(f"{prefix}/") for a in assets if a["locationPrefix"] == prefix)
    assert names(demo, {"location": prefix}) == {a["name"] for a in assets if a["locationPrefix"] == prefix}
    assert names(demo, {"location": f"{prefix}/"}) == names(demo, {"location": prefix})
    assert names(demo, {"location": assets[0]["location"]}) == {assets[0]["name"]}
    assert names(demo, {"location": prefix[:-1]}) == set(), "a partial segment is no prefix"


def test_registered_after_and_before_split_at_a_moment(demo: Catalog) -> None:
    assets = everything(demo)
    cut = sorted(a["registeredAt"] for a in assets)[len(assets) // 2]
    after = {a["name"] for a in assets if a["registeredAt"] >= cut}
    assert names(demo, {"registeredAfter": cut}) == after
    assert names(demo, {"registeredBefore": cut}) == {a["name"] for a in assets} - after


MEASURES = {
    "acquisitionDuration": lambda a: a["acquisitionDuration"],
    "subjectAgeAtAcquisition": lambda a: a["subjectAgeAtAcquisition"],
    "processingDuration": lambda a: a["processingDuration"],
    "fileCount": lambda a: a["fileCount"],
    "totalSize": lambda a: a["totalSize"],
}


@pytest.mark.parametrize("measure", MEASURES)
def test_a_measure_range_is_inclusive_and_a_missing_value_never_matches(demo: Catalog, measure: str) -> None:
    assets = everything(demo)
    value = MEASURES[measure]
    known = sorted({value(a) for a in assets if value(a) is not None})
    assert len(known) >= 3, f"the demo has too few values of {measure}"
    low, high = known[len(known) // 3], known[2 * len(known) // 3]

    def having(test: Callable[[Any], bool]) -> set[str]:
        return {a["name"] for a in assets if value(a) is not None and test(value(a))}

    assert names(demo, {f"{measure}Min": low}) == having(lambda v: v >= low)
    assert names(demo, {f"{measure}Max": high}) == having(lambda v: v <= high)
    assert names(demo, {f"{measure}Min": low, f"{measure}Max": high}) == having(lambda v: low <= v <= high)
    assert names(demo, {f"{measure}Min": high, f"{measure}Max": high}) == having(lambda v: v == high)
    assert names(demo, {"not": {f"{measure}Min": low}}) == {a["name"] for a in assets} - having(
        lambda v: v >= low
    )


def test_and_or_not_combine_filters(demo: Catalog) -> None:
    assets = everything(demo)
    projects = sorted({a["project"] for a in assets if a["project"]})[:2]
    every = {a["name"] for a in assets}
    ecephys = names(demo, {"modality": ["ecephys"]})
    derived = names(demo, {"kind": "DERIVED"})
    either = names(demo, {"or": [{"project": p} for p in projects]})
    assert either == {a["name"] for a in assets if a["project"] in projects}
    assert names(demo, {"modality": ["ecephys"], "kind": "DERIVED"}) == ecephys & derived
    assert (
        names(demo, {"and": [{"modality": ["ecephys"]}, {"not": {"kind": "DERIVED"}}]}) == ecephys - derived
    )
    assert names(demo, {"not": {"or": [{"project": p} for p in projects]}}) == every - either


def test_a_metadata_predicate_combines_with_typed_fields(demo: Catalog) -> None:
    male = names(demo, {"metadata": [{"document": "subject", "path": "sex", "op": "EQ", "value": "Male"}]})
    assert male == names(demo, {"sex": "Male"})
    crossing = {"document": "data_description", "path": "investigators.name", "op": "EXISTS"}
    assert names(demo, {"metadata": [crossing], "modality": ["ecephys"]}) <= names(
        demo, {"modality": ["ecephys"]}
    )


ORDER_KEYS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "NAME": lambda a: a["name"],
    "ACQUIRED_AT": lambda a: a["acquiredAt"],
    "REGISTERED_AT": lambda a: a["registeredAt"],
    "SUBJECT_ID": lambda a: a["subject"]["subjectId"],
    "PROJECT": lambda a: a["project"],
    "SPECIES": lambda a: a["subject"]["species"],
    "KIND": lambda a: a["kind"],
    "DATA_LEVEL": lambda a: a["dataLevel"],
    "QC_STATUS": lambda a: a["qcStatus"],
    "FILE_COUNT": lambda a: a["fileCount"],
    "TOTAL_SIZE": lambda a: a["totalSize"],
    "ACQUISITION_DURATION": lambda a: a["acquisitionDuration"],
    "SUBJECT_AGE_AT_ACQUISITION": lambda a: a["subjectAgeAtAcquisition"],
    "PROCESSING_DURATION": lambda a: a["processingDuration"],
}


@pytest.mark.parametrize("direction", ["ASC", "DESC"])
@pytest.mark.parametrize("field", ORDER_KEYS)
def test_every_ordering_pages_through_all_assets_once_in_order(
    demo: Catalog, field: str, direction: str
) -> None:
    query = (
        """query($o: [AssetOrder!], $a: String) { assets(orderBy: $o, first: 7, after: $a) {
      edges { node { """
        + FIELDS
        + """ } } pageInfo { hasNextPage endCursor } } }"""
    )
    seen: list[dict[str, Any]] = []
    after = None
    while True:
        page = demo.data(query, o=[{"field": field, "direction": direction}], a=after)["assets"]
        seen += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert sorted(a["name"] for a in seen) == sorted(a["name"] for a in everything(demo))
    keys = [ORDER_KEYS[field](a) for a in seen]
    present = [k for k in keys if k is not None]
    assert keys == present + [None] * (len(keys) - len(present)), "nulls come last"
    assert present == sorted(present, reverse=direction == "DESC")


def test_a_page_boundary_holds_when_assets_are_inserted_before_it(demo: Catalog) -> None:
    query = "query($a: String) { assets(first: 10, after: $a) { edges { node { name } } pageInfo { endCursor } } }"
    first = demo.data(query)["assets"]
    second = demo.data(query, a=first["pageInfo"]["endCursor"])["assets"]
    assert not {e["node"]["name"] for e in first["edges"]} & {e["node"]["name"] for e in second["edges"]}
    assert [e["node"]["name"] for e in first["edges"] + second["edges"]] == sorted(
        a["name"] for a in everything(demo)
    )[:20]


FACET = """query($f: AssetFilter, $x: [FacetField!], $u: CountUnit!, $d: Boolean!) {
  facets(filter: $f, fields: $x, unit: $u, disjunctive: $d) {
    field values { value count } distinctValues truncated ignored } }"""


def facet(
    catalog: Catalog,
    field: str,
    spec: dict[str, Any] | None = None,
    unit: str = "ASSETS",
    *,
    disjunctive: bool = False,
) -> dict[Any, int]:
    (found,) = catalog.data(FACET, f=spec, x=[field], u=unit, d=disjunctive)["facets"]
    return {v["value"]: v["count"] for v in found["values"]}


def held(assets: list[dict[str, Any]], key: str) -> dict[Any, int]:
    """Assets per value of a list field; those with none count under None."""
    return dict(collections.Counter(v for a in assets for v in (a[key] or [None])))


def test_facets_count_what_the_assets_hold(demo: Catalog) -> None:
    assets = everything(demo)
    modalities = collections.Counter(m["abbreviation"] for a in assets for m in a["modalities"])
    assert facet(demo, "MODALITY") == dict(modalities)
    assert facet(demo, "SPECIES") == dict(collections.Counter(a["subject"]["species"] for a in assets))
    assert facet(demo, "KIND") == dict(collections.Counter(a["kind"] for a in assets))
    assert facet(demo, "YEAR") == dict(collections.Counter(int(a["acquiredAt"][:4]) for a in assets))


def test_facets_count_months_people_funders_instruments_and_locations(demo: Catalog) -> None:
    assets = everything(demo)
    assert facet(demo, "MONTH") == dict(collections.Counter(a["acquiredAt"][:7] for a in assets))
    for field, key in (
        ("INVESTIGATOR", "investigators"),
        ("EXPERIMENTER", "experimenters"),
        ("FUNDING", "funding"),
    ):
        assert facet(demo, field) == held(assets, key), field
    assert facet(demo, "INSTRUMENT") == dict(collections.Counter(a["instrumentId"] for a in assets))
    assert facet(demo, "LOCATION") == dict(collections.Counter(a["locationPrefix"] for a in assets))


def test_facets_count_under_the_whole_filter_by_default(demo: Catalog) -> None:
    assets = everything(demo)
    year = sorted(a["acquiredAt"][:4] for a in assets)[len(assets) // 2]
    spec = {"acquiredAfter": f"{year}-01-01", "acquiredBefore": f"{int(year) + 1}-01-01"}
    inside = [a for a in assets if a["acquiredAt"][:4] == year]
    assert facet(demo, "YEAR", spec) == {int(year): len(inside)}, "a range question stays in its range"
    assert facet(demo, "MONTH", spec) == dict(collections.Counter(a["acquiredAt"][:7] for a in inside))
    person = next(v for a in assets for v in a["investigators"])
    inside_person = [a for a in assets if person in a["investigators"]]
    assert facet(demo, "INVESTIGATOR", {"investigator": person}) == held(inside_person, "investigators")


def test_disjunctive_facets_ignore_their_own_filter_and_say_so(demo: Catalog) -> None:
    assets = everything(demo)
    person = next(v for a in assets for v in a["investigators"])
    spec: dict[str, Any] = {"investigator": person}
    assert facet(demo, "INVESTIGATOR", spec, disjunctive=True) == facet(demo, "INVESTIGATOR")
    month = assets[0]["acquiredAt"][:7]
    spec = {"acquiredAfter": f"{month}-01T00:00:00Z", "project": assets[0]["project"]}
    (months, species) = demo.data(
        "query($f: AssetFilter) { facets(filter: $f, fields: [MONTH, SPECIES], disjunctive: true) "
        "{ field values { value count } ignored } }",
        f=spec,
    )["facets"]
    assert months["ignored"] == ["acquiredAfter"], "the response names the filter a facet ignored"
    assert species["ignored"] == []
    same_project = [a for a in assets if a["project"] == assets[0]["project"]]
    assert {v["value"]: v["count"] for v in months["values"]} == dict(
        collections.Counter(a["acquiredAt"][:7] for a in same_project)
    )
    assert {v["value"]: v["count"] for v in species["values"]} == dict(
        collections.Counter(a["subject"]["species"] for a in same_project if a["acquiredAt"][:7] >= month)
    )
    nested = {"and": [{"investigator": person}]}
    assert facet(demo, "INVESTIGATOR", nested, disjunctive=True) == facet(demo, "INVESTIGATOR", nested), (
        "a field nested in and/or/not always applies"
    )


def test_facets_say_when_they_stop_at_the_limit(demo: Catalog) -> None:
    assets = everything(demo)
    subjects = {a["subject"]["subjectId"] for a in assets}
    query = "query($n: Int!) { facets(fields: [SUBJECT], limit: $n) { values { value } distinctValues truncated } }"
    (cut,) = demo.data(query, n=3)["facets"]
    assert (len(cut["values"]), cut["distinctValues"], cut["truncated"]) == (3, len(subjects), True)
    (whole,) = demo.data(query, n=1000)["facets"]
    assert (len(whole["values"]), whole["distinctValues"], whole["truncated"]) == (
        len(subjects),
        len(subjects),
        False,
    )


@pytest.mark.parametrize("field", ["SPECIES", "MODALITY", "INVESTIGATOR", "MONTH"])
def test_facets_count_distinct_subjects_when_asked(demo: Catalog, field: str) -> None:
    assets = everything(demo)
    values: dict[str, Callable[[dict[str, Any]], list[Any]]] = {
        "SPECIES": lambda a: [a["subject"]["species"]],
        "MODALITY": lambda a: [m["abbreviation"] for m in a["modalities"]],
        "INVESTIGATOR": lambda a: a["investigators"],
        "MONTH": lambda a: [a["acquiredAt"][:7]],
    }
    subjects: dict[Any, set[str]] = collections.defaultdict(set)
    for a in assets:
        for value in values[field](a) or [None]:
            subjects[value] |= {a["subject"]["subjectId"]} - {None}
    counted = facet(demo, field, unit="SUBJECTS")
    assert counted == {value: len(held) for value, held in subjects.items()}
    assert sum(counted.values()) < sum(facet(demo, field).values()), "subjects have several assets"


def test_facets_refuse_to_count_elements(demo: Catalog) -> None:
    body = demo.gql("{ facets(fields: [SPECIES], unit: ELEMENTS) { field } }")
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_a_disjunctive_facet_ignores_its_own_filter_but_not_the_others(demo: Catalog) -> None:
    assets = everything(demo)
    spec = {"modality": ["ecephys"]}
    assert facet(demo, "MODALITY", spec, disjunctive=True) == facet(demo, "MODALITY")
    ecephys = [a for a in assets if "ecephys" in {m["abbreviation"] for m in a["modalities"]}]
    assert facet(demo, "PROJECT", spec, disjunctive=True) == dict(
        collections.Counter(a["project"] for a in ecephys)
    )


def test_facets_over_any_metadata_field(demo: Catalog) -> None:
    query = (
        '{ facets(metadataFields: [{document: "subject", path: "sex"}]) { field values { value count } } }'
    )
    (found,) = demo.data(query)["facets"]
    counted = {v["value"]: v["count"] for v in found["values"]}
    assert found["field"] == "subject:sex"
    for sex, count in counted.items():
        op = {"op": "EXISTS", "value": False} if sex is None else {"op": "EQ", "value": sex}
        assert count == len(names(demo, {"metadata": [{"document": "subject", "path": "sex", **op}]}))
    assert sum(counted.values()) == len(everything(demo)), "every asset counted once, with or without a sex"


def test_a_metadata_facet_counts_a_number_and_its_string_as_one_value(demo: Catalog) -> None:
    query = """query($f: AssetFilter) { facets(filter: $f, metadataFields: [{document: "subject", path: "sex"}],
      fields: []) { values { value count } distinctValues } }"""
    (found,) = demo.data(query, f=None)["facets"]
    assert found["distinctValues"] == len(found["values"])
    assert len({str(v["value"]) for v in found["values"]}) == len(found["values"])


def test_page_sizes_are_capped_and_cursors_checked(demo: Catalog) -> None:
    body = demo.gql("{ assets(first: 501) { totalCount } }")
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    body = demo.gql('{ assets(after: "bm90IGEgY3Vyc29y") { totalCount } }')
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
