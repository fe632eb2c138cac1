"""Refusals reach Python as typed exceptions carrying the server's code; a keyword no filter has
is refused before any request, naming the ones that exist."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from catalog.client import (
    Catalog,
    CatalogError,
    Invalid,
    NotFound,
    TooComplex,
    Unauthenticated,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from conftest import Served


def test_an_unknown_filter_keyword_is_a_type_error_listing_the_valid_ones(
    cat: Catalog, registered: Served
) -> None:
    with pytest.raises(TypeError) as refused:
        cat.assets(modalty="ecephys")

    message = str(refused.value)
    assert "unknown keyword 'modalty' (did you mean 'modality'?)" in message
    assert "acquired_after" in message
    assert "subject_age_at_acquisition_min" in message
    assert registered.requests == []


def test_a_value_outside_an_enumeration_is_a_value_error_before_any_request(
    cat: Catalog, registered: Served
) -> None:
    with pytest.raises(ValueError, match="'sideways' is not one of primary, derived"):
        cat.assets(kind="sideways")
    assert registered.requests == []


@pytest.mark.parametrize(
    ("ask", "code"),
    [
        (lambda cat: len(cat.assets(acquired_after="yesterday")), "BAD_USER_INPUT"),
        (lambda cat: len(cat.assets(metadata=[{"document": "subject", "path": "sex"}])), "BAD_USER_INPUT"),
        (lambda cat: cat.aggregate(measures=["avg:asset"]), "BAD_USER_INPUT"),
        (lambda cat: cat.query("{ assets { totalCount "), "GRAPHQL_PARSE_FAILED"),
        (lambda cat: cat.query("{ assets { edges { size } } }"), "GRAPHQL_VALIDATION_FAILED"),
    ],
    ids=[
        "a bad date",
        "a predicate without op",
        "a measure that does not exist",
        "a parse error",
        "no such field",
    ],
)
def test_a_request_the_server_refuses_raises_invalid_with_its_code(
    cat: Catalog, ask: Callable[[Catalog], object], code: str
) -> None:
    with pytest.raises(Invalid) as refused:
        ask(cat)

    assert refused.value.code == code
    assert refused.value.message


def test_a_bad_token_is_unauthenticated(registered: Served) -> None:
    with Catalog(registered.url, token="cat_not-a-token") as cat, pytest.raises(Unauthenticated) as refused:
        cat.assets(modality="ecephys").to_dataframe()

    assert refused.value.code == "UNAUTHENTICATED"
    assert isinstance(refused.value, CatalogError)


def test_a_query_beyond_the_limits_is_too_complex(cat: Catalog) -> None:
    aliases = " ".join(f"a{n}: viewer {{ name }}" for n in range(40))

    with pytest.raises(TooComplex) as refused:
        cat.query(f"{{ {aliases} }}")

    assert refused.value.code == "QUERY_TOO_COMPLEX"


def test_lineage_of_an_unknown_asset_is_not_found(cat: Catalog) -> None:
    with pytest.raises(NotFound):
        cat.provenance("ecephys_1_2001-01-01_00-00-00")


def test_a_server_that_is_not_a_catalog_is_said_so(registered: Served) -> None:
    with Catalog(f"{registered.url}/healthz") as cat, pytest.raises(CatalogError) as refused:
        cat.query("{ viewer { name } }")

    assert refused.value.code == "NOT_FOUND"
