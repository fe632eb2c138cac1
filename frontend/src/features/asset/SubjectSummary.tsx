import { FactItem, FactList } from "./FactList";
import { facts } from "./json";
import type { SubjectView } from "./subject";

export function SubjectSummary({ subject }: { subject: SubjectView }) {
  return (
    <>
      <FactList
        facts={facts(
          ["Subject id", subject.subjectId],
          ["Species", subject.species],
          ["Sex", subject.sex],
          ["Date of birth", subject.dateOfBirth],
          ["Genotype", subject.genotype],
          ["Strain", subject.strain],
          ["Source", subject.source],
          ["RRID", subject.rrid],
          ["Restrictions", subject.restrictions],
          ["Wellness reports", subject.wellnessReports > 0 ? String(subject.wellnessReports) : null],
        )}
      >
        <FactItem label="Alleles">{subject.alleles.length > 0 && subject.alleles.join(", ")}</FactItem>
      </FactList>
      {subject.breeding.length > 0 && (
        <>
          <h3>Breeding</h3>
          <FactList facts={subject.breeding} />
        </>
      )}
      {subject.housing.length > 0 && (
        <>
          <h3>Housing</h3>
          <FactList facts={subject.housing} />
        </>
      )}
      {subject.notes && <p className="asset-note">{subject.notes}</p>}
    </>
  );
}
