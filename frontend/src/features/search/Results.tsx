import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { type CatalogError, graphql, requestBody } from "../../api/client";
import { Empty, ErrorState, Loading } from "../../components/States";
import { UsePython } from "../../components/UsePython";
import type { SearchPageAssetsQuery, SearchPageAssetsQueryVariables } from "../../gql/graphql";
import { formatCount, pluralAbout } from "../../lib/format";
import { DownloadFiles } from "./DownloadFiles";
import { SearchPageAssets } from "./operations";
import { countParts, hasChoices, MAX_FILTER_PARTS, type SearchState, toFilter } from "./searchState";
import { type Sort, toOrderBy } from "./sorting";
import { ResultsTable } from "./ResultsTable";

const PAGE_SIZE = 50;

interface ResultsProps {
  state: SearchState;
  onSort: (sort: Sort) => void;
  onClearAll: () => void;
}

/** The matching assets a page at a time; the previous search's rows stay, dimmed, while the
 * next one loads. */
export function Results({ state, onSort, onClearAll }: ResultsProps) {
  const filter = toFilter(state);
  const parts = countParts(filter);
  const variables: SearchPageAssetsQueryVariables = { filter, orderBy: toOrderBy(state.sort), first: PAGE_SIZE };
  const query = useInfiniteQuery<
    SearchPageAssetsQuery,
    CatalogError,
    { pages: SearchPageAssetsQuery[] },
    [string, SearchPageAssetsQueryVariables],
    string | null
  >({
    queryKey: [SearchPageAssets.toString(), variables],
    queryFn: ({ pageParam, signal }) => graphql(SearchPageAssets, { ...variables, after: pageParam }, signal),
    initialPageParam: null,
    getNextPageParam: (last) => (last.assets.pageInfo.hasNextPage ? last.assets.pageInfo.endCursor : null),
    placeholderData: keepPreviousData,
    enabled: parts <= MAX_FILTER_PARTS,
  });

  const pages = query.data?.pages ?? [];
  const rows = pages.flatMap((page) => page.assets.edges.map((edge) => edge.node));
  const total = pages[0]?.assets.totalCount;
  const estimated = pages[0]?.assets.totalCountEstimated ?? false;
  const stale = query.isPlaceholderData;

  const toolbar = (
    <div className="results-toolbar">
      <h2 className="results-count" data-testid="total-count" aria-live="polite">
        {total === undefined ? "Assets" : pluralAbout(total, estimated, "asset", "assets")}
      </h2>
      {query.isFetching && !query.isFetchingNextPage && <span className="spinner" role="status" aria-label="Updating results" />}
      <div className="results-actions">
        <DownloadFiles filter={filter} />
        <UsePython request={requestBody(SearchPageAssets, variables)} />
      </div>
    </div>
  );

  if (parts > MAX_FILTER_PARTS) {
    return (
      <section className="results" aria-label="Results">
        {toolbar}
        <div className="state state-error" role="alert">
          <h2>Too many filters</h2>
          <p>
            This search has {parts} filter parts; the catalog accepts at most {MAX_FILTER_PARTS} in one request. Untick some values
            (each subject, project or other value ticked is a part) and try again.
          </p>
        </div>
      </section>
    );
  }

  return (
    <section className="results" aria-label="Results">
      {toolbar}
      {query.isPending ? (
        <Loading label="Loading assets…" />
      ) : query.isError && rows.length === 0 ? (
        <ErrorState error={query.error} retry={() => void query.refetch()} />
      ) : total === 0 && !stale ? (
        <Empty title="No assets match">
          <p>
            {hasChoices(state)
              ? "Nothing matches all of these filters together. Remove a filter above, widen the date range, or check the spelling of the search words."
              : "The catalog holds no assets yet. Register some with the catalog's command line, then search again."}
          </p>
          {hasChoices(state) && (
            <button type="button" className="button button-primary" onClick={onClearAll}>
              Clear all filters
            </button>
          )}
        </Empty>
      ) : (
        <>
          {query.isError && !query.isFetchNextPageError && <ErrorState error={query.error} retry={() => void query.refetch()} />}
          <ResultsTable rows={rows} sort={state.sort} onSort={onSort} stale={stale} />
          <div className="results-footer">
            <span className="muted">
              Showing {formatCount(rows.length)} of {pluralAbout(total ?? rows.length, estimated, "asset", "assets")}
            </span>
            {query.hasNextPage && (
              <button type="button" className="button" onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage || stale}>
                {query.isFetchingNextPage ? "Loading…" : "Load more"}
              </button>
            )}
          </div>
          {query.isFetchNextPageError && <ErrorState error={query.error} retry={() => void query.fetchNextPage()} />}
        </>
      )}
    </section>
  );
}
