import { safeConvertUnit } from '@lienthong/catalogue/units';
import { instantOf } from '@lienthong/core/contract';
import type { LabCoding, LabReport } from './model.js';
import { clinicalTime } from './provider-kit/query.js';

/** One point of a trend, in the trend's unit (the source value and unit kept). */
export interface TrendPoint {
  at: string;
  value: number;
  comparator?: '<' | '<=' | '>=' | '>';
  sourceValue: number;
  sourceUnit?: string;
  reportId: string;
  version?: number;
  status: string;
  lab?: { code?: string; name?: string; qualityLevel?: number };
  referenceRange?: { low?: number; high?: number };
  interpretation?: string[];
}

export interface Trend {
  unit: string;
  points: TrendPoint[];
  /** Results of the analyte that could not be placed, with the reason. */
  skipped: { reportId: string; reason: string }[];
}

export interface TrendOptions {
  /** Codes of the analyte (any of them matches). */
  codes: readonly { system: string; code: string }[];
  /** UCUM unit of the chart (e.g. `mmol/L`). */
  unit: string;
  /** Molar mass (g/mol) for mass ↔ substance conversions (glucose: 180.156, see `MOLAR_MASS` in `@lienthong/catalogue/units`). */
  molarMass?: number;
  sameTest?: (wanted: { system: string; code: string }, carried: LabCoding) => boolean;
}

/**
 * One analyte's results from several labs on one timeline, converted to one UCUM unit (glucose
 * mg/dL ↔ mmol/L with its molar mass), with converted reference ranges — ready for a chart.
 * Only the latest version of each report is used; points are sorted by time.
 */
export function buildTrend(reports: readonly LabReport[], options: TrendOptions): Trend {
  const same = options.sameTest ?? ((a, b) => a.system === b.system && a.code === b.code);
  const latest = new Map<string, LabReport>();
  for (const r of reports) {
    const prev = latest.get(r.id);
    if (!prev || (r.version ?? 0) >= (prev.version ?? 0)) latest.set(r.id, r);
  }
  const points: TrendPoint[] = [];
  const skipped: Trend['skipped'] = [];
  const convert = (v: number, from: string | undefined) => {
    if (!from) return undefined;
    if (from === options.unit) return v;
    const r = safeConvertUnit(
      v,
      from,
      options.unit,
      options.molarMass === undefined ? {} : { molarMass: options.molarMass },
    );
    return r.ok ? r.value : undefined;
  };
  for (const r of latest.values()) {
    if (r.status === 'cancelled') continue;
    for (const o of r.observations) {
      if (!o.codes.some((c) => options.codes.some((w) => same(w, c)))) continue;
      if (o.status === 'cancelled' || o.status === 'entered-in-error') continue;
      const at = o.performedAt ?? clinicalTime(r);
      if (!at) {
        skipped.push({ reportId: r.id, reason: 'no time' });
        continue;
      }
      if (o.value?.kind !== 'quantity') {
        skipped.push({ reportId: r.id, reason: 'not a quantity' });
        continue;
      }
      const value = convert(o.value.value, o.value.unit);
      if (value === undefined) {
        skipped.push({
          reportId: r.id,
          reason: `cannot convert ${o.value.unit ?? o.value.originalUnit ?? '(no unit)'} to ${options.unit}`,
        });
        continue;
      }
      const rr = o.referenceRange?.find((x) => x.low !== undefined || x.high !== undefined);
      const rrUnit = rr?.unit ?? o.value.unit;
      const low = rr?.low === undefined ? undefined : convert(rr.low, rrUnit);
      const high = rr?.high === undefined ? undefined : convert(rr.high, rrUnit);
      points.push({
        at,
        value,
        ...(o.value.comparator ? { comparator: o.value.comparator } : {}),
        sourceValue: o.value.value,
        ...((o.value.originalUnit ?? o.value.unit)
          ? { sourceUnit: (o.value.originalUnit ?? o.value.unit)! }
          : {}),
        reportId: r.id,
        ...(r.version !== undefined ? { version: r.version } : {}),
        status: o.status,
        ...(r.lab ? { lab: r.lab } : r.performingFacility ? { lab: r.performingFacility } : {}),
        ...(low !== undefined || high !== undefined
          ? {
              referenceRange: {
                ...(low !== undefined ? { low } : {}),
                ...(high !== undefined ? { high } : {}),
              },
            }
          : {}),
        ...(o.interpretation ? { interpretation: o.interpretation } : {}),
      });
    }
  }
  points.sort((a, b) => instantOf(a.at) - instantOf(b.at));
  return { unit: options.unit, points, skipped };
}
