/** The asset page's requests. Files are asked for apart from the asset so that a bad glob, which
 * the server refuses, leaves the rest of the page standing. */
import { graphql } from "../../gql";
import type { AssetPageAssetQuery, AssetPageLinkedAssetFragment } from "../../gql/graphql";

/** An asset one hop along the lineage, either way. Spread by name: codegen appends this
 * definition to the operations that use it. */
export const AssetPageLinkedAsset = graphql(`
  fragment AssetPageLinkedAsset on Asset {
    name
    kind
    qcStatus
    dataLevel
    acquiredAt
    processLabel
  }
`);

export const AssetPageAsset = graphql(`
  query AssetPageAsset($name: String!) {
    asset(name: $name) {
      name
      kind
      subject {
        subjectId
        species
        sex
        genotype
        dateOfBirth
      }
      modalities {
        abbreviation
        name
      }
      project
      institution
      dataLevel
      acquiredAt
      acquiredEnd
      acquisitionDuration
      subjectAgeAtAcquisition
      processingDuration
      investigators
      experimenters
      funding
      sessionType
      instrumentId
      qcStatus
      processLabel
      draft
      draftStep
      registeredAt
      location
      fileCount
      totalSize
      warnings
      inputs {
        name
        source
      }
      derivedFrom {
        ...AssetPageLinkedAsset
      }
      derivatives {
        ...AssetPageLinkedAsset
      }
      metadata
    }
  }
`);

export const AssetPageFiles = graphql(`
  query AssetPageFiles($name: String!, $first: Int!, $after: String, $pathGlob: String) {
    asset(name: $name) {
      files(first: $first, after: $after, pathGlob: $pathGlob) {
        edges {
          node {
            path
            size
            sha256
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

export const AssetPageManifest = graphql(`
  query AssetPageManifest($filter: AssetFilter!, $pathGlob: String) {
    downloadManifest(filter: $filter, pathGlob: $pathGlob) {
      files {
        asset
        path
        size
        sha256
        url
      }
      expiresAt
      count
      totalSize
      truncated
    }
  }
`);

export const AssetPageSuggestions = graphql(`
  query AssetPageSuggestions($filter: AssetFilter!, $first: Int!) {
    assets(filter: $filter, first: $first) {
      edges {
        node {
          name
          kind
          qcStatus
          acquiredAt
        }
      }
    }
  }
`);

export type AssetDetail = NonNullable<AssetPageAssetQuery["asset"]>;
export type LinkedAsset = AssetPageLinkedAssetFragment;
