import { describeImagingRegistryConformance, syntheticImagingReferences } from '@lienthong/conformance';
import { readOnly } from '@lienthong/core/contract';
import { createMemoryImagingRegistry } from './memory.js';

// The read-only view of a registry passes the suite's read-only mode on references stored beforehand.
const seed = syntheticImagingReferences(`ro-${Date.now().toString(36)}`);
describeImagingRegistryConformance(
  'read-only view of memory',
  () => readOnly(createMemoryImagingRegistry({ seed }), ['publish'], { name: 'memory' }),
  { options: { seed } },
);
