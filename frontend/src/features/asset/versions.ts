/** The requests of a document's history: its versions, and what changed between two of them. */
import { graphql } from "../../gql";

export const MetadataHistory = graphql(`
  query MetadataHistory($name: String!, $document: String!) {
    asset(name: $name) {
      metadataVersions(document: $document) {
        version
        createdAt
        author
        reason
        current
        removed
      }
    }
  }
`);

export const MetadataChanges = graphql(`
  query MetadataChanges($name: String!, $document: String!, $from: Int!, $to: Int!) {
    asset(name: $name) {
      metadataDiff(document: $document, from: $from, to: $to) {
        path
        before
        after
      }
    }
  }
`);

/** A value of a diff as one line: absent, a scalar as JSON, an object or array abbreviated. */
export function shortValue(value: unknown): string {
  if (value === null || value === undefined) return "—";
  const json = JSON.stringify(value);
  return json.length > 120 ? `${json.slice(0, 117)}…` : json;
}
