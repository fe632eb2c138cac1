import { useId, useState } from "react";
import { formatCount } from "../../lib/format";
import { type FacetCount, type FacetDefinition, facetView } from "./facets";

/** Values past which an expanded facet offers a box to narrow them. */
const FILTERABLE = 15;

interface FacetGroupProps {
  facet: FacetDefinition;
  counts: readonly FacetCount[] | undefined;
  selected: readonly string[];
  /** Its counts are being recounted under a new filter. */
  waiting: boolean;
  /** Its counts could not be had (the call failed, or the filter is too large). */
  unavailable: string | null;
  onToggle: (value: string) => void;
  onClear: () => void;
}

/** One facet: its values as checkboxes with counts, the most frequent first. */
export function FacetGroup({ facet, counts, selected, waiting, unavailable, onToggle, onClear }: FacetGroupProps) {
  const [expanded, setExpanded] = useState(false);
  const [narrow, setNarrow] = useState("");
  const listId = useId();
  const view = facetView(counts ?? [], selected, { expanded, order: facet.order });
  const needle = narrow.trim().toLowerCase();
  const rows = needle ? view.rows.filter((row) => row.selected || (row.value ?? "").toLowerCase().includes(needle)) : view.rows;

  return (
    <fieldset className={`facet${waiting ? " is-stale" : ""}`} aria-busy={waiting}>
      <legend>{facet.label}</legend>
      {selected.length > 0 && (
        <button type="button" className="facet-clear" onClick={onClear} aria-label={`Clear ${facet.label}`}>
          Clear
        </button>
      )}
      {counts === undefined && !unavailable && <p className="facet-note muted">Counting…</p>}
      {unavailable && counts === undefined && <p className="facet-note muted">{unavailable}</p>}
      {counts !== undefined && view.rows.length === 0 && <p className="facet-note muted">No values</p>}
      {expanded && view.rows.length > FILTERABLE && (
        <input
          type="search"
          className="facet-narrow"
          aria-label={`Filter ${facet.label} values`}
          placeholder={`Filter ${facet.label.toLowerCase()} values`}
          value={narrow}
          onChange={(event) => setNarrow(event.target.value)}
        />
      )}
      <ul className="facet-values" id={listId}>
        {rows.map(({ value, count, selected: ticked }) =>
          value === null ? (
            <li key="(not set)" className="facet-value is-unset" title="Assets without this field: no filter selects them">
              <span className="facet-label">(not set)</span> <span className="facet-count">{formatCount(count)}</span>
            </li>
          ) : (
            <li key={value} className={`facet-value${ticked ? " is-selected" : ""}`}>
              <label>
                <input type="checkbox" checked={ticked} onChange={() => onToggle(value)} />
                <span className="facet-label">{value}</span> <span className="facet-count">{formatCount(count)}</span>
              </label>
            </li>
          ),
        )}
      </ul>
      {(view.hidden > 0 || expanded) && (
        <button
          type="button"
          className="facet-more"
          aria-expanded={expanded}
          aria-controls={listId}
          onClick={() => {
            setExpanded(!expanded);
            setNarrow("");
          }}
        >
          {expanded ? "Show fewer" : `Show all (${formatCount(view.hidden)} more)`}
        </button>
      )}
    </fieldset>
  );
}
