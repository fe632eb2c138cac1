"""Bounds on the work of one request, each declared here once; the README's table of limits
lists them. A request beyond any of them is refused with a code before it costs much."""

from __future__ import annotations

MAX_PAGE = 500
"""Assets or files in one page (``first``)."""
MAX_TABLE_ROWS = 10_000
"""Assets in one page of ``assetTable`` (``first``): rows of plain values, resolved as one."""
MAX_QUERY_DEPTH = 12
"""Nesting of a GraphQL selection."""
MAX_ALIASES = 30
"""Aliased fields in one GraphQL document."""
MAX_TOKENS = 4000
"""Tokens in one GraphQL document."""
MAX_COST = 200_000
"""The estimated number of values a GraphQL query may resolve (graphql/cost.py)."""
MAX_FILTER_PARTS = 64
"""Filters nested with and/or/not plus metadata predicates, in one filter."""
MAX_FILTER_CHARS = 16 * 1024
"""Characters of a filter given as JSON (``/manifest?filter=``)."""
MAX_ELEMENT_PREDICATES = 16
"""Conditions of one ``elementMatch``."""
MAX_PATTERN_CHARS = 256
"""Characters of one ``MATCHES`` pattern."""
MAX_PATH_SEGMENTS = 16
"""Segments of one metadata dot path."""
MAX_GLOB_CHARS = 512
"""Characters of one ``pathGlob``."""
MAX_FACET_VALUES = 1000
"""Values per facet (``limit``)."""
MAX_GROUPS = 4
"""Group keys of one aggregate."""
MAX_MEASURES = 8
"""Measures of one aggregate."""
MAX_FORMULAS = 8
"""Formulas of one aggregate."""
MAX_EXPRESSION_CHARS = 256
"""Characters of one formula or element expression."""
MAX_AGGREGATE_ROWS = 10_000
"""Groups one aggregate returns (``first``)."""
MAX_PROVENANCE_DEPTH = 50
"""Hops of one lineage walk."""
MAX_PROVENANCE_NODES = 10_000
"""Names one lineage walk reaches (each way), past which it stops and says it was truncated."""
MAX_MANIFEST_FILES = 100_000
"""Files listed by one manifest (``truncated`` says when more matched)."""
MANIFEST_BATCH = 1000
"""Files a streamed manifest reads, signs and sends at a time (``CATALOG_MANIFEST_BATCH``):
what one ``GET /manifest`` holds in memory."""
MAX_URL_LIFETIME = 7 * 24 * 3600
"""Seconds a signed URL may live: SigV4's limit; ``CATALOG_MAX_URL_EXPIRY`` may lower it."""
MAX_JSON_DEPTH = 32
"""Nesting of JSON a client sends (variables, a filter)."""
MAX_LIST_ITEMS = 1_000
"""Items of one list a client sends, in variables or a filter."""
MAX_STRING_CHARS = 16 * 1024
"""Characters of one string a client sends (a real quality-control value holds 6 KB)."""
MAX_IN_VALUES = 256
"""Values of one ``IN`` predicate, and of one list of a filter (``projects``, ``modality``...)."""
MAX_NAMES = 10_000
"""Asset names of one filter's ``names`` list."""
MAX_CASELESS_CHARS = 16 * 1024
"""Characters of the values one case-insensitive filter field compares (they become one pattern)."""
MAX_QUERY_CHARS = 64 * 1024
"""Characters of one GraphQL document."""
MAX_FACETS = 32
"""Facets of one request (fields plus metadata paths): each is a statement over the matching assets."""
MAX_NUMBER_DIGITS = 100
"""Characters of one number literal in a GraphQL document."""
MAX_UPLOAD_FILES = 1_000
"""Files of one upload (``openUpload``): a bigger asset is uploaded by ``catalog ingest``."""
