"""The error contract over HTTP: every refusal of the user's own mistake carries a code and a
message (GraphQL errors in ``extensions.code``, plain routes as ``{"error": {code, message}}``),
never a 5xx or INTERNAL; what looks odd but is well-formed is answered."""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from conftest import Catalog

TOTAL = "{ assets(first: 1) { totalCount } }"


def cursor(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


RAW_BODIES: dict[str, tuple[bytes, str, int, str]] = {
    # name: (body, content type, status, code)
    "invalid UTF-8": (b'{"query": "\xff"}', "application/json", 400, "BAD_USER_INPUT"),
    "a JSON string": (b'"x"', "application/json", 400, "BAD_USER_INPUT"),
    "a JSON number": (b"3", "application/json", 400, "BAD_USER_INPUT"),
    "JSON true": (b"true", "application/json", 400, "BAD_USER_INPUT"),
    "JSON null": (b"null", "application/json", 400, "BAD_USER_INPUT"),
    "NaN": (b'{"query": "{ a }", "variables": {"x": NaN}}', "application/json", 400, "BAD_USER_INPUT"),
    "deeply nested JSON": (b"[" * 5000 + b"]" * 5000, "application/json", 400, "BAD_USER_INPUT"),
    "a 5,000-digit integer": (
        b'{"query": "{ a }", "variables": {"x": ' + b"9" * 5000 + b"}}",
        "application/json",
        400,
        "BAD_USER_INPUT",
    ),
    "an empty body": (b"", "application/json", 400, "BAD_USER_INPUT"),
    "a batch": (b'[{"query": "{ a }"}]', "application/json", 400, "BAD_USER_INPUT"),
    "variables that are no object": (
        b'{"query": "{ a }", "variables": "x"}',
        "application/json",
        400,
        "BAD_REQUEST",
    ),
    "a wrong content type": (b"{}", "text/plain", 400, "BAD_REQUEST"),
    "a lone surrogate": (
        b'{"query": "query($n: String) { assets(filter: {name: $n}) { totalCount } }", "variables": {"n": "\\ud800"}}',
        "application/json",
        400,
        "BAD_USER_INPUT",
    ),
    "a NUL in a variable": (
        b'{"query": "{ a }", "variables": {"n": "a\\u0000"}}',
        "application/json",
        400,
        "BAD_USER_INPUT",
    ),
}


def test_malformed_bodies_are_refused_with_a_code(catalog: Catalog) -> None:
    failures = []
    for name, (body, content_type, status, code) in RAW_BODIES.items():
        response = catalog.client.post(
            f"{catalog.url}/graphql", content=body, headers={"content-type": content_type}
        )
        answer = (response.status_code, response.json()["error"]["code"])
        if answer != (status, code):
            failures.append((name, answer))
    assert failures == []


def test_a_body_over_the_limit_is_refused_before_it_is_read(catalog: Catalog) -> None:
    huge = json.dumps({"query": TOTAL, "variables": {"x": "a" * (catalog.settings.max_body_bytes + 1)}})
    declared = catalog.client.post(
        f"{catalog.url}/graphql", content=huge, headers={"content-type": "application/json"}
    )

    def chunks() -> Any:
        yield huge.encode()

    streamed = catalog.client.post(
        f"{catalog.url}/graphql", content=chunks(), headers={"content-type": "application/json"}
    )
    assert [(r.status_code, r.json()["error"]["code"]) for r in (declared, streamed)] == [
        (413, "PAYLOAD_TOO_LARGE")
    ] * 2


QUERIES: dict[str, tuple[str, dict[str, Any], str]] = {
    # name: (query, variables, code of the first error)
    "a syntax error": ("{ assets(", {}, "GRAPHQL_PARSE_FAILED"),
    "an unknown field": ("{ assets { nope } }", {}, "GRAPHQL_VALIDATION_FAILED"),
    "too many tokens": ("{ " + "a " * 5000 + "}", {}, "QUERY_TOO_COMPLEX"),
    "a default page size beyond the cost": (
        "query($n: Int = 500) { assets(first: $n) { edges { node { files(first: $n) { edges { node { path } } } } } } }",
        {},
        "QUERY_TOO_COMPLEX",
    ),
    "thirty manifests": (
        "{ "
        + " ".join(f"m{i}: downloadManifest(filter: {{}}) {{ files {{ url }} }}" for i in range(30))
        + " }",
        {},
        "QUERY_TOO_COMPLEX",
    ),
    "a missing variable used by @skip": (
        "query($s: Boolean!) { assets @skip(if: $s) { totalCount } }",
        {},
        "BAD_USER_INPUT",
    ),
    "an integer beyond 2^63 in a predicate": (
        '{ assets(filter: {metadata: [{document: "subject", path: "x", op: GT, value: 99999999999999999999999}]}) { totalCount } }',
        {},
        "BAD_USER_INPUT",
    ),
    "an IN of 10,000 values": (
        'query($v: JSON) { assets(filter: {metadata: [{document: "subject", path: "x", op: IN, value: $v}]}) { totalCount } }',
        {"v": list(range(10_000))},
        "BAD_USER_INPUT",
    ),
    "a files cursor of no path": (
        '{ assets(first: 1) { edges { node { files(after: "W10=") { edges { cursor } } } } } }',
        {},
        "BAD_USER_INPUT",
    ),
    "a cursor holding an object": (
        "query($c: String) { assets(after: $c) { totalCount } }",
        {"c": cursor({"a": 1})},
        "BAD_USER_INPUT",
    ),
    "a cursor holding a huge id": (
        "query($c: String) { assets(after: $c) { totalCount } }",
        {"c": cursor([0, "x", 10**30])},
        "BAD_USER_INPUT",
    ),
    "a cursor holding no date": (
        "query($c: String) { assets(orderBy: [{field: ACQUIRED_AT}], after: $c) { totalCount } }",
        {"c": cursor([0, "x", 1])},
        "BAD_USER_INPUT",
    ),
    "a cursor holding a list for a name": (
        "query($c: String) { assets(after: $c) { totalCount } }",
        {"c": cursor([0, [1], 1])},
        "BAD_USER_INPUT",
    ),
    "a filter of 100 predicates": (
        "query($f: AssetFilter) { assets(filter: $f) { totalCount } }",
        {"f": {"metadata": [{"document": "subject", "path": "x", "op": "EXISTS"}] * 100}},
        "BAD_USER_INPUT",
    ),
    "a 1 MB string": (
        "query($n: String) { assets(filter: {nameContains: $n}) { totalCount } }",
        {"n": "a" * 100_000},
        "BAD_USER_INPUT",
    ),
}


def test_user_mistakes_in_queries_get_their_code_never_internal(catalog: Catalog) -> None:
    failures = []
    for name, (query, variables, code) in QUERIES.items():
        response = catalog.client.post(
            f"{catalog.url}/graphql", json={"query": query, "variables": variables}
        )
        if response.status_code >= 500:
            failures.append((name, response.status_code))
            continue
        body = response.json()
        found = body["errors"][0]["extensions"]["code"] if "errors" in body else body["error"]["code"]
        if found != code:
            failures.append((name, found))
    assert failures == []


WELL_FORMED = {
    "totalSizeMin beyond any size": "{ assets(filter: {totalSizeMin: 1e300}) { totalCount } }",
    "a date without a time zone (UTC)": '{ assets(filter: {acquiredAfter: "2000-01-01"}) { totalCount } }',
    "a date-time without an offset in facets": '{ facets(filter: {acquiredAfter: "2000-01-01T00:00:00"}, fields: [YEAR]) { values { count } } }',
    "a date without a time zone in aggregate": '{ aggregate(filter: {acquiredBefore: "2100-01-01"}, measures: [{op: COUNT, field: ASSET}]) { rows { values } } }',
    "having with NE": "{ aggregate(measures: [{op: COUNT, field: ASSET}], having: [{measure: 0, op: NE, value: 1}]) { rows { values } } }",
    "a path measure without groupBy": '{ aggregate(measures: [{op: COUNT_DISTINCT, path: {document: "subject", path: "genotype"}}]) { rows { keys values } } }',
}


def test_odd_but_well_formed_queries_are_answered(catalog: Catalog) -> None:
    answers = {name: catalog.gql(query) for name, query in WELL_FORMED.items()}
    assert {name: body.get("errors") for name, body in answers.items()} == dict.fromkeys(WELL_FORMED)
    assert answers["totalSizeMin beyond any size"]["data"]["assets"]["totalCount"] == 0
    assert answers["a date without a time zone (UTC)"]["data"]["assets"]["totalCount"] > 0
    rows = answers["a path measure without groupBy"]["data"]["aggregate"]["rows"]
    genotypes = catalog.data(
        '{ facets(fields: [], metadataFields: [{document: "subject", path: "genotype"}], limit: 1000) { values { value } } }'
    )
    distinct = {v["value"] for v in genotypes["facets"][0]["values"]} - {None}
    assert rows == [{"keys": [], "values": [float(len(distinct))]}]


def test_plain_routes_answer_every_refusal_as_json_with_a_code(catalog: Catalog) -> None:
    cases = {
        "/nope": (404, "NOT_FOUND"),
        "/download/not-a-name/x": (400, "BAD_USER_INPUT"),
        '/manifest?filter={"fileCountMin":"5"}': (400, "BAD_USER_INPUT"),
        '/manifest?filter={"name":"a\\u0000"}': (400, "BAD_USER_INPUT"),
        "/files/x?expires=1&signature=x": (403, "FORBIDDEN"),
        "/files/x?store=file://%5B&expires=99999999999&signature=x": (403, "FORBIDDEN"),
        "/files/x?store=file:///a%00b&expires=99999999999&signature=x": (403, "FORBIDDEN"),
        "/files/x?store=s3://bucket&expires=99999999999&signature=x": (403, "FORBIDDEN"),
    }
    found = {}
    for path in cases:
        response = catalog.client.get(f"{catalog.url}{path}")
        found[path] = (response.status_code, response.json()["error"]["code"])
    put = catalog.client.put(f"{catalog.url}/graphql", content=b"{}")
    assert found == cases
    assert (put.status_code, put.json()["error"]["code"]) == (405, "METHOD_NOT_ALLOWED")


def test_health_and_readiness_answer_while_the_catalog_serves(catalog: Catalog) -> None:
    assert catalog.client.get(f"{catalog.url}/healthz").json() == {"status": "ok"}
    assert catalog.client.get(f"{catalog.url}/readyz").json() == {"status": "ready"}


def test_a_refused_request_leaves_the_connection_usable(catalog: Catalog) -> None:
    with httpx.Client(timeout=10) as client:
        bad = client.post(
            f"{catalog.url}/graphql", content=b"3", headers={"content-type": "application/json"}
        )
        good = client.post(f"{catalog.url}/graphql", json={"query": TOTAL})
    assert (bad.status_code, good.status_code) == (400, 200)
