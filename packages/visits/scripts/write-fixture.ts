// Writes test/fixtures/synthetic-xml130-file-set.xml (SYNTHETIC data) from the fixture builder.
// Run: node --import tsx packages/visits/scripts/write-fixture.ts
import { writeFileSync } from 'node:fs';
import { syntheticFileSet } from '../test/fixtures/synthetic-file-set.js';

writeFileSync(
  new URL('../test/fixtures/synthetic-xml130-file-set.xml', import.meta.url),
  `${syntheticFileSet()}\n`,
);
