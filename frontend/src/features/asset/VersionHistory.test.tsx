import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { VersionHistory } from "./VersionHistory";

const VERSIONS = [
  { version: 1, createdAt: "2026-01-01T00:00:00+00:00", author: "operator", reason: null, current: false, removed: false },
  { version: 2, createdAt: "2026-02-01T00:00:00+00:00", author: "walt", reason: "genotyping redone", current: true, removed: false },
];
const CHANGES = [{ path: "genotype", before: "wt/wt", after: "Ai14/wt" }];

/** The server: the history, and the diff it is asked for (recording which). */
function serve() {
  const asked: unknown[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (_url: string, init: RequestInit) => {
      const { query, variables } = JSON.parse(String(init.body)) as { query: string; variables: Record<string, unknown> };
      if (query.includes("metadataDiff")) {
        asked.push(variables);
        return Response.json({ data: { asset: { metadataDiff: CHANGES } } });
      }
      return Response.json({ data: { asset: { metadataVersions: VERSIONS } } });
    }),
  );
  return asked;
}

function shown() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <VersionHistory asset="ecephys_660104_2023-07-24_18-18-13" document="subject" />
    </QueryClientProvider>,
  );
}

describe("a document's history", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("asks for nothing until opened, then lists every version with its author and reason", async () => {
    serve();
    shown();
    expect(fetch).not.toHaveBeenCalled();
    await userEvent.click(screen.getByText("History"));
    const items = await screen.findAllByRole("listitem");
    expect(items.map((item) => item.textContent)).toEqual([
      expect.stringContaining("Version 1"),
      expect.stringContaining("genotyping redone"),
    ]);
    expect(items[0]?.textContent).toContain("operator");
    expect(items[1]?.textContent).toContain("walt");
    expect(items[1]?.textContent).toContain("current");
  });

  it("shows what changed from the version before, field by field", async () => {
    const asked = serve();
    shown();
    await userEvent.click(screen.getByText("History"));
    await userEvent.click(await screen.findByRole("button", { name: "What changed" }));
    const table = await screen.findByRole("table");
    expect(within(table).getByText("Version 1 → 2")).toBeTruthy();
    expect(within(table).getByText("genotype")).toBeTruthy();
    expect(within(table).getByText('"wt/wt"')).toBeTruthy();
    expect(within(table).getByText('"Ai14/wt"')).toBeTruthy();
    expect(asked).toEqual([{ name: "ecephys_660104_2023-07-24_18-18-13", document: "subject", from: 1, to: 2 }]);
  });
});
