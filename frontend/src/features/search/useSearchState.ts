/** The view state lives in the URL: reading it parses the query string, changing it navigates. */
import { useCallback, useMemo, useRef, useState } from "react";
import { useLocation, useNavigate, useSearchParams } from "react-router";
import { parseSearch, type SearchState, toQueryString } from "./searchState";

export type UpdateSearch = (change: (current: SearchState) => SearchState, options?: { replace?: boolean }) => void;

export function useSearchState(): [SearchState, UpdateSearch] {
  const [params] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  const fromUrl = useMemo(() => parseSearch(params), [params]);
  // The router commits a new URL in a transition, a moment later: until then the view shows the
  // change already, so a ticked box is ticked at once.
  const [pending, setPending] = useState<{ at: string; state: SearchState } | null>(null);
  // Once the URL moved on, forget the change: Back to this very entry must show the entry.
  if (pending && pending.at !== location.key) setPending(null);
  const state = pending?.at === location.key ? pending.state : fromUrl;

  const update = useCallback<UpdateSearch>(
    (change, options) => {
      const next = change(state);
      const search = toQueryString(next);
      // The same view again adds no history entry.
      if (search === toQueryString(state)) return;
      setPending({ at: location.key, state: next });
      void navigate({ search: search ? `?${search}` : "" }, { replace: options?.replace ?? false, preventScrollReset: true });
    },
    [state, location.key, navigate],
  );
  return [state, update];
}

/** One history entry per edit of a field: its first change pushes an entry, later changes
 * replace it until the edit ends (Enter or leaving the field), so Back undoes a whole edit. */
export function useEditSession(): { replace: () => boolean; end: () => void } {
  const pushed = useRef(false);
  return useMemo(
    () => ({
      replace: () => {
        const replace = pushed.current;
        pushed.current = true;
        return replace;
      },
      end: () => {
        pushed.current = false;
      },
    }),
    [],
  );
}
