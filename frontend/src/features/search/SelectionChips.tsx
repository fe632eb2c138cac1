import { FACETS } from "./facets";
import { clearAll, hasChoices, type SearchState, toggleValue, withRange } from "./searchState";
import type { UpdateSearch } from "./useSearchState";

/** Characters of a chip's label; a longer one ends in an ellipsis (the whole one is its tooltip). */
const CHIP_CHARS = 48;

function shortened(text: string): string {
  return text.length > CHIP_CHARS ? `${text.slice(0, CHIP_CHARS - 1)}…` : text;
}

interface Chip {
  key: string;
  label: string;
  remove: (state: SearchState) => SearchState;
}

function chips(state: SearchState): Chip[] {
  const list: Chip[] = [];
  if (state.q.trim()) list.push({ key: "q", label: `Text: “${state.q.trim()}”`, remove: (current) => ({ ...current, q: "" }) });
  for (const facet of FACETS) {
    for (const value of state.selected[facet.key]) {
      list.push({ key: `${facet.key}=${value}`, label: `${facet.label}: ${value}`, remove: (current) => toggleValue(current, facet.key, value) });
    }
  }
  if (state.from || state.to) {
    list.push({ key: "range", label: `Acquired: ${state.from ?? "…"} – ${state.to ?? "…"}`, remove: (current) => withRange(current, null, null) });
  }
  return list;
}

/** What is chosen, each removable, above the results. */
export function SelectionChips({ state, update }: { state: SearchState; update: UpdateSearch }) {
  if (!hasChoices(state)) return null;
  return (
    <div className="chips">
      <ul aria-label="Selected filters">
        {chips(state).map((chip) => (
          <li key={chip.key} className="chip">
            <span title={chip.label.length > CHIP_CHARS ? chip.label : undefined}>{shortened(chip.label)}</span>
            <button type="button" aria-label={`Remove ${shortened(chip.label)}`} onClick={() => update(chip.remove)}>
              ✕
            </button>
          </li>
        ))}
      </ul>
      <button type="button" className="chips-clear" onClick={() => update(clearAll)}>
        Clear all
      </button>
    </div>
  );
}
