import { FactItem, FactList } from "./FactList";
import type { InstrumentView } from "./instrument";

export function InstrumentSummary({ instrument }: { instrument: InstrumentView }) {
  return (
    <>
      <FactList facts={[...(instrument.id ? [{ label: "Id", value: instrument.id }] : []), ...instrument.facts]}>
        <FactItem label="Modalities">{instrument.modalities.length > 0 && instrument.modalities.join(", ")}</FactItem>
        <FactItem label="Calibrations">{instrument.calibrations > 0 && instrument.calibrations}</FactItem>
        <FactItem label="Notes">{instrument.notes}</FactItem>
      </FactList>
      {instrument.groups.length > 0 && (
        <>
          <h3>Devices</h3>
          <dl className="asset-kv asset-devices">
            {instrument.groups.map((group) => (
              <div key={group.kind}>
                <dt>
                  {group.kind} <span className="asset-count">{group.devices.length}</span>
                </dt>
                <dd>{group.devices.join(", ")}</dd>
              </div>
            ))}
          </dl>
        </>
      )}
    </>
  );
}
