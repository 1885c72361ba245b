// In your provider's test file: the same suite every Liên Thông provider passes.
import { describePatientDirectoryConformance, patientDirectoryFixtures } from '@lienthong/conformance';
import { readOnly } from '@lienthong/core/contract';
import { createMemoryPatientDirectory } from '@lienthong/patient-id';

describePatientDirectoryConformance('my directory', () => createMemoryPatientDirectory());

// A read-only provider: load the synthetic fixtures into its backend, then pass them as the seed.
const seed = patientDirectoryFixtures('my-run');
describePatientDirectoryConformance(
  'my read-only directory',
  () => readOnly(createMemoryPatientDirectory({ seed }), ['upsert']),
  {
    options: { seed },
  },
);
