import { vi } from "vitest";
import { runInTasks, slices } from "./tasks";

describe("slices", () => {
  it("cuts the items into consecutive slices of the given size, the last one shorter", () => {
    expect(slices([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });

  it("gives no slice for no items", () => {
    expect(slices([], 3)).toEqual([]);
  });
});

describe("runInTasks", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("runs one step per task, in order, then finishes", () => {
    const ran: string[] = [];
    runInTasks([() => ran.push("a"), () => ran.push("b")], () => ran.push("done"));
    expect(ran).toEqual([]);
    vi.advanceTimersToNextTimer();
    expect(ran).toEqual(["a"]);
    vi.advanceTimersToNextTimer();
    expect(ran).toEqual(["a", "b", "done"]);
  });

  it("finishes in a task of its own when there is nothing to do", () => {
    const done = vi.fn();
    runInTasks([], done);
    expect(done).not.toHaveBeenCalled();
    vi.runAllTimers();
    expect(done).toHaveBeenCalledOnce();
  });

  it("runs nothing more once stopped", () => {
    const ran: string[] = [];
    const stop = runInTasks([() => ran.push("a"), () => ran.push("b")], () => ran.push("done"));
    vi.advanceTimersToNextTimer();
    stop();
    vi.runAllTimers();
    expect(ran).toEqual(["a"]);
  });
});
