import { type PointerEvent, type RefObject, useEffect, useMemo, useRef, useState } from "react";
import { formatCount } from "../../lib/format";
import type { FacetCount } from "./facets";
import { axisTicks, bucketAt, dragRange, inRange, monthAxis, type MonthRange, niceMax } from "./timeline";
import { useEditSession } from "./useSearchState";

const HEIGHT = 150;
const PAD = { top: 10, right: 8, bottom: 22, left: 36 };

type SetRange = (from: string | null, to: string | null, options: { replace: boolean }) => void;

/** The chart's drawn width follows its box, so text and bars keep their size. */
function useWidth<T extends HTMLElement>(): [RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(640);
  useEffect(() => {
    const element = ref.current;
    if (!element || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.max(200, Math.floor(entry.contentRect.width)));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

interface TimelineProps {
  counts: readonly FacetCount[] | undefined;
  from: string | null;
  to: string | null;
  waiting: boolean;
  unavailable: string | null;
  onRange: SetRange;
}

/** Acquisitions per month under every filter but the range itself; drag across the bars (or use
 * From/To) to choose the range. */
export function Timeline({ counts, from, to, waiting, unavailable, onRange }: TimelineProps) {
  const axis = useMemo(() => monthAxis(counts ?? [], [from, to]), [counts, from, to]);
  const inSelection = axis.buckets.filter((bucket) => inRange(bucket.month, from, to)).reduce((sum, bucket) => sum + bucket.count, 0);
  const hasRange = from !== null || to !== null;

  return (
    <section className={`card timeline${waiting ? " is-stale" : ""}`} aria-labelledby="timeline-title" aria-busy={waiting}>
      <div className="timeline-header">
        <h2 id="timeline-title">Acquisitions over time</h2>
        <p className="timeline-summary muted" aria-live="polite">
          {hasRange
            ? `${from ?? "…"} to ${to ?? "…"}: ${formatCount(inSelection)} ${inSelection === 1 ? "asset" : "assets"}`
            : "Drag across the bars to choose a range"}
        </p>
        {hasRange && (
          <button type="button" className="button button-small" onClick={() => onRange(null, null, { replace: false })}>
            Clear range
          </button>
        )}
      </div>
      {counts === undefined ? (
        <p className="timeline-placeholder muted">{unavailable ?? "Counting acquisitions…"}</p>
      ) : axis.buckets.length === 0 ? (
        <p className="timeline-placeholder muted">No acquisition dates under these filters.</p>
      ) : (
        <MonthChart axis={axis} from={from} to={to} onRange={onRange} />
      )}
      {axis.omitted > 0 && (
        <p className="timeline-note muted">
          {formatCount(axis.omitted)} earlier {axis.omitted === 1 ? "acquisition is" : "acquisitions are"} not drawn.
        </p>
      )}
      <RangeInputs from={from} to={to} onRange={onRange} />
    </section>
  );
}

function MonthChart({ axis, from, to, onRange }: { axis: ReturnType<typeof monthAxis>; from: string | null; to: string | null; onRange: SetRange }) {
  const [box, width] = useWidth<HTMLDivElement>();
  const [drag, setDrag] = useState<{ start: number; end: number } | null>(null);
  const { buckets } = axis;
  const plotWidth = width - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const step = plotWidth / buckets.length;
  const gap = step > 4 ? Math.min(2, step * 0.15) : 0;
  const top = niceMax(Math.max(...buckets.map((bucket) => bucket.count)));
  const ticks = axisTicks(buckets, plotWidth);

  const dragged: MonthRange | null = drag ? dragRange(buckets, drag.start, drag.end) : null;
  const selection: { from: string | null; to: string | null } | null = dragged ?? (from !== null || to !== null ? { from, to } : null);
  const selectedPositions = selection ? buckets.flatMap((bucket, position) => (inRange(bucket.month, selection.from, selection.to) ? [position] : [])) : [];
  const firstSelected = selectedPositions[0];
  const lastSelected = selectedPositions[selectedPositions.length - 1];

  const positionAt = (event: PointerEvent<SVGSVGElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    return bucketAt(event.clientX - rect.left - PAD.left, plotWidth, buckets.length);
  };

  return (
    <div ref={box} className="timeline-chart">
      <svg
        role="img"
        aria-label="Acquisitions per month"
        width={width}
        height={HEIGHT}
        viewBox={`0 0 ${width} ${HEIGHT}`}
        className={drag ? "is-dragging" : undefined}
        onPointerDown={(event) => {
          if (event.button !== 0) return;
          event.currentTarget.setPointerCapture(event.pointerId);
          const position = positionAt(event);
          setDrag({ start: position, end: position });
        }}
        onPointerMove={(event) => {
          if (drag) setDrag({ ...drag, end: positionAt(event) });
        }}
        onPointerUp={() => {
          if (dragged) onRange(dragged.from, dragged.to, { replace: false });
          setDrag(null);
        }}
        onPointerCancel={() => setDrag(null)}
      >
        {[top, top / 2].map((value) => {
          const y = PAD.top + plotHeight - (value / top) * plotHeight;
          return (
            <g key={value} className="timeline-grid">
              <line x1={PAD.left} x2={width - PAD.right} y1={y} y2={y} />
              <text x={PAD.left - 6} y={y} dy="0.35em" textAnchor="end">
                {Number.isInteger(value) ? formatCount(value) : ""}
              </text>
            </g>
          );
        })}
        <line className="timeline-baseline" x1={PAD.left} x2={width - PAD.right} y1={PAD.top + plotHeight} y2={PAD.top + plotHeight} />
        {firstSelected !== undefined && lastSelected !== undefined && (
          <rect
            className="timeline-selection"
            x={PAD.left + firstSelected * step}
            y={PAD.top}
            width={(lastSelected - firstSelected + 1) * step}
            height={plotHeight}
          />
        )}
        {buckets.map((bucket, position) => {
          const barHeight = bucket.count > 0 ? Math.max(2, (bucket.count / top) * plotHeight) : 0;
          const chosen = selection === null || inRange(bucket.month, selection.from, selection.to);
          return (
            <g key={bucket.month} className={`timeline-bar${chosen ? "" : " is-outside"}`}>
              <title>{`${bucket.month}: ${formatCount(bucket.count)} ${bucket.count === 1 ? "asset" : "assets"}`}</title>
              <rect className="timeline-hit" x={PAD.left + position * step} y={PAD.top} width={step} height={plotHeight} />
              {barHeight > 0 && (
                <rect
                  className="timeline-fill"
                  x={PAD.left + position * step + gap / 2}
                  y={PAD.top + plotHeight - barHeight}
                  width={Math.max(1, step - gap)}
                  height={barHeight}
                  rx={step > 6 ? 1.5 : 0}
                />
              )}
            </g>
          );
        })}
        {ticks.map((tick) => (
          <text key={tick.position} className="timeline-tick" x={PAD.left + tick.position * step} y={HEIGHT - 6} textAnchor={tick.align}>
            {tick.label}
          </text>
        ))}
      </svg>
    </div>
  );
}

/** The keyboard way to set the range: month fields, each edit one history entry. */
function RangeInputs({ from, to, onRange }: { from: string | null; to: string | null; onRange: SetRange }) {
  const session = useEditSession();
  const field = (label: "From" | "To", value: string | null, set: (month: string | null) => void) => (
    <label className="timeline-input">
      <span>{label}</span>
      <input
        type="month"
        value={value ?? ""}
        onChange={(event) => {
          // A half-typed month reads as empty: wait until it is whole.
          if (event.target.validity.badInput) return;
          set(event.target.value || null);
        }}
        onBlur={session.end}
      />
    </label>
  );
  return (
    <div className="timeline-inputs">
      {field("From", from, (month) => onRange(month, to, { replace: session.replace() }))}
      {field("To", to, (month) => onRange(from, month, { replace: session.replace() }))}
    </div>
  );
}
