import { describe, expect, it } from 'vitest';
import {
  canonicalIdentifier,
  canonicalIdentifierSystem,
  createIdentifierSystems,
  DEFAULT_IDENTIFIER_SYSTEMS,
  facilityRecordSystem,
  identifierSystemAliases,
  identifierSystemName,
  LEGACY_IDENTIFIER_SYSTEMS,
  VN_CORE_BASE,
  VN_CORE_PROFILES,
} from './identifier-systems.js';

const OLD_CCCD = 'http://fhir.hl7.org.vn/core/sid/cccd';
const OLD_BHYT = 'http://fhir.hl7.org.vn/core/sid/bhyt';

describe('identifier systems', () => {
  it('defaults to the VN Core IG of the MoH for personal ID, insurance card, old ID card and passport', () => {
    expect(VN_CORE_BASE).toBe('http://fhir.ehealth.gov.vn/core');
    expect(DEFAULT_IDENTIFIER_SYSTEMS).toEqual({
      cccd: 'http://fhir.ehealth.gov.vn/core/sid/national_id',
      bhyt: 'http://fhir.ehealth.gov.vn/core/sid/insurance_number',
      cmnd: 'http://fhir.ehealth.gov.vn/core/sid/citizen_id',
      passport: 'http://fhir.ehealth.gov.vn/core/sid/passport_number',
      facility: 'urn:lienthong:sid:facility',
      socialInsurance: 'urn:lienthong:sid:bhxh',
      dicomUid: 'urn:dicom:uid',
    });
    expect(Object.isFrozen(DEFAULT_IDENTIFIER_SYSTEMS)).toBe(true);
    expect(Object.isFrozen(LEGACY_IDENTIFIER_SYSTEMS.cccd)).toBe(true);
  });

  it('names the VN Core profiles it writes under the same base', () => {
    expect(VN_CORE_PROFILES.patient).toBe(
      'http://fhir.ehealth.gov.vn/core/StructureDefinition/vn-core-patient',
    );
    expect(VN_CORE_PROFILES.diagnosticReport).toBe(
      'http://fhir.ehealth.gov.vn/core/StructureDefinition/vn-core-diagnosticreport',
    );
    expect(VN_CORE_PROFILES.conditionEncounterDiagnosis).toBe(
      'http://fhir.ehealth.gov.vn/core/StructureDefinition/vn-core-condition-encounter-diagnosis',
    );
    expect(Object.isFrozen(VN_CORE_PROFILES)).toBe(true);
  });

  it('lets a deployment override any URI and resolves names back', () => {
    const systems = createIdentifierSystems({ bhyt: 'https://so-y-te.example/sid/bhyt' });
    expect(systems.bhyt).toBe('https://so-y-te.example/sid/bhyt');
    expect(systems.cccd).toBe(DEFAULT_IDENTIFIER_SYSTEMS.cccd);
    expect(identifierSystemName('https://so-y-te.example/sid/bhyt', systems)).toBe('bhyt');
    expect(identifierSystemName('https://so-y-te.example/sid/cccd', systems)).toBeUndefined();
    expect(identifierSystemName('urn:dicom:uid')).toBe('dicomUid');
  });

  it('reads the community VN Core URIs and the previous SDK defaults as the same systems', () => {
    expect(identifierSystemName(OLD_CCCD)).toBe('cccd');
    expect(identifierSystemName(OLD_BHYT)).toBe('bhyt');
    expect(identifierSystemName('urn:lienthong:sid:cmnd')).toBe('cmnd');
    expect(identifierSystemName('urn:lienthong:sid:passport')).toBe('passport');
    expect(canonicalIdentifierSystem(OLD_CCCD)).toBe(DEFAULT_IDENTIFIER_SYSTEMS.cccd);
    expect(canonicalIdentifierSystem('urn:lienthong:sid:cmnd')).toBe(DEFAULT_IDENTIFIER_SYSTEMS.cmnd);
    expect(canonicalIdentifierSystem(DEFAULT_IDENTIFIER_SYSTEMS.bhyt)).toBe(DEFAULT_IDENTIFIER_SYSTEMS.bhyt);
    // Record numbers and unknown systems are no alias of anything.
    expect(canonicalIdentifierSystem(facilityRecordSystem('79001'))).toBe('urn:lienthong:sid:mrn:79001');
    expect(canonicalIdentifierSystem('http://fhir.hl7.org.vn/core/sid/other')).toBe(
      'http://fhir.hl7.org.vn/core/sid/other',
    );
  });

  it('maps aliases to the URI the deployment configured, the current VN Core URI included', () => {
    const keepsOld = createIdentifierSystems({ cccd: OLD_CCCD });
    expect(canonicalIdentifierSystem(DEFAULT_IDENTIFIER_SYSTEMS.cccd, keepsOld)).toBe(OLD_CCCD);
    expect(canonicalIdentifierSystem(OLD_CCCD, keepsOld)).toBe(OLD_CCCD);
    const own = createIdentifierSystems({ bhyt: 'https://so-y-te.example/sid/bhyt' });
    expect(canonicalIdentifierSystem(OLD_BHYT, own)).toBe('https://so-y-te.example/sid/bhyt');
    expect(identifierSystemAliases(OLD_BHYT, own)).toEqual([
      'https://so-y-te.example/sid/bhyt',
      DEFAULT_IDENTIFIER_SYSTEMS.bhyt,
      OLD_BHYT,
    ]);
    expect(identifierSystemAliases('urn:lienthong:sid:mrn:79001')).toEqual(['urn:lienthong:sid:mrn:79001']);
  });

  it('rewrites an identifier only when its system is an alias', () => {
    const id = { system: DEFAULT_IDENTIFIER_SYSTEMS.cccd, value: '001203012345' };
    expect(canonicalIdentifier(id)).toBe(id);
    expect(canonicalIdentifier({ system: OLD_CCCD, value: '001203012345', use: 'official' })).toEqual({
      ...id,
      use: 'official',
    });
    const bare: { system?: string; value: string } = { value: 'x' };
    expect(canonicalIdentifier(bare)).toBe(bare);
  });

  it('gives each facility its own record-number system', () => {
    expect(facilityRecordSystem('01001')).not.toBe(facilityRecordSystem('79001'));
  });

  it('names the same system from a frozen deployment (looked up) as from an unfrozen copy (searched)', () => {
    // cmnd given the URI VN Core gives cccd: the deployment's own URI names cmnd, not an alias of cccd.
    const deployment = createIdentifierSystems({
      bhyt: OLD_BHYT,
      cccd: 'https://so-y-te.example.vn/sid/cccd',
      cmnd: `${VN_CORE_BASE}/sid/national_id`,
    });
    const uris = [
      ...Object.values(DEFAULT_IDENTIFIER_SYSTEMS),
      ...Object.values(deployment),
      ...Object.values(LEGACY_IDENTIFIER_SYSTEMS).flat(),
      OLD_CCCD,
      'urn:synthetic:patient-id',
      facilityRecordSystem('01001'),
    ];
    for (const systems of [DEFAULT_IDENTIFIER_SYSTEMS, deployment]) {
      expect(Object.isFrozen(systems)).toBe(true);
      for (const uri of uris) {
        expect(identifierSystemName(uri, systems)).toBe(identifierSystemName(uri, { ...systems }));
        expect(canonicalIdentifierSystem(uri, systems)).toBe(canonicalIdentifierSystem(uri, { ...systems }));
      }
    }
    // The deployment's own URI wins over an alias naming another system.
    expect(identifierSystemName(OLD_BHYT, deployment)).toBe('bhyt');
    expect(identifierSystemName(`${VN_CORE_BASE}/sid/national_id`, deployment)).toBe('cmnd');
    expect(canonicalIdentifierSystem(OLD_CCCD, deployment)).toBe('https://so-y-te.example.vn/sid/cccd');
  });
});
