/** Label/value pairs as a definition list. */
import type { ReactNode } from "react";
import type { Fact } from "./json";

export function FactList({ facts, children, className = "" }: { facts: Fact[]; children?: ReactNode; className?: string }) {
  if (facts.length === 0 && !children) return null;
  return (
    <dl className={`asset-kv ${className}`}>
      {facts.map((fact) => (
        <div key={fact.label}>
          <dt>{fact.label}</dt>
          <dd>{fact.value}</dd>
        </div>
      ))}
      {children}
    </dl>
  );
}

/** One more pair inside a FactList, for values richer than text; nothing when empty. */
export function FactItem({ label, children }: { label: string; children: ReactNode }) {
  if (children == null || children === false || children === "" || (Array.isArray(children) && children.length === 0)) return null;
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
