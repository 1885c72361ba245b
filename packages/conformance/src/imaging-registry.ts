/**
 * Conformance suite of contract `imaging-registry/v1` (`@lienthong/imaging`). Every provider runs
 * it: write-capable providers publish their own synthetic references (unique per run); read-only
 * providers pass the references their backend holds as `options.seed`.
 */
import {
  generateDicomUid,
  type ImagingReference,
  type ImagingRegistry,
  isDicomUid,
} from '@lienthong/imaging';
import { expect } from 'vitest';
import {
  type CaseContext,
  defineContractSuite,
  type RunOptions,
  runContractSuite,
  seedOf,
} from './contract-suite.js';
import { caseKey, collect, sharedCases } from './shared-cases.js';

/** Options of the imaging suite (`options` of {@link describeImagingRegistryConformance}). */
export interface ImagingRegistryConformanceOptions {
  /**
   * For read-only providers: references the provider serves (at least one with a patient
   * identifier, a modality and a study date). Matching is checked by inclusion, not exact sets.
   */
  seed?: readonly ImagingReference[];
}

/** Synthetic references (made up for the suite), unique per run. */
export function syntheticImagingReferences(runId: string): ImagingReference[] {
  const patient = { identifiers: [{ system: 'urn:lienthong:sid:mrn:conformance', value: `P-${runId}` }] };
  const facility = (code: string) => ({
    code,
    system: 'urn:lienthong:sid:facility',
    name: `Synthetic facility ${code}`,
  });
  const ct = generateDicomUid();
  const mr = generateDicomUid();
  return [
    {
      studyInstanceUid: ct,
      accessionNumber: `ACC-${runId}`,
      patient,
      performingFacility: facility(`F1-${runId}`),
      studyDate: '2025-01-10',
      studyTime: '08:30:00',
      utcOffset: '+07:00',
      modalities: ['CT'],
      bodyPart: { code: 'HEAD' },
      description: 'Synthetic CT head',
      series: [
        { uid: `${ct}.1`, modality: 'CT', number: 1, instanceCount: 3, bodyPart: { code: 'HEAD' } },
        { uid: `${ct}.2`, modality: 'CT', number: 2, instanceCount: 2, bodyPart: { code: 'HEAD' } },
      ],
      instanceCount: 5,
      endpoints: { wadoRs: 'https://pacs.example.vn/dicom-web', qidoRs: 'https://pacs.example.vn/dicom-web' },
      report: {
        text: 'Synthetic report text.',
        conclusion: 'Normal',
        signers: [
          { role: 'performer', name: 'Synthetic performer' },
          { role: 'reader', name: 'Synthetic reader' },
        ],
        signedAt: '2025-01-10T09:00:00+07:00',
      },
      completeness: 'complete',
    },
    {
      studyInstanceUid: mr,
      patient,
      performingFacility: facility(`F2-${runId}`),
      studyDate: '2025-02-20',
      modalities: ['MR'],
      series: [{ uid: `${mr}.1`, modality: 'MR', number: 1, instanceCount: 1 }],
      instanceCount: 1,
      endpoints: {},
      completeness: 'unknown',
    },
  ];
}

/** The references a case can rely on, and whether the provider holds nothing else for their patient. */
async function subjects(
  provider: ImagingRegistry,
  context: CaseContext,
): Promise<{ refs: ImagingReference[]; exclusive: boolean }> {
  if (provider.capabilities.write) {
    const refs = syntheticImagingReferences(caseKey(context));
    for (const r of refs) await provider.publish(r);
    return { refs, exclusive: true };
  }
  const seed = seedOf<NonNullable<ImagingRegistryConformanceOptions['seed']>>(context, {
    en: 'the imaging references it serves',
    vi: 'các tham chiếu ảnh mà nó phục vụ',
  });
  return { refs: [...seed], exclusive: false };
}

const uids = (refs: readonly ImagingReference[]) => refs.map((r) => r.studyInstanceUid).sort();

/** The suite itself. */
export const imagingRegistrySuite = defineContractSuite<ImagingRegistry>({
  contract: 'imaging-registry/v1',
  cases: [
    ...sharedCases<ImagingRegistry, ImagingReference>({
      writes: ['publish'],
      fresh: (context) => syntheticImagingReferences(caseKey(context))[0]!,
      change: (ref) => ({ ...ref, description: `${ref.description ?? 'Synthetic study'} (amended)` }),
      write: (provider, ref) => provider.publish(ref),
      read: (provider, ref) => provider.get(ref.studyInstanceUid),
      idOf: (ref) => ref.studyInstanceUid,
      calls: {
        publish: (provider, ref, signal) => provider.publish(ref, { signal }),
        get: (provider, ref, signal) => provider.get(ref.studyInstanceUid, { signal }),
        query: (provider, ref, signal) =>
          collect(provider.query({ patientIdentifier: ref.patient.identifiers[0]! }, { signal })),
      },
      queryWindow: (provider, window) =>
        collect(provider.query({ patientIdentifier: { value: 'P-window' }, ...window })),
    }),
    {
      name: 'get returns undefined for an unknown study UID (and for a malformed one)',
      async run(provider) {
        expect(await provider.get(generateDicomUid())).toBeUndefined();
        expect(await provider.get('not-a-uid')).toBeUndefined();
      },
    },
    {
      name: 'get returns the reference with its series and counts',
      async run(provider, context) {
        const { refs, exclusive } = await subjects(provider, context);
        for (const ref of refs) {
          const got = await provider.get(ref.studyInstanceUid);
          expect(got, ref.studyInstanceUid).toBeDefined();
          if (exclusive) {
            expect(got).toEqual(ref);
          } else {
            expect(got!.studyInstanceUid).toBe(ref.studyInstanceUid);
            expect(got!.series.map((s) => s.uid).sort()).toEqual(ref.series.map((s) => s.uid).sort());
            expect(got!.instanceCount).toBe(ref.instanceCount);
            expect([...got!.modalities].sort()).toEqual([...ref.modalities].sort());
            expect(got!.studyDate).toBe(ref.studyDate);
          }
          expect(isDicomUid(got!.studyInstanceUid)).toBe(true);
        }
      },
    },
    {
      name: 'query by patient identifier finds the patient’s studies',
      async run(provider, context) {
        const { refs, exclusive } = await subjects(provider, context);
        const withPatient = refs.filter((r) => r.patient.identifiers.length > 0);
        expect(withPatient.length).toBeGreaterThan(0);
        const pid = withPatient[0]!.patient.identifiers[0]!;
        const expected = refs.filter((r) => r.patient.identifiers.some((i) => i.value === pid.value));
        const found = await collect(provider.query({ patientIdentifier: { value: pid.value } }));
        if (exclusive) expect(uids(found)).toEqual(uids(expected));
        else expect(uids(found)).toEqual(expect.arrayContaining(uids(expected)));
        for (const r of found) expect(r.patient.identifiers.map((i) => i.value)).toContain(pid.value);
        const none = await collect(
          provider.query({ patientIdentifier: { value: `NOBODY-${context.runId}` } }),
        );
        expect(none).toEqual([]);
      },
    },
    {
      name: 'query by modality and date range narrows the results',
      async run(provider, context) {
        const { refs } = await subjects(provider, context);
        const ref = refs.find(
          (r) => r.studyDate && r.modalities.length > 0 && r.patient.identifiers.length > 0,
        );
        expect(ref, 'a reference with date, modality and patient').toBeDefined();
        const pid = { value: ref!.patient.identifiers[0]!.value };
        const modality = ref!.modalities[0]!;
        const byModality = await collect(provider.query({ patientIdentifier: pid, modality }));
        expect(uids(byModality)).toContain(ref!.studyInstanceUid);
        for (const r of byModality)
          expect([...r.modalities, ...r.series.map((s) => s.modality)]).toContain(modality);
        const inRange = await collect(
          provider.query({ patientIdentifier: pid, since: ref!.studyDate!, until: ref!.studyDate! }),
        );
        expect(uids(inRange)).toContain(ref!.studyInstanceUid);
        for (const r of inRange) expect(r.studyDate).toBe(ref!.studyDate);
        const after = await collect(provider.query({ patientIdentifier: pid, since: '2999-01-01' }));
        expect(after).toEqual([]);
      },
    },
    {
      name: 'query by performing facility',
      async run(provider, context) {
        const { refs, exclusive } = await subjects(provider, context);
        const ref = refs.find((r) => r.performingFacility && r.patient.identifiers.length > 0);
        if (!ref) return;
        const pid = { value: ref.patient.identifiers[0]!.value };
        const found = await collect(
          provider.query({ patientIdentifier: pid, facility: ref.performingFacility!.code }),
        );
        expect(uids(found)).toContain(ref.studyInstanceUid);
        for (const r of found) expect(r.performingFacility?.code).toBe(ref.performingFacility!.code);
        if (exclusive) {
          const expected = refs.filter((r) => r.performingFacility?.code === ref.performingFacility!.code);
          expect(uids(found)).toEqual(uids(expected));
        }
        expect(
          await collect(provider.query({ patientIdentifier: pid, facility: `NONE-${context.runId}` })),
        ).toEqual([]);
      },
    },
    {
      name: 'query pages lazily: pageSize 1 yields every match once',
      async run(provider, context) {
        const { refs } = await subjects(provider, context);
        const pid = refs.find((r) => r.patient.identifiers.length > 0)!.patient.identifiers[0]!;
        const all = await collect(
          provider.query({ patientIdentifier: { value: pid.value } }, { pageSize: 50 }),
        );
        const paged = await collect(
          provider.query({ patientIdentifier: { value: pid.value } }, { pageSize: 1 }),
        );
        expect(uids(paged)).toEqual(uids(all));
        expect(new Set(uids(paged)).size).toBe(paged.length);
        // Taking only the first result and stopping must work (lazy iteration).
        for await (const first of provider.query(
          { patientIdentifier: { value: pid.value } },
          { pageSize: 1 },
        )) {
          expect(first.studyInstanceUid).toBeTruthy();
          break;
        }
      },
    },
    {
      name: 'publish is idempotent on the study UID',
      requires: ['write'],
      async run(provider, context) {
        const [ref] = syntheticImagingReferences(caseKey(context));
        await provider.publish(ref!);
        await provider.publish(ref!);
        const found = await collect(provider.query({ patientIdentifier: ref!.patient.identifiers[0]! }));
        expect(uids(found)).toEqual([ref!.studyInstanceUid]);
      },
    },
    {
      name: 'publish updates a changed reference in place',
      requires: ['write'],
      async run(provider, context) {
        const [ref] = syntheticImagingReferences(caseKey(context));
        await provider.publish(ref!);
        const { report: _report, ...withoutReport } = ref!;
        const changed: ImagingReference = {
          ...withoutReport,
          description: 'Synthetic CT head (amended)',
          series: [
            ...ref!.series,
            {
              uid: `${ref!.studyInstanceUid}.3`,
              modality: 'CT',
              number: 3,
              instanceCount: 4,
              bodyPart: { code: 'HEAD' },
            },
          ],
          instanceCount: 9,
        };
        await provider.publish(changed);
        expect(await provider.get(ref!.studyInstanceUid)).toEqual(changed);
        const found = await collect(provider.query({ patientIdentifier: ref!.patient.identifiers[0]! }));
        expect(found).toHaveLength(1);
      },
    },
    {
      name: 'publish rejects an invalid reference with a ValidationError and stores nothing',
      requires: ['write'],
      async run(provider, context) {
        const [ref] = syntheticImagingReferences(caseKey(context));
        const bad = { ...ref!, series: [{ ...ref!.series[0]!, uid: '1.02.3' }] };
        await expect(provider.publish(bad)).rejects.toMatchObject({ kind: 'validation' });
        expect(await provider.get(ref!.studyInstanceUid)).toBeUndefined();
      },
    },
  ],
});

/**
 * Registers the `imaging-registry/v1` suite for a provider.
 * @example describeImagingRegistryConformance('memory', () => createMemoryImagingRegistry());
 */
export function describeImagingRegistryConformance(
  name: string,
  factory: () => ImagingRegistry | Promise<ImagingRegistry>,
  options: Omit<RunOptions<ImagingRegistry>, 'options'> & {
    options?: ImagingRegistryConformanceOptions;
  } = {},
): void {
  const { options: suiteOptions, ...rest } = options;
  runContractSuite(imagingRegistrySuite, name, factory, {
    ...rest,
    ...(suiteOptions ? { options: suiteOptions as Readonly<Record<string, unknown>> } : {}),
  });
}
