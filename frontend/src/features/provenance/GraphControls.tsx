/** Which way to walk and how far: the settings the URL keeps. */
import { useId, useState } from "react";
import { clampDepth, DEPTH_MAX, DEPTH_MIN, DIRECTION_LABELS, DIRECTIONS, type GraphParams } from "./params";

interface Props {
  params: GraphParams;
  onChange: (params: GraphParams) => void;
  /** A new graph is on its way while the last one stays on screen. */
  updating: boolean;
}

export function GraphControls({ params, onChange, updating }: Props) {
  const depthId = useId();
  const hintId = useId();
  // What is typed may be half a number ("" before "12"): only whole numbers in bounds are sent.
  const [draft, setDraft] = useState(String(params.depth));
  const [shown, setShown] = useState(params.depth);
  if (shown !== params.depth) {
    setShown(params.depth);
    setDraft(String(params.depth));
  }
  const commit = () => {
    const depth = clampDepth(draft);
    setDraft(String(depth));
    if (depth !== params.depth) onChange({ ...params, depth });
  };

  return (
    <form
      className="prov-controls"
      aria-label="Graph settings"
      onSubmit={(event) => {
        event.preventDefault();
        commit();
      }}
    >
      <fieldset className="prov-direction">
        <legend>Direction</legend>
        {DIRECTIONS.map((direction) => (
          <label key={direction} className="prov-segment">
            <input
              type="radio"
              name="direction"
              value={direction}
              checked={params.direction === direction}
              onChange={() => onChange({ ...params, direction })}
            />
            <span>{DIRECTION_LABELS[direction]}</span>
          </label>
        ))}
      </fieldset>
      <div className="prov-depth">
        <label htmlFor={depthId}>Depth</label>
        <input
          id={depthId}
          type="number"
          inputMode="numeric"
          min={DEPTH_MIN}
          max={DEPTH_MAX}
          step={1}
          value={draft}
          aria-describedby={hintId}
          onChange={(event) => {
            setDraft(event.target.value);
            const depth = Number(event.target.value);
            if (Number.isInteger(depth) && depth >= DEPTH_MIN && depth <= DEPTH_MAX && depth !== params.depth) {
              onChange({ ...params, depth });
            }
          }}
          onBlur={commit}
        />
        <span id={hintId} className="muted">
          hops ({DEPTH_MIN}–{DEPTH_MAX})
        </span>
      </div>
      {updating && (
        <span className="prov-updating muted" role="status">
          <span className="spinner" aria-hidden="true" /> Updating…
        </span>
      )}
    </form>
  );
}
