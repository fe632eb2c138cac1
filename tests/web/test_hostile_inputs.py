"""Hostile input, over HTTP, on every route: whatever a client sends, the server answers within
a bound, never with a 5xx, always with JSON that carries a code (GraphQL errors
``extensions.code``, plain routes ``{"error": {"code", "message"}}``), never INTERNAL for the
client's own mistake; and afterwards the catalog holds exactly what it held before.

Each case is one specific request; the tables below generate them. Every failing case is listed
in one assertion, so one run shows them all."""

# JSON templates are written with %, as braces would have to be doubled in f-strings and format():
# ruff: noqa: UP031

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from conftest import LONG_STRING_PATH, CatalogProcess, serving

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

BOUND = 10.0
"""Seconds any request may take before it counts as a hang."""
QUICK = 3.0
"""Seconds a refusal that needs no database may take (fragment bombs, token limits)."""
USER_MISTAKE_CODES = frozenset(
    {"BAD_USER_INPUT", "GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "QUERY_TOO_COMPLEX", "NOT_FOUND"}
)
NEVER_FOR_USER_INPUT = frozenset({"INTERNAL", "UNAVAILABLE"})
ASSET = serving.RECORDS[0]
MB = 1024 * 1024

OPS = ("EQ", "NE", "LT", "LTE", "GT", "GTE", "IN", "CONTAINS", "ICONTAINS", "MATCHES", "EXISTS")
OPS += ("LENGTH_EQ", "LENGTH_GT", "LENGTH_LT")
WRONG_VALUES = {
    "a string": '"abc"',
    "a number": "3",
    "a fraction": "2.5",
    "true": "true",
    "null": "null",
    "a mixed list": '[1, "a", null, {"b": 2}]',
    "an object": '{"a": 1}',
    "2^63": str(2**63),
    "2^64 + 1": str(2**64 + 1),
    "-2^63 - 1": str(-(2**63) - 1),
    "1e300": "1e300",
    "-1e300": "-1e300",
    "1e400 (infinite as a double)": "1e400",
    "a 5,000-digit integer": "9" * 5000,
    "a NUL character": '"a\\u0000b"',
    "a lone surrogate": '"\\ud800"',
    "a 1 MB string": json.dumps("x" * 1_000_000),
}
"""A predicate's ``value`` as raw JSON text (a 5,000-digit integer cannot go through json.dumps)."""
HOSTILE_STRINGS = {"a NUL character": '"a\\u0000b"', "a lone surrogate": '"\\ud800"'}
HOSTILE_STRINGS["a 1 MB string"] = json.dumps("y" * 1_000_000)
STRING_FIELDS = (
    "name", "nameContains", "subjectId", "species", "sex", "genotype", "project", "institution", "dataLevel",
    "qcStatus", "processLabel", "investigator", "experimenter", "funding", "sessionType", "instrumentId",
    "location", "derivedFrom",
)  # fmt: skip
INT_FIELDS = ("fileCountMin", "fileCountMax", "subjectAgeAtAcquisitionMin", "subjectAgeAtAcquisitionMax")
FLOAT_FIELDS = ("totalSizeMin", "totalSizeMax", "acquisitionDurationMin", "acquisitionDurationMax")
FLOAT_FIELDS += ("processingDurationMin", "processingDurationMax")
DATE_FIELDS = ("acquiredAfter", "acquiredBefore", "registeredAfter", "registeredBefore")
BAD_NUMBERS = {
    "2^31": str(2**31),
    "2^63": str(2**63),
    "2^64 + 1": str(2**64 + 1),
    "1e300": "1e300",
    "-1e300": "-1e300",
    "1e400": "1e400",
    "a 5,000-digit integer": "9" * 5000,
    "a numeric string": '"5"',
}
BAD_DATES = {
    "not a date": '"not a date"',
    "year 9999": '"9999-12-31T23:59:59Z"',
    "year 1": '"0001-01-01T00:00:00Z"',
    "30 February": '"2024-02-30T00:00:00Z"',
    "no time zone": '"2024-01-01T00:00:00"',
    "offset +99:00": '"2024-01-01T00:00:00+99:00"',
    "a number": "1700000000",
    "a NUL character": '"2024-01-01\\u0000"',
}
PAGE_QUERY = "query($f: AssetFilter) { assets(filter: $f, first: 5) { edges { node { name } } } }"


@dataclass(frozen=True)
class Attack:
    """One request, and what the contract says of its answer beyond the rules every answer keeps."""

    name: str
    method: str
    path: str
    content: bytes | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    status: int | None = None
    """The status the contract fixes, when it fixes one."""
    codes: frozenset[str] = frozenset()
    """When given, the answer must refuse with one of these codes."""
    within: float = BOUND


def post(
    name: str,
    query: str,
    variables: str | None = None,
    *,
    codes: frozenset[str] | set[str] = frozenset(),
    within: float = BOUND,
    status: int | None = None,
) -> Attack:
    """A GraphQL POST; ``variables`` is raw JSON text, so it can hold what json.dumps refuses."""
    body = '{"query": %s, "variables": %s}' % (json.dumps(query), variables or "{}")
    headers = {"content-type": "application/json"}
    return Attack(name, "POST", "/graphql", body.encode(), headers, status, frozenset(codes), within)


def raw(
    name: str, body: bytes, content_type: str | None = "application/json", *, status: int | None = 400
) -> Attack:
    """A POST to /graphql of any bytes: malformed requests are the client's mistake (400)."""
    headers = {"content-type": content_type} if content_type else {}
    return Attack(name, "POST", "/graphql", body, headers, status)


def get(name: str, path: str, *, status: int | None = None, method: str = "GET", **headers: str) -> Attack:
    return Attack(name, method, path, None, headers, status)


def page(name: str, filter_json: str, **expect: Any) -> Attack:
    return post(name, PAGE_QUERY, '{"f": %s}' % filter_json, **expect)


def b64(text: str | bytes) -> str:
    return base64.urlsafe_b64encode(text.encode() if isinstance(text, str) else text).decode()


# --- the corpus -----------------------------------------------------------------------------------


def predicate_attacks() -> Iterator[Attack]:
    """Every predicate op with every wrong kind of value, as a filter, an elementMatch and a
    ``metadata(where:)`` of the asset type."""
    for op in OPS:
        for label, value in WRONG_VALUES.items():
            predicate = '{"document": "subject", "path": "subject_id", "op": "%s", "value": %s}' % (op, value)
            yield page(f"metadata predicate {op} with {label}", '{"metadata": [%s]}' % predicate)
        for label in ("a list", "2^64 + 1", "a NUL character", "a lone surrogate"):
            value = WRONG_VALUES.get(label, '[1, "a"]')
            element = '{"path": "injection_volume", "op": "%s", "value": %s}' % (op, value)
            match = '{"document": "procedures", "path": "subject_procedures", "elementMatch": [%s]}' % element
            yield page(f"elementMatch {op} with {label}", '{"metadata": [%s]}' % match)
            yield post(
                f"metadata(where:) {op} with {label}",
                "query($n: String!, $w: [ElementPredicate!]) "
                '{ asset(name: $n) { metadata(document: "procedures", path: "subject_procedures", where: $w) } }',
                '{"n": "%s", "w": [%s]}' % (ASSET, element),
            )
    yield page(
        "a predicate without op or elementMatch", '{"metadata": [{"document": "subject", "path": "x"}]}'
    )
    yield page("an unknown op", '{"metadata": [{"document": "subject", "path": "x", "op": "LIKE"}]}')
    for label, path in {
        "an empty path": "",
        "a path of 100 segments": ".".join(["a"] * 100),
        "a path of 10,000 characters": "p" * 10_000,
        "a path with a NUL character": "a\u0000b",
        "a path of dots": "....",
        "a path with SQL": "x'); DROP TABLE assets; --",
        "a JSONPath expression": '$.** ? (@ like_regex ".*")',
    }.items():
        predicate = {"document": "subject", "path": path, "op": "EXISTS"}
        yield page(f"metadata predicate on {label}", json.dumps({"metadata": [predicate]}))
    for label, pattern in {
        "an unbalanced pattern": "(((",
        "a 300-character pattern": "a" * 300,
        "a backreference": "(a)\\1",
        "a lookahead": "(?=a)a",
        "nested quantifiers": "(a+)+$",
    }.items():
        predicate = {"document": "subject", "path": "subject_id", "op": "MATCHES", "value": pattern}
        yield page(f"MATCHES with {label}", json.dumps({"metadata": [predicate]}))


def worst_filters() -> dict[str, str]:
    """The filters that froze a server: a backtracking regex over a 5.8 KB string, huge IN lists,
    thousands of predicates (as raw JSON text)."""
    document, path = LONG_STRING_PATH
    regex = {"document": document, "path": path, "op": "MATCHES", "value": ".*.*.*.*.*.*~"}
    numbers = {"document": "subject", "path": "subject_id", "op": "IN", "value": list(range(10_000))}
    dates = [f"2020-01-01T00:00:{i % 60:02d}Z" for i in range(2_000)]
    many = [{"document": "subject", "path": f"field_{i}", "op": "EXISTS"} for i in range(3_000)]
    return {
        "MATCHES .*.*.*.*.*.*~ over a 5.8 KB string": json.dumps({"metadata": [regex]}),
        "IN of 10,000 numbers": json.dumps({"metadata": [numbers]}),
        "IN of 2,000 dates": json.dumps(
            {"metadata": [{"document": "session", "path": "session_start_time", "op": "IN", "value": dates}]}
        ),
        "3,000 predicates in one filter": json.dumps({"metadata": many}),
        "modality: 100,000 strings": json.dumps({"modality": [f"m{i}" for i in range(100_000)]}),
        "or of 5,000 filters": json.dumps({"or": [{"name": f"n{i}"} for i in range(5_000)]}),
        "and nested 300 deep": '{"and": [' * 300 + '{"name": "x"}' + "]}" * 300,
    }


def filter_attacks() -> Iterator[Attack]:
    for name in STRING_FIELDS:
        for label, value in HOSTILE_STRINGS.items():
            yield page(f"{name} with {label}", '{"%s": %s}' % (name, value))
    for name in INT_FIELDS + FLOAT_FIELDS:
        for label, value in BAD_NUMBERS.items():
            yield page(f"{name} = {label}", '{"%s": %s}' % (name, value))
    for name in DATE_FIELDS:
        for label, value in BAD_DATES.items():
            yield page(f"{name} = {label}", '{"%s": %s}' % (name, value))
    for name in ("modality", "modalitiesAll"):
        yield page(f"{name}: 40,000 strings", json.dumps({name: ["ecephys"] * 40_000}))
        yield page(f"{name}: a NUL character", '{"%s": ["a\\u0000"]}' % name)
        yield page(f"{name}: a lone surrogate", '{"%s": ["\\ud800"]}' % name)
        yield page(f"{name}: a string, not a list of them", '{"%s": "ecephys"}' % name)
    yield page("kind: an unknown value", '{"kind": "NOPE"}')
    yield page("an unknown filter field", '{"nope": 1}')
    yield page("a filter that is a list", "[1, 2]")
    yield page("a filter that is a string", '"name"')
    yield post(
        "a literal 2^63 in the query text",
        "{ assets(filter: {fileCountMin: 9223372036854775808}) { edges { node { name } } } }",
    )
    yield post(
        "a literal 1e300 in the query text",
        "{ assets(filter: {totalSizeMin: 1e300}) { edges { node { name } } } }",
    )
    yield post(
        "a literal NUL escape in the query text",
        '{ assets(filter: {name: "a\\u0000"}) { edges { node { name } } } }',
    )
    yield post(
        "a 1 MB literal string in the query text", '{ asset(name: "%s") { name } }' % ("z" * 1_000_000)
    )
    for label, filter_json in worst_filters().items():
        yield page(label, filter_json)
    yield post(
        "a variable list of 100,000 strings",
        "query($m: [String!]) { assets(filter: {modality: $m}) { edges { node { name } } } }",
        json.dumps({"m": [f"value-{i}" for i in range(100_000)]}),
    )


def cursor_attacks() -> Iterator[Attack]:
    cursors = {
        "base64 of a dict": b64('{"id": 1}'),
        "base64 of a list of the wrong length": b64("[1, 2, 3, 4, 5]"),
        "base64 of a huge id": b64(f"[{10**30}]"),
        "base64 of a name and a huge id": b64(f'["a", {10**30}]'),
        "base64 of a non-date": b64('["not a date", 1]'),
        "base64 of []": "W10=",
        "base64 of [null]": b64("[null]"),
        "base64 of nested lists": b64("[[[[1]]]]"),
        "base64 of 1e400": b64("[1e400, 1]"),
        "base64 of a NUL": b64('["\\u0000", 1]'),
        "base64 of a lone surrogate": b64('["\\ud800", 1]'),
        "base64 of invalid UTF-8": b64(b"\xff\xfe\xfd"),
        "base64 of deep JSON": b64("[" * 10_000 + "]" * 10_000),
        "base64 of a 5,000-digit integer": b64("[" + "9" * 5000 + "]"),
        "garbage": "!!!not base64!!!",
        "an empty string": "",
        "100 KB of base64": "QUFB" * 25_000,
        "padding only": "====",
    }
    files = "query($n: String!, $c: String) { asset(name: $n) { files(first: 5, after: $c) { edges { node { path } } } } }"
    by_date = "query($c: String) { assets(first: 5, after: $c, orderBy: [{field: ACQUIRED_AT}]) { edges { node { name } } } }"
    by_name = "query($c: String) { assets(first: 5, after: $c) { edges { node { name } } } }"
    for label, cursor in cursors.items():
        yield post(f"assets cursor: {label}", by_name, json.dumps({"c": cursor}))
        yield post(f"assets by ACQUIRED_AT cursor: {label}", by_date, json.dumps({"c": cursor}))
        yield post(f"files cursor: {label}", files, json.dumps({"n": ASSET, "c": cursor}))


def size_attacks() -> Iterator[Attack]:
    sizes = {"-1": "-1", "0": "0", "501": "501", "2^31 - 1": str(2**31 - 1), "2^31": str(2**31)}
    sizes["a 5,000-digit integer"] = "9" * 5000
    for label, value in sizes.items():
        yield post(
            f"assets first = {label}",
            "query($n: Int) { assets(first: $n) { edges { node { name } } } }",
            '{"n": %s}' % value,
        )
        yield post(
            f"files first = {label}",
            "query($a: String!, $n: Int) { asset(name: $a) { files(first: $n) { edges { node { path } } } } }",
            '{"a": "%s", "n": %s}' % (ASSET, value),
        )
        yield post(
            f"provenance depth = {label}",
            "query($a: String!, $n: Int!) { asset(name: $a) { provenance(depth: $n) { truncated } } }",
            '{"a": "%s", "n": %s}' % (ASSET, value),
        )
        yield post(
            f"url expiresIn = {label}",
            "query($a: String!, $n: Int!) { asset(name: $a) { files(first: 1) { edges { node { url(expiresIn: $n) { url } } } } } }",
            '{"a": "%s", "n": %s}' % (ASSET, value),
        )
        yield post(
            f"downloadManifest expiresIn = {label}",
            "query($n: Int) { downloadManifest(filter: {}, expiresIn: $n) { count } }",
            '{"n": %s}' % value,
        )
        yield post(
            f"facets limit = {label}",
            "query($n: Int!) { facets(fields: [SPECIES], limit: $n) { field } }",
            '{"n": %s}' % value,
        )
        yield post(
            f"aggregate first = {label}",
            "query($n: Int!) { aggregate(measures: [{op: COUNT}], groupBy: [{field: SPECIES}], first: $n) { truncated } }",
            '{"n": %s}' % value,
        )


def analytics_attacks() -> Iterator[Attack]:
    aggregate = (
        "query($h: [HavingPredicate!]) { aggregate(measures: [{op: COUNT}, {op: SUM, field: TOTAL_SIZE}], "
        "groupBy: [{field: SPECIES}], having: $h) { rows { keys values } } }"
    )
    for op in ("EQ", "NE", "LT", "LTE", "GT", "GTE"):
        for label, value in {
            "1": "1",
            "1e300": "1e300",
            "-1e300": "-1e300",
            "2^64 + 1": str(2**64 + 1),
        }.items():
            for measure in (0, 1):
                having = '[{"measure": %d, "op": "%s", "value": %s}]' % (measure, op, value)
                yield post(f"having measure {measure} {op} {label}", aggregate, '{"h": %s}' % having)
    for op in ("IN", "MATCHES", "CONTAINS", "LIKE"):
        yield post(f"having with op {op}", aggregate, '{"h": [{"measure": 0, "op": "%s", "value": 1}]}' % op)
    for measure in (-1, 2, 2**31 - 1):
        yield post(
            f"having measure index {measure}",
            aggregate,
            '{"h": [{"measure": %d, "op": "GT", "value": 1}]}' % measure,
        )
    yield post(
        "having: 1,000 predicates",
        aggregate,
        json.dumps({"h": [{"measure": 0, "op": "GT", "value": i} for i in range(1000)]}),
    )
    measures = "query($m: [Measure!]!, $g: [GroupKey!], $o: [AggregateOrder!]) { aggregate(measures: $m, groupBy: $g, orderBy: $o) { rows { keys values } } }"
    count = [{"op": "COUNT"}]
    path = {"document": "subject", "path": "subject_id"}
    for label, variables in {
        "no measures": {"m": []},
        "100 measures": {"m": count * 100},
        "a measure of a field and a path at once": {
            "m": [{"op": "SUM", "field": "TOTAL_SIZE", "path": path}]
        },
        "SUM of ASSET": {"m": [{"op": "SUM", "field": "ASSET"}]},
        "AVG of a string path": {
            "m": [{"op": "AVG", "path": {"document": "subject", "path": "species.name"}}]
        },
        "COUNT ELEMENTS of a field": {"m": [{"op": "COUNT", "field": "TOTAL_SIZE", "unit": "ELEMENTS"}]},
        "20 group keys": {"m": count, "g": [{"field": "SPECIES"}] * 20},
        "a group key of neither field nor path": {"m": count, "g": [{}]},
        "a date bucket on a field": {"m": count, "g": [{"field": "SPECIES", "bucket": "YEAR"}]},
        "a date bucket on a string path": {"m": count, "g": [{"path": path, "bucket": "DAY"}]},
        "order by measure 99": {"m": count, "o": [{"measure": 99}]},
        "order by key -5": {"m": count, "g": [{"field": "SPECIES"}], "o": [{"key": -5}]},
        "order by measure and key at once": {"m": count, "o": [{"measure": 0, "key": 0}]},
        "order by neither": {"m": count, "o": [{}]},
        "a path of 100 segments": {
            "m": [{"op": "MAX", "path": {"document": "subject", "path": ".".join("a" * 100)}}]
        },
    }.items():
        yield post(f"aggregate: {label}", measures, json.dumps(variables))
    facets = "query($p: [MetadataPath!], $f: [FacetField!], $u: CountUnit!) { facets(fields: $f, metadataFields: $p, unit: $u) { field values { value count } } }"
    for label, variables in {
        "150 metadata paths": {
            "p": [{"document": "subject", "path": f"p{i}"} for i in range(150)],
            "u": "ASSETS",
        },
        "1,000 metadata paths": {
            "p": [{"document": "subject", "path": f"p{i}"} for i in range(1000)],
            "u": "ASSETS",
        },
        "every field 20 times": {"f": ["MODALITY", "SPECIES", "YEAR", "MONTH"] * 20, "u": "SUBJECTS"},
        "unit ELEMENTS": {"f": ["SPECIES"], "u": "ELEMENTS"},
        "an unknown field": {"f": ["NOPE"], "u": "ASSETS"},
        "a path with a NUL character": {"p": [{"document": "subject", "path": "a\u0000"}], "u": "ASSETS"},
    }.items():
        yield post(f"facets: {label}", facets, json.dumps(variables))


def fragment_bomb(levels: int = 39) -> str:
    """``levels`` fragments, each spreading the one before twice: ~2 KB of text, 2^38 fields."""
    lines = ["fragment F0 on Query { assets(first: 1) { edges { node { name } } } }"]
    lines += [f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels)]
    return "query { ...F%d }\n" % (levels - 1) + "\n".join(lines)


def shape_attacks() -> Iterator[Attack]:
    too_complex = {"QUERY_TOO_COMPLEX"}
    yield post("a fragment bomb of 39 fragments", fragment_bomb(), codes=too_complex, within=QUICK)
    yield post("a fragment bomb of 25 fragments", fragment_bomb(25), codes=too_complex, within=QUICK)
    yield post(
        "fragments spreading each other in a cycle",
        "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }",
        codes={"GRAPHQL_VALIDATION_FAILED"},
        within=QUICK,
    )
    yield post("4,100 tokens", "{ " + "__typename " * 4_100 + "}", codes=too_complex, within=QUICK)
    yield post("20,000 tokens in 40 KB", "{ " + "a " * 20_000 + "}", codes=too_complex, within=QUICK)
    nested = "derivedFrom { " * 20 + "name" + " }" * 20
    yield post("a selection 20 deep", "{ assets { edges { node { %s } } } }" % nested, codes=too_complex)
    aliases = " ".join(f'a{i}: asset(name: "{ASSET}") {{ name }}' for i in range(31))
    yield post("31 aliases", "{ %s }" % aliases, codes=too_complex)
    yield post(
        "1,000 aliases of __typename",
        "{ %s }" % " ".join(f"t{i}: __typename" for i in range(1000)),
        codes=too_complex,
    )
    manifests = " ".join(f"m{i}: downloadManifest(filter: {{}}) {{ count }}" for i in range(30))
    yield post("30 downloadManifest aliases", "{ %s }" % manifests, codes=too_complex)
    files = "{ edges { node { files(first: $n) { edges { node { url { url } } } } } } }"
    yield post(
        "a page size from a variable's default (500 x 500 URLs)",
        "query($n: Int = 500) { assets(first: $n) %s }" % files,
        codes=too_complex,
    )
    yield post(
        "the same page sizes as literals (500 x 500 URLs)",
        "{ assets(first: 500) %s }" % files.replace("$n", "500"),
        codes=too_complex,
    )
    yield post(
        "a missing variable used by @skip",
        "query($s: Boolean!) { assets { edges { node { name @skip(if: $s) } } } }",
        codes=USER_MISTAKE_CODES,
    )
    yield post(
        "an undeclared variable",
        "{ assets(first: $n) { edges { node { name } } } }",
        codes=USER_MISTAKE_CODES,
    )
    yield post(
        "a variable of the wrong type",
        "query($n: Int) { asset(name: $n) { name } }",
        '{"n": 1}',
        codes=USER_MISTAKE_CODES,
    )
    yield post(
        "a non-null variable given null",
        "query($n: String!) { asset(name: $n) { name } }",
        '{"n": null}',
        codes=USER_MISTAKE_CODES,
    )
    yield post("an unknown field", "{ nope }", codes={"GRAPHQL_VALIDATION_FAILED"})
    yield post(
        "an unknown argument",
        "{ assets(nope: 1) { edges { node { name } } } }",
        codes={"GRAPHQL_VALIDATION_FAILED"},
    )
    for label, text in {
        "an unclosed brace": "{",
        "closing braces only": "}}}}",
        "an empty document": "",
        "only a comment": "# nothing",
        "a NUL character": "{ __typename \u0000 }",
        "a lone surrogate": '{ asset(name: "\ud800") { name } }',
        "an unterminated string": '{ asset(name: "abc) { name } }',
        "a 5,000-digit literal": "{ assets(first: %s) { edges { node { name } } } }" % ("9" * 5000),
    }.items():
        yield post(
            f"syntax: {label}",
            text,
            codes=USER_MISTAKE_CODES | {"BAD_REQUEST"},
        )
    yield post("a mutation", "mutation { nope }", codes={"GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"})
    yield post(
        "a subscription", "subscription { nope }", codes={"GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"}
    )
    yield post(
        "two operations without operationName",
        "query A { __typename } query B { __typename }",
        codes=USER_MISTAKE_CODES,
    )
    yield post(
        "a deep introspection query",
        "{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } }",
    )
    yield post(
        "200 directives on one field",
        "{ __typename %s }" % " ".join(["@include(if: true)"] * 200),
        codes=USER_MISTAKE_CODES,
    )


def http_attacks() -> Iterator[Attack]:
    """The HTTP layer of /graphql: bodies that are not a GraphQL request."""
    query = b'{"query": "{ __typename }"'
    yield raw("invalid UTF-8 in a string", query + b', "x": "\xff\xfe"}')
    yield raw("a body of invalid UTF-8 only", b"\xff\xfe\xfd")
    yield raw("UTF-16 with a byte order mark", '{"query": "{ __typename }"}'.encode("utf-16"), status=None)
    yield raw("NaN as a variable", query + b', "variables": {"n": NaN}}', status=None)
    yield post(
        "NaN and Infinity in a Float filter",
        "query($f: AssetFilter) { assets(filter: $f) { edges { node { name } } } }",
        '{"f": {"totalSizeMin": NaN, "totalSizeMax": Infinity}}',
    )
    for label, body in {
        "a JSON string": b'"{ __typename }"',
        "a JSON number": b"42",
        "JSON true": b"true",
        "JSON null": b"null",
        "an empty JSON list (an empty batch)": b"[]",
        "a batch of two queries": b'[{"query": "{ __typename }"}, {"query": "{ __typename }"}]',
        "an empty object": b"{}",
        "an empty body": b"",
        "whitespace only": b"   \n  ",
        "a query that is a number": b'{"query": 5}',
        "a query that is null": b'{"query": null}',
        "a query that is a list": b'{"query": ["{ __typename }"]}',
        "variables that are a string": query + b', "variables": "x"}',
        "variables that are a list": query + b', "variables": [1]}',
        "variables that are a number": query + b', "variables": 5}',
        "an operationName that is a number": query + b', "operationName": 5}',
        "extensions that are a string": query + b', "extensions": "x"}',
        "trailing garbage": query + b"} xyz",
        "a truncated body": query,
        "a 5,000-digit integer in variables": query + b', "variables": {"n": ' + b"9" * 5000 + b"}}",
        "JSON nested 100,000 lists deep": b"[" * 100_000 + b"]" * 100_000,
        "variables nested 50,000 objects deep": query
        + b', "variables": {"v": '
        + b'{"a": ' * 50_000
        + b"1"
        + b"}" * 50_001
        + b"}",
        "a variable nested 5,000 lists deep": query
        + b', "variables": {"v": '
        + b"[" * 5_000
        + b"]" * 5_000
        + b"}}",
    }.items():
        yield raw(f"a body that is {label}", body)
    good = b'{"query": "{ __typename }"}'
    for content_type in (
        "text/plain",
        "application/xml",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "application/json; charset=latin-1",
        "*/*",
    ):
        yield raw(f"content type {content_type}", good, content_type, status=None)
    yield raw("no content type", good, None, status=None)
    yield raw(
        "multipart with a made-up boundary",
        b"--x\r\ngarbage\r\n--x--",
        "multipart/form-data; boundary=x",
        status=None,
    )
    yield raw(
        "multipart without operations",
        b'--b\r\nContent-Disposition: form-data; name="map"\r\n\r\n{}\r\n--b--\r\n',
        "multipart/form-data; boundary=b",
        status=None,
    )
    big = json.dumps({"query": "{ __typename }", "variables": {"x": "a" * (4 * MB)}}).encode()
    yield Attack("a 4 MB body", "POST", "/graphql", big, {"content-type": "application/json"}, 413)
    yield Attack(
        "a 12 MB body of spaces",
        "POST",
        "/graphql",
        b" " * (12 * MB) + good,
        {"content-type": "application/json"},
        413,
    )
    for method in ("PUT", "DELETE", "PATCH"):
        yield get(f"{method} /graphql", "/graphql", status=405, method=method)
    params = {
        "a valid query": ({"query": "{ __typename }"}, 200),
        "no query": ({}, None),
        "a syntax error": ({"query": "{"}, None),
        "variables that are not JSON": ({"query": "{ __typename }", "variables": "{nope"}, 400),
        "variables that are a list": ({"query": "{ __typename }", "variables": "[1]"}, 400),
        "variables nested 1,200 lists deep": (
            {"query": "{ __typename }", "variables": '{"a":' + "[" * 1200 + "]" * 1200 + "}"},
            None,
        ),
        "a fragment bomb": ({"query": fragment_bomb()}, None),
        "a NUL character": ({"query": "{ __typename \u0000 }"}, None),
    }
    for label, (values, status) in params.items():
        yield get(
            f"GET /graphql with {label}",
            "/graphql?" + urlencode(values),
            status=status,
            accept="application/json",
        )
    yield get(
        "GET /graphql with invalid UTF-8 in the query string",
        "/graphql?query=%ff%fe",
        accept="application/json",
    )


def manifest_attacks() -> Iterator[Attack]:
    def manifest(label: str, status: int | None, **params: str) -> Attack:
        return get(f"/manifest {label}", "/manifest?" + urlencode(params), status=status)

    numeric = INT_FIELDS + FLOAT_FIELDS
    for name in numeric:
        yield manifest(f"{name} as a number", 200, filter=json.dumps({name: 5}))
        yield manifest(f"{name} as a string", 400, filter=json.dumps({name: "5"}))
    yield manifest("totalSizeMin 1e300", 200, filter='{"totalSizeMin": 1e300}')
    yield manifest("fileCountMin 2^63", 400, filter=json.dumps({"fileCountMin": 2**63}))
    yield manifest("fileCountMin a 5,000-digit integer", 400, filter='{"fileCountMin": %s}' % ("9" * 5000))
    yield manifest("acquiredAfter not a date", 400, filter='{"acquiredAfter": "not a date"}')
    yield manifest("name with a NUL character", None, filter='{"name": "a\\u0000"}')
    yield manifest("name with a lone surrogate", None, filter='{"name": "\\ud800"}')
    yield manifest(
        "a metadata predicate on 2^64 + 1",
        None,
        filter=json.dumps(
            {"metadata": [{"document": "subject", "path": "subject_id", "op": "GT", "value": 2**64 + 1}]}
        ),
    )
    yield manifest(
        "MATCHES .*.*.*.*.*.*~", None, filter=worst_filters()["MATCHES .*.*.*.*.*.*~ over a 5.8 KB string"]
    )
    for label in (
        "not JSON",
        "[]",
        '"a string"',
        "5",
        "null",
        "true",
        "{" * 5000,
        "[" * 10_000 + "]" * 10_000,
    ):
        yield manifest(f"filter {label[:20]!r}", 400 if label != "null" else None, filter=label)
    yield manifest("a 20 KB filter", 400, filter=json.dumps({"name": "n" * 20_000}))
    yield manifest("an unknown filter field", 400, filter='{"nope": 1}')
    yield manifest("an unknown parameter", 400, nope="1")
    for value in ("abc", "-5", "0", "999999999999", "9" * 40, "1e3"):
        yield manifest(f"expiresIn={value[:15]}", None, expiresIn=value)
    yield manifest("format=xml", 400, format="xml")
    yield manifest("a 10 KB pathGlob", 400, pathGlob="*" * 10_000)
    yield manifest("a pathGlob of ** repeated", None, pathGlob="**/" * 100 + "*")
    yield get("/manifest with invalid UTF-8 in the filter", "/manifest?filter=%ff%fe")
    yield get("POST /manifest", "/manifest", status=405, method="POST")


def link_attacks(signed_url: str) -> Iterator[Attack]:
    """/download and /files: paths that climb out, signatures that do not match."""
    for label, path in {
        "an unknown asset": "/download/nope_000000_2020-01-01_00-00-00/data/raw.bin",
        "an unknown file": f"/download/{ASSET}/nope.bin",
        "an encoded ../../": f"/download/{ASSET}/%2e%2e/%2e%2e/etc/passwd",
        "an encoded ../ to another asset": f"/download/{ASSET}/%2e%2e/{serving.RECORDS[1]}/data/raw.bin",
        "an asset of ..": "/download/%2e%2e/%2e%2e/etc/passwd",
        "an encoded slash": f"/download/{ASSET}/data%2fraw.bin",
        "a NUL character": f"/download/{ASSET}/data/raw.bin%00",
        "an 8 KB path": f"/download/{ASSET}/" + "a" * 8000,
        "a backslash traversal": f"/download/{ASSET}/..%5c..%5cetc%5cpasswd",
        "invalid UTF-8": f"/download/{ASSET}/%ff%fe",
    }.items():
        yield get(f"/download with {label}", path, status=404 if label.startswith("an unknown") else None)
    yield get("POST /download", f"/download/{ASSET}/data/raw.bin", status=405, method="POST")
    parts = urlsplit(signed_url)
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    key = parts.path.removeprefix("/files/")

    def files(
        label: str, path: str, params: Mapping[str, str], status: int | None = 403, **headers: str
    ) -> Attack:
        return get(f"/files {label}", f"/files/{path}?{urlencode(params)}", status=status, **headers)

    yield files("as signed", key, query, 200)
    yield files("without a signature", key, {}, 403)
    yield files("with a garbage signature", key, {**query, "signature": "garbage"})
    yield files("with an empty signature", key, {**query, "signature": ""})
    yield files("with a flipped signature", key, {**query, "signature": query["signature"][::-1]})
    yield files("with expires not a number", key, {**query, "expires": "abc"})
    yield files("with a 30-digit expires", key, {**query, "expires": "9" * 30})
    yield files("expired", key, {**query, "expires": "1"})
    yield files("with expires moved later", key, {**query, "expires": str(int(query["expires"]) + 1)})
    yield files("with another file's key", f"{serving.RECORDS[1]}/data/raw.bin", query)
    yield files("with ../ in the key", f"{key}/%2e%2e/%2e%2e/%2e%2e/etc/passwd", query)
    yield files("of an encoded ../../etc/passwd", "%2e%2e/%2e%2e/%2e%2e/etc/passwd", query)
    yield files("of an absolute path", "%2fetc%2fpasswd", query)
    yield files("with another filename", key, {**query, "filename": "evil.exe"})
    yield files("with an unknown store", key, {**query, "store": "nope"})
    yield files("with a store of ../..", key, {**query, "store": "../.."})
    for header, status in {
        "bytes=99999999999999999999-": 200,
        "bytes=5-1": 200,
        "bytes=-0": 416,
        "bytes=0-0,5-6": 200,
        "bytes=1000000000-": 416,
        "bytes=abc": 200,
    }.items():
        yield files(f"with Range {header}", key, query, status, range=header)
    yield get("HEAD /files as signed", f"/files/{key}?{urlencode(query)}", status=200, method="HEAD")
    yield get("DELETE /files", f"/files/{key}?{urlencode(query)}", status=405, method="DELETE")


def other_attacks() -> Iterator[Attack]:
    yield get("/healthz", "/healthz", status=200)
    yield get("/healthz with a query string", "/healthz?" + "x=1&" * 1000, status=200)
    yield get("POST /healthz", "/healthz", status=405, method="POST")
    yield get("an unknown route", "/nope", status=404)
    yield get("a route below /graphql", "/graphql/nope", status=404)
    yield get("a path of encoded NULs", "/%00%00", status=404)


def corpus(signed_url: str) -> list[Attack]:
    return [
        *predicate_attacks(),
        *filter_attacks(),
        *cursor_attacks(),
        *size_attacks(),
        *analytics_attacks(),
        *shape_attacks(),
        *http_attacks(),
        *manifest_attacks(),
        *link_attacks(signed_url),
        *other_attacks(),
    ]


# --- checking answers ----------------------------------------------------------------------------


def codes_of(body: Any, status: int) -> tuple[list[str], list[str]]:
    """(the codes an answer carries, what is wrong with its shape)."""
    if isinstance(body, dict) and isinstance(body.get("errors"), list):
        codes = [
            ((error.get("extensions") or {}).get("code"))
            for error in body["errors"]
            if isinstance(error, dict)
        ]
        missing = (
            ["a GraphQL error without extensions.code"]
            if None in codes or len(codes) != len(body["errors"])
            else []
        )
        return [code for code in codes if code], missing
    if status >= 400:
        error = body.get("error") if isinstance(body, dict) else None
        if (
            isinstance(error, dict)
            and isinstance(error.get("code"), str)
            and isinstance(error.get("message"), str)
        ):
            return [error["code"]], []
        return [], [f"status {status} without {{'error': {{'code', 'message'}}}}: {json.dumps(body)[:200]}"]
    return [], []


def problems(attack: Attack, response: httpx.Response, elapsed: float) -> list[str]:
    found = []
    if elapsed > attack.within:
        found.append(f"took {elapsed:.1f} s (bound {attack.within:.0f} s)")
    if response.status_code >= 500:
        found.append(f"status {response.status_code}")
    if attack.status is not None and response.status_code != attack.status:
        found.append(f"status {response.status_code}, not {attack.status}")
    expects_json = attack.path.startswith("/graphql") or response.status_code >= 400
    if attack.method == "HEAD" or not expects_json:
        return found
    try:
        body = response.json()
    except ValueError:
        return [*found, f"status {response.status_code}, not JSON: {response.text[:120]!r}"]
    codes, shape = codes_of(body, response.status_code)
    found += shape
    if bad := NEVER_FOR_USER_INPUT.intersection(codes):
        found.append(f"code {', '.join(sorted(bad))}: {json.dumps(body)[:200]}")
    if attack.codes and not attack.codes.intersection(codes):
        found.append(f"codes {codes or 'none'}, expected one of {sorted(attack.codes)}")
    return found


def send(client: httpx.Client, server: CatalogProcess, attack: Attack) -> list[str]:
    """The attack's problems; a server that does not answer in time is restarted for the next.

    A connection that fails is retried once on a new one: a keep-alive connection the server
    closed after the previous answer says nothing about this request."""
    for attempt in (1, 2):
        started = time.perf_counter()
        try:
            response = client.request(
                attack.method, server.url + attack.path, content=attack.content, headers=attack.headers
            )
        except httpx.TimeoutException:
            server.restart()
            return [f"no answer within {BOUND:.0f} s (server restarted)"]
        except httpx.TransportError as error:
            if not server_answers(server):
                server.restart()
                return [f"the connection failed ({type(error).__name__}) and the server died (restarted)"]
            if attempt == 2:
                return [f"the connection failed twice: {type(error).__name__}: {error}"]
            continue
        return problems(attack, response, time.perf_counter() - started)
    raise AssertionError("unreachable")


def server_answers(server: CatalogProcess) -> bool:
    try:
        return httpx.get(f"{server.url}/healthz", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


# --- what must not change ---------------------------------------------------------------------

CONTENTS = """{ assets(first: 20, orderBy: [{field: NAME}]) { totalCount edges { node {
  name kind fileCount totalSize metadata
  files(first: 200) { edges { node { path size sha256 } } } } } } }"""


def checksum(server: CatalogProcess) -> tuple[int, str]:
    """(how many assets, a hash of every asset's name, counts, metadata and file hashes), read
    through the API."""
    response = httpx.post(f"{server.url}/graphql", json={"query": CONTENTS}, timeout=60)
    body = response.json()
    assert "errors" not in body, body
    assets = body["data"]["assets"]
    assert assets["totalCount"] == len(assets["edges"]), "every asset is in the checksum"
    assert all(edge["node"]["fileCount"] <= 200 for edge in assets["edges"]), "every file is in the checksum"
    return assets["totalCount"], hashlib.sha256(json.dumps(assets, sort_keys=True).encode()).hexdigest()


def a_signed_url(server: CatalogProcess) -> str:
    query = (
        '{ asset(name: "%s") { files(first: 1, pathGlob: "data/raw.bin") { edges { node { url { url } } } } } }'
        % ASSET
    )
    body = httpx.post(f"{server.url}/graphql", json={"query": query}, timeout=30).json()
    return str(body["data"]["asset"]["files"]["edges"][0]["node"]["url"]["url"])


def normal_answer(client: httpx.Client, url: str) -> str:
    body = client.post(
        f"{url}/graphql", json={"query": '{ asset(name: "%s") { name fileCount } }' % ASSET}
    ).json()
    return str(body["data"]["asset"]["name"])


# --- the tests -----------------------------------------------------------------------------------


def test_every_hostile_request_is_answered_with_a_code_and_changes_nothing(attacked: CatalogProcess) -> None:
    before = checksum(attacked)
    attacks = corpus(a_signed_url(attacked))
    assert len({attack.name for attack in attacks}) == len(attacks), "case names must be unique"
    with httpx.Client(timeout=BOUND) as client:
        answers = [(attack, send(client, attacked, attack)) for attack in attacks]
        assert normal_answer(client, attacked.url) == ASSET
    assert checksum(attacked) == before, "the catalog changed under the hostile corpus"
    failures = [f"{attack.name}: {'; '.join(found)}" for attack, found in answers if found]
    assert not failures, (
        f"{len(failures)} of {len(attacks)} hostile requests were answered wrongly:\n" + "\n".join(failures)
    )


FACET_ATTACKERS = 12
"""Concurrent facet requests of 150 paths each: as many as exhausted the PostgreSQL pool."""


def worst_attacks() -> list[Attack]:
    facets = {"p": [{"document": "subject", "path": f"p{i}"} for i in range(150)]}
    attacks = [page(label, filter_json) for label, filter_json in worst_filters().items()]
    attacks.append(post("fragment bomb", fragment_bomb()))
    attacks += [
        post(
            "facets of 150 paths",
            "query($p: [MetadataPath!]) { facets(metadataFields: $p) { field } }",
            json.dumps(facets),
        )
    ] * FACET_ATTACKERS
    return attacks


@pytest.mark.parametrize("normal", ["GraphQL", "healthz"])
def test_a_normal_request_is_answered_while_the_worst_requests_run(
    attacked: CatalogProcess, normal: str
) -> None:
    """Each worst request alone froze a server for seconds to minutes; sent all at once, the
    normal request sent after them still gets its answer within a few seconds."""
    if not server_answers(attacked):
        attacked.restart()
    attacks = worst_attacks()
    results: list[str] = []

    def attack(one: Attack) -> None:
        with httpx.Client(timeout=3 * BOUND) as client:
            try:
                client.request(one.method, attacked.url + one.path, content=one.content, headers=one.headers)
            except httpx.HTTPError as error:
                results.append(f"{one.name}: {type(error).__name__}")

    threads = [threading.Thread(target=attack, args=(one,), daemon=True) for one in attacks]
    for thread in threads:
        thread.start()
    time.sleep(0.5)  # the attacks are in the server
    started = time.perf_counter()
    try:
        with httpx.Client(timeout=BOUND) as client:
            if normal == "GraphQL":
                assert normal_answer(client, attacked.url) == ASSET
            else:
                assert client.get(f"{attacked.url}/healthz").status_code == 200
        elapsed = time.perf_counter() - started
    except httpx.TimeoutException:
        elapsed = float("inf")
    for thread in threads:
        thread.join(timeout=3 * BOUND + 5)
    if any(thread.is_alive() for thread in threads) or elapsed == float("inf"):
        attacked.restart()
    assert elapsed <= 3.0, f"the normal request took {elapsed:.1f} s under {len(attacks)} attacks ({results})"


def test_the_corpus_covers_every_route() -> None:
    """Hundreds of specific cases, every route among them."""
    attacks = corpus("http://127.0.0.1:1/files/a/b?expires=1&signature=x")
    routes = {attack.path.split("?")[0].split("/")[1] for attack in attacks}
    assert {"graphql", "manifest", "download", "files", "healthz"} <= routes
    assert len(attacks) >= 300
    assert {"GET", "POST"} <= {a.method for a in attacks if a.path.startswith("/graphql")}
