"""The executor that reads plain fields directly (leaves, objects and lists of them) answers exactly
as graphql-core does: the same data in the same key order, and the same errors at the same paths
when a plain attribute, or anything below it, holds something its type forbids; resolvers, and
extensions that wrap every resolver, are untouched."""

from __future__ import annotations

import asyncio
import json
from enum import Enum
from typing import Any, cast

import pytest
import strawberry
from graphql import GraphQLObjectType
from strawberry.extensions import SchemaExtension

from catalog.graphql.execution import PlainFieldsExecutionContext, plain_leaf, plain_object
from catalog.graphql.schema import schema as catalog_schema


@strawberry.enum
class Level(Enum):
    RAW = "raw"
    DERIVED = "derived"


@strawberry.interface
class Named:
    label: str


@strawberry.type
class Inner:
    label: str
    tags: list[str]

    @strawberry.field
    async def later(self) -> str:
        """An awaited field below a plain object; it fails for the label "fail"."""
        if self.label == "fail":
            raise ValueError("later failed")
        return self.label * 2


@strawberry.type
class Tagged(Named):
    """An object of an interface: graphql-core checks what it is (``is_type_of``)."""

    tags: list[str]


@strawberry.type
class Item:
    name: str
    level: Level
    size: int
    ratio: float | None
    tags: list[str]
    optional_tags: list[str | None] | None
    inner: Inner
    parts: list[Inner]
    maybe: Inner | None
    loose: list[Inner | None] | None
    tagged: Tagged

    @strawberry.field
    async def shout(self) -> str:
        return self.name.upper()

    @strawberry.field
    def twice(self, times: int = 2) -> int:
        return self.size * times


def good(name: str) -> Item:
    return Item(
        name=name,
        level=Level.DERIVED,
        size=3,
        ratio=None,
        tags=["a", "b"],
        optional_tags=[None, "x"],
        inner=Inner(label="in", tags=[]),
        parts=[Inner(label="p0", tags=["x"]), Inner(label="p1", tags=[])],
        maybe=None,
        loose=[None, Inner(label="l1", tags=["y"])],
        tagged=Tagged(label="t", tags=["z"]),
    )


BROKEN: dict[str, Any] = {
    "a null in a non-null leaf": {"name": None},
    "a null item in a list of non-null items": {"tags": ["a", None]},
    "a value the scalar cannot represent": {"size": "three"},
    "a value the enum cannot represent": {"level": "sideways"},
    "a string where a list belongs": {"tags": "ab"},
    "a null in a non-null object": {"inner": None},
    "a null object in a list of non-null objects": {"parts": [Inner(label="p0", tags=[]), None]},
    "an object where a list of objects belongs": {"parts": Inner(label="p0", tags=[])},
    "a null leaf inside a non-null object": {"inner": Inner(label=None, tags=[])},  # type: ignore[arg-type]
    "a null leaf inside an object of a list": {
        "parts": [Inner(label="p0", tags=[]), Inner(label=None, tags=[])]
    },  # type: ignore[arg-type]
    "a null leaf inside a nullable object": {"maybe": Inner(label="m", tags=None)},  # type: ignore[arg-type]
    "a null leaf inside a nullable object of a list": {"loose": [Inner(label=None, tags=[])]},  # type: ignore[arg-type]
    "an awaited field failing inside an object": {"inner": Inner(label="fail", tags=[])},
    "an awaited field failing inside an object of a list": {"parts": [Inner(label="fail", tags=[])]},
    "an awaited field failing inside a nullable object": {"maybe": Inner(label="fail", tags=[])},
    "an object of the wrong type where an interface's object belongs": {"tagged": Inner(label="t", tags=[])},
}


def schemas(
    items: list[Item], extensions: list[Any] | None = None
) -> tuple[strawberry.Schema, strawberry.Schema]:
    @strawberry.type
    class Query:
        @strawberry.field
        def items(self) -> list[Item | None]:
            return list[Item | None](items)

        @strawberry.field
        def first(self) -> Item:
            return items[0]

        @strawberry.field
        def returned(self, shape: str) -> list[Item]:
            """What a resolver returns for a list of non-null objects, right or wrong."""
            wrong: dict[str, Any] = {"an object": items[0], "a null item": [items[0], None], "null": None}
            return cast("list[Item]", wrong.get(shape, items))

        @strawberry.field
        async def awaited(self) -> list[Item]:
            return items

    plain = strawberry.Schema(
        query=Query, extensions=extensions or [], execution_context_class=PlainFieldsExecutionContext
    )
    return strawberry.Schema(query=Query, extensions=extensions or []), plain


QUERY = """query {
  items { name renamed: name level size ratio tags optionalTags shout twice(times: 3)
    inner { label tags later } ...more skipped: size @skip(if: true)
    parts { label later } maybe { label tags later } loose { tags label } tagged { label tags }
    alsoInner: inner { tags } skippedInner: inner @skip(if: true) { label } }
  first { size name parts { ... on Inner { label } } }
}
fragment more on Item { tags level }"""


def answer(schema: strawberry.Schema, query: str = QUERY, **variables: Any) -> str:
    """The whole answer as JSON text, so that key order counts too."""
    result = asyncio.run(schema.execute(query, variable_values=variables))
    errors = [{"message": e.message, "path": e.path} for e in result.errors or []]
    return json.dumps({"data": result.data, "errors": errors})


def test_plain_attributes_answer_as_graphql_core_does() -> None:
    reference, plain = schemas([good("one"), good("two")])
    assert answer(plain) == answer(reference)
    assert json.loads(answer(plain))["data"]["items"][0] == {
        "name": "one",
        "renamed": "one",
        "level": "DERIVED",
        "size": 3,
        "ratio": None,
        "tags": ["a", "b"],
        "optionalTags": [None, "x"],
        "shout": "ONE",
        "twice": 9,
        "inner": {"label": "in", "tags": [], "later": "inin"},
        "parts": [{"label": "p0", "later": "p0p0"}, {"label": "p1", "later": "p1p1"}],
        "maybe": None,
        "loose": [None, {"tags": ["y"], "label": "l1"}],
        "tagged": {"label": "t", "tags": ["z"]},
        "alsoInner": {"tags": []},
    }


@pytest.mark.parametrize("broken", BROKEN, ids=list(BROKEN))
def test_a_value_its_type_forbids_gets_graphql_cores_error_at_its_path(broken: str) -> None:
    item = good("bad")
    for attribute, value in BROKEN[broken].items():
        setattr(item, attribute, value)
    reference, plain = schemas([good("one"), item, good("three")])
    expected = json.loads(answer(reference))
    assert expected["errors"], "the reference itself refuses the value"
    assert answer(plain) == answer(reference)


RETURNED = ["a list", "an object", "a null item", "null"]


@pytest.mark.parametrize("shape", RETURNED)
def test_a_resolvers_objects_are_completed_as_graphql_core_does(shape: str) -> None:
    """Right or wrong, what a resolver returns for a list of objects gets the same answer, errors
    and paths included, as from graphql-core."""
    reference, plain = schemas([good("one"), good("two")])
    query = "query($shape: String!) { returned(shape: $shape) { name inner { later } } awaited { parts { label } } }"

    assert answer(plain, query, shape=shape) == answer(reference, query, shape=shape)


def test_an_extension_that_wraps_every_resolver_still_sees_plain_leaves() -> None:
    seen: list[str] = []

    class Watch(SchemaExtension):
        def resolve(self, _next: Any, root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
            seen.append(info.field_name)
            return _next(root, info, *args, **kwargs)

    _, plain = schemas([good("one")], extensions=[Watch])
    assert json.loads(answer(plain, "{ first { name size } }"))["data"] == {
        "first": {"name": "one", "size": 3}
    }
    assert seen == ["first", "name", "size"]


def test_the_catalogs_asset_columns_are_plain_leaves_and_its_resolvers_are_not() -> None:
    asset = catalog_schema._schema.type_map["Asset"]
    assert isinstance(asset, GraphQLObjectType)
    assert plain_leaf(asset.fields["name"]) is not None
    assert plain_leaf(asset.fields["investigators"]) is not None
    assert plain_leaf(asset.fields["kind"]) is not None
    assert plain_leaf(asset.fields["subject"]) is None  # an object, not a leaf
    assert plain_object(asset.fields["subject"]) is not None
    assert plain_object(asset.fields["modalities"]) is None  # a resolver
    connection = catalog_schema._schema.type_map["AssetConnection"]
    assert isinstance(connection, GraphQLObjectType)
    assert plain_object(connection.fields["edges"]) is not None
    assert plain_object(connection.fields["totalCount"]) is None


def test_an_object_graphql_core_must_check_is_not_read_directly() -> None:
    item = schemas([good("one")])[1]._schema.type_map["Item"]
    assert isinstance(item, GraphQLObjectType)
    assert plain_object(item.fields["tagged"]) is None  # its type implements an interface
    assert plain_object(item.fields["parts"]) is not None
