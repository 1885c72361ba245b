/**
 * A small SVG trend chart, rendered as markup (no chart library: one line, dots coloured by lab,
 * the reference range as a band, dates and values labelled). Pure, so it is unit-tested.
 */
import type { Trend, TrendPoint } from '@lienthong/result-exchange';
import { html, type Raw } from './html.js';
import { formatDate, formatNumber, type Lang } from './i18n.js';
import { unitLabel } from './model.js';

/** Colours of the labs (dark enough for text contrast on white, distinct for colour-blind readers). */
export const LAB_COLOURS = ['#1f5fa8', '#b3541e', '#2e7d4f', '#7a3fa0', '#8a6d00'] as const;

export interface ChartOptions {
  id: string;
  title: string;
  description: string;
  lang: Lang;
  /** Lab names in legend order (their colour is `LAB_COLOURS[index]`). */
  labs: readonly string[];
  width?: number;
  height?: number;
}

const M = { left: 50, right: 22, top: 30, bottom: 40 };

/** Round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
    ticks.push(Math.round(v / step) * step);
  }
  return ticks;
}

const instant = (iso: string) => Date.parse(iso.length === 10 ? `${iso}T00:00:00+07:00` : iso);

const outOfRange = (p: TrendPoint) =>
  (p.referenceRange?.high !== undefined && p.value > p.referenceRange.high) ||
  (p.referenceRange?.low !== undefined && p.value < p.referenceRange.low);

/** The chart's SVG. */
export function renderTrendChart(trend: Trend, o: ChartOptions): Raw {
  const width = o.width ?? 560;
  const height = o.height ?? 250;
  const pts = trend.points;
  const fmt = (n: number) => formatNumber(n, o.lang, 2);
  const times = pts.map((p) => instant(p.at));
  let t0 = Math.min(...times);
  let t1 = Math.max(...times);
  const padT = Math.max((t1 - t0) * 0.06, 86_400_000);
  t0 -= padT;
  t1 += padT;
  const values = pts.flatMap((p) => [
    p.value,
    ...(p.referenceRange?.low !== undefined ? [p.referenceRange.low] : []),
    ...(p.referenceRange?.high !== undefined ? [p.referenceRange.high] : []),
  ]);
  let v0 = Math.min(...values);
  let v1 = Math.max(...values);
  const padV = v1 > v0 ? (v1 - v0) * 0.15 : Math.abs(v0) * 0.2 || 1;
  v0 = Math.max(0, v0 - padV);
  v1 += padV;
  const ticks = niceTicks(v0, v1);
  v0 = Math.min(v0, ticks[0]!);
  v1 = Math.max(v1, ticks.at(-1)!);
  const plotW = width - M.left - M.right;
  const plotH = height - M.top - M.bottom;
  const x = (t: number) => M.left + ((t - t0) / (t1 - t0)) * plotW;
  const y = (v: number) => M.top + (1 - (v - v0) / (v1 - v0)) * plotH;
  const r1 = (n: number) => Math.round(n * 10) / 10;

  // Reference band: follows each point's own (converted) range; one range spans the whole width.
  const ranged = pts.filter(
    (p) => p.referenceRange?.low !== undefined && p.referenceRange?.high !== undefined,
  );
  let band: Raw | undefined;
  if (ranged.length === 1 || (ranged.length > 1 && new Set(ranged.map((p) => p.at)).size === 1)) {
    const rr = ranged[0]!.referenceRange!;
    band = html`<rect class="band" x="${M.left}" y="${r1(y(rr.high!))}" width="${plotW}" height="${r1(y(rr.low!) - y(rr.high!))}"/>`;
  } else if (ranged.length > 1) {
    const top = ranged.map((p) => `${r1(x(instant(p.at)))},${r1(y(p.referenceRange!.high!))}`);
    const bottom = ranged.map((p) => `${r1(x(instant(p.at)))},${r1(y(p.referenceRange!.low!))}`).reverse();
    const first = ranged[0]!.referenceRange!;
    const last = ranged.at(-1)!.referenceRange!;
    const poly = [
      `${M.left},${r1(y(first.high!))}`,
      ...top,
      `${M.left + plotW},${r1(y(last.high!))}`,
      `${M.left + plotW},${r1(y(last.low!))}`,
      ...bottom,
      `${M.left},${r1(y(first.low!))}`,
    ].join(' ');
    band = html`<polygon class="band" points="${poly}"/>`;
  }

  const labIndex = (p: TrendPoint) => Math.max(0, o.labs.indexOf(p.lab?.name ?? p.lab?.code ?? '?'));
  const line = pts.map((p) => `${r1(x(instant(p.at)))},${r1(y(p.value))}`).join(' ');

  // Date labels under the points, skipping those that would overlap.
  let lastX = Number.NEGATIVE_INFINITY;
  const dateLabels = pts.map((p) => {
    const px = x(instant(p.at));
    if (px - lastX < 84) return '';
    lastX = px;
    return html`<text class="tick" x="${r1(px)}" y="${height - M.bottom + 18}" text-anchor="middle">${formatDate(p.at, o.lang)}</text>`;
  });

  // A label goes under its dot when a close neighbour is drawn higher, so the two never overlap.
  const xy = pts.map((p) => ({ px: r1(x(instant(p.at))), py: r1(y(p.value)) }));
  const below = xy.map((a, i) =>
    xy.some((b, j) => j !== i && Math.abs(b.px - a.px) < 44 && (b.py < a.py || (b.py === a.py && j < i))),
  );
  const dots = pts.map((p, i) => {
    const { px, py } = xy[i]!;
    const bad = outOfRange(p);
    const colour = LAB_COLOURS[labIndex(p) % LAB_COLOURS.length]!;
    const label = `${p.comparator ?? ''}${fmt(p.value)}`;
    const tip = `${formatDate(p.at, o.lang)} — ${label} ${unitLabel(trend.unit)} (${p.lab?.name ?? p.lab?.code ?? ''}; ${fmt(p.sourceValue)} ${p.sourceUnit ?? ''})`;
    return html`<g class="point${bad ? ' out' : ''}"><title>${tip}</title><circle cx="${px}" cy="${py}" r="${bad ? 7 : 6}" fill="${colour}"/><text class="value" x="${px}" y="${below[i] ? r1(py + 24) : r1(py - 12)}" text-anchor="middle">${label}</text></g>`;
  });

  return html`<svg class="chart" id="${o.id}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${o.id}-title ${o.id}-desc" data-points="${pts.length}">
<title id="${o.id}-title">${o.title}</title><desc id="${o.id}-desc">${o.description}</desc>
${band}
${ticks.map((t) => html`<line class="grid" x1="${M.left}" x2="${M.left + plotW}" y1="${r1(y(t))}" y2="${r1(y(t))}"/><text class="tick" x="${M.left - 8}" y="${r1(y(t)) + 4}" text-anchor="end">${fmt(t)}</text>`)}
<line class="axis" x1="${M.left}" x2="${M.left + plotW}" y1="${M.top + plotH}" y2="${M.top + plotH}"/>
<text class="unit" x="6" y="${M.top - 12}">${unitLabel(trend.unit)}</text>
${dateLabels}
<polyline class="line" points="${line}"/>
${dots}
</svg>`;
}
