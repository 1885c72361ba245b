import { parseWith, type Result, safeParseWith, type ValidationError } from '@lienthong/core';
import { type ImagingReference, ImagingReferenceSchema } from './model.js';

/** Validates an imaging reference; every problem is listed with its path. */
export function safeParseImagingReference(value: unknown): Result<ImagingReference, ValidationError> {
  return safeParseWith(ImagingReferenceSchema, value, {
    code: 'IMAGING_REFERENCE_INVALID',
    subject: { en: 'imaging reference', vi: 'tham chiếu hình ảnh' },
  });
}

/** Like {@link safeParseImagingReference} but throws the `ValidationError`. */
export function parseImagingReference(value: unknown): ImagingReference {
  return parseWith(ImagingReferenceSchema, value, {
    code: 'IMAGING_REFERENCE_INVALID',
    subject: { en: 'imaging reference', vi: 'tham chiếu hình ảnh' },
  });
}

/** `YYYYMMDD` → `YYYY-MM-DD`, or undefined when not a valid DICOM DA value. */
export function dicomDateToIso(value: string | undefined): string | undefined {
  const m = value?.trim().match(/^(\d{4})(\d{2})(\d{2})$/);
  if (!m) return undefined;
  const iso = `${m[1]}-${m[2]}-${m[3]}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso ? undefined : iso;
}

/** `HHMMSS.ffffff` (any prefix, or the old `HH:MM:SS`) → `HH:MM[:SS[.ffffff]]`, or undefined. */
export function dicomTimeToIso(value: string | undefined): string | undefined {
  const m = value
    ?.trim()
    .replace(/:/g, '')
    .match(/^([01]\d|2[0-3])([0-5]\d)?([0-5]\d)?(?:\.(\d{1,6}))?$/);
  if (!m) return undefined;
  const [, hh, mm = '00', ss, frac] = m;
  return `${hh}:${mm}${ss ? `:${ss}${frac ? `.${frac}` : ''}` : ''}`;
}

/** DICOM Timezone Offset From UTC `±HHMM` → `±HH:MM`, or undefined. */
export function dicomOffsetToIso(value: string | undefined): string | undefined {
  const m = value?.trim().match(/^([+-])([01]\d|2[0-3])([0-5]\d)$/);
  return m ? `${m[1]}${m[2]}:${m[3]}` : undefined;
}

/** Fills the derived totals (modalities, instance count) of a reference from its series. */
export function summariseSeries(reference: ImagingReference): ImagingReference {
  const modalities = [...new Set([...reference.modalities, ...reference.series.map((s) => s.modality)])];
  const instanceCount = Math.max(
    reference.instanceCount,
    reference.series.reduce((n, s) => n + s.instanceCount, 0),
  );
  return { ...reference, modalities, instanceCount };
}
