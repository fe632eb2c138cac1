"""The query cost estimate: what a query can resolve, counted before it runs."""

from __future__ import annotations

from graphql import parse

from catalog.graphql.cost import estimate
from catalog.schemas.enums import FacetField


def cost(query: str, **variables: object) -> int:
    return estimate(parse(query).definitions, None, variables)


def test_facets_cost_the_same_whether_limit_is_given_or_left_at_its_default() -> None:
    assert cost("{ facets { values { count } } }") == cost("{ facets(limit: 100) { values { count } } }")


def test_facets_cost_their_limit_for_each_facet_asked_for() -> None:
    every = cost("{ facets(limit: 10) { values { count } } }")
    two = cost("{ facets(limit: 10, fields: [SPECIES, SEX]) { values { count } } }")
    named = cost("query($f: [FacetField!]) { facets(limit: 10, fields: $f) { values { count } } }", f=["SEX"])
    paths = cost('{ facets(limit: 10, metadataFields: [{document: "a", path: "b"}]) { values { count } } }')

    assert every == 1 + 10 * len(FacetField) * 2
    assert (two, named, paths) == (1 + 10 * 2 * 2, 1 + 10 * 2, 1 + 10 * 2)
