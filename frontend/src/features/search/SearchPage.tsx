/** The catalog's front page: free text, disjunctive facets, an acquisition timeline and the
 * matching assets, the whole view held in the URL. */
import { useCallback, useState } from "react";
import { FacetSidebar } from "./FacetSidebar";
import { MAX_FILTER_PARTS, FACET_KEYS, clearAll, withRange } from "./searchState";
import { Results } from "./Results";
import { SearchBox } from "./SearchBox";
import { SelectionChips } from "./SelectionChips";
import { Timeline } from "./Timeline";
import { useFacetCounts } from "./useFacetCounts";
import { useSearchState } from "./useSearchState";
import "./search.css";

export function SearchPage() {
  const [state, update] = useSearchState();
  const facets = useFacetCounts(state);
  const [filtersOpen, setFiltersOpen] = useState(false);
  const chosen = FACET_KEYS.reduce((sum, key) => sum + state.selected[key].length, 0) + (state.from || state.to ? 1 : 0);

  const search = useCallback(
    (q: string, options: { replace: boolean }) => update((current) => ({ ...current, q }), options),
    [update],
  );

  return (
    <div className="search-page">
      <header className="search-hero">
        <h1>Search the catalog</h1>
        <p className="muted">Find acquisitions and derived data by name, subject, project, modality or date. The address bar holds the whole view: share it.</p>
        <SearchBox value={state.q} onSearch={search} />
      </header>

      <button
        type="button"
        className="button filters-toggle"
        aria-expanded={filtersOpen}
        aria-controls="search-filters"
        onClick={() => setFiltersOpen(!filtersOpen)}
      >
        Filters{chosen > 0 ? ` (${chosen})` : ""}
        <span aria-hidden="true">{filtersOpen ? "▴" : "▾"}</span>
      </button>

      <div className="search-layout">
        <aside id="search-filters" className="search-sidebar" data-open={filtersOpen} aria-labelledby="filters-title">
          <h2 id="filters-title" className="sidebar-title">
            Filters
          </h2>
          <FacetSidebar state={state} update={update} facets={facets} />
        </aside>

        <div className="search-main">
          <Timeline
            counts={facets.counts.MONTH}
            from={state.from}
            to={state.to}
            waiting={facets.waiting.has("MONTH")}
            unavailable={
              facets.refused.has("MONTH")
                ? `Not counted: more than ${MAX_FILTER_PARTS} filter parts.`
                : facets.failed.has("MONTH")
                  ? "The timeline could not be counted."
                  : null
            }
            onRange={(from, to, options) => update((current) => withRange(current, from, to), options)}
          />
          <SelectionChips state={state} update={update} />
          <Results
            state={state}
            onSort={(sort) => update((current) => ({ ...current, sort }))}
            onClearAll={() => update(clearAll)}
          />
        </div>
      </div>
    </div>
  );
}
