"""The GraphQL documents the client sends, each with its variables, so that every request it makes
can be read in one place (and tried in GraphiQL as it is)."""

from __future__ import annotations

from catalog.client.columns import ASSET_COLUMNS, selection

ASSET_FIELDS = selection(ASSET_COLUMNS)

ASSETS_PAGE = f"""
query AssetsPage($filter: AssetFilter, $orderBy: [AssetOrder!], $first: Int, $after: String, $timeZone: String) {{
  assets(filter: $filter, orderBy: $orderBy, first: $first, after: $after, timeZone: $timeZone) {{
    edges {{ node {{ {ASSET_FIELDS} }} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}"""

ASSET_TABLE = """
query AssetTable($filter: AssetFilter, $orderBy: [AssetOrder!], $columns: [String!], $first: Int, $after: String,
                 $timeZone: String) {
  assetTable(filter: $filter, orderBy: $orderBy, columns: $columns, first: $first, after: $after, timeZone: $timeZone) {
    columns rows pageInfo { hasNextPage endCursor }
  }
}"""
"""The same assets as ``ASSETS_PAGE``, as rows of plain values (servers since assetTable)."""

ASSETS_COUNT = """
query AssetsCount($filter: AssetFilter, $timeZone: String) {
  assets(filter: $filter, first: 0, timeZone: $timeZone) { totalCount(exact: true) }
}"""
"""Counted, never the server's estimate of a large count."""

ASSETS_COUNT_BEFORE_ESTIMATES = """
query AssetsCount($filter: AssetFilter, $timeZone: String) {
  assets(filter: $filter, first: 0, timeZone: $timeZone) { totalCount }
}"""
"""``ASSETS_COUNT`` for a server before estimated counts (no ``exact``): it always counts."""

ASSET = f"""
query Asset($name: String!) {{
  asset(name: $name) {{ {ASSET_FIELDS} metadata derivedFrom {{ name }} derivatives {{ name }} }}
}}"""

FACETS = """
query Facets($filter: AssetFilter, $fields: [FacetField!], $metadataFields: [MetadataPath!], $limit: Int!,
             $unit: CountUnit!, $disjunctive: Boolean!, $timeZone: String) {
  facets(filter: $filter, fields: $fields, metadataFields: $metadataFields, limit: $limit, unit: $unit,
         disjunctive: $disjunctive, timeZone: $timeZone) {
    field values { value count } distinctValues truncated ignored
  }
}"""

AGGREGATE = """
query Aggregate($filter: AssetFilter, $groupBy: [GroupKey!], $measures: [Measure!]!, $having: [HavingPredicate!],
                $orderBy: [AggregateOrder!], $first: Int!, $unwind: MetadataPath, $formulas: [String!],
                $timeZone: String) {
  aggregate(filter: $filter, groupBy: $groupBy, measures: $measures, having: $having, orderBy: $orderBy,
            first: $first, unwind: $unwind, formulas: $formulas, timeZone: $timeZone) {
    columns rows { record } truncated
  }
}"""

LINEAGE_ASSET = "kind project dataLevel qcStatus acquiredAt processLabel"
"""What lineage shows of each registered asset, the one asked about included."""
PROVENANCE_NODE = f"name hops registered processLabel processedAt asset {{ {LINEAGE_ASSET} }}"
"""What each lineage node brings; ``redacted`` is asked for too where the server has it."""


def provenance(node_fields: str) -> str:
    return f"""
query Provenance($name: String!, $direction: ProvenanceDirection!, $depth: Int!) {{
  asset(name: $name) {{
    {LINEAGE_ASSET}
    provenance(direction: $direction, depth: $depth) {{
      nodes {{ {node_fields} }} edges {{ source target process }} truncated
    }}
  }}
}}"""


MANIFEST = """
query Manifest($filter: AssetFilter!, $pathGlob: String, $expiresIn: Int) {
  downloadManifest(filter: $filter, pathGlob: $pathGlob, expiresIn: $expiresIn) {
    files { asset path size sha256 url alternates } expiresAt truncated
  }
}"""

FILE_BY_SHA256 = """
query FileBySha256($sha256: String!, $first: Int) {
  fileBySha256(sha256: $sha256, first: $first) { asset { name location } path file { size sha256 } }
}"""

FILE_BY_KEY = """
query FileByKey($key: String!, $first: Int) {
  fileByKey(key: $key, first: $first) { asset { name location } path file { size sha256 } }
}"""

TYPE_FIELDS = """
query TypeFields($name: String!) { __type(name: $name) { fields { name } } }"""

OPEN_UPLOAD = """
mutation OpenUpload($name: String!, $files: [UploadFileInput!]!, $draft: Boolean!) {
  openUpload(name: $name, files: $files, draft: $draft) {
    id expiresAt files { path size sha256 stored url partSize partCount partsStored }
  }
}"""

UPLOAD_PART_URLS = """
mutation UploadPartUrls($uploadId: String!, $path: String!, $parts: [Int!]!) {
  uploadPartUrls(uploadId: $uploadId, path: $path, parts: $parts) { part url }
}"""

COMPLETE_UPLOAD = """
mutation CompleteUpload($uploadId: String!) {
  completeUpload(uploadId: $uploadId) { name draft draftStep }
}"""

SEAL_DRAFT = f"""
mutation SealDraft($name: String!) {{
  sealDraft(name: $name) {{ {ASSET_FIELDS} }}
}}"""

LOCATION_FIELDS = "url label priority primary addedBy addedAt fallback"

LOCATIONS = f"""
query Locations($name: String!) {{
  asset(name: $name) {{ locations {{ {LOCATION_FIELDS} }} }}
}}"""

ADD_LOCATION = f"""
mutation AddLocation($name: String!, $url: String!, $label: String, $priority: Int) {{
  addLocation(name: $name, url: $url, label: $label, priority: $priority) {{ {LOCATION_FIELDS} }}
}}"""

REMOVE_LOCATION = f"""
mutation RemoveLocation($name: String!, $url: String!) {{
  removeLocation(name: $name, url: $url) {{ {LOCATION_FIELDS} }}
}}"""
