/** GraphQL through TanStack Query: results are cached by operation and variables, so back and
 * forward redraw a view at once, and a new search cancels the one it replaces. */
import { keepPreviousData, useQuery, type UseQueryResult } from "@tanstack/react-query";
import type { TypedDocumentString } from "../gql/graphql";
import { type CatalogError, graphql } from "./client";

export function useGraphQL<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  options: { enabled?: boolean; keepPrevious?: boolean } = {},
): UseQueryResult<TResult, CatalogError> {
  return useQuery<TResult, CatalogError>({
    queryKey: [document.toString(), variables],
    queryFn: ({ signal }) => graphql(document, variables, signal),
    enabled: options.enabled ?? true,
    placeholderData: options.keepPrevious ? keepPreviousData : undefined,
  });
}
