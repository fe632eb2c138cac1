import { graphql } from "../gql";

/** Who the web catalog's requests act as. */
export const ViewerQuery = graphql(`
  query Viewer {
    viewer {
      name
      role
      groups
    }
  }
`);
