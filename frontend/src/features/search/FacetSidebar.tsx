import { ErrorState } from "../../components/States";
import { FacetGroup } from "./FacetGroup";
import { FACETS } from "./facets";
import { MAX_FILTER_PARTS, type SearchState, toggleValue } from "./searchState";
import type { FacetCountsView } from "./useFacetCounts";
import type { UpdateSearch } from "./useSearchState";

/** Every facet, each counted without its own selection. */
export function FacetSidebar({ state, update, facets }: { state: SearchState; update: UpdateSearch; facets: FacetCountsView }) {
  return (
    <div className="facet-list">
      {facets.error && (
        <div className="facet-error">
          <ErrorState error={facets.error} retry={facets.retry} />
        </div>
      )}
      {FACETS.map((facet) => (
        <FacetGroup
          key={facet.key}
          facet={facet}
          counts={facets.counts[facet.field]}
          selected={state.selected[facet.key]}
          waiting={facets.waiting.has(facet.field)}
          unavailable={
            facets.refused.has(facet.field)
              ? `Not counted: more than ${MAX_FILTER_PARTS} filter parts`
              : facets.failed.has(facet.field)
                ? "Counts unavailable"
                : null
          }
          onToggle={(value) => update((current) => toggleValue(current, facet.key, value))}
          onClear={() => update((current) => ({ ...current, selected: { ...current.selected, [facet.key]: [] } }))}
        />
      ))}
    </div>
  );
}
