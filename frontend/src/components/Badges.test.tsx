import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { KindBadge, LevelBadge, QcBadge } from "./Badges";

describe("KindBadge", () => {
  it("spells each kind once, in its colour", () => {
    render(
      <>
        <KindBadge kind="PRIMARY" />
        <KindBadge kind="DERIVED" />
      </>,
    );
    expect(screen.getByText("Primary").className).toBe("badge badge-primary");
    expect(screen.getByText("Derived").className).toBe("badge badge-derived");
  });
});

describe("QcBadge", () => {
  it("colours a status by what it means, whatever its spelling", () => {
    render(
      <>
        <QcBadge status="PASS" />
        <QcBadge status="Failed" />
        <QcBadge status="in_progress" />
        <QcBadge status="Needs review" />
      </>,
    );
    expect(screen.getByText("QC pass").className).toContain("badge-pass");
    expect(screen.getByText("QC failed").className).toContain("badge-fail");
    expect(screen.getByText("QC in progress").className).toContain("badge-pending");
    expect(screen.getByText("QC needs review").className).toContain("badge-neutral");
  });

  it("says No QC without a status, and names what a status is of when asked", () => {
    render(
      <>
        <QcBadge status={null} />
        <QcBadge status="Fail" prefix="Processing: " />
      </>,
    );
    expect(screen.getByText("No QC").className).toContain("badge-neutral");
    expect(screen.getByText("Processing: fail").className).toContain("badge-fail");
  });
});

describe("LevelBadge", () => {
  it("names the level it shows", () => {
    render(<LevelBadge level="processed" />);
    expect(screen.getByText("Level: processed")).toBeTruthy();
  });
});
