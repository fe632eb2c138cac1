import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createMemoryRouter, RouterProvider } from "react-router";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AssetPage } from "./AssetPage";
import { fixture } from "./fixtures.testing";

const RAW = "ecephys_664484_2023-04-25_03-16-00";
const NAME = `${RAW}_sorted_2023-04-30_08-00-00`;

function metadataOf(record: unknown): Record<string, unknown> {
  const { name: _name, location: _location, other_identifiers: _ids, ...documents } = record as Record<string, unknown>;
  return documents;
}

function asset(overrides: Record<string, unknown> = {}) {
  return {
    name: NAME,
    kind: "DERIVED",
    subject: { subjectId: "664484", species: "Mus musculus", sex: "Male", genotype: null, dateOfBirth: "2022-11-22" },
    modalities: [{ abbreviation: "ecephys", name: "Extracellular electrophysiology" }],
    project: "Example project",
    institution: "AIND",
    dataLevel: "derived",
    acquiredAt: "2023-04-25T09:35:00+00:00",
    acquiredEnd: "2023-04-25T10:16:00+00:00",
    acquisitionDuration: 2460,
    subjectAgeAtAcquisition: 154,
    processingDuration: 3600,
    investigators: ["Daniel Birman"],
    experimenters: ["John Smith"],
    funding: ["AI"],
    sessionType: "Receptive field mapping",
    instrumentId: "EPHYS1",
    qcStatus: "PASS",
    processLabel: "sorted",
    draft: false,
    draftStep: null,
    registeredAt: "2026-01-01T00:00:00+00:00",
    location: `s3://example-bucket/${NAME}`,
    fileCount: 150,
    totalSize: 1_500_000,
    warnings: ["acquisition.acquisition_start_time: read as UTC"],
    inputs: [{ name: RAW, source: "data_description" }],
    derivedFrom: [{ name: RAW, kind: "PRIMARY", qcStatus: null, dataLevel: "raw", acquiredAt: "2023-04-25T09:35:00+00:00", processLabel: null }],
    derivatives: [],
    metadata: metadataOf(fixture("examples-v2/composed/ecephys_sorted_metadata.nd.json")),
    ...overrides,
  };
}

function files(from: number, count: number, hasNextPage: boolean) {
  const edges = Array.from({ length: count }, (_, index) => ({
    node: { path: `ecephys/probe_${String(from + index).padStart(3, "0")}.dat`, size: 10_000, sha256: "c".repeat(64) },
  }));
  return { asset: { files: { edges, pageInfo: { hasNextPage, endCursor: hasNextPage ? `cursor-${from + count}` : null } } } };
}

type Responder = (variables: Record<string, unknown>) => { data?: unknown; errors?: unknown[] };

let responders: Record<string, Responder>;
const requests: { operation: string; variables: Record<string, unknown> }[] = [];

beforeEach(() => {
  requests.length = 0;
  responders = {
    AssetPageAsset: () => ({ data: { asset: asset() } }),
    AssetPageFiles: (variables) =>
      variables.after ? { data: files(100, 50, false) } : { data: files(0, 100, true) },
  };
  vi.stubGlobal(
    "fetch",
    vi.fn(async (_url: string, init: RequestInit) => {
      const body = JSON.parse(String(init.body)) as { query: string; variables: Record<string, unknown> };
      const operation = /query (\w+)/.exec(body.query)?.[1] ?? "";
      requests.push({ operation, variables: body.variables });
      const respond = responders[operation];
      if (!respond) throw new Error(`unexpected operation ${operation}`);
      return new Response(JSON.stringify(respond(body.variables)), { status: 200, headers: { "Content-Type": "application/json" } });
    }),
  );
});

afterEach(() => vi.unstubAllGlobals());

function renderPage(name: string) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const router = createMemoryRouter(
    [
      { path: "/", element: <p>Search page</p> },
      { path: "/assets/:name", element: <AssetPage /> },
    ],
    { initialEntries: [`/assets/${encodeURIComponent(name)}`] },
  );
  render(
    <QueryClientProvider client={client}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
}

describe("AssetPage", () => {
  it("shows the asset's name, badges, facts and registration warnings in its header", async () => {
    renderPage(NAME);
    expect(await screen.findByRole("heading", { level: 1, name: NAME })).toBeTruthy();
    const badges = screen.getByRole("list", { name: "Classification" });
    expect(within(badges).getByText("Derived")).toBeTruthy();
    expect(within(badges).getByText("QC pass").className).toContain("badge-pass");
    expect(within(badges).queryByText(/^Level/)).toBeNull();
    expect(screen.getByText("2023-04-25 09:35 – 10:16 UTC (41 min)")).toBeTruthy();
    expect(screen.getByText("sorted (1 h)")).toBeTruthy();
    expect(screen.getByRole("note", { name: "Registration warnings" }).textContent).toContain("read as UTC");
    expect(screen.getByRole("link", { name: "Provenance graph" }).getAttribute("href")).toBe(`/assets/${NAME}/provenance`);
  });

  it("marks a draft with its current step", async () => {
    responders.AssetPageAsset = () => ({ data: { asset: asset({ draft: true, draftStep: "spikesorting" }) } });
    renderPage(NAME);
    const badges = await screen.findByRole("list", { name: "Classification" });
    expect(within(badges).getByText("Draft · step spikesorting").className).toContain("badge-pending");
  });

  it("shows no draft badge on a sealed asset", async () => {
    renderPage(NAME);
    const badges = await screen.findByRole("list", { name: "Classification" });
    expect(within(badges).queryByText(/^Draft/)).toBeNull();
  });

  it("shows the data level only when it says more than the kind", async () => {
    responders.AssetPageAsset = () => ({ data: { asset: asset({ dataLevel: "raw" }) } });
    renderPage(NAME);
    const badges = await screen.findByRole("list", { name: "Classification" });
    expect(within(badges).getByText("Level: raw")).toBeTruthy();
  });

  it("renders each metadata document as a section with a readable summary and its raw JSON", async () => {
    renderPage(NAME);
    await screen.findByRole("heading", { level: 1, name: NAME });
    const titles = screen.getAllByRole("heading", { level: 2 }).map((heading) => heading.textContent);
    expect(titles).toEqual(
      expect.arrayContaining(["Subject", "Procedures", "Acquisition", "Instrument", "Data description", "Processing", "Quality control", "Files"]),
    );
    expect(titles.indexOf("Subject")).toBeLessThan(titles.indexOf("Procedures"));
    const procedures = screen.getByRole("region", { name: "Procedures" });
    const injections = within(procedures).getByRole("table", { name: "Injections" });
    expect(within(injections).getByText("AAV2-Flex-ChrimsonR (2.3e9 gc/mL)")).toBeTruthy();
    expect(within(procedures).getByText(/^Raw JSON · schema 2\./)).toBeTruthy();
  });

  it("links to what it was derived from and says when nothing derives from it", async () => {
    renderPage(NAME);
    const parents = await screen.findByRole("region", { name: "Derived from" });
    expect(within(parents).getByRole("link", { name: RAW }).getAttribute("href")).toBe(`/assets/${RAW}`);
    expect(within(parents).getByText("Linked by data description")).toBeTruthy();
    expect(within(screen.getByRole("region", { name: "Derivatives" })).getByText("Nothing derived from it yet")).toBeTruthy();
  });

  it("lists files with download links and loads the next page after the last cursor", async () => {
    renderPage(NAME);
    const table = await screen.findByRole("table", { name: "Files" });
    await waitFor(() => expect(within(table).getAllByRole("row")).toHaveLength(101));
    const link = screen.getByRole("link", { name: "Download ecephys/probe_000.dat" });
    expect(link.getAttribute("href")).toBe(`/download/${NAME}/ecephys/probe_000.dat`);
    expect(link.hasAttribute("download")).toBe(true);
    await userEvent.click(screen.getByRole("button", { name: "Load more" }));
    await waitFor(() => expect(within(table).getAllByRole("row")).toHaveLength(151));
    expect(requests.filter((request) => request.operation === "AssetPageFiles").at(-1)?.variables).toMatchObject({ after: "cursor-100", first: 100 });
    expect(screen.queryByRole("button", { name: "Load more" })).toBeNull();
  });

  it("shows the server's refusal of a bad glob next to the filter", async () => {
    responders.AssetPageFiles = (variables) =>
      variables.pathGlob === "a**b"
        ? { data: { asset: null }, errors: [{ message: "invalid path glob 'a**b'", extensions: { code: "BAD_USER_INPUT" } }] }
        : { data: files(0, 3, false) };
    renderPage(NAME);
    const box = await screen.findByLabelText("Filter files by glob");
    await userEvent.type(box, "a**b");
    expect(await screen.findByText("invalid path glob 'a**b'")).toBeTruthy();
    expect(box.getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByRole("heading", { level: 1, name: NAME })).toBeTruthy();
  });

  it("reads an older record with a session, and falls back to raw JSON for shapes it cannot read", async () => {
    const record = fixture("records/ecephys_655568_2023-05-03_15-21-12.json") as Record<string, unknown>;
    responders.AssetPageAsset = () => ({
      data: { asset: asset({ metadata: { session: record.session, subject: record.subject, quality_control: ["odd"] }, warnings: [] }) },
    });
    renderPage(NAME);
    expect(await screen.findByRole("heading", { level: 2, name: "Session" })).toBeTruthy();
    expect(screen.getByText("Probe A → Striatum; Probe B → Striatum")).toBeTruthy();
    const qc = screen.getByRole("region", { name: "Quality control" });
    expect(within(qc).getByText(/cannot be summarised/)).toBeTruthy();
    expect(within(qc).getByText("Raw JSON · schema unknown")).toBeTruthy();
    expect(screen.queryByRole("note", { name: "Registration warnings" })).toBeNull();
  });

  it("designs the not-found state with the name asked for and near names", async () => {
    responders.AssetPageAsset = () => ({ data: { asset: null } });
    responders.AssetPageSuggestions = () => ({
      data: { assets: { edges: [{ node: { name: RAW, kind: "PRIMARY", qcStatus: null, acquiredAt: null } }] } },
    });
    renderPage(`${RAW}_typo`);
    expect(await screen.findByRole("heading", { level: 1, name: "Asset not found" })).toBeTruthy();
    expect(screen.getByText(`${RAW}_typo`)).toBeTruthy();
    expect(screen.getByRole("link", { name: "Search the catalog" }).getAttribute("href")).toBe("/?q=664484");
    expect(await screen.findByRole("link", { name: RAW })).toBeTruthy();
    expect(requests.find((request) => request.operation === "AssetPageSuggestions")?.variables.filter).toEqual({
      or: [{ text: "664484" }, { text: "ecephys 664484" }],
    });
  });

  it("shows the server's error with its code", async () => {
    responders.AssetPageAsset = () => ({ errors: [{ message: "too complex", extensions: { code: "QUERY_TOO_COMPLEX" } }] });
    renderPage(NAME);
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("QUERY_TOO_COMPLEX");
  });
});
