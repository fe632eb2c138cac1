"""A page asked for with its ``totalCount`` comes with the count from one statement, which answers
exactly what the page and the count did as two; above the catalog's threshold PostgreSQL answers
the planner's estimate instead, flagged, unless the request asks for an exact count."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from conftest import Catalog, served
from servers import free_port, run_coroutine

from catalog.conventions.modalities import Vocabulary
from catalog.db.engine import Database
from catalog.repo import assets
from catalog.repo.pages import sort_key
from catalog.schemas.enums import AssetOrderField, PredicateOp, SortDirection
from catalog.schemas.filters import AssetFilter, ElementPredicate, MetadataPredicate, prepared
from catalog.schemas.orders import AssetOrder

if TYPE_CHECKING:
    from collections.abc import Iterator

INJECTION = MetadataPredicate(
    document="procedures",
    path="subject_procedures.procedures",
    element_match=[ElementPredicate(path="procedure_type", op=PredicateOp.EQ, value="Nanoject injection")],
)
FILTERS: dict[str, AssetFilter | None] = {
    "every asset": None,
    "a modality": AssetFilter(modality=["ecephys"]),
    "a metadata path": AssetFilter(
        metadata=[MetadataPredicate(document="subject", path="sex", op=PredicateOp.EQ, value="Male")]
    ),
    "an element match": AssetFilter(metadata=[INJECTION]),
    "a name part": AssetFilter(name_contains="_sorted_"),
    "nothing": AssetFilter(name="no such asset"),
}
ORDERS = [
    [AssetOrder(field=field, direction=direction)]
    for field in AssetOrderField
    for direction in (SortDirection.ASC, SortDirection.DESC)
]
PAGE = 4


async def test_a_page_counted_in_one_statement_is_the_page_and_the_count_of_two(
    demo: Catalog, subtests: pytest.Subtests
) -> None:
    db = Database(demo.settings.database_url)
    try:
        async with db.reader() as session:
            for label, given in FILTERS.items():
                spec = prepared(given, Vocabulary())
                total = await assets.count(session, db.dialect, spec)
                for orders in ORDERS:
                    every = await assets.page(session, db.dialect, spec, orders, 1000)
                    places = {0, PAGE, len(every) - 1} & set(range(len(every)))
                    cursors = [None, *(sort_key(every[i], orders) for i in sorted(places))]
                    for key in cursors:
                        shown = f"{orders[0].field.name} {orders[0].direction.name}"
                        with subtests.test(filter=label, order=shown, after=key):
                            page = await assets.page(session, db.dialect, spec, orders, PAGE, key)
                            counted = await assets.counted_page(
                                session, db.dialect, spec, orders, PAGE, key, estimate_above=None
                            )
                            assert [a.id for a in counted[0]] == [a.id for a in page]
                            assert counted[1] == assets.Total(total, estimated=False)
    finally:
        await db.dispose()


@pytest.fixture(scope="module")
def estimating(demo: Catalog) -> Iterator[Catalog]:
    """The demo catalog, its statistics fresh, served with a threshold of 10 assets: a count the
    planner expects to exceed it is estimated."""

    async def analyze() -> None:
        db = Database(demo.settings.database_url)
        try:
            await db.refresh_statistics()
        finally:
            await db.dispose()

    run_coroutine(analyze())
    port = free_port()
    settings = demo.settings.model_copy(
        update={"estimate_counts_above": 10, "public_url": f"http://127.0.0.1:{port}"}
    )
    with served(settings, port) as running:
        yield running


def connection(
    catalog: Catalog, selection: str, spec: dict[str, Any] | None = None, first: int = 2
) -> dict[str, Any]:
    query = f"query($f: AssetFilter, $n: Int) {{ assets(filter: $f, first: $n) {{ {selection} }} }}"
    answer: dict[str, Any] = catalog.data(query, f=spec, n=first)["assets"]
    return answer


def test_a_count_above_the_threshold_is_estimated_on_postgresql_and_says_so(
    demo: Catalog, estimating: Catalog
) -> None:
    every = connection(demo, "totalCount")["totalCount"]
    answer = connection(estimating, "totalCount totalCountEstimated")

    if estimating.settings.database_url.startswith("sqlite"):  # SQLite always counts
        assert answer == {"totalCount": every, "totalCountEstimated": False}
    else:
        assert answer["totalCountEstimated"] is True
        assert answer["totalCount"] > 10


def test_a_count_below_the_threshold_is_counted(estimating: Catalog) -> None:
    one = connection(estimating, "totalCount totalCountEstimated edges { node { name } }")["edges"][0]
    answer = connection(estimating, "totalCount totalCountEstimated", {"name": one["node"]["name"]})
    assert answer == {"totalCount": 1, "totalCountEstimated": False}


def test_a_first_page_holding_every_match_is_its_count(demo: Catalog, estimating: Catalog) -> None:
    every = connection(demo, "totalCount")["totalCount"]
    answer = connection(estimating, "totalCount totalCountEstimated", first=every + 1)
    assert answer == {"totalCount": every, "totalCountEstimated": False}


def test_an_exact_count_is_counted_whatever_the_threshold(demo: Catalog, estimating: Catalog) -> None:
    every = connection(demo, "totalCount")["totalCount"]
    assert connection(estimating, "totalCount(exact: true) totalCountEstimated") == {
        "totalCount": every,
        "totalCountEstimated": False,
    }


def test_one_exact_selection_makes_every_count_of_the_connection_exact(
    demo: Catalog, estimating: Catalog
) -> None:
    every = connection(demo, "totalCount")["totalCount"]
    answer = connection(
        estimating,
        "roughly: totalCount ...on AssetConnection { exactly: totalCount(exact: true) } totalCountEstimated",
    )
    assert answer == {"roughly": every, "exactly": every, "totalCountEstimated": False}


def test_the_flag_is_false_where_no_count_was_asked(estimating: Catalog) -> None:
    assert connection(estimating, "totalCountEstimated") == {"totalCountEstimated": False}
