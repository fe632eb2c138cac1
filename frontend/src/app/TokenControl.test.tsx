import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TokenControl } from "./TokenControl";

const WALT = { name: "walt", role: "writer", groups: ["lab-a"] };

/** The server: the viewer of the token a request carries, 401 for any other token. */
function serve(tokens: Record<string, typeof WALT>) {
  const fetched = vi.fn(async (_url: string, init: RequestInit) => {
    const header = (init.headers as Record<string, string>).Authorization;
    if (header === undefined) return Response.json({ data: { viewer: { name: "anonymous", role: null, groups: [] } } });
    const viewer = tokens[header.replace("Bearer ", "")];
    if (viewer) return Response.json({ data: { viewer } });
    return Response.json({ error: { code: "UNAUTHENTICATED", message: "unknown or revoked token" } }, { status: 401 });
  });
  vi.stubGlobal("fetch", fetched);
  return fetched;
}

function shown(reload = vi.fn()) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <TokenControl reload={reload} />
    </QueryClientProvider>,
  );
  return reload;
}

describe("the token control", () => {
  beforeEach(() => window.localStorage.clear());
  afterEach(() => vi.unstubAllGlobals());

  it("shows an anonymous reader and offers a token field", async () => {
    serve({});
    shown();
    expect(await screen.findByText("Anonymous")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Use a token" })).toBeTruthy();
  });

  it("keeps a token the server accepts, sends it from then on, and reloads", async () => {
    const fetched = serve({ "cat_good": WALT });
    const reload = shown();
    await userEvent.click(await screen.findByRole("button", { name: "Use a token" }));
    await userEvent.type(screen.getByLabelText("Token"), "cat_good");
    await userEvent.click(screen.getByRole("button", { name: "Use" }));
    expect(reload).toHaveBeenCalledOnce();
    expect(window.localStorage.getItem("catalog-token")).toBe("cat_good");
    const sent = fetched.mock.calls.at(-1)?.[1].headers as Record<string, string>;
    expect(sent.Authorization).toBe("Bearer cat_good");
  });

  it("refuses a token the server refuses, says why, and keeps none", async () => {
    serve({});
    const reload = shown();
    await userEvent.click(await screen.findByRole("button", { name: "Use a token" }));
    await userEvent.type(screen.getByLabelText("Token"), "cat_bad");
    await userEvent.click(screen.getByRole("button", { name: "Use" }));
    expect((await screen.findByRole("alert")).textContent).toBe("unknown or revoked token");
    expect(reload).not.toHaveBeenCalled();
    expect(window.localStorage.getItem("catalog-token")).toBeNull();
  });

  it("names the viewer of a stored token and forgets it", async () => {
    window.localStorage.setItem("catalog-token", "cat_good");
    serve({ "cat_good": WALT });
    const reload = shown();
    expect(await screen.findByText("walt (writer)")).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Forget token" }));
    expect(window.localStorage.getItem("catalog-token")).toBeNull();
    expect(reload).toHaveBeenCalledOnce();
  });
});
