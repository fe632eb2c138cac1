import { useEffect, useState } from "react";
import { SEARCH_BOX_ID } from "../../app/Layout";
import { useEditSession } from "./useSearchState";

/** How long typing may pause before the search runs. */
const DEBOUNCE_MS = 300;

/** The free-text box: searches as you pause typing, and on Enter. */
export function SearchBox({ value, onSearch }: { value: string; onSearch: (q: string, options: { replace: boolean }) => void }) {
  const [draft, setDraft] = useState(value);
  const [committed, setCommitted] = useState(value);
  const session = useEditSession();

  // The URL changed from elsewhere (back, a chip removed, "Clear all"): show what it holds.
  if (value !== committed) {
    setCommitted(value);
    setDraft(value);
  }

  useEffect(() => {
    if (draft === value) return;
    const timer = window.setTimeout(() => onSearch(draft, { replace: session.replace() }), DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [draft, value, onSearch, session]);

  const finish = () => {
    if (draft !== value) onSearch(draft, { replace: session.replace() });
    session.end();
  };

  return (
    <form
      role="search"
      className="search-box"
      onSubmit={(event) => {
        event.preventDefault();
        finish();
      }}
    >
      <svg className="search-box-icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
        <circle cx="8.5" cy="8.5" r="5.5" fill="none" stroke="currentColor" strokeWidth="2" />
        <path d="m13 13 4.5 4.5" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
      </svg>
      <input
        type="search"
        id={SEARCH_BOX_ID}
        aria-label="Search assets"
        placeholder="Search names, subjects, projects…  (press /)"
        autoComplete="off"
        spellCheck={false}
        value={draft}
        onChange={(event) => setDraft(event.target.value)}
        onBlur={finish}
      />
      <button type="submit" className="button button-primary">
        Search
      </button>
    </form>
  );
}
