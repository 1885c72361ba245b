import { createCatalogue } from '@lienthong/catalogue';
import { loadBundledRelease } from '@lienthong/catalogue/bundled';
import {
  lookupOperation,
  toFhirCodeSystem,
  translateOperation,
  validateCodeOperation,
} from '@lienthong/catalogue/fhir';
import { convertUnit, MOLAR_MASS, safeParseUcumUnit } from '@lienthong/catalogue/units';

const [pl01, pl02] = await Promise.all([loadBundledRelease('tt23-pl01'), loadBundledRelease('tt23-pl02')]);
const catalogue = createCatalogue([pl01, pl02]);

const codeSystem = toFhirCodeSystem(pl01); // CodeSystem, content "complete", 19,438 concepts
console.log(codeSystem.count);
console.log(lookupOperation(catalogue, { system: pl01.system.uri, code: '23.75' }));
console.log(validateCodeOperation(catalogue, { system: 'tt23-pl01', code: '22.120' }));
console.log(translateOperation(catalogue, { system: 'tt23-pl02', code: '1', targetsystem: 'tt23-pl01' }));

// UCUM through @lhncbc/ucum-lhc: glucose 100 mg/dL ≈ 5.55 mmol/L.
console.log(
  safeParseUcumUnit('mmol/L').ok, // a Result: no throw for a unit that is not UCUM
  convertUnit(100, 'mg/dL', 'mmol/L', { molarMass: MOLAR_MASS.glucose }), // throws UNIT_CONVERSION_FAILED
);
