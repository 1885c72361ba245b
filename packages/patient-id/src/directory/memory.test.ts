import { describePatientDirectoryConformance } from '@lienthong/conformance';
import { createMemoryPatientDirectory } from './memory.js';

describePatientDirectoryConformance('memory', () => createMemoryPatientDirectory());
