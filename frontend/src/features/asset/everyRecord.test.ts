import { describe, expect, it } from "vitest";
import { acquisitionView } from "./acquisition";
import { dataDescriptionView } from "./dataDescription";
import { fixture, fixtureFiles } from "./fixtures.testing";
import { instrumentView } from "./instrument";
import { isRecord } from "./json";
import { proceduresView } from "./procedures";
import { processingView } from "./processing";
import { qualityControlView } from "./qualityControl";
import { documentSections, type SectionKind } from "./sections";
import { subjectView } from "./subject";

const EXTRACTORS: Record<Exclude<SectionKind, "other">, (document: unknown) => unknown> = {
  subject: subjectView,
  procedures: proceduresView,
  acquisition: acquisitionView,
  instrument: instrumentView,
  data_description: dataDescriptionView,
  processing: processingView,
  quality_control: qualityControlView,
};

describe("every real record and example", () => {
  const records = [...fixtureFiles("records"), ...fixtureFiles("examples-v2/composed")];

  it.each(records)("summarises every document of %s", (path) => {
    const sections = documentSections(fixture(path));
    expect(sections.length).toBeGreaterThan(0);
    for (const section of sections) {
      if (section.kind === "other") continue;
      const view = EXTRACTORS[section.kind](section.document);
      expect(view == null).toBe(!isRecord(section.document));
    }
  });

  const examples = [...fixtureFiles("examples-v1"), ...fixtureFiles("examples-v2")].filter((path) => !path.includes("composed"));

  it.each(examples)("reads the example %s with every extractor without failing", (path) => {
    const document = fixture(path);
    for (const extract of Object.values(EXTRACTORS)) expect(() => extract(document)).not.toThrow();
  });
});
