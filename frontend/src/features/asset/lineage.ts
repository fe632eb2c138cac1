/** What an asset was derived from and what derives from it, as the page lists them. */
import type { AssetKind } from "../../gql/graphql";
import type { AssetDetail, LinkedAsset } from "./queries";

export interface LineageItem {
  name: string;
  /** False for an input its metadata names that this catalog does not hold. */
  registered: boolean;
  kind: AssetKind | null;
  qcStatus: string | null;
  acquiredAt: string | null;
  process: string | null;
  /** Where the link was read from: the name, processing or data_description. */
  linkedBy: string | null;
  /** For a parent reached past inputs that are not registered: their names. */
  through: string[];
}

function item(asset: LinkedAsset, linkedBy: string | null): LineageItem {
  return {
    name: asset.name,
    registered: true,
    kind: asset.kind,
    qcStatus: asset.qcStatus,
    acquiredAt: asset.acquiredAt,
    process: asset.processLabel,
    linkedBy,
    through: [],
  };
}

/** The inputs not registered that lead to ``parent``: a derived name extends its input's name. */
function inputsThrough(parent: string, missing: string[]): string[] {
  return missing.filter((name) => name.startsWith(`${parent}_`));
}

/** Its registered parents, then any input it names that is not registered. A registered parent
 * that is no input of its own was reached past inputs not registered (an intermediate not kept). */
export function parentsOf(asset: Pick<AssetDetail, "derivedFrom" | "inputs">): LineageItem[] {
  const sources = new Map<string, string[]>();
  for (const input of asset.inputs) sources.set(input.name, [...(sources.get(input.name) ?? []), input.source]);
  const linkedBy = (name: string) => sources.get(name)?.join(", ") ?? null;
  const missingNames = [...sources.keys()].filter((name) => !asset.derivedFrom.some((parent) => parent.name === name));
  const registered = asset.derivedFrom.map((parent) => ({
    ...item(parent, linkedBy(parent.name)),
    through: sources.has(parent.name) ? [] : inputsThrough(parent.name, missingNames),
  }));
  const missing = missingNames.map((name) => ({
      name,
      registered: false,
      kind: null,
      qcStatus: null,
      acquiredAt: null,
      process: null,
      linkedBy: linkedBy(name),
      through: [],
    }));
  return [...registered, ...missing];
}

export function childrenOf(asset: Pick<AssetDetail, "derivatives">): LineageItem[] {
  return asset.derivatives.map((child) => item(child, null));
}
