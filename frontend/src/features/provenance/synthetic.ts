/** A synthetic lineage of any size, shaped like the GraphQL answer: raw sessions, each with a
 * chain of processing steps and now and then a diamond (two analyses of one session merged),
 * groups of sessions combined, and one cohort asset built from every group, which is the focus.
 * Used to measure how the graph behaves at a thousand nodes; deterministic for a seed. A share of
 * the raw sessions can be ones the viewer may not read, answered as the server does. */
import type { ProvenanceAsset } from "./query";

interface Made {
  name: string;
  kind: "PRIMARY" | "DERIVED";
  modality: string;
  process: string | null;
  qcStatus: string | null;
  acquiredAt: string;
  inputs: string[];
}

const MODALITIES: Record<string, readonly string[]> = {
  ecephys: ["sorted", "curated"],
  SmartSPIM: ["stitched", "segmented"],
  behavior: ["processed"],
  "single-plane-ophys": ["processed", "extracted"],
  SLAP2: ["processed"],
};
const QC = ["PASS", "PASS", "PASS", "FAIL", "PENDING", null] as const;
const GROUP = 4;

/** mulberry32: a small seeded generator, so a figure measured once can be measured again. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function stamp(day: number, minute: number): { text: string; iso: string } {
  const date = new Date(Date.UTC(2023, 0, 1) + day * 86_400_000 + minute * 60_000);
  const iso = date.toISOString();
  return { text: `${iso.slice(0, 10)}_${iso.slice(11, 19).replaceAll(":", "-")}`, iso };
}

export interface SyntheticOptions {
  /** The share (0–1) of raw sessions the viewer may not read: redacted placeholders. */
  restricted?: number;
}

export function syntheticLineage(size: number, seed = 1, { restricted = 0 }: SyntheticOptions = {}): ProvenanceAsset {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const made: Made[] = [];
  const target = Math.max(1, Math.floor(size));
  // Room is always kept for the cohort at the end.
  const room = (spare = 1) => made.length < target - spare;
  const add = (asset: Omit<Made, "qcStatus">) => {
    made.push({ ...asset, qcStatus: asset.kind === "PRIMARY" ? null : pick(QC) });
    return asset.name;
  };
  const derive = (input: Made | undefined, process: string, inputs: string[], day: number): string => {
    const when = stamp(day, Math.floor(next() * 1440));
    const base = input?.name ?? "combined";
    return add({ name: `${base}_${process}_${when.text}`, kind: "DERIVED", modality: input?.modality ?? "ecephys", process, acquiredAt: input?.acquiredAt ?? when.iso, inputs });
  };
  const byName = (name: string) => made.find((asset) => asset.name === name);

  const groups: string[] = [];
  let outputs: string[] = [];
  for (let session = 0; room(2); session += 1) {
    const modality = pick(Object.keys(MODALITIES));
    const day = session * 3;
    const when = stamp(day, Math.floor(next() * 1440));
    let last = add({ name: `${modality}_${600000 + session}_${when.text}`, kind: "PRIMARY", modality, process: null, acquiredAt: when.iso, inputs: [] });
    const raw = byName(last);
    if (next() < 0.25 && room(4)) {
      const first = derive(raw, "sorted", [last], day + 2);
      const second = derive(raw, "motion-corrected", [last], day + 2);
      last = derive(byName(first), "merged", [first, second], day + 4);
    } else {
      for (const process of MODALITIES[modality] ?? []) {
        if (!room(2)) break;
        last = derive(byName(last), process, [last], day + 2);
      }
    }
    outputs.push(last);
    if (outputs.length === GROUP && room()) {
      groups.push(derive(undefined, `group-${groups.length + 1}`, outputs, day + 7));
      outputs = [];
    }
  }
  if (outputs.length > 0 && room()) groups.push(derive(undefined, `group-${groups.length + 1}`, outputs, 2000));
  while (room()) groups.push(derive(byName(groups[groups.length - 1] ?? ""), "report", groups.slice(-1), 2001));
  const cohort = stamp(2002, 0);
  const focusName = `cohort_${cohort.text}`;
  made.push({ name: focusName, kind: "DERIVED", modality: "ecephys", process: "cohort", qcStatus: "PENDING", acquiredAt: cohort.iso, inputs: groups.filter((name) => made.some((asset) => asset.name === name)) });

  // Everything is upstream of the cohort: hops are the shortest walk along inputs.
  const hops = new Map<string, number>([[focusName, 0]]);
  const index = new Map(made.map((asset) => [asset.name, asset]));
  for (let queue = [focusName]; queue.length > 0; ) {
    const further: string[] = [];
    for (const name of queue) {
      for (const input of index.get(name)?.inputs ?? []) {
        if (hops.has(input)) continue;
        hops.set(input, (hops.get(name) ?? 0) + 1);
        further.push(input);
      }
    }
    queue = further;
  }

  const fields = (asset: Made) => ({
    name: asset.name,
    kind: asset.kind,
    qcStatus: asset.qcStatus,
    dataLevel: asset.kind === "PRIMARY" ? "raw" : "derived",
    processLabel: asset.process,
    acquiredAt: asset.acquiredAt,
    modalities: [{ abbreviation: asset.modality }],
  });
  const focus = made[made.length - 1] as Made;
  const lineage = made.filter((asset) => asset !== focus);

  // A raw session the viewer may not read is answered as the server answers it: a placeholder
  // numbered in the order of the nodes, its kind and hops, the edges that reached it renamed. Its
  // own generator, so the lineage is the same for a seed whatever the share.
  const hide = random(seed ^ 0x5eed);
  const placeholders = new Map<string, string>();
  for (const asset of lineage) {
    if (restricted > 0 && asset.kind === "PRIMARY" && hide() < restricted) placeholders.set(asset.name, `redacted-${placeholders.size + 1}`);
  }
  const node = (asset: Made) => {
    const placeholder = placeholders.get(asset.name);
    const at = hops.get(asset.name) ?? 0;
    if (placeholder) return { name: placeholder, hops: at, registered: true, redacted: true, kind: asset.kind, processLabel: null, processedAt: null, asset: null };
    return { name: asset.name, hops: at, registered: true, redacted: false, kind: asset.kind, processLabel: asset.process, processedAt: null, asset: fields(asset) };
  };
  return {
    ...fields(focus),
    provenance: {
      nodes: lineage.map(node),
      // A raw session has no inputs: the walk, stopping at it, leaves nothing beyond it out.
      edges: made.flatMap((asset) => asset.inputs.map((input) => ({ source: asset.name, target: placeholders.get(input) ?? input, process: asset.process }))),
      truncated: false,
    },
  };
}
