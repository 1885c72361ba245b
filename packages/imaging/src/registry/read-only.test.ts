import { describeImagingRegistryConformance, syntheticImagingReferences } from '@lienthong/conformance';
import { describe, expect, it } from 'vitest';
import { createMemoryImagingRegistry } from './memory.js';
import { readOnlyImagingRegistry } from './read-only.js';

// The read-only view of a registry passes the suite's read-only mode on references stored beforehand.
const known = syntheticImagingReferences(`ro-${Date.now().toString(36)}`);
describeImagingRegistryConformance(
  'read-only view of memory',
  () => readOnlyImagingRegistry(createMemoryImagingRegistry({ seed: known }), 'memory'),
  { options: { known } },
);

describe('readOnlyImagingRegistry', () => {
  it('declares write false and never reaches the registry on publish', async () => {
    const inner = createMemoryImagingRegistry();
    const view = readOnlyImagingRegistry(inner, 'test');
    expect(view.capabilities.write).toBe(false);
    await expect(view.publish(known[0]!)).rejects.toMatchObject({ code: 'IMAGING_REGISTRY_READ_ONLY' });
    expect(await inner.get(known[0]!.studyInstanceUid)).toBeUndefined();
  });
});
