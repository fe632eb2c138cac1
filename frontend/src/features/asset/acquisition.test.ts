import { describe, expect, it } from "vitest";
import { acquisitionView } from "./acquisition";
import { fixture, recordDocument } from "./fixtures.testing";

describe("acquisitionView: light-sheet acquisitions (0.x/1.x tiles)", () => {
  it("summarises 0.4 SmartSPIM tiles by channel, with laser wavelength, power and tile count", () => {
    const view = acquisitionView(recordDocument("SmartSPIM_620642_2023-07-05_21-42-19", "acquisition"));
    expect(view).toMatchObject({ start: "2023-07-05 21:42", end: "2023-07-06 01:00", instrument: "SmartSPIM-2-1", experimenters: ["J"] });
    expect(view?.tiles).toEqual({
      count: 56,
      channels: [
        { name: "488", excitation: "488 nm", emission: null, power: "20 mW", measurement: null, tiles: 28 },
        { name: "639", excitation: "639 nm", emission: null, power: "90 mW", measurement: null, tiles: 28 },
      ],
    });
    expect(view?.facts).toContainEqual({ label: "Chamber immersion", value: "Cargille oil 1.5200 (n = 1.5207)" });
  });

  it("reads 1.0 tiles, whose channels give excitation wavelength and power in percent", () => {
    const view = acquisitionView(recordDocument("SmartSPIM_713468_2025-04-09_12-23-31", "acquisition"));
    expect(view?.start).toBe("2025-04-09 12:23 −07:00");
    expect(view?.tiles?.channels.map((channel) => [channel.name, channel.excitation, channel.power, channel.tiles])).toEqual([
      ["561", "561 nm", "90.91%", 8],
      ["639", "639 nm", "90%", 8],
      ["665", "665 nm", "90%", 8],
    ]);
    expect(view?.facts).toContainEqual({ label: "Objectives", value: "LCT 3.6x" });
  });
});

describe("acquisitionView: sessions (0.x/1.x)", () => {
  it("reads an ecephys session: rig, experimenters, probes with their targets, stream modalities", () => {
    const view = acquisitionView(recordDocument("ecephys_655568_2023-05-03_15-21-12", "session"));
    expect(view).toMatchObject({
      instrument: "323_EPHYS1_OPTO_2023-05-01",
      type: "Optotagging",
      experimenters: ["Anna Lakunina", "Josh Siegle"],
      start: "2023-05-03 15:21 −07:00",
    });
    expect(view?.streams[0]).toMatchObject({
      time: "2023-05-03 15:21 – 16:07 −07:00",
      modalities: ["Extracellular electrophysiology", "Behavior videos"],
      targets: ["Probe A → Striatum", "Probe B → Striatum"],
    });
    expect(view?.epochs).toEqual([
      { name: "Laser pulses", time: "2023-05-03 15:31 – 2023-05-03 16:07 −07:00", modalities: [], summary: null },
    ]);
  });

  it("reads fiber photometry channels from a 1.x session's fiber connections, once each", () => {
    const view = acquisitionView(recordDocument("behavior_717535_2024-10-25_10-24-48_processed_2026-04-10_21-32-50", "session"));
    expect(view?.streams[0]?.channels).toContainEqual({
      name: "Fiber_0_green",
      excitation: "470 nm",
      emission: "510 nm",
      power: "1 µW",
      measurement: "dopamine",
      tiles: null,
    });
    expect(view?.streams[0]?.channels).toHaveLength(4);
    expect(view?.facts).toContainEqual({ label: "Reward consumed", value: "302.0 µL" });
    expect(view?.epochs[0]?.summary).toBe("193 trials, 95 rewarded");
  });

  it("reads the oldest ephys session, whose experimenter is one string and devices are objects", () => {
    const view = acquisitionView(recordDocument("ecephys_655565_2023-03-31_14-47-36", "session"));
    expect(view?.experimenters).toEqual(["Anna Lakunina"]);
    expect(view?.streams[0]).toMatchObject({ devices: ["NI PXIe-6341", "face-cam", "pupil-cam"], targets: ["ProbeA → striatum", "ProbeB → striatum"] });
    expect(view?.facts).toContainEqual({ label: "Description", value: "Tagging D1 cells (blue) and cholinergic cells (red) in striatum" });
  });

  it("lists a 1.x session's light sources with wavelength and power", () => {
    const view = acquisitionView(fixture("examples-v1/ophys_session.json"));
    expect(view?.streams[0]?.lightSources).toEqual(["Laser A: 405 nm, 10 mW", "Laser B: 473 nm, 7 mW"]);
  });
});

describe("acquisitionView: 2.x acquisitions", () => {
  it("reads the channels of a 2.x imaging configuration", () => {
    const view = acquisitionView(fixture("examples-v2/exaspim_acquisition.json"));
    expect(view).toMatchObject({ instrument: "exaSPIM1", type: "ExaSPIM", experimenters: ["John Smith"] });
    expect(view?.streams[0]?.modalities).toEqual(["Selective plane illumination microscopy"]);
    expect(view?.streams[0]?.channels.map((channel) => [channel.name, channel.excitation, channel.power, channel.measurement])).toEqual([
      ["488", "488 nm", "200 mW", "GFP signal"],
      ["561", "561 nm", "200 mW", "TdTomato signal"],
    ]);
  });

  it("names an LED channel's excitation by its LED when no wavelength is recorded", () => {
    const view = acquisitionView(fixture("examples-v2/fip_ophys_acquisition.json"));
    expect(view?.streams[0]?.channels[0]).toMatchObject({ name: "Fiber 0_red", excitation: "565nm LED", emission: "590 nm", power: "20 µW" });
    expect(view?.streams[0]?.lightSources).toEqual(["470nm LED: 20 µW", "415nm LED: 20 µW", "565nm LED: 20 µW"]);
  });

  it("reads the probe targets of 2.x ephys assembly configurations", () => {
    const view = acquisitionView(fixture("examples-v2/ephys_acquisition.json"));
    expect(view?.streams[0]?.targets).toEqual(["ProbeA → LGd (Dorsal part of the lateral geniculate complex)", "ProbeB → LC (Locus ceruleus)"]);
    expect(view?.epochs.map((epoch) => epoch.name)).toEqual(["Visual Stimulation", "Visual Stimulation"]);
  });

  it("shortens a long device list of a real 2.x record", () => {
    const view = acquisitionView(recordDocument("804430_2025-11-26_23-41-33_processed_2025-12-20_09-52-41", "acquisition"));
    expect(view).toMatchObject({ start: "2025-11-26 23:41 UTC", instrument: "13A", type: "AindVrForaging", experimenters: ["jason.lee"] });
    expect(view?.streams[1]?.devices.at(-1)).toBe("and 3 more");
    expect(view?.streams[1]?.devices).toHaveLength(13);
  });

  it("gives nothing for a document that is not an object, and empty lists for odd ones", () => {
    expect(acquisitionView(3)).toBeNull();
    expect(acquisitionView({ data_streams: "none", tiles: [null, { channel: "488" }], stimulus_epochs: {} })).toMatchObject({
      streams: [],
      tiles: { count: 1, channels: [] },
      epochs: [{ name: "Stimulus epoch", time: null, modalities: [], summary: null }],
    });
  });
});
