import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Results } from "./Results";
import { EMPTY_STATE } from "./searchState";

function answer(totalCount: number, totalCountEstimated: boolean) {
  const node = {
    name: "ecephys_664484_2023-04-25_03-16-00",
    kind: "PRIMARY",
    subject: { subjectId: "664484" },
    modalities: [{ abbreviation: "ecephys", name: "Extracellular electrophysiology" }],
    acquiredAt: "2023-04-25T09:35:00+00:00",
    project: "Example project",
    qcStatus: "PASS",
    fileCount: 150,
    totalSize: 1_500_000,
  };
  return {
    data: {
      assets: { totalCount, totalCountEstimated, pageInfo: { hasNextPage: true, endCursor: "next" }, edges: [{ node }] },
    },
  };
}

let respond: () => unknown;

beforeEach(() => {
  vi.stubGlobal(
    "fetch",
    vi.fn(async (_url: string, init: RequestInit) => {
      const body = JSON.parse(String(init.body)) as { query: string };
      if (!body.query.includes("query SearchPageAssets")) throw new Error(`unexpected request ${body.query}`);
      return new Response(JSON.stringify(respond()), { status: 200, headers: { "Content-Type": "application/json" } });
    }),
  );
});

afterEach(() => vi.unstubAllGlobals());

function renderResults() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter>
        <Results state={EMPTY_STATE} onSort={() => undefined} onClearAll={() => undefined} />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe("Results", () => {
  it("shows a counted total as it is", async () => {
    respond = () => answer(1_234, false);
    renderResults();
    expect(await screen.findByText("Showing 1 of 1,234 assets")).toBeTruthy();
    expect(screen.getByTestId("total-count").textContent).toBe("1,234 assets");
  });

  it("says about where the catalog estimated the total", async () => {
    respond = () => answer(1_234_567, true);
    renderResults();
    expect(await screen.findByText("Showing 1 of about 1,234,567 assets")).toBeTruthy();
    expect(screen.getByTestId("total-count").textContent).toBe("about 1,234,567 assets");
  });
});
