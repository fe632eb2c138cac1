/** The counts of every facet and of the timeline, from the calls planFacetRequests plans. While
 * a facet is recounted its previous counts stay shown, marked as waiting. Counting waits for the
 * results of the same search: on a busy server the facet statements would otherwise compete
 * with the page the user is waiting for. */
import { useIsFetching, useQueries, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useState } from "react";
import { graphql } from "../../api/client";
import type { FacetField, SearchPageFacetsQuery } from "../../gql/graphql";
import { FACET_LIMIT, type FacetCount, facetCounts, type FacetRequest, planFacetRequests } from "./facets";
import { SearchPageAssets, SearchPageFacets } from "./operations";
import { type SearchState, withinLimit } from "./searchState";

export type CountsByField = Partial<Record<FacetField, FacetCount[]>>;

export interface FacetCountsView {
  counts: CountsByField;
  /** Fields without an answer under the current filter yet (shown: their previous counts). */
  waiting: ReadonlySet<FacetField>;
  /** Fields not asked for: their filter has more parts than the server takes. */
  refused: ReadonlySet<FacetField>;
  /** Fields whose call failed, with the first failure (a CatalogError). */
  failed: ReadonlySet<FacetField>;
  error: Error | null;
  retry: () => void;
}

interface Combined {
  counts: CountsByField;
  waiting: FacetField[];
  refused: FacetField[];
  failed: FacetField[];
  error: Error | null;
}

const FACET_QUERY = SearchPageFacets.toString();
const RESULTS_QUERY = SearchPageAssets.toString();

function isFacetField(field: string, request: FacetRequest): field is FacetField {
  return request.fields.some((asked) => asked === field);
}

interface Answer {
  data?: SearchPageFacetsQuery | undefined;
  error: Error | null;
}

function combine(requests: readonly FacetRequest[], results: readonly Answer[]): Combined {
  const combined: Combined = { counts: {}, waiting: [], refused: [], failed: [], error: null };
  requests.forEach((request, index) => {
    const result = results[index];
    if (!withinLimit(request.filter)) combined.refused.push(...request.fields);
    else if (result?.error) {
      combined.failed.push(...request.fields);
      combined.error ??= result.error;
    } else if (!result?.data) combined.waiting.push(...request.fields);
    for (const facet of result?.data?.facets ?? []) {
      if (isFacetField(facet.field, request)) combined.counts[facet.field] = facetCounts(facet.values);
    }
  });
  return combined;
}

export function useFacetCounts(state: SearchState): FacetCountsView {
  const requests = useMemo(() => planFacetRequests(state), [state]);
  const client = useQueryClient();
  const resultsPending = useIsFetching({ queryKey: [RESULTS_QUERY] }) > 0;
  const current = useQueries({
    queries: requests.map((request) => ({
      queryKey: [FACET_QUERY, request],
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        graphql(SearchPageFacets, { filter: request.filter, fields: request.fields, limit: FACET_LIMIT }, signal),
      enabled: withinLimit(request.filter) && !resultsPending,
    })),
    combine: (results) => combine(requests, results),
  });

  // Counts last seen per field, shown while a field is recounted under a new filter.
  const [seen, setSeen] = useState<CountsByField>({});
  useEffect(() => setSeen((previous) => ({ ...previous, ...current.counts })), [current.counts]);

  const retry = useCallback(() => {
    void client.refetchQueries({ queryKey: [FACET_QUERY], type: "active", predicate: (query) => query.state.status === "error" });
  }, [client]);

  return {
    counts: { ...seen, ...current.counts },
    waiting: new Set(current.waiting),
    refused: new Set(current.refused),
    failed: new Set(current.failed),
    error: current.error,
    retry,
  };
}
