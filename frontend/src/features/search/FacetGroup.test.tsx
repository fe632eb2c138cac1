import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { FacetGroup } from "./FacetGroup";
import { FACETS } from "./facets";

function subjectFacet() {
  const facet = FACETS.find((candidate) => candidate.key === "subject");
  if (!facet) throw new Error("no subject facet");
  return facet;
}

const counts = [
  { value: null, count: 4 },
  ...Array.from({ length: 12 }, (_, index) => ({ value: `6529${String(index).padStart(2, "0")}`, count: 12 - index })),
];

function renderGroup(selected: string[] = [], onToggle = vi.fn()) {
  render(
    <FacetGroup
      facet={subjectFacet()}
      counts={counts}
      selected={selected}
      waiting={false}
      unavailable={null}
      onToggle={onToggle}
      onClear={vi.fn()}
    />,
  );
  return within(screen.getByRole("group", { name: "Subject" }));
}

describe("FacetGroup", () => {
  it("names each checkbox by its value, then its count", () => {
    const group = renderGroup();
    expect(group.getByRole("checkbox", { name: "652900 12" })).toBeTruthy();
  });

  it("shows a missing value as (not set), with its count, and nothing to tick", () => {
    const group = renderGroup();
    expect(group.getByText("(not set)")).toBeTruthy();
    expect(group.queryByRole("checkbox", { name: /not set/ })).toBeNull();
  });

  it("shows the top values until Show all, and keeps a selected value beyond them", async () => {
    const group = renderGroup(["652911"]);
    // (not set) and seven values, then the selected one
    expect(group.getAllByRole("checkbox")).toHaveLength(8);
    expect(group.getByRole("checkbox", { name: /^652911/ })).toHaveProperty("checked", true);
    await userEvent.click(group.getByRole("button", { name: /^Show all/ }));
    expect(group.getAllByRole("checkbox")).toHaveLength(12);
  });

  it("reports the value ticked", async () => {
    const onToggle = vi.fn();
    const group = renderGroup([], onToggle);
    await userEvent.click(group.getByRole("checkbox", { name: /^652903/ }));
    expect(onToggle).toHaveBeenCalledWith("652903");
  });
});
