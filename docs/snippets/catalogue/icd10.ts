import { createCatalogue } from '@lienthong/catalogue';
import { toFhirCodeSystem } from '@lienthong/catalogue/fhir';
import { loadIcd10 } from '@lienthong/catalogue/icd10';

// The ICD-10 list of QĐ 4469/QĐ-BYT with its restriction tables, loaded on first use (its own chunk).
const icd10 = await loadIcd10();

// Codes with or without the dot, as the insurance XML files write them (MA_BENH_CHINH = "J189").
console.log(icd10.lookup('J189')?.code, icd10.lookup('J18.9')?.display); // J18.9 Viêm phổi, không đặc hiệu

// Chapter → group → category → subcategory.
console.log(icd10.ancestors('J18.9').map((c) => c.code)); // ['J00-J99', 'J09-J18', 'J18']
console.log(icd10.children('J18').map((c) => c.code)); // ['J18.0', 'J18.1', 'J18.2', 'J18.8', 'J18.9']

// Search: the same folding, prefix and typo tolerance as the technique catalogue.
const catalogue = createCatalogue([icd10.release]);
for (const hit of catalogue.search('viem phoi', { systems: ['icd10-vn'], limit: 5 }))
  console.log(hit.code, hit.display); // J12.0, J15.1, J16.0, … — the pneumonia block J12–J18

// The Ministry's restriction tables: main diagnosis (A2), sex (A4.1, A4.2), age (A3.1–A3.10).
const check = icd10.checkDiagnosis('O80.0', { role: 'main', sex: 'male' });
for (const reason of check.reasons) console.log(reason.code, reason.rule?.appendix, reason.messageVi);
// ICD10_SEX_MISMATCH A4.1 O80.0 chỉ dùng cho người bệnh nữ (A4.1)

const newborn = icd10.checkDiagnosis('P07.3', {
  role: 'secondary',
  birthDate: '2021-04-02', // exact age: a range in days is decided, not guessed
  onDate: '2025-06-30',
});
console.log(
  newborn.ok,
  newborn.reasons.map((r) => r.code),
); // false ['ICD10_AGE_OUT_OF_RANGE']

// FHIR: system http://hl7.org/fhir/sid/icd-10 (VN Core), the Vietnamese display also as a `vi` designation.
const codeSystem = toFhirCodeSystem(icd10.release);
console.log(codeSystem.url, codeSystem.concept?.find((c) => c.code === 'J18.9')?.designation);
