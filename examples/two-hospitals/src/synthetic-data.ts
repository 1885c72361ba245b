/**
 * SYNTHETIC demo data: a made-up patient and an analyser message. Nothing here is a real person.
 * Codes used are published facts: insurance service codes from docs/en/guide/domain.md (22.0120.1370 blood
 * count, 23.0075.1494 glucose, 23.0051.1494 creatinine) and LOINC codes (with LOINC's notice).
 */
import { DEFAULT_IDENTIFIER_SYSTEMS } from '@lienthong/core';
import type { PatientRecord } from '@lienthong/patient-id';

const SYSTEMS = DEFAULT_IDENTIFIER_SYSTEMS;

/** District hospital on vendor A's software, provincial hospital on vendor B's (synthetic codes). */
export const HOSPITAL_A = { code: 'SYN-A', name: 'Bệnh viện huyện A (synthetic)' };
export const HOSPITAL_B = { code: 'SYN-B', name: 'Bệnh viện tỉnh B (synthetic)' };

export const PATIENT: PatientRecord = {
  identifiers: [
    { system: SYSTEMS.cccd, value: '001203012345', kind: 'cccd' },
    { system: SYSTEMS.bhyt, value: 'DN4010123456789', kind: 'bhyt' },
  ],
  name: { family: 'Nguyễn', middle: 'Văn', given: 'An' },
  birthDate: '2003-04-05',
  sex: 'male',
};

const hl7Time = (d: Date) => {
  const v = new Date(d.getTime() + 7 * 3600_000); // Vietnam time, UTC+07:00
  const p = (n: number) => String(n).padStart(2, '0');
  return `${v.getUTCFullYear()}${p(v.getUTCMonth() + 1)}${p(v.getUTCDate())}${p(v.getUTCHours())}${p(v.getUTCMinutes())}+0700`;
};

/**
 * The ORU^R01 message hospital A's analyser/LIS sends: a blood count and a glucose collected
 * `collectedDaysAgo` days ago, and a creatinine from 90 days ago. CR separators, as LIS send them.
 */
export function analyserMessage(now: Date, collectedDaysAgo: number): string {
  const recent = hl7Time(new Date(now.getTime() - collectedDaysAgo * 86_400_000));
  const old = hl7Time(new Date(now.getTime() - 90 * 86_400_000));
  return [
    `MSH|^~\\&|ANALYSER|${HOSPITAL_A.code}|LIS|${HOSPITAL_A.code}|${recent}||ORU^R01^ORU_R01|SYN-MSG-0001|P|2.5`,
    'PID|1||001203012345^^^CCCD^NNVNM||Nguyễn^Văn An||20030405|M',
    `OBR|1|SYN-ORD-1|SYN-A-CBC-1|22.0120.1370^^99MADV|||${recent}|||||||${recent}||||||||${recent}|||F`,
    `OBX|1|NM|718-7^Hemoglobin [Mass/volume] in Blood^LN||145|g/L|130-170|N|||F|||${recent}`,
    `OBX|2|NM|6690-2^Leukocytes [#/volume] in Blood by Automated count^LN||7.2|10*9/L|4.0-10.0|N|||F|||${recent}`,
    `OBX|3|NM|777-3^Platelets [#/volume] in Blood by Automated count^LN||250|10*9/L|150-450|N|||F|||${recent}`,
    `OBR|2|SYN-ORD-2|SYN-A-GLU-1|23.0075.1494^^99MADV|||${recent}|||||||${recent}||||||||${recent}|||F`,
    `OBX|1|NM|14749-6^Glucose [Moles/volume] in Serum or Plasma^LN||5.4|mmol/L|3.9-6.4|N|||F|||${recent}`,
    `OBR|3|SYN-ORD-3|SYN-A-CRE-1|23.0051.1494^^99MADV|||${old}|||||||${old}||||||||${old}|||F`,
    `OBX|1|NM|14682-9^Creatinine [Moles/volume] in Serum or Plasma^LN||88|umol/L|62-106|N|||F|||${old}`,
  ].join('\r');
}
