import { DEFAULT_IDENTIFIER_SYSTEMS } from '@lienthong/core';
import { startHub } from '@lienthong/hub';
import { createHubVisitHistory } from '@lienthong/hub-api';

// A hub withholding HIV diagnoses from other facilities' readers unless the purpose is ETREAT.
export async function serve() {
  return startHub({
    database: { sqlite: './hub.db' },
    disclosurePolicy: {
      rules: [{ name: 'hiv', diagnoses: ['B20-B24', 'Z21'], allowPurposes: ['ETREAT'] }],
    },
  });
}

// Another hospital reads the patient's visits and summary (audited with its purpose of use).
export async function read(apiKey: string) {
  const history = createHubVisitHistory({
    baseUrl: 'https://hub.so-y-te.example.vn',
    apiKey,
    purpose: 'TREAT',
  });
  const patient = { system: DEFAULT_IDENTIFIER_SYSTEMS.cccd, value: '001085012345' };
  for await (const visit of history.query({ patient, diagnosis: 'J00-J99' }))
    console.log(visit.id, visit.admittedAt);
  const summary = await history.summary(patient);
  console.log(summary.problems.length, 'problems;', summary.withheld, 'diagnoses withheld');
}
