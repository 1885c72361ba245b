/**
 * Thumbnails of imaging references, fetched over DICOMweb (WADO-RS `/thumbnail`, falling back to
 * `/rendered?viewport=` as `@lienthong/imaging/dicomweb` does) when the reference names a WADO-RS
 * endpoint that answers; otherwise the study is shown without a picture.
 */
import type { ImagingReference } from '@lienthong/imaging';
import { createDicomwebClient } from '@lienthong/imaging/dicomweb';

export type Thumbnail =
  | { state: 'none' } // the reference names no WADO-RS endpoint
  | { state: 'loading' }
  | { state: 'ready'; url: string }
  | { state: 'failed' };

export interface ImagingThumbnails {
  get(reference: ImagingReference): Thumbnail;
  load(references: readonly ImagingReference[]): void;
}

/** Thumbnails cached by study UID; `onChange` runs when one arrives or fails. */
export function imagingThumbnails(onChange: () => void, size = 160): ImagingThumbnails {
  const cache = new Map<string, Thumbnail>();
  return {
    get: (ref) =>
      cache.get(ref.studyInstanceUid) ?? (ref.endpoints.wadoRs ? { state: 'loading' } : { state: 'none' }),
    load(references) {
      for (const ref of references) {
        const base = ref.endpoints.wadoRs;
        if (!base || cache.has(ref.studyInstanceUid)) continue;
        cache.set(ref.studyInstanceUid, { state: 'loading' });
        const series = ref.series[0]?.uid;
        void (async () => {
          try {
            const client = createDicomwebClient({ baseUrl: base, retry: 0, timeoutMs: 10_000 });
            const image = await client.retrieveThumbnail(
              { studyInstanceUid: ref.studyInstanceUid, ...(series ? { seriesInstanceUid: series } : {}) },
              { viewport: { width: size, height: size } },
            );
            const blob = new Blob([image.bytes as BlobPart], { type: image.contentType });
            cache.set(ref.studyInstanceUid, { state: 'ready', url: URL.createObjectURL(blob) });
          } catch {
            cache.set(ref.studyInstanceUid, { state: 'failed' });
          }
          onChange();
        })();
      }
    },
  };
}
