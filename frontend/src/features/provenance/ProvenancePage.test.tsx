import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createMemoryRouter, RouterProvider } from "react-router";
import { afterEach, vi } from "vitest";
import { describeGraph, type GraphModel } from "./graphModel";
import { ProvenancePage } from "./ProvenancePage";
import type { ProvenanceAsset } from "./query";

// jsdom has no canvas: the drawn graph is stood in for by its accessible name, and a tap on a
// node by a button per node.
vi.mock("./GraphCanvas", () => ({
  GraphCanvas: ({ model, onOpen }: { model: GraphModel; onOpen: (name: string) => void }) => (
    <>
      <div role="img" aria-label={describeGraph(model)} data-testid="provenance-graph" />
      {model.nodes.map((node) => (
        <button key={node.name} type="button" data-testid={`tap-${node.name}`} onClick={() => onOpen(node.name)} />
      ))}
    </>
  ),
}));

const RAW = "ecephys_652918_2023-03-10_16-32-00";
const SORTED = `${RAW}_sorted_2023-03-13_21-44-00`;

function asset(name: string, kind: "PRIMARY" | "DERIVED") {
  return { name, kind, qcStatus: kind === "DERIVED" ? "PASS" : null, dataLevel: null, processLabel: kind === "DERIVED" ? "sorted" : null, acquiredAt: null, modalities: [] };
}

const SORTED_GRAPH: ProvenanceAsset = {
  ...asset(SORTED, "DERIVED"),
  provenance: { nodes: [{ name: RAW, hops: 1, registered: true, redacted: false, kind: "PRIMARY", processLabel: null, processedAt: null, asset: asset(RAW, "PRIMARY") }], edges: [{ source: SORTED, target: RAW, process: "sorted" }], truncated: false },
};

const CURATED = `${SORTED}_curated_2023-03-15_19-12-00`;

/** The sorted asset as a viewer who may not read its raw session sees it: the walk stopped at the
 * placeholder upstream; the curation downstream is readable. */
const RESTRICTED_RAW_GRAPH: ProvenanceAsset = {
  ...asset(SORTED, "DERIVED"),
  provenance: {
    nodes: [
      { name: "redacted-1", hops: 1, registered: true, redacted: true, kind: "PRIMARY", processLabel: null, processedAt: null, asset: null },
      { name: CURATED, hops: 1, registered: true, redacted: false, kind: "DERIVED", processLabel: "curated", processedAt: null, asset: asset(CURATED, "DERIVED") },
    ],
    edges: [
      { source: SORTED, target: "redacted-1", process: "sorted" },
      { source: CURATED, target: SORTED, process: "curated" },
    ],
    truncated: false,
  },
};

/** Answers every request with this body and records the variables sent. */
function serve(body: unknown) {
  const sent: Record<string, unknown>[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (_url: string, init: RequestInit) => {
      sent.push((JSON.parse(String(init.body)) as { variables: Record<string, unknown> }).variables);
      return new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
    }),
  );
  return sent;
}

function open(path: string) {
  const router = createMemoryRouter(
    [
      { path: "/", element: <p>Search page</p> },
      { path: "/assets/:name", element: <p>Asset page</p> },
      { path: "/assets/:name/provenance", element: <ProvenancePage /> },
    ],
    { initialEntries: [path] },
  );
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return router;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("ProvenancePage", () => {
  it("asks for the direction and depth the URL gives", async () => {
    const sent = serve({ data: { asset: SORTED_GRAPH } });
    open(`/assets/${SORTED}/provenance?direction=upstream&depth=3`);
    await screen.findByRole("img");
    expect(sent[0]).toEqual({ name: SORTED, direction: "UPSTREAM", depth: 3 });
    expect((screen.getByRole("radio", { name: "Upstream" }) as HTMLInputElement).checked).toBe(true);
    expect((screen.getByRole("spinbutton", { name: "Depth" }) as HTMLInputElement).value).toBe("3");
  });

  it("asks for both directions within 50 hops when the URL's settings are out of bounds", async () => {
    const sent = serve({ data: { asset: SORTED_GRAPH } });
    open(`/assets/${SORTED}/provenance?direction=sideways&depth=99`);
    await screen.findByRole("img");
    expect(sent[0]).toMatchObject({ direction: "BOTH", depth: 50 });
  });

  it("rewrites missing or out-of-bounds settings in the URL to what is shown", async () => {
    serve({ data: { asset: SORTED_GRAPH } });
    const router = open(`/assets/${SORTED}/provenance?direction=sideways&depth=99`);
    await waitFor(() => expect(router.state.location.search).toBe("?direction=both&depth=50"));
  });

  it("says it is loading until the graph arrives", async () => {
    serve({ data: { asset: SORTED_GRAPH } });
    open(`/assets/${SORTED}/provenance`);
    expect(screen.getByRole("status").textContent).toContain("Loading provenance…");
    await screen.findByRole("img");
  });

  it("names the graph by its asset and counts, and lists every asset with a link to its page", async () => {
    serve({ data: { asset: SORTED_GRAPH } });
    open(`/assets/${SORTED}/provenance`);
    expect((await screen.findByRole("img")).getAttribute("aria-label")).toBe(`Provenance graph of ${SORTED}: 2 assets, 1 link`);
    const table = screen.getByRole("table");
    expect(within(table).getByRole("link", { name: RAW }).getAttribute("href")).toBe(`/assets/${RAW}`);
    expect(within(table).getByRole("link", { name: SORTED }).getAttribute("href")).toBe(`/assets/${SORTED}`);
    expect(screen.getByTestId("provenance-counts").textContent).toBe("2 assets, 1 link.");
  });

  it("lists a name no asset has without a link, marked not registered", async () => {
    const flatfield = `${RAW}_flatfield-correction_2023-03-12_08-00-00`;
    const fusion = `${flatfield}_fusion_2023-03-20_10-00-00`;
    serve({
      data: {
        asset: {
          ...asset(fusion, "DERIVED"),
          provenance: {
            nodes: [
              { name: flatfield, hops: 1, registered: false, redacted: false, kind: "DERIVED", processLabel: "flatfield-correction", processedAt: "2023-03-12T08:00:00+00:00", asset: null },
              { name: RAW, hops: 2, registered: true, redacted: false, kind: "PRIMARY", processLabel: null, processedAt: null, asset: asset(RAW, "PRIMARY") },
            ],
            edges: [
              { source: fusion, target: flatfield, process: "fusion" },
              { source: flatfield, target: RAW, process: "flatfield-correction" },
            ],
            truncated: false,
          },
        },
      },
    });
    open(`/assets/${fusion}/provenance?direction=upstream`);
    expect((await screen.findByRole("img")).getAttribute("aria-label")).toBe(`Provenance graph of ${fusion}: 2 assets and 1 name not registered, 2 links`);
    const row = within(screen.getByRole("table")).getByText(flatfield).closest("tr");
    expect(row).not.toBeNull();
    expect(within(row as HTMLElement).queryByRole("link")).toBeNull();
    expect(within(row as HTMLElement).getByText("Not registered")).toBeTruthy();
    expect(within(screen.getByRole("table")).getByRole("link", { name: RAW }).getAttribute("href")).toBe(`/assets/${RAW}`);
  });

  it("draws an asset the viewer may not read as restricted: counted apart, listed with its kind but no name, link or fields", async () => {
    serve({ data: { asset: RESTRICTED_RAW_GRAPH } });
    open(`/assets/${SORTED}/provenance?direction=both`);
    expect((await screen.findByRole("img")).getAttribute("aria-label")).toBe(`Provenance graph of ${SORTED}: 3 assets (1 restricted), 2 links`);
    expect(screen.getByTestId("provenance-counts").textContent).toBe("3 assets (1 restricted), 2 links.");
    const table = screen.getByRole("table");
    const row = within(table).getByText("Restricted asset").closest("tr") as HTMLElement;
    expect(within(row).queryByRole("link")).toBeNull();
    expect(within(row).getByText("Primary")).toBeTruthy();
    expect(within(row).queryByText("No QC")).toBeNull();
    expect(within(table).getAllByRole("link").map((link) => link.textContent)).toEqual([SORTED, CURATED]);
    expect(document.body.textContent).not.toContain("redacted-1");
  });

  it("explains the restricted style in the legend", async () => {
    serve({ data: { asset: RESTRICTED_RAW_GRAPH } });
    open(`/assets/${SORTED}/provenance`);
    await screen.findByRole("img");
    const legend = screen.getByRole("region", { name: "Legend" });
    expect(within(legend).getByText(/^Restricted \(hatched/).textContent).toContain("an asset you may not read");
  });

  it("points at a tapped restricted asset, saying a token with access would show it, rather than opening a page", async () => {
    serve({ data: { asset: RESTRICTED_RAW_GRAPH } });
    const router = open(`/assets/${SORTED}/provenance?direction=both`);
    await screen.findByRole("img");
    await userEvent.click(screen.getByTestId("tap-redacted-1"));
    const panel = screen.getByRole("complementary", { name: "Pointed at" });
    expect(within(panel).getByText("Restricted asset")).toBeTruthy();
    expect(within(panel).getByText(/An asset you may not read/)).toBeTruthy();
    expect(within(panel).getByTestId("restricted-access-hint").textContent).toContain("Use a token");
    expect(within(panel).queryByRole("link")).toBeNull();
    expect(panel.textContent).not.toContain("redacted-1");
    expect(router.state.location.pathname).toBe(`/assets/${SORTED}/provenance`);
  });

  it("opens a readable asset's page when its node is tapped", async () => {
    serve({ data: { asset: RESTRICTED_RAW_GRAPH } });
    const router = open(`/assets/${SORTED}/provenance?direction=both`);
    await screen.findByRole("img");
    await userEvent.click(screen.getByTestId(`tap-${CURATED}`));
    await waitFor(() => expect(router.state.location.pathname).toBe(`/assets/${CURATED}`));
  });

  it("shows a designed state that searches for the name's subject when there is no such asset", async () => {
    serve({ data: { asset: null } });
    open("/assets/ecephys_655568_2022-04-26_11-48-09_gone/provenance");
    expect(await screen.findByRole("heading", { name: "No such asset" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "Search the catalog" }).getAttribute("href")).toBe("/?q=655568");
    expect(screen.queryByRole("spinbutton", { name: "Depth" })).toBeNull();
  });

  it("says there is no recorded lineage when the graph is the asset alone", async () => {
    serve({ data: { asset: { ...asset(RAW, "PRIMARY"), provenance: { nodes: [], edges: [], truncated: false } } } });
    open(`/assets/${RAW}/provenance?direction=upstream`);
    expect(await screen.findByRole("heading", { name: "No recorded lineage" })).toBeTruthy();
    expect(screen.queryByRole("img")).toBeNull();
  });

  it("shows the server's error code and message", async () => {
    serve({ errors: [{ message: "depth must be between 1 and 50", extensions: { code: "BAD_USER_INPUT" } }] });
    open(`/assets/${SORTED}/provenance`);
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("BAD_USER_INPUT");
    expect(alert.textContent).toContain("depth must be between 1 and 50");
  });

  it("offers a deeper walk when the depth limit left assets out", async () => {
    serve({ data: { asset: { ...SORTED_GRAPH, provenance: { ...SORTED_GRAPH.provenance, truncated: true } } } });
    const router = open(`/assets/${SORTED}/provenance?direction=both&depth=3`);
    expect(await screen.findByText(/Increase depth to see more/)).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Show 6 hops" }));
    await waitFor(() => expect(router.state.location.search).toBe("?direction=both&depth=6"));
  });

  it("keeps the chosen direction in the URL", async () => {
    serve({ data: { asset: SORTED_GRAPH } });
    const router = open(`/assets/${SORTED}/provenance`);
    await screen.findByRole("img");
    await userEvent.click(screen.getByRole("radio", { name: "Downstream" }));
    await waitFor(() => expect(router.state.location.search).toBe("?direction=downstream&depth=10"));
  });

  it("keeps a typed depth in the URL once it is a whole number of hops in bounds", async () => {
    serve({ data: { asset: SORTED_GRAPH } });
    const router = open(`/assets/${SORTED}/provenance`);
    await screen.findByRole("img");
    const depth = screen.getByRole("spinbutton", { name: "Depth" });
    await userEvent.clear(depth);
    await userEvent.type(depth, "25");
    await waitFor(() => expect(router.state.location.search).toBe("?direction=both&depth=25"));
  });
});
