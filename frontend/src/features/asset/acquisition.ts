/** The session (0.x/1.x), a light-sheet acquisition (0.x/1.x, with tiles) and the 2.x
 * acquisition, read into one summary: when, where, who, and what each data stream recorded with
 * which channels, light sources and probes. A summary, not a dump: the raw JSON has the rest. */
import {
  child,
  dateRange,
  type Fact,
  facts,
  isRecord,
  type JsonRecord,
  label,
  labels,
  localTime,
  measure,
  pick,
  records,
  structure,
  summarize,
  text,
  unique,
} from "./json";

export interface ChannelView {
  name: string;
  excitation: string | null;
  emission: string | null;
  power: string | null;
  measurement: string | null;
  /** Light-sheet tiles imaged in this channel (0.x/1.x tiles only). */
  tiles: number | null;
}

export interface StreamView {
  /** "2023-07-24 18:18 – 19:04 −07:00". */
  time: string | null;
  modalities: string[];
  devices: string[];
  lightSources: string[];
  channels: ChannelView[];
  /** Probes and their targets, fields of view, scans. */
  targets: string[];
  notes: string | null;
}

export interface EpochView {
  name: string;
  time: string | null;
  modalities: string[];
  summary: string | null;
}

export interface AcquisitionView {
  start: string | null;
  end: string | null;
  instrument: string | null;
  type: string | null;
  experimenters: string[];
  facts: Fact[];
  streams: StreamView[];
  /** Light-sheet tiles (0.x/1.x): how many, in which channels. */
  tiles: { count: number; channels: ChannelView[] } | null;
  epochs: EpochView[];
  notes: string | null;
}

const MAX_DEVICES = 12;

function channelOf(channel: JsonRecord): ChannelView | null {
  const name = text(channel.channel_name) ?? label(channel);
  if (!name) return null;
  const sources = records(channel.light_sources);
  const excitation =
    measure(channel.excitation_wavelength, channel.excitation_wavelength_unit ?? "nanometer") ??
    measure(channel.laser_wavelength, channel.laser_wavelength_unit ?? "nanometer") ??
    (unique(sources.map((source) => measure(source.wavelength, source.wavelength_unit ?? "nanometer"))).join(", ") || null) ??
    // An LED config names its wavelength only in the device name ("470nm LED").
    (unique(sources.map((source) => text(source.device_name))).join(", ") || null);
  const power =
    measure(channel.excitation_power, channel.excitation_power_unit) ??
    measure(channel.laser_power, channel.laser_power_unit) ??
    (unique(sources.map((source) => measure(source.power, source.power_unit))).join(", ") || null);
  return {
    name,
    excitation,
    emission: measure(channel.emission_wavelength, channel.emission_wavelength_unit ?? "nanometer"),
    power,
    measurement: text(channel.intended_measurement),
    tiles: null,
  };
}

/** Channels once each, in the order first seen; a fiber's several connections name the same one. */
function distinctChannels(channels: (ChannelView | null)[]): ChannelView[] {
  const byName = new Map<string, ChannelView>();
  for (const channel of channels) {
    if (!channel) continue;
    const seen = byName.get(channel.name);
    if (seen && seen.tiles != null && channel.tiles != null) seen.tiles += channel.tiles;
    else if (!seen) byName.set(channel.name, { ...channel });
  }
  return [...byName.values()];
}

/** "Laser A: 405 nm, 10 mW" for a light source or its 2.x configuration. */
function lightSource(source: JsonRecord): string | null {
  const name = text(source.device_name) ?? label(source);
  const wavelength = measure(source.wavelength, source.wavelength_unit ?? "nanometer");
  const power = measure(source.excitation_power ?? source.power, source.excitation_power_unit ?? source.power_unit);
  const settings = [wavelength, power].filter(Boolean).join(", ");
  if (!name) return settings || null;
  return settings ? `${name}: ${settings}` : name;
}

function isLightSourceConfig(config: JsonRecord): boolean {
  return /laser|light|led|lamp/i.test(text(config.object_type) ?? "") && !Array.isArray(config.channels);
}

/** "Probe A → CP (Caudoputamen)": the probes of a 1.x ephys module or a 2.x assembly config. */
function probeTargets(module: JsonRecord): string[] {
  const moduleTarget = structure(module.primary_targeted_structure);
  const probes = records(module.ephys_probes ?? module.probes);
  if (probes.length === 0) {
    const name = text(module.assembly_name) ?? text(module.device_name);
    return name ? [moduleTarget ? `${name} → ${moduleTarget}` : name] : [];
  }
  return probes.map((probe) => {
    const name = label(probe) ?? text(probe.device_name) ?? text(module.assembly_name) ?? "probe";
    const target = structure(probe.primary_targeted_structure) ?? moduleTarget;
    return target ? `${name} → ${target}` : name;
  });
}

/** "FOV 0: VISp, 150 µm deep" for an ophys field of view. */
function fieldOfView(fov: JsonRecord): string {
  const index = text(fov.index);
  const target = structure(fov.targeted_structure);
  const depth = measure(fov.imaging_depth, fov.imaging_depth_unit ?? "micrometer");
  return [`FOV${index ? ` ${index}` : ""}`, [target, depth && `${depth} deep`].filter(Boolean).join(", ")].filter(Boolean).join(": ");
}

function streamOf(stream: JsonRecord): StreamView {
  const configurations = records(stream.configurations);
  const devices = unique([
    ...labels(stream.active_devices),
    ...labels(stream.daq_names),
    ...labels(stream.camera_names),
    ...labels(stream.stimulus_device_names),
    ...labels(stream.daqs),
    ...labels(stream.cameras),
    ...records(stream.detectors).map(label),
  ]);
  const channels = distinctChannels([
    ...records(stream.fiber_connections).map((connection) => (isRecord(connection.channel) ? channelOf(connection.channel) : null)),
    ...configurations.flatMap((config) => records(config.channels).map(channelOf)),
  ]);
  const targets = unique([
    ...records(stream.ephys_modules).flatMap(probeTargets),
    ...configurations.filter((config) => Array.isArray(config.probes)).flatMap(probeTargets),
    ...records(stream.ophys_fovs).map(fieldOfView),
    ...configurations.filter((config) => /mri scan/i.test(text(config.object_type) ?? "")).map((scan) => {
      const sequence = text(scan.pulse_sequence_type);
      return `MRI scan${text(scan.index) ? ` ${text(scan.index)}` : ""}${sequence ? `: ${sequence}` : ""}`;
    }),
  ]);
  const shownDevices = devices.length > MAX_DEVICES ? [...devices.slice(0, MAX_DEVICES), `and ${devices.length - MAX_DEVICES} more`] : devices;
  return {
    time: dateRange(stream.stream_start_time, stream.stream_end_time),
    modalities: labels(stream.stream_modalities ?? stream.modalities),
    devices: shownDevices,
    lightSources: unique([...records(stream.light_sources), ...configurations.filter(isLightSourceConfig)].map(lightSource)),
    channels,
    targets,
    notes: text(stream.notes),
  };
}

function epochOf(epoch: JsonRecord): EpochView {
  const stimulus = child(epoch, "stimulus");
  const name =
    text(epoch.stimulus_name) ?? text(stimulus.stimulus_name) ?? label(epoch.script) ?? label(epoch.code) ?? "Stimulus epoch";
  const finished = text(epoch.trials_finished) ?? text(epoch.trials_total);
  const rewarded = text(epoch.trials_rewarded);
  const summary = finished ? `${finished} trials${rewarded ? `, ${rewarded} rewarded` : ""}` : null;
  return {
    name,
    time: dateRange(epoch.stimulus_start_time, epoch.stimulus_end_time),
    modalities: labels(epoch.stimulus_modalities),
    summary,
  };
}

/** "Cargille oil 1.5200 (n = 1.5207)". */
function immersion(value: unknown): string | null {
  if (!isRecord(value)) return text(value);
  const medium = text(value.medium);
  const index = text(value.refractive_index);
  if (medium && index) return `${medium} (n = ${index})`;
  return medium ?? (index && `n = ${index}`);
}

function tilesOf(document: JsonRecord): AcquisitionView["tiles"] {
  const tiles = records(document.tiles);
  if (tiles.length === 0) return null;
  const channels = distinctChannels(
    tiles.map((tile) => {
      const channel = isRecord(tile.channel) ? channelOf(tile.channel) : null;
      return channel && { ...channel, tiles: 1 };
    }),
  );
  return { count: tiles.length, channels };
}

export function acquisitionView(document: unknown): AcquisitionView | null {
  if (!isRecord(document)) return null;
  // Session-time details sit at the top in 0.x/1.x and in subject_details in 2.x.
  const details = { ...document, ...child(document, "subject_details") };
  const reward = measure(details.reward_consumed_total, details.reward_consumed_unit);
  const weight = (key: string) => measure(details[key], details.weight_unit ?? "gram");
  return {
    start: localTime(pick(document, "acquisition_start_time", "session_start_time")),
    end: localTime(pick(document, "acquisition_end_time", "session_end_time")),
    instrument: text(pick(document, "instrument_id", "rig_id")),
    type: text(pick(document, "acquisition_type", "session_type")),
    experimenters: labels(pick(document, "experimenters", "experimenter_full_name")),
    facts: facts(
      ["Description", text(document.session_description)],
      ["Specimen", summarize(labels(document.specimen_id))],
      ["Protocol", summarize(labels(document.protocol_id))],
      ["Ethics review", labels(pick(document, "ethics_review_id", "iacuc_protocol")).join(", ") || null],
      ["Weight before", weight("animal_weight_prior")],
      ["Weight after", weight("animal_weight_post")],
      ["Mouse platform", text(details.mouse_platform_name)],
      ["Reward consumed", reward],
      ["Objectives", labels(document.active_objectives).join(", ") || null],
      ["Chamber immersion", immersion(document.chamber_immersion)],
      ["Sample immersion", immersion(document.sample_immersion)],
    ),
    streams: records(document.data_streams).map(streamOf),
    tiles: tilesOf(document),
    epochs: records(document.stimulus_epochs).map(epochOf),
    notes: text(document.notes),
  };
}

