import { describe, expect, it } from 'vitest';
import {
  createIdentifierSystems,
  DEFAULT_IDENTIFIER_SYSTEMS,
  facilityRecordSystem,
  identifierSystemName,
} from './identifier-systems.js';

describe('identifier systems', () => {
  it('defaults to VN Core for personal ID and insurance card', () => {
    expect(DEFAULT_IDENTIFIER_SYSTEMS.cccd).toBe('http://fhir.hl7.org.vn/core/sid/cccd');
    expect(DEFAULT_IDENTIFIER_SYSTEMS.bhyt).toBe('http://fhir.hl7.org.vn/core/sid/bhyt');
    expect(Object.isFrozen(DEFAULT_IDENTIFIER_SYSTEMS)).toBe(true);
  });

  it('lets a deployment override any URI and resolves names back', () => {
    const systems = createIdentifierSystems({ bhyt: 'https://so-y-te.example/sid/bhyt' });
    expect(systems.bhyt).toBe('https://so-y-te.example/sid/bhyt');
    expect(systems.cccd).toBe(DEFAULT_IDENTIFIER_SYSTEMS.cccd);
    expect(identifierSystemName('https://so-y-te.example/sid/bhyt', systems)).toBe('bhyt');
    expect(identifierSystemName(DEFAULT_IDENTIFIER_SYSTEMS.bhyt, systems)).toBeUndefined();
    expect(identifierSystemName('urn:dicom:uid')).toBe('dicomUid');
  });

  it('gives each facility its own record-number system', () => {
    expect(facilityRecordSystem('01001')).not.toBe(facilityRecordSystem('79001'));
  });
});
