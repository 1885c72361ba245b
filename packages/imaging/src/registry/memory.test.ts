import { describeImagingRegistryConformance } from '@lienthong/conformance';
import { createMemoryImagingRegistry } from './memory.js';

describeImagingRegistryConformance('memory', () => createMemoryImagingRegistry());
