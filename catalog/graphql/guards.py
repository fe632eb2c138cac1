"""The guards of a GraphQL request, checked in one pass over the document before it runs: its depth, its aliases, and its cost (an estimate of how many values it can resolve,
with the request's variables and their defaults), so that nested pages (500 assets × 500 files
× …) and fragment bombs are refused before they touch the database. Each fragment is measured
once, so the pass is linear in the document whatever its spreads expand to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    TokenKind,
    value_from_ast_untyped,
)
from strawberry.extensions import SchemaExtension

from catalog.graphql.tables import ASSET_TABLE_COLUMNS, DEFAULT_TABLE_ROWS
from catalog.limits import MAX_ALIASES, MAX_COST, MAX_NUMBER_DIGITS, MAX_QUERY_DEPTH
from catalog.schemas.enums import FacetField

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from graphql import DocumentNode

TOO_COMPLEX = "QUERY_TOO_COMPLEX"
PAGED: Mapping[str, tuple[str, int]] = {
    "assets": ("first", 50),
    "files": ("first", 50),
    "facets": ("limit", 100),
    "aggregate": ("first", 100),
    "fileBySha256": ("first", 50),
    "fileByKey": ("first", 50),
}
"""Fields whose argument says how many items each returns, with its default."""
FACET_LISTS = ("fields", "metadataFields")
"""facets returns ``limit`` values for each facet these arguments name (every field when neither is given)."""
FANNED: Mapping[str, int] = {
    "provenance": 1_000,
    "derivedFrom": 20,
    "derivatives": 20,
    "modalities": 10,
    "locations": 5,
    "downloadManifest": 10_000,
}
"""Fields without a page size: a fixed estimate of their length (a manifest: a typical
manifest's worth of files, signed whatever is selected, so a few fit in one request and thirty
do not)."""
COUNTED_WHOLE = frozenset({"downloadManifest"})
"""Fields whose estimate already counts their lists: what they select is not multiplied again."""
TABLES: Mapping[str, tuple[int, int]] = {"assetTable": (DEFAULT_TABLE_ROWS, len(ASSET_TABLE_COLUMNS))}
"""Fields answering a table: their default ``first`` and how many columns they hold when
``columns`` is not given; each counts its rows × columns, at ``CELLS_PER_VALUE`` a value."""
CELLS_PER_VALUE = 10
"""Cells of a table that cost what one resolved value costs: a table's values are read from its
rows in one loop and encoded once, where each field of a page is resolved by itself (measured
5–10× cheaper, benchmarks/transfer.py); a table of 10,000 rows × 33 columns counts 33,000."""


@dataclass(frozen=True, slots=True)
class Measure:
    cost: int = 0
    depth: int = 0
    aliases: int = 0

    def __add__(self, other: Measure) -> Measure:
        return Measure(self.cost + other.cost, max(self.depth, other.depth), self.aliases + other.aliases)


class Guards(SchemaExtension):
    """Refuses a valid document beyond any limit with ``QUERY_TOO_COMPLEX``. It runs after the
    (cached) validation: graphql-core's rules stay linear on fragment bombs."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and not context.pre_execution_errors:
            operations = sum(isinstance(d, OperationDefinitionNode) for d in document.definitions)
            # ``operation_name`` falls back to the first operation's name: ask what the request named.
            named = getattr(context, "_provided_operation_name", None)
            if operations > 1 and named is None:
                message = "the document holds several operations: name the one to run (operationName)"
                context.pre_execution_errors = [GraphQLError(message, extensions={"code": "BAD_USER_INPUT"})]
            elif problem := refusal(measure(document, context.operation_name, context.variables or {})):
                context.pre_execution_errors = [GraphQLError(problem, extensions={"code": TOO_COMPLEX})]
        yield


class Literals(SchemaExtension):
    """Refuses, right after parsing, a number literal longer than MAX_NUMBER_DIGITS (validating a
    5,000-digit Int would fail inside graphql-core, as if it were a bug) and a string literal
    holding a NUL (which PostgreSQL cannot store or compare), as variables are refused."""

    def on_parse(self) -> Iterator[None]:
        yield
        document = self.execution_context.graphql_document
        token = document.loc.start_token if document is not None and document.loc else None
        while token is not None:
            if problem := _literal_problem(token.kind, token.value or ""):
                raise GraphQLError(problem, extensions={"code": "BAD_USER_INPUT"})
            token = token.next


def _literal_problem(kind: TokenKind, value: str) -> str | None:
    if kind in (TokenKind.INT, TokenKind.FLOAT) and len(value) > MAX_NUMBER_DIGITS:
        return f"a number literal has more than {MAX_NUMBER_DIGITS} characters"
    if kind in (TokenKind.STRING, TokenKind.BLOCK_STRING) and "\0" in value:
        return "a string literal holds a NUL character"
    return None


def refusal(found: Measure) -> str | None:
    if found.depth > MAX_QUERY_DEPTH:
        return f"the query nests {found.depth} levels deep; the limit is {MAX_QUERY_DEPTH}"
    if found.aliases > MAX_ALIASES:
        return f"the query has {found.aliases} aliases; the limit is {MAX_ALIASES}"
    if found.cost > MAX_COST:
        return f"query cost {found.cost} exceeds the limit of {MAX_COST}: ask for smaller pages"
    return None


def estimate(document: DocumentNode, operation_name: str | None, variables: Mapping[str, Any]) -> int:
    """The cost of the operation that would run."""
    return measure(document, operation_name, variables).cost


def measure(document: DocumentNode, operation_name: str | None, variables: Mapping[str, Any]) -> Measure:
    """Cost, depth and aliases of the operation that would run (the largest when it is ambiguous)."""
    definitions = document.definitions
    fragments = {d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)}
    operations = [d for d in definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [o for o in operations if operation_name is None or (o.name and o.name.value == operation_name)]
    found = Measure()
    for operation in chosen:
        walk = _Walk(fragments, {**_defaults(operation), **variables})
        here = walk.selections(operation.selection_set)
        found = Measure(
            max(found.cost, here.cost), max(found.depth, here.depth), max(found.aliases, here.aliases)
        )
    return found


def _defaults(operation: OperationDefinitionNode) -> dict[str, Any]:
    return {
        definition.variable.name.value: value_from_ast_untyped(definition.default_value)
        for definition in operation.variable_definitions or ()
        if definition.default_value is not None
    }


class _Walk:
    def __init__(self, fragments: Mapping[str, FragmentDefinitionNode], variables: Mapping[str, Any]) -> None:
        self.fragments = fragments
        self.variables = dict(variables)
        self.measured: dict[tuple[str, str | None], Measure] = {}

    def selections(self, selections: SelectionSetNode | None, parent: str | None = None) -> Measure:
        total = Measure()
        for node in selections.selections if selections is not None else ():
            if isinstance(node, FieldNode):
                total += self.field(node, parent)
            elif isinstance(node, InlineFragmentNode):
                total += self.selections(node.selection_set, parent)
            elif isinstance(node, FragmentSpreadNode):
                total += self.fragment(node.name.value, parent)
        return total

    def fragment(self, name: str, parent: str | None) -> Measure:
        key = (name, parent)
        if key not in self.measured:
            self.measured[key] = Measure()  # a cycle (refused by validation) adds nothing
            definition = self.fragments.get(name)
            self.measured[key] = self.selections(definition.selection_set if definition else None, parent)
        return self.measured[key]

    def field(self, node: FieldNode, parent: str | None) -> Measure:
        name = node.name.value
        inner = self.selections(node.selection_set, name)
        nests = node.selection_set is not None and not name.startswith("__")  # as graphql-depth-limit counts
        if name in TABLES:
            times, extra = 1, self.cells(node) // CELLS_PER_VALUE
        else:
            times, extra = (1 if parent in COUNTED_WHOLE else self.multiplier(node)), 0
        return Measure(
            cost=1 + times * inner.cost + extra,
            depth=1 + inner.depth if nests else 0,
            aliases=inner.aliases + (node.alias is not None),
        )

    def multiplier(self, node: FieldNode) -> int:
        name = node.name.value
        if name in FANNED:
            return FANNED[name]
        if name not in PAGED:
            return 1
        argument, default = PAGED[name]
        arguments = {given.name.value: self.value(given.value) for given in node.arguments or ()}
        size = arguments.get(argument)
        count = int(size) if isinstance(size, int) and size > 0 else default
        if name == "facets":
            lists = [arguments.get(key) for key in FACET_LISTS]
            named = sum(len(found) for found in lists if isinstance(found, list))
            count *= named if any(found is not None for found in lists) else len(FacetField)
        return count

    def cells(self, node: FieldNode) -> int:
        """Rows × columns of a table field (its ``rows`` are one JSON value to the walk)."""
        default_rows, every_column = TABLES[node.name.value]
        arguments = {given.name.value: self.value(given.value) for given in node.arguments or ()}
        size, columns = arguments.get("first"), arguments.get("columns")
        rows = int(size) if isinstance(size, int) and size > 0 else default_rows
        return rows * (len(columns) if isinstance(columns, list) else every_column)

    def value(self, node: Any) -> Any:
        return value_from_ast_untyped(node, self.variables)
