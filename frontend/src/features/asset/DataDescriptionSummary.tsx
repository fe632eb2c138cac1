import type { DataDescriptionView } from "./dataDescription";
import { FactItem, FactList } from "./FactList";

export function DataDescriptionSummary({ description }: { description: DataDescriptionView }) {
  return (
    <>
      {description.summary && <p className="asset-lead">{description.summary}</p>}
      <FactList facts={[...(description.name ? [{ label: "Name", value: description.name }] : []), ...description.facts]}>
        <FactItem label="Modalities">{description.modalities.length > 0 && description.modalities.join(", ")}</FactItem>
        <FactItem label="Investigators">{description.investigators.length > 0 && description.investigators.join(", ")}</FactItem>
        <FactItem label="Funding">
          {description.funding.length > 0 &&
            description.funding.map((source) => (
              <span key={source} className="asset-line">
                {source}
              </span>
            ))}
        </FactItem>
        <FactItem label="Tags">{description.tags.length > 0 && description.tags.join(", ")}</FactItem>
      </FactList>
    </>
  );
}
