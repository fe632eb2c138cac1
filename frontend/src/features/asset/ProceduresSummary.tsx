import { FactItem, FactList } from "./FactList";
import { facts } from "./json";
import type { InjectionRow, ProcedureItem, ProceduresView, SpecimenProcedureView, SurgeryView } from "./procedures";

function Lines({ lines }: { lines: string[] }) {
  if (lines.length === 0) return <span className="muted">—</span>;
  return (
    <>
      {lines.map((line, index) => (
        <span key={index} className="asset-line">
          {line}
        </span>
      ))}
    </>
  );
}

function InjectionTable({ injections }: { injections: InjectionRow[] }) {
  return (
    <div className="table-scroll">
      <table className="data" aria-label="Injections">
        <thead>
          <tr>
            <th scope="col">Material</th>
            <th scope="col">Target</th>
            <th scope="col">Coordinates</th>
            <th scope="col">Volume</th>
            <th scope="col">Procedure</th>
          </tr>
        </thead>
        <tbody>
          {injections.map((injection, index) => (
            <tr key={index}>
              <td>
                <Lines lines={injection.materials} />
              </td>
              <td>
                {injection.target ?? <span className="muted">—</span>}
                {injection.hemisphere && <span className="asset-line muted">{injection.hemisphere}</span>}
              </td>
              <td className="asset-nowrap">
                <Lines lines={injection.coordinates} />
                {(injection.reference || injection.angle) && (
                  <span className="asset-line muted">
                    {[injection.reference && `from ${injection.reference}`, injection.angle && `angle ${injection.angle}`].filter(Boolean).join(", ")}
                  </span>
                )}
              </td>
              <td className="asset-nowrap">{injection.volume ?? <span className="muted">—</span>}</td>
              <td>
                {injection.type}
                {injection.date && <span className="asset-line muted">{injection.date}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ProcedureList({ items }: { items: ProcedureItem[] }) {
  return (
    <ul className="asset-procedures">
      {items.map((item, index) => (
        <li key={index}>
          <strong>{item.type}</strong>
          {item.date && <span className="muted"> · {item.date}</span>}
          {item.details.length > 0 && <span className="asset-line">{item.details.join(" · ")}</span>}
        </li>
      ))}
    </ul>
  );
}

function Surgery({ surgery, index }: { surgery: SurgeryView; index: number }) {
  return (
    <div className="asset-block">
      <h4>
        Surgery {index + 1}
        {surgery.date && <span className="muted"> · {surgery.date}</span>}
      </h4>
      <FactList
        facts={facts(
          ["Experimenters", surgery.experimenters.join(", ")],
          ["Protocol", surgery.protocol],
          ["Ethics review", surgery.ethics],
          ["Anaesthesia", surgery.anaesthesia],
          ["Weight", surgery.weight],
          ["Injections", surgery.injections > 0 ? `${surgery.injections} (in the table above)` : null],
          ["Notes", surgery.notes],
        )}
      />
      {surgery.procedures.length > 0 && <ProcedureList items={surgery.procedures} />}
    </div>
  );
}

function SpecimenTable({ procedures }: { procedures: SpecimenProcedureView[] }) {
  return (
    <div className="table-scroll">
      <table className="data" aria-label="Specimen procedures">
        <thead>
          <tr>
            <th scope="col">Procedure</th>
            <th scope="col">Dates</th>
            <th scope="col">Reagents and details</th>
            <th scope="col">By</th>
          </tr>
        </thead>
        <tbody>
          {procedures.map((procedure, index) => (
            <tr key={index}>
              <td>
                {procedure.type}
                {procedure.name && <span className="asset-line muted">{procedure.name}</span>}
                {procedure.specimen && <span className="asset-line muted">specimen {procedure.specimen}</span>}
              </td>
              <td className="asset-nowrap">{procedure.dates ?? "—"}</td>
              <td>
                <Lines lines={[...procedure.reagents, ...procedure.details, ...(procedure.notes ? [procedure.notes] : [])]} />
              </td>
              <td>{procedure.experimenters.join(", ") || "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ProceduresSummary({ procedures }: { procedures: ProceduresView }) {
  const empty =
    procedures.injections.length + procedures.surgeries.length + procedures.other.length + procedures.specimen.length === 0;
  return (
    <>
      {empty && <p className="muted">No procedures recorded.</p>}
      {procedures.injections.length > 0 && (
        <>
          <h3>Injections</h3>
          <InjectionTable injections={procedures.injections} />
        </>
      )}
      {procedures.surgeries.length > 0 && (
        <>
          <h3>Surgeries</h3>
          {procedures.surgeries.map((surgery, index) => (
            <Surgery key={index} surgery={surgery} index={index} />
          ))}
        </>
      )}
      {procedures.other.length > 0 && (
        <>
          <h3>Other procedures</h3>
          <ProcedureList items={procedures.other} />
        </>
      )}
      {procedures.specimen.length > 0 && (
        <>
          <h3>Specimen procedures</h3>
          <SpecimenTable procedures={procedures.specimen} />
        </>
      )}
      {procedures.notes && (
        <FactList facts={[]}>
          <FactItem label="Notes">{procedures.notes}</FactItem>
        </FactList>
      )}
    </>
  );
}
