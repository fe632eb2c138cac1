/** The one request behind the page: the asset itself (the graph's focus, which the lineage
 * does not list) and its lineage, each node with what the graph and its table show. */
import { graphql } from "../../gql";
import type { ProvenancePageGraphQuery } from "../../gql/graphql";

export const ProvenancePageGraph = graphql(`
  query ProvenancePageGraph($name: String!, $direction: ProvenanceDirection!, $depth: Int!) {
    asset(name: $name) {
      name
      kind
      qcStatus
      dataLevel
      processLabel
      acquiredAt
      modalities {
        abbreviation
      }
      provenance(direction: $direction, depth: $depth) {
        nodes {
          hops
          asset {
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
