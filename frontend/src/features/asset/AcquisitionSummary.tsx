import type { AcquisitionView, ChannelView, EpochView, StreamView } from "./acquisition";
import { FactItem, FactList } from "./FactList";
import { facts } from "./json";

function ChannelTable({ channels, showTiles }: { channels: ChannelView[]; showTiles: boolean }) {
  return (
    <div className="table-scroll">
      <table className="data" aria-label="Channels">
        <thead>
          <tr>
            <th scope="col">Channel</th>
            <th scope="col">Excitation</th>
            <th scope="col">Emission</th>
            <th scope="col">Power</th>
            <th scope="col">Measures</th>
            {showTiles && (
              <th scope="col" className="number">
                Tiles
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {channels.map((channel) => (
            <tr key={channel.name}>
              <td>{channel.name}</td>
              <td>{channel.excitation ?? "—"}</td>
              <td>{channel.emission ?? "—"}</td>
              <td>{channel.power ?? "—"}</td>
              <td>{channel.measurement ?? "—"}</td>
              {showTiles && <td className="number">{channel.tiles ?? "—"}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Stream({ stream, index }: { stream: StreamView; index: number }) {
  return (
    <div className="asset-block">
      <h4>
        Stream {index + 1}
        {stream.modalities.length > 0 && <span className="muted"> · {stream.modalities.join(", ")}</span>}
      </h4>
      <FactList facts={facts(["Time", stream.time], ["Notes", stream.notes])}>
        <FactItem label="Probes and targets">{stream.targets.length > 0 && stream.targets.join("; ")}</FactItem>
        <FactItem label="Light sources">{stream.lightSources.length > 0 && stream.lightSources.join("; ")}</FactItem>
        <FactItem label="Devices">{stream.devices.length > 0 && stream.devices.join(", ")}</FactItem>
      </FactList>
      {stream.channels.length > 0 && <ChannelTable channels={stream.channels} showTiles={false} />}
    </div>
  );
}

function Epochs({ epochs }: { epochs: EpochView[] }) {
  return (
    <div className="table-scroll">
      <table className="data" aria-label="Stimulus epochs">
        <thead>
          <tr>
            <th scope="col">Stimulus</th>
            <th scope="col">Time</th>
            <th scope="col">Modalities</th>
            <th scope="col">Outcome</th>
          </tr>
        </thead>
        <tbody>
          {epochs.map((epoch, index) => (
            <tr key={index}>
              <td>{epoch.name}</td>
              <td className="asset-nowrap">{epoch.time ?? "—"}</td>
              <td>{epoch.modalities.join(", ") || "—"}</td>
              <td>{epoch.summary ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function AcquisitionSummary({ acquisition }: { acquisition: AcquisitionView }) {
  return (
    <>
      <FactList
        facts={facts(
          ["Start", acquisition.start],
          ["End", acquisition.end],
          ["Type", acquisition.type],
          ["Instrument", acquisition.instrument],
          ["Experimenters", acquisition.experimenters.join(", ")],
          ...acquisition.facts.map((fact): [string, string] => [fact.label, fact.value]),
          ["Notes", acquisition.notes],
        )}
      />
      {acquisition.tiles && (
        <>
          <h3>Tiles</h3>
          <p>
            {acquisition.tiles.count} tiles in {acquisition.tiles.channels.length} channel{acquisition.tiles.channels.length === 1 ? "" : "s"}.
          </p>
          {acquisition.tiles.channels.length > 0 && <ChannelTable channels={acquisition.tiles.channels} showTiles />}
        </>
      )}
      {acquisition.streams.length > 0 && (
        <>
          <h3>Data streams</h3>
          {acquisition.streams.map((stream, index) => (
            <Stream key={index} stream={stream} index={index} />
          ))}
        </>
      )}
      {acquisition.epochs.length > 0 && (
        <>
          <h3>Stimulus epochs</h3>
          <Epochs epochs={acquisition.epochs} />
        </>
      )}
    </>
  );
}
