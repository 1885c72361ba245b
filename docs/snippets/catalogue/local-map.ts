import { readFileSync } from 'node:fs';
import { buildLocalMap, createCatalogue } from '@lienthong/catalogue';
import { loadBundledRelease } from '@lienthong/catalogue/bundled';
import { toFhirConceptMap } from '@lienthong/catalogue/fhir';

const catalogue = createCatalogue([await loadBundledRelease('tt23-pl01')]);

// local_code,local_name,national_code[,equivalence] — one row per pair (many-to-many).
const { map, unmapped, issues } = buildLocalMap(readFileSync('hospital-codes.csv', 'utf8'), {
  id: 'bv-01001-xn',
  localSystem: 'urn:lienthong:cs:local:01001',
  targetSystem: 'tt23-pl01',
  catalogue,
  validFrom: '2026-01-01',
});
for (const u of unmapped)
  console.log(
    u.localCode,
    '→ candidates',
    u.candidates.map((c) => c.code),
  );
console.log(issues.length, 'problems');
catalogue.addConceptMap(map);
console.log(catalogue.translate('GLU', 'tt23-pl01'));
console.log(JSON.stringify(toFhirConceptMap(map)));
