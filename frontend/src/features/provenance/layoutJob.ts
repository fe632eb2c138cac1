/** One layout run, in a worker or in the page, that can be called off: a graph that changes or a
 * page that closes terminates its worker, and an answer that comes after that is never used. */
import { answer, type LayoutReply, type LayoutRequest, type Position } from "./layout";

/** The part of a Worker a layout run uses (a test stands one in). */
export interface LayoutWorker {
  postMessage(request: LayoutRequest): void;
  terminate(): void;
  onmessage: ((event: MessageEvent<LayoutReply>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
}

export interface LayoutCallbacks {
  done(positions: Position[]): void;
  failed(message: string): void;
}

/** Vite bundles the worker into a chunk of its own, loaded only when a large graph is drawn. */
export function spawnLayoutWorker(): LayoutWorker {
  return new Worker(new URL("./layout.worker.ts", import.meta.url), { type: "module", name: "provenance-layout" });
}

function settle(reply: LayoutReply, callbacks: LayoutCallbacks) {
  if (reply.ok) callbacks.done(reply.positions);
  else callbacks.failed(reply.error);
}

/** Lays the graph out in a worker made by `spawn`, or at once in the page without one. If the
 * worker cannot start or its script fails to load, the page lays the graph out itself: slower
 * to use meanwhile, but the graph is drawn. Returns the function that calls the run off. */
export function runLayout(request: LayoutRequest, callbacks: LayoutCallbacks, spawn?: () => LayoutWorker): () => void {
  const inPage = () => settle(answer(request), callbacks);
  if (!spawn) {
    inPage();
    return () => {};
  }
  let worker: LayoutWorker;
  try {
    worker = spawn();
  } catch {
    inPage();
    return () => {};
  }
  let live = true;
  const finish = () => {
    live = false;
    worker.terminate();
  };
  worker.onmessage = (event) => {
    if (!live) return;
    finish();
    settle(event.data, callbacks);
  };
  worker.onerror = () => {
    if (!live) return;
    finish();
    inPage();
  };
  worker.postMessage(request);
  return () => {
    if (live) finish();
  };
}
