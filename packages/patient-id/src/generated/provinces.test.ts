import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateProvinces, OUTPUT, readSources } from '../../scripts/gen-provinces.js';

describe('generated province tables', () => {
  it('are up to date with data/provinces (run `npm run gen -w @lienthong/patient-id`)', () => {
    const { oldCsv, newCsv } = readSources();
    expect(readFileSync(OUTPUT, 'utf8')).toBe(generateProvinces(oldCsv, newCsv));
  });
  it('reject inconsistent sources', () => {
    const { oldCsv, newCsv } = readSources();
    expect(() => generateProvinces(oldCsv.replace('\n02,', '\n01,'), newCsv)).toThrow(/duplicate/);
    expect(() => generateProvinces(oldCsv, newCsv.replace(/\n34,96,Cà Mau/, ''))).toThrow(/34/);
  });
});
