/** Long work on the page's own thread, cut into steps that each run in a task of their own, so
 * the page draws and answers input between them. */

/** Anything cut like an array: an array, a cytoscape collection. */
interface Sliceable<T> {
  readonly length: number;
  slice(start: number, end: number): T;
}

/** The items in consecutive slices of at most `size`. */
export function slices<T extends Sliceable<T>>(items: T, size: number): T[] {
  const step = Math.max(1, size);
  const out: T[] = [];
  for (let start = 0; start < items.length; start += step) out.push(items.slice(start, start + step));
  return out;
}

/** Runs the steps one per task, then `done` in the task of the last one (at once when there are
 * no steps left to run). Returns the function that stops it: no step runs after that. */
export function runInTasks(steps: readonly (() => void)[], done: () => void): () => void {
  let index = 0;
  let timer = 0;
  const next = () => {
    steps[index]?.();
    index += 1;
    if (index < steps.length) timer = window.setTimeout(next);
    else done();
  };
  timer = window.setTimeout(next);
  return () => window.clearTimeout(timer);
}
