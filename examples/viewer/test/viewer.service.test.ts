/**
 * End to end in real Chromium (Debian `chromium`, driven by playwright-core): the built viewer
 * against a seeded hub (SYNTHETIC patient), searched by insurance card with the keyboard; asserts
 * the trend chart (unit conversion included) and the reuse badges, toggles English, opens the
 * visit history (synthetic visits of two facilities, one diagnosis withheld by the stack's disclosure
 * policy) and walks to a visit's details by keyboard, and saves screenshots under
 * `examples/viewer/test-artifacts/`. Thumbnails come from Orthanc when
 * `LIENTHONG_ORTHANC_URL` is set (as `npm run test:services` does); without it, the studies show
 * without thumbnails and the test checks that instead.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceUrl } from '../../../scripts/services/service-env.ts';
import { SYNTHETIC_PATIENT } from '../src/server/seed.ts';
import { startViewerStack, type ViewerStack } from '../src/server/stack.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const artifacts = join(root, 'test-artifacts');
const browserPath = serviceUrl('LIENTHONG_CHROMIUM');
const orthanc = process.env.LIENTHONG_ORTHANC_URL;

describe.skipIf(!browserPath)('viewer in Chromium', () => {
  let stack: ViewerStack;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await build({ root, configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
    stack = await startViewerStack(orthanc ? { orthancUrl: orthanc } : {});
    profile = await mkdtemp(join(tmpdir(), 'lienthong-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: browserPath!,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
      viewport: { width: 1280, height: 900 },
      locale: 'vi-VN',
      timezoneId: 'Asia/Ho_Chi_Minh',
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await mkdir(artifacts, { recursive: true });
  });

  afterAll(async () => {
    await context?.close();
    await stack?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it('loads in Vietnamese and refuses a facility code in the search box', async () => {
    await page.goto(`${stack.viewer.url}/`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Kết quả liên thông');
    expect(await page.getAttribute('html', 'lang')).toBe('vi');
    // The search box is labelled (accessible name from its <label>).
    await page.getByLabel('Mã định danh người bệnh').fill('01001');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#status').textContent()).toContain('mã cơ sở KCB');
  });

  it('finds the synthetic patient by insurance card, with the keyboard', async () => {
    const card = SYNTHETIC_PATIENT.identifiers.find((i) => i.kind === 'bhyt')!.value;
    const input = page.getByLabel('Mã định danh người bệnh');
    await input.fill(card);
    await page.keyboard.press('Tab'); // to the lab-level select
    await page.keyboard.press('Tab'); // to the button
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('go');
    await page.keyboard.press('Enter');
    await page.locator('#patient-h').waitFor();
    expect(await page.locator('#patient-h').textContent()).toContain('Trần Thị Bình');
    // Focus moves to the patient heading for screen-reader users.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('patient-h');
  });

  it('draws the glucose trend across three labs in mmol/L, converting mg/dL, with reference ranges', async () => {
    const card = page.locator('article.trend', { has: page.locator('h3', { hasText: /^Glucose$/ }) });
    const svg = card.locator('svg.chart');
    expect(await svg.getAttribute('data-points')).toBe('5');
    expect(await svg.getAttribute('role')).toBe('img');
    expect(await page.locator('svg.chart title').first().textContent()).toBe('Glucose');
    expect(await card.locator('svg .band').count()).toBe(1);
    expect(await card.locator('svg text.unit').textContent()).toBe('mmol/L');
    // 101 mg/dL (provincial hospital B) is 5.61 mmol/L with glucose's molar mass.
    const labels = await card.locator('svg text.value').allTextContents();
    expect(labels).toEqual(['7,2', '6,8', '6,88', '5,61', '5,9']);
    expect(await card.locator('.legend li').count()).toBe(4); // three labs + the range
    expect(await card.locator('table').textContent()).toContain('quy đổi từ 101 mg/dL');
    // The unit can be switched: the same points in mg/dL.
    await card.locator('select').selectOption('mg/dL');
    const inMg = await card.locator('svg text.value').allTextContents();
    expect(inMg[3]).toBe('101');
    expect(Number(inMg[0]!.replace(',', '.'))).toBeCloseTo(129.71, 1);
    await card.locator('select').selectOption('mmol/L');
    await card.screenshot({ path: join(artifacts, 'viewer-trend-glucose.png') });
    // Blood count analytes from the real HL7 v2 fixture (2014) and B's synthetic count chart too.
    expect(await page.locator('svg.chart').count()).toBeGreaterThanOrEqual(4);
  });

  it('puts a reuse badge on each result, with the hub’s reasons', async () => {
    const badge = (id: string) => page.locator(`li[data-report="${id}"] [data-badge]`);
    expect(await page.locator('li[data-report]').count()).toBe(10);
    expect(await page.locator('li[data-report] [data-badge]').count()).toBe(10);
    expect(await badge('SYN-B-GLU-2').getAttribute('data-badge')).toBe('reusable');
    expect(await badge('SYN-B-GLU-2').textContent()).toBe('Dùng lại được');
    expect(await badge('SYN-B-CBC-1').getAttribute('data-badge')).toBe('expired'); // hematology: 7 days
    expect(await badge('SYN-C-GLU-1').getAttribute('data-badge')).toBe('not-final');
    expect(await badge('SYN-A-HL7-82503246').getAttribute('data-badge')).toBe('expired'); // 2014 fixture
    expect(await page.locator('li[data-report="SYN-B-CBC-1"] .badge-reason').textContent()).toMatch(
      /Hết hạn/,
    );
    // Timeline grouped by facility, newest facility first.
    const facilities = await page.locator('section.facility h3').allTextContents();
    expect(facilities[0]).toContain('Phòng xét nghiệm C (tổng hợp)');
    expect(facilities).toHaveLength(3);
  });

  it('lists the imaging references, with thumbnails when the PACS answers over DICOMweb', async () => {
    const studies = page.locator('article.study');
    expect(await studies.count()).toBe(2);
    if (orthanc) {
      await expect.poll(() => page.locator('article.study img').count(), { timeout: 20_000 }).toBe(2);
      const widths = await page
        .locator('article.study img')
        .evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth));
      expect(widths.every((w) => w > 0)).toBe(true);
    } else {
      expect(await page.locator('article.study .no-thumb').count()).toBe(2);
    }
    await page.screenshot({ path: join(artifacts, 'viewer-vi.png'), fullPage: true });
  });

  it('switches to English with the keyboard and keeps the results', async () => {
    await page.locator('#lang').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Shared results');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.locator('li[data-report="SYN-B-GLU-2"] [data-badge]').textContent()).toBe('Reusable');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('lang');
    await page.screenshot({ path: join(artifacts, 'viewer-en.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it('opens the visit history with the keyboard, the summary first, names in Vietnamese', async () => {
    await page.locator('#lang').focus();
    await page.keyboard.press('Enter'); // back to Vietnamese
    await expect.poll(() => page.locator('h1').textContent()).toBe('Kết quả liên thông');
    await page.getByLabel('Mã định danh người bệnh').fill(stack.seed.searchId);
    await page.keyboard.press('Enter');
    await page.locator('#patient-h').waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('patient-h');
    await page.keyboard.press('Tab'); // the lab results view (pressed)
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('view-labs');
    expect(await page.getAttribute('#view-labs', 'aria-pressed')).toBe('true');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('view-history');
    await page.keyboard.press('Enter');
    await page.locator('#history-h').waitFor();
    expect(await page.locator('#history-h').textContent()).toBe('Lịch sử khám chữa bệnh');
    expect(await page.getAttribute('#view-history', 'aria-pressed')).toBe('true');
    // Loading and its end are announced in the live region; focus stays on the button pressed.
    await expect.poll(() => page.locator('#status').textContent()).toBe('Đã tải lịch sử: 3 lượt khám.');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('view-history');
    expect(await page.locator('li[data-report]').count()).toBe(0); // the lab view is away

    const problem = (code: string) => page.locator(`tr[data-problem="${code}"]`);
    expect(await problem('J18.9').locator('th').textContent()).toContain('Viêm phổi, không đặc hiệu');
    expect(await problem('J18.9').locator('.tag.main').textContent()).toBe('Bệnh chính');
    expect(await problem('K29.7').locator('th').textContent()).toContain('Viêm dạ dày, không đặc hiệu');
    expect(await problem('I10').locator('th').textContent()).toContain('Bệnh lý tăng huyết áp');
    const i10Facilities = await problem('I10').locator('td').nth(3).textContent();
    expect(i10Facilities).toContain('Bệnh viện huyện A (tổng hợp)');
    expect(i10Facilities).toContain('Bệnh viện tỉnh B (tổng hợp)');
    expect(await problem('I10').locator('.tag.main').count()).toBe(0);
    // F32.9 was recorded by A; B reads here, so it is withheld, and the page says how many.
    expect(await problem('F32.9').count()).toBe(0);
    expect(await page.locator('.withheld').getAttribute('data-withheld')).toBe('1');
    expect(await page.locator('.withheld').textContent()).toMatch(/^Đã ẩn: 1 /);

    const names = (status: string) =>
      page.locator(`ul.meds[data-status="${status}"] li strong`).allTextContents();
    expect(await names('current')).toEqual(['Omeprazol', 'Amlodipin']);
    expect(await names('recent')).toEqual(['Ceftriaxon', 'Metformin', 'Metformin', 'Amlodipin']);
    expect(await page.locator('ul.meds[data-status="recent"] li').first().textContent()).toContain(
      '(2 lần ghi)',
    );

    // Stays newest first; the open one is ongoing; the chart has a text alternative.
    const periods = page.locator('table.periods tbody tr');
    expect(await periods.count()).toBe(3);
    expect(await periods.first().getAttribute('data-ongoing')).toBe('');
    expect(await periods.first().textContent()).toContain('Đang điều trị');
    expect(await periods.nth(1).locator('th').textContent()).toBe('Bệnh viện tỉnh B (tổng hợp)');
    expect(await periods.nth(1).textContent()).toContain('8 ngày');
    expect(await page.locator('.gantt').getAttribute('aria-label')).toMatch(
      /^Biểu đồ 3 đợt tại 2 cơ sở, từ /,
    );
    expect(await page.locator('.gantt .bar').count()).toBe(3);
    expect(await page.locator('.gantt .bar-ongoing').count()).toBe(1);
    expect(await page.locator('.history table caption').count()).toBe(3);
    expect(await page.locator('.history td', { hasText: '87.44' }).count()).toBe(1);
  });

  it('reaches each visit’s details by keyboard', async () => {
    // The first control after the view buttons is the newest visit's summary.
    await page.keyboard.press('Tab');
    const focused = () => page.evaluate(() => document.activeElement?.tagName.toLowerCase());
    expect(await focused()).toBe('summary');
    const newest = page.locator('details[data-visit="SYN-HUYEN-A:SYN-A-V2"]');
    expect(await newest.locator('summary').textContent()).toContain('Đang điều trị');
    await page.keyboard.press('Enter');
    await expect.poll(() => newest.getAttribute('open')).toBe('');
    const body = newest.locator('.visit-body');
    expect(await body.locator('li').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('K29.7 Viêm dạ dày, không đặc hiệu')]),
    );
    expect(await body.textContent()).toContain('Omeprazol 20mg');
    expect(await body.textContent()).not.toContain('F32.9'); // withheld in the visits too
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter'); // B's stay: pneumonia, the chest X-ray
    const b = page.locator('details[data-visit="SYN-TINH-B:SYN-B-V1"]');
    await expect.poll(() => b.getAttribute('open')).toBe('');
    expect(await b.locator('.visit-body').textContent()).toContain('87.44 Chụp X-quang ngực thẳng');
    // The focus ring is visible on the summary (the page's :focus-visible outline).
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).toBe('solid');
    await page.screenshot({ path: join(artifacts, 'viewer-history-vi.png'), fullPage: true });
  });

  it('has the structure assistive technology relies on', async () => {
    const problems = await page.evaluate(() => {
      const out: string[] = [];
      const ids = [...document.querySelectorAll('[id]')].map((e) => e.id);
      for (const id of new Set(ids))
        if (ids.indexOf(id) !== ids.lastIndexOf(id)) out.push(`duplicate id ${id}`);
      for (const t of document.querySelectorAll('.history table')) {
        if (!t.querySelector('caption')?.textContent?.trim()) out.push('table without caption');
        for (const th of t.querySelectorAll('th'))
          if (!['col', 'row'].includes(th.getAttribute('scope') ?? ''))
            out.push(`th without scope: ${th.textContent}`);
      }
      for (const b of document.querySelectorAll('button'))
        if (!(b.textContent?.trim() || b.getAttribute('aria-label'))) out.push(`unnamed button ${b.id}`);
      // Headings never skip a level (h2 → h3 → h4) inside the history.
      let level = 1;
      for (const h of document.querySelectorAll('.history :is(h2, h3, h4)')) {
        const l = Number(h.tagName[1]);
        if (l > level + 1) out.push(`heading skips to ${h.tagName}: ${h.textContent}`);
        level = l;
      }
      for (const e of document.querySelectorAll('[aria-labelledby]'))
        for (const id of e.getAttribute('aria-labelledby')!.split(' '))
          if (!document.getElementById(id)) out.push(`aria-labelledby to nothing: ${id}`);
      return out;
    });
    expect(problems).toEqual([]);
    expect(await page.getAttribute('#status', 'aria-live')).toBe('polite');
  });

  it('keeps the history and the open details when switched to English', async () => {
    await page.locator('#lang').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#history-h').textContent()).toBe('Visit history');
    expect(await page.locator('.withheld').textContent()).toMatch(/^Withheld: 1 sensitive diagnosis/);
    expect(await page.locator('details[data-visit="SYN-TINH-B:SYN-B-V1"]').getAttribute('open')).toBe('');
    // ICD-10 names stay Vietnamese (the list is Vietnamese), marked so for screen readers.
    expect(await page.locator('tr[data-problem="J18.9"] th span[lang="vi"]').textContent()).toBe(
      'Viêm phổi, không đặc hiệu',
    );
    expect(await page.locator('table.periods tbody tr').first().textContent()).toContain('Ongoing');
    await page.screenshot({ path: join(artifacts, 'viewer-history-en.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
