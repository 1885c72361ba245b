import { readOnly, throwIfAborted } from '@lienthong/core/contract';
import { fromDicomJsonSeries, fromDicomJsonStudies } from '../dicom-json.js';
import type { ImagingReference } from '../model.js';
import { matchesImagingQuery } from '../provider-kit/match.js';
import { IMAGING_REGISTRY_CONTRACT, type ImagingRegistry, parseImagingQuery } from '../registry/contract.js';
import { isDicomUid } from '../uid.js';
import {
  createDicomwebClient,
  type DicomwebClient,
  type DicomwebClientOptions,
  type QidoQuery,
} from './client.js';

/** Options of {@link createDicomwebImagingRegistry}. */
export type DicomwebImagingRegistryOptions = (DicomwebClientOptions | { client: DicomwebClient }) & {
  /** The facility that owns this PACS (its code becomes each reference's performing facility). */
  facility?: string;
  facilityName?: string;
  /** WADO-RS base advertised in references (default: the client's base URL). */
  wadoRsBase?: string;
  /** Fetch series for each study (one more QIDO request per study; default true). */
  includeSeries?: boolean;
};

const STUDY_FIELDS = ['00081030', '00080080', '00100021', '00080201'];

/**
 * A read-only `ImagingRegistry` straight over a PACS's QIDO-RS: `get` and `query` search studies
 * (and their series); `publish` rejects with `PROVIDER_READ_ONLY` (`capabilities.write` is false —
 * the contract kit's `readOnly`). Patient identifiers
 * are matched on the value (DICOM PatientID has no system) and facility on this PACS's own code.
 */
export function createDicomwebImagingRegistry(options: DicomwebImagingRegistryOptions): ImagingRegistry {
  const client = 'client' in options ? options.client : createDicomwebClient(options);
  const base = client.baseUrl.replace(/\/+$/, '');
  const group = {
    ...(options.facility ? { facility: options.facility } : {}),
    ...(options.facilityName ? { facilityName: options.facilityName } : {}),
    qidoRsBase: base,
    wadoRsBase: options.wadoRsBase ?? base,
  };

  async function complete(ref: ImagingReference, signal?: AbortSignal): Promise<ImagingReference> {
    if (options.includeSeries === false) return ref;
    const series = fromDicomJsonSeries(
      await client.searchSeries(
        ref.studyInstanceUid,
        { includefield: ['00180015', '0008103E'] },
        signal ? { signal } : {},
      ),
    );
    const modalities = [...new Set([...ref.modalities, ...series.map((s) => s.modality)])];
    const counted = series.reduce((n, s) => n + s.instanceCount, 0);
    return { ...ref, series, modalities, instanceCount: Math.max(ref.instanceCount, counted) };
  }

  return readOnly<ImagingRegistry, 'publish'>(
    {
      contract: IMAGING_REGISTRY_CONTRACT,
      capabilities: { write: false },
      async get(uid, o = {}) {
        throwIfAborted(o.signal);
        if (!isDicomUid(uid)) return undefined;
        const found = await client.searchStudies(
          { StudyInstanceUID: uid, includefield: STUDY_FIELDS },
          o.signal ? { signal: o.signal } : {},
        );
        const [ref] = fromDicomJsonStudies(found, group).filter((r) => r.studyInstanceUid === uid);
        return ref ? complete(ref, o.signal) : undefined;
      },
      async *query(query, o = {}) {
        throwIfAborted(o.signal);
        const q = parseImagingQuery(query);
        if (q.facility && q.facility !== options.facility) return;
        const qido: QidoQuery = { includefield: STUDY_FIELDS };
        if (q.patientIdentifier) qido.PatientID = q.patientIdentifier.value;
        if (q.modality) qido.ModalitiesInStudy = q.modality;
        if (q.since || q.until) {
          qido.StudyDate = {
            ...(q.since ? { from: q.since } : {}),
            ...(q.until ? { to: q.until } : {}),
          };
        }
        const pageSize = Math.max(1, o.pageSize ?? 50);
        for (let offset = 0; ; offset += pageSize) {
          throwIfAborted(o.signal);
          const page = await client.searchStudies(
            { ...qido, limit: pageSize, offset },
            o.signal ? { signal: o.signal } : {},
          );
          for (const ref of fromDicomJsonStudies(page, group)) {
            const full = await complete(ref, o.signal);
            if (
              matchesImagingQuery(full, {
                ...q,
                patientIdentifier: q.patientIdentifier ? { value: q.patientIdentifier.value } : undefined,
              })
            )
              yield full;
          }
          if (page.length < pageSize) return;
        }
      },
    },
    ['publish'],
    { name: 'DICOMweb' },
  );
}
