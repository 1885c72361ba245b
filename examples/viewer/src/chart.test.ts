import { describe, expect, it } from 'vitest';
import { niceTicks, renderTrendChart } from './chart.js';
import { escapeHtml, html } from './html.js';
import { analytesOf, labsOf, trendOf } from './model.js';
import { syntheticReports } from './server/seed.js';

const NOW = new Date('2026-11-25T03:00:00Z');
const reports = syntheticReports(NOW).map((r) => r.report); // SYNTHETIC

describe('niceTicks', () => {
  it('covers the range with round steps', () => {
    expect(niceTicks(3.5, 7.6)).toEqual([4, 5, 6, 7]);
    expect(niceTicks(0, 130)).toEqual([0, 50, 100]);
    expect(niceTicks(0, 100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(5, 5)).toEqual([5]);
  });
});

describe('renderTrendChart', () => {
  const glucose = analytesOf(reports)[0]!;
  const trend = trendOf(reports, glucose);
  const svg = renderTrendChart(trend, {
    id: 'c1',
    title: 'Glucose',
    description: 'Glucose <5 results>',
    lang: 'vi',
    labs: labsOf(trend),
  }).__html;

  it('is an accessible image with a title and a description', () => {
    expect(svg).toMatch(/^<svg class="chart" id="c1"[^>]* role="img" aria-labelledby="c1-title c1-desc"/);
    expect(svg).toContain('<title id="c1-title">Glucose</title>');
    expect(svg).toContain('Glucose &lt;5 results&gt;');
  });

  it('draws every point with its value in the language’s number format, and one reference band', () => {
    expect(svg).toContain('data-points="5"');
    const labels = [...svg.matchAll(/<text class="value"[^>]*>([^<]+)<\/text>/g)].map((m) => m[1]);
    expect(labels).toEqual(['7,2', '6,8', '6,88', '5,61', '5,9']);
    expect(svg.match(/class="band"/g)).toHaveLength(1);
    expect(svg.match(/class="point out"/g)).toHaveLength(3); // 7.2, 6.8 and 124 mg/dL are high
  });

  it('puts the label of the lower of two close points under its dot', () => {
    const ys = [
      ...svg.matchAll(
        /<circle cx="([\d.]+)" cy="([\d.]+)"[^>]*\/><text class="value" x="[\d.]+" y="([\d.]+)"/g,
      ),
    ].map((m) => ({ cy: Number(m[2]), ty: Number(m[3]) }));
    expect(ys[3]!.ty).toBeGreaterThan(ys[3]!.cy); // 5,61 (B, 2 days ago) is below 5,9 (C, 1 day ago)
    expect(ys[4]!.ty).toBeLessThan(ys[4]!.cy);
  });

  it('one point with a range: the band spans the chart', () => {
    const one = { ...trend, points: trend.points.slice(0, 1) };
    const out = renderTrendChart(one, {
      id: 'c2',
      title: 't',
      description: 'd',
      lang: 'en',
      labs: labsOf(one),
    }).__html;
    expect(out).toMatch(/<rect class="band"/);
  });
});

describe('html', () => {
  it('escapes interpolations, not raw fragments', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(html`<p>${'<b>'}${html`<i>${1}</i>`}${[undefined, false, 'x']}</p>`.__html).toBe(
      '<p>&lt;b&gt;<i>1</i>x</p>',
    );
  });
});
