/** The one request behind the page: the asset itself (the graph's focus, which the lineage
 * does not list) and its lineage, each node with what the graph and its table show. A node the
 * viewer may not read comes `redacted`: a placeholder name (`redacted-1`…) and its kind only. */
import { graphql } from "../../gql";
import type { ProvenancePageGraphQuery } from "../../gql/graphql";

/** What the graph, its table and its side panel show of each asset. Spread by name: codegen
 * appends this definition to the operations that use it. */
export const ProvenanceNodeAsset = graphql(`
  fragment ProvenanceNodeAsset on Asset {
    name
    kind
    qcStatus
    dataLevel
    processLabel
    acquiredAt
    modalities {
      abbreviation
    }
  }
`);

export const ProvenancePageGraph = graphql(`
  query ProvenancePageGraph($name: String!, $direction: ProvenanceDirection!, $depth: Int!) {
    asset(name: $name) {
      ...ProvenanceNodeAsset
      provenance(direction: $direction, depth: $depth) {
        nodes {
          name
          hops
          registered
          redacted
          kind
          processLabel
          processedAt
          asset {
            ...ProvenanceNodeAsset
          }
        }
        edges {
          source
          target
          process
        }
        truncated
      }
    }
  }
`);

export type ProvenanceAsset = NonNullable<ProvenancePageGraphQuery["asset"]>;
