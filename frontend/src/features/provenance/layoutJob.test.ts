import { vi } from "vitest";
import { layeredOptions } from "./graphConfig";
import { type LayoutReply, type LayoutRequest, layOut } from "./layout";
import { type LayoutWorker, runLayout } from "./layoutJob";

const REQUEST: LayoutRequest = {
  nodes: [
    { id: "raw", width: 164, height: 46 },
    { id: "sorted", width: 164, height: 46 },
  ],
  edges: [{ source: "raw", target: "sorted" }],
  options: layeredOptions(3),
};
const PLACED = [
  { x: 82, y: 23 },
  { x: 318, y: 23 },
];

/** Stands in for the Web Worker: records what it was sent, answers when told to. */
class FakeWorker implements LayoutWorker {
  onmessage: ((event: MessageEvent<LayoutReply>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  sent: LayoutRequest[] = [];
  terminated = false;

  postMessage(request: LayoutRequest) {
    this.sent.push(request);
  }

  terminate() {
    this.terminated = true;
  }

  reply(data: LayoutReply) {
    this.onmessage?.(new MessageEvent("message", { data }));
  }

  failToLoad() {
    this.onerror?.(new ErrorEvent("error", { message: "could not load the script" }));
  }
}

function callbacks() {
  return { done: vi.fn(), failed: vi.fn() };
}

describe("runLayout", () => {
  it("lays the graph out at once in the page when given no worker", () => {
    const told = callbacks();
    runLayout(REQUEST, told);
    expect(told.done).toHaveBeenCalledWith(layOut(REQUEST));
  });

  it("sends the graph to the worker and hands on the positions it answers", () => {
    const worker = new FakeWorker();
    const told = callbacks();
    runLayout(REQUEST, told, () => worker);
    expect(worker.sent).toEqual([REQUEST]);
    expect(told.done).not.toHaveBeenCalled();
    worker.reply({ ok: true, positions: PLACED });
    expect(told.done).toHaveBeenCalledWith(PLACED);
  });

  it("ends the worker once it has answered", () => {
    const worker = new FakeWorker();
    runLayout(REQUEST, callbacks(), () => worker);
    worker.reply({ ok: true, positions: PLACED });
    expect(worker.terminated).toBe(true);
  });

  it("passes on a failure the worker tells", () => {
    const worker = new FakeWorker();
    const told = callbacks();
    runLayout(REQUEST, told, () => worker);
    worker.reply({ ok: false, error: "Graph does not have node: raw" });
    expect(told.failed).toHaveBeenCalledWith("Graph does not have node: raw");
    expect(told.done).not.toHaveBeenCalled();
  });

  it("ends the worker when called off, and never uses an answer that comes after", () => {
    const worker = new FakeWorker();
    const told = callbacks();
    const cancel = runLayout(REQUEST, told, () => worker);
    cancel();
    expect(worker.terminated).toBe(true);
    worker.reply({ ok: true, positions: PLACED });
    expect(told.done).not.toHaveBeenCalled();
  });

  it("lays the graph out in the page when the worker's script fails to load", () => {
    const worker = new FakeWorker();
    const told = callbacks();
    runLayout(REQUEST, told, () => worker);
    worker.failToLoad();
    expect(worker.terminated).toBe(true);
    expect(told.done).toHaveBeenCalledExactlyOnceWith(layOut(REQUEST));
  });

  it("lays the graph out in the page when no worker can be made", () => {
    const told = callbacks();
    runLayout(REQUEST, told, () => {
      throw new Error("Workers are not allowed here");
    });
    expect(told.done).toHaveBeenCalledExactlyOnceWith(layOut(REQUEST));
  });
});
