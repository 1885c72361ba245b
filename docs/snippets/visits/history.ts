// Visit history across hospitals: publish visits, read a patient's visits by any identifier, and the summary.
import { loadIcd10 } from '@lienthong/catalogue/icd10';
import { DEFAULT_IDENTIFIER_SYSTEMS } from '@lienthong/core';
import { createMemoryVisitHistory } from '@lienthong/visits';
import { decodeXml130 } from '@lienthong/visits/xml130';

declare const fileSetOfHospitalA: string; // a GIAMDINHHS envelope from hospital A's HIS

// Any VisitHistory provider: swap this line for another one, the calls and the summary stay the same.
const history = createMemoryVisitHistory({ icd10: await loadIcd10() });
for (const visit of decodeXml130(fileSetOfHospitalA).value.visits) {
  const receipt = await history.publish(visit); // { id: '<facility>:<MA_LK>', version, outcome }
  console.log(receipt.id, receipt.outcome);
}
const patient = { system: DEFAULT_IDENTIFIER_SYSTEMS.cccd, value: '001085012345' };
for await (const visit of history.query({ patient, diagnosis: 'J00-J99', since: '2025-01-01' })) {
  console.log(visit.facility, visit.admittedAt, visit.dischargedAt, visit.mainDiagnosis?.code);
}
const summary = await history.summary(patient);
console.log(
  summary.problems.map((p) => `${p.code.code} ${p.code.display ?? ''} (${p.facilities.join(', ')})`),
);
console.log(
  summary.medications.filter((m) => m.status === 'current').map((m) => m.name),
  summary.withheld,
);
