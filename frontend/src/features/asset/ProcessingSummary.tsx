import { formatDuration } from "../../lib/format";
import { FactList } from "./FactList";
import type { ProcessingView, ProcessStep } from "./processing";

function Steps({ steps, label }: { steps: ProcessStep[]; label: string }) {
  return (
    <div className="table-scroll">
      <table className="data" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">Step</th>
            <th scope="col">Code</th>
            <th scope="col">Started</th>
            <th scope="col" className="number">
              Took
            </th>
          </tr>
        </thead>
        <tbody>
          {steps.map((step, index) => (
            <tr key={index}>
              <td>
                {step.name}
                {step.notes && <span className="asset-line muted">{step.notes}</span>}
                {step.experimenters.length > 0 && <span className="asset-line muted">by {step.experimenters.join(", ")}</span>}
              </td>
              <td className="asset-code-cell">{step.code ?? "—"}</td>
              <td className="asset-nowrap">{step.start ?? "—"}</td>
              <td className="number asset-nowrap">{step.duration != null ? formatDuration(step.duration) : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ProcessingSummary({ processing }: { processing: ProcessingView }) {
  return (
    <>
      <FactList facts={[...processing.facts, ...(processing.notes ? [{ label: "Notes", value: processing.notes }] : [])]} />
      {processing.steps.length > 0 && (
        <>
          <h3>Steps</h3>
          <Steps steps={processing.steps} label="Processing steps" />
        </>
      )}
      {processing.analyses.length > 0 && (
        <>
          <h3>Analyses</h3>
          <Steps steps={processing.analyses} label="Analyses" />
        </>
      )}
      {processing.steps.length + processing.analyses.length === 0 && <p className="muted">No processing steps recorded.</p>}
    </>
  );
}
