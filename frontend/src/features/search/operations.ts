/** The search page's requests. */
import { graphql } from "../../gql";

export const SearchPageAssets = graphql(`
  query SearchPageAssets($filter: AssetFilter, $orderBy: [AssetOrder!], $first: Int, $after: String) {
    assets(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
      totalCount
      totalCountEstimated
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          name
          kind
          subject {
            subjectId
          }
          modalities {
            abbreviation
            name
          }
          acquiredAt
          project
          qcStatus
          fileCount
          totalSize
        }
      }
    }
  }
`);

export const SearchPageFacets = graphql(`
  query SearchPageFacets($filter: AssetFilter, $fields: [FacetField!], $limit: Int!) {
    facets(filter: $filter, fields: $fields, limit: $limit) {
      field
      values {
        value
        count
      }
    }
  }
`);

export const SearchPageManifestSummary = graphql(`
  query SearchPageManifestSummary($filter: AssetFilter!, $pathGlob: String) {
    downloadManifest(filter: $filter, pathGlob: $pathGlob) {
      count
      totalSize
      truncated
    }
  }
`);
