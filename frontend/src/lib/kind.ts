/** An asset's kind in words, and its data level only where it adds to the kind. */
import type { AssetKind } from "../gql/graphql";

export const KIND_WORDS: Record<AssetKind, string> = { PRIMARY: "Primary", DERIVED: "Derived" };

/** The level each kind implies: a primary asset is raw data, a derived one derived data. */
const IMPLIED_LEVEL: Record<AssetKind, string> = { PRIMARY: "raw", DERIVED: "derived" };

/** The data level worth showing beside the kind, or null when it is missing or says the same. */
export function levelNote(level: string | null | undefined, kind: AssetKind): string | null {
  const trimmed = level?.trim() ?? "";
  if (trimmed === "" || trimmed.toLowerCase() === IMPLIED_LEVEL[kind]) return null;
  return trimmed;
}
