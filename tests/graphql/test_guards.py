"""The guards of a query: its cost (what it can resolve), depth and aliases, measured before it runs."""

from __future__ import annotations

import time

from graphql import parse

from catalog.graphql.guards import estimate, measure
from catalog.schemas.enums import FacetField


def cost(query: str, **variables: object) -> int:
    return estimate(parse(query), None, variables)


def test_facets_cost_the_same_whether_limit_is_given_or_left_at_its_default() -> None:
    assert cost("{ facets { values { count } } }") == cost("{ facets(limit: 100) { values { count } } }")


def test_facets_cost_their_limit_for_each_facet_asked_for() -> None:
    every = cost("{ facets(limit: 10) { values { count } } }")
    two = cost("{ facets(limit: 10, fields: [SPECIES, SEX]) { values { count } } }")
    named = cost("query($f: [FacetField!]) { facets(limit: 10, fields: $f) { values { count } } }", f=["SEX"])
    paths = cost('{ facets(limit: 10, metadataFields: [{document: "a", path: "b"}]) { values { count } } }')

    assert every == 1 + 10 * len(FacetField) * 2
    assert (two, named, paths) == (1 + 10 * 2 * 2, 1 + 10 * 2, 1 + 10 * 2)


def fragment_bomb(levels: int) -> str:
    """Each fragment spreads the previous one twice: 2^levels names from a few hundred bytes."""
    fragments = ["fragment F0 on Asset { name }"]
    fragments += [f"fragment F{i} on Asset {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels + 1)]
    return f"{{ assets(first: 1) {{ edges {{ node {{ ...F{levels} }} }} }} }} {' '.join(fragments)}"


def test_a_fragment_bomb_is_measured_in_one_pass_and_found_too_costly() -> None:
    started = time.process_time()
    found = measure(parse(fragment_bomb(39)), None, {})
    elapsed = time.process_time() - started

    assert found.cost > 2**39
    assert elapsed < 0.5  # generous on a shared machine: a walk that expanded spreads would take hours


def test_a_variable_default_counts_as_its_value() -> None:
    query = "query($n: Int = 500) { assets(first: $n) { edges { node { name } } } }"
    assert cost(query) == cost("{ assets(first: 500) { edges { node { name } } } }")
    assert cost(query, n=5) == cost("{ assets(first: 5) { edges { node { name } } } }")


def test_every_manifest_costs_what_a_manifest_can_list() -> None:
    one = cost("{ downloadManifest(filter: {}) { files { url } } }")
    thirty = cost(
        "{ "
        + " ".join(f"m{i}: downloadManifest(filter: {{}}) {{ files {{ url }} }}" for i in range(30))
        + " }"
    )

    assert one < 200_000 < thirty


def test_depth_counts_levels_of_selections_and_aliases_count_through_fragments() -> None:
    found = measure(
        parse("{ a: assets { edges { node { ...N } } } } fragment N on Asset { b: name c: name }"), None, {}
    )
    assert (found.depth, found.aliases) == (3, 3)
