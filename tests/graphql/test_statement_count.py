"""Resolvers batch through per-request loaders: a page costs the same number of SQL
statements whether it holds one asset or all of them."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from conftest import RECORDS, Catalog
from sqlalchemy import event

from catalog.graphql.types import Asset

if TYPE_CHECKING:
    from collections.abc import Iterator

    import pytest

PAGE = """query($n: Int) { assets(first: $n) { totalCount edges { node {
  name kind subject { subjectId species } modalities { abbreviation name } inputs { name }
  derivedFrom { name } derivatives { name } metadata(document: "subject", path: "sex") locations { url }
  files(first: 5) { edges { node { path sha256 url { url } } } } } } } }"""


@contextmanager
def counting_statements(catalog: Catalog) -> Iterator[list[str]]:
    statements: list[str] = []
    engine = catalog.app.state.db.engine.sync_engine

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_a_page_costs_a_constant_number_of_statements(catalog: Catalog) -> None:
    with counting_statements(catalog) as one:
        assert len(catalog.data(PAGE, n=1)["assets"]["edges"]) == 1
    with counting_statements(catalog) as every:
        assert len(catalog.data(PAGE, n=50)["assets"]["edges"]) == len(RECORDS)

    assert len(every) == len(one) <= 9, every  # one per relation asked for


def test_a_table_costs_two_statements_whatever_its_rows(catalog: Catalog) -> None:
    table = "query($n: Int) { assetTable(first: $n) { rows } }"
    with counting_statements(catalog) as one:
        assert len(catalog.data(table, n=1)["assetTable"]["rows"]) == 1
    with counting_statements(catalog) as every:
        assert len(catalog.data(table, n=10_000)["assetTable"]["rows"]) == len(RECORDS)

    assert len(every) == len(one) == 2, every  # the page, its modalities


def test_a_costly_query_is_refused_before_any_statement(catalog: Catalog) -> None:
    nested = """query($n: Int) { assets(first: $n) { edges { node { name
      files(first: 500) { edges { node { path sha256 url { url } } } } } } } }"""
    with counting_statements(catalog) as statements:
        body = catalog.gql(nested, n=500)
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert "query cost" in body["errors"][0]["message"]
    assert statements == []
    assert "errors" not in catalog.gql(nested, n=5)


def test_a_deep_query_is_refused_before_any_statement(catalog: Catalog) -> None:
    deep = "{ assets { edges { node { " + "derivedFrom { " * 12 + "name" + " }" * 12 + " } } } }"
    with counting_statements(catalog) as statements:
        body = catalog.gql(deep)
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert statements == []


def test_a_page_and_its_count_cost_one_statement(catalog: Catalog) -> None:
    """The count comes with the page; PostgreSQL's planner is asked first whether the count is
    large enough to estimate, unless the request wants it exact."""
    page = "{ assets(first: 2) { edges { node { name } } } }"
    counted = "{ assets(first: 2) { totalCount totalCountEstimated edges { node { name } } } }"
    with counting_statements(catalog) as alone:
        catalog.data(page)
    with counting_statements(catalog) as exact:
        answer = catalog.data(counted.replace("totalCount ", "totalCount(exact: true) "))
    with counting_statements(catalog) as estimable:
        assert catalog.data(counted) == answer

    assert answer["assets"]["totalCount"] == len(RECORDS)
    assert len(alone) == len(exact) == 1, exact
    explained = [s for s in estimable if s.startswith("EXPLAIN")]
    postgresql = catalog.settings.database_url.startswith("postgresql")
    assert len(explained) == (1 if postgresql else 0), estimable
    assert len(estimable) == 1 + len(explained), estimable


def test_a_page_reads_its_assets_modalities_with_its_rows_only_when_asked(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Asked anywhere in the page's selection (fragments included), modalities are read right after
    the page, so its assets answer them at once, never waiting on the loader; not asked, they are
    not read. One asset alone reads them through the loader, and both say the same."""
    loaded: list[str] = []
    through_loader = Asset._loaded_modalities

    def spied(asset: Asset, info: Any) -> Any:
        loaded.append(asset.name)
        return through_loader(asset, info)

    monkeypatch.setattr(Asset, "_loaded_modalities", spied)
    asked = """{ assets(first: 50) { edges { node { ...named } } } }
      fragment named on Asset { name kinds: modalities { abbreviation name } }"""
    with counting_statements(catalog) as primed:
        page = catalog.data(asked)["assets"]["edges"]
    with counting_statements(catalog) as plain:
        catalog.data("{ assets(first: 50) { edges { node { name } } } }")

    assert len(primed) == 2, primed
    assert "asset_modalities" in primed[1], primed
    assert len(plain) == 1, plain
    assert loaded == []
    one = "query($name: String!) { asset(name: $name) { modalities { abbreviation name } } }"
    for edge in page:
        alone = catalog.data(one, name=edge["node"]["name"])["asset"]["modalities"]
        assert alone, edge
        assert edge["node"]["kinds"] == alone, edge
    assert loaded == [edge["node"]["name"] for edge in page]
