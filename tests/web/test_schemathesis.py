"""Queries generated from the GraphQL schema the running server publishes (schemathesis): none
gets a 5xx, every error carries ``extensions.code``, and none is INTERNAL or UNAVAILABLE, since
every generated query is either valid or the client's own mistake.

Bounded and deterministic: a fixed number of examples per root field, derandomised, so CI runs
the same queries every time."""

from __future__ import annotations

from typing import TYPE_CHECKING

import graphql
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.graphql import nodes

if TYPE_CHECKING:
    from conftest import CatalogProcess
    from schemathesis import APIOperation, Case, CheckContext, Response

EXAMPLES = 200
"""Queries per root field (asset, assets, downloadManifest, facets, aggregate, the mutations...)
and backend."""
TIMEOUT = 10.0
"""Seconds a generated query may take: longer counts as a hang."""
NEVER_FOR_USER_INPUT = frozenset({"INTERNAL", "UNAVAILABLE"})


def json_literals() -> st.SearchStrategy[graphql.ValueNode]:
    """Any JSON value as a GraphQL literal: what the JSON scalar takes as input (a correction's
    content)."""
    scalars = st.one_of(
        st.just(nodes.Null),
        st.booleans().map(nodes.Boolean),
        st.integers(min_value=-(2**31), max_value=2**31 - 1).map(nodes.Int),
        st.floats(allow_nan=False, allow_infinity=False).map(nodes.Float),
        st.text(max_size=20).map(nodes.String),
    )

    def containers(children: st.SearchStrategy[graphql.ValueNode]) -> st.SearchStrategy[graphql.ValueNode]:
        key = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,10}", fullmatch=True)
        field = st.tuples(key, children).map(
            lambda pair: graphql.ObjectFieldNode(name=graphql.NameNode(value=pair[0]), value=pair[1])
        )
        fields = st.lists(field, max_size=4, unique_by=lambda f: f.name.value)
        return st.one_of(st.lists(children, max_size=4).map(nodes.List), fields.map(nodes.Object))

    return st.recursive(scalars, containers, max_leaves=10)


schemathesis.graphql.scalar("JSON", json_literals())


@schemathesis.check
def every_error_has_a_code_and_none_is_internal(
    _ctx: CheckContext, response: Response, _case: Case
) -> bool | None:
    assert response.status_code < 500, f"status {response.status_code}"
    body = response.json()
    assert isinstance(body, dict), f"not a JSON object: {response.text[:200]}"
    errors = body.get("errors") or []
    codes = [(error.get("extensions") or {}).get("code") for error in errors]
    assert None not in codes, f"an error without extensions.code: {errors}"
    assert not NEVER_FOR_USER_INPUT.intersection(codes), f"codes {codes}: {errors}"
    return None


def failure_of(operation: APIOperation) -> str | None:
    """What went wrong with the generated queries of one root field, after Hypothesis shrank it."""

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def queries_of(case: Case) -> None:
        response = case.call(timeout=TIMEOUT)
        case.validate_response(response, checks=[every_error_has_a_code_and_none_is_internal])

    try:
        queries_of()
    except Exception as error:  # every failure is reported, each root field's on its own
        return f"{operation.label}: {type(error).__name__}: {str(error)[:2000]}"
    return None


def test_generated_queries_get_no_server_error(attacked: CatalogProcess) -> None:
    schema = schemathesis.graphql.from_url(f"{attacked.url}/graphql", timeout=30)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {operation.label for operation in operations} >= {"Query.assets", "Query.aggregate"}
    failures = [failure for operation in operations if (failure := failure_of(operation))]
    assert not failures, "\n\n".join(failures)
