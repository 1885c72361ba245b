/**
 * The viewer page: a search form, then the patient's trends, timeline by facility and imaging, or
 * (the second view) their visit history, loaded when first asked for.
 * State lives here; what to show is decided by `model.ts`, charts are drawn by `chart.ts`.
 */
import { fullName } from '@lienthong/patient-id';
import type { LabReport } from '@lienthong/result-exchange';
import { LAB_COLOURS, renderTrendChart } from './chart.js';
import { facilityNames } from './history.js';
import { historyHtml } from './history-view.js';
import { html, type Raw } from './html.js';
import { type HistoryView, loadHistory, loadPatient, type PatientView, viewerHubClient } from './hub.js';
import { formatDate, formatNumber, type Lang, MESSAGES, type Messages } from './i18n.js';
import { type ImagingThumbnails, imagingThumbnails } from './imaging.js';
import {
  analytesOf,
  type Badge,
  badgeOf,
  flagOf,
  labsOf,
  rangeText,
  searchTarget,
  timelineByFacility,
  trendOf,
  unitLabel,
  valueText,
} from './model.js';
import './style.css';

interface State {
  lang: Lang;
  query: string;
  level: number;
  loading: boolean;
  error?: { message: string; messageVi: string };
  notFound?: boolean;
  view?: PatientView;
  now: Date;
  units: Map<string, string>;
  tab: 'labs' | 'history';
  history?: HistoryView;
  historyLoading?: boolean;
  historyError?: { message: string; messageVi: string };
}

const params = new URLSearchParams(location.search);
const stored = (() => {
  try {
    return localStorage.getItem('lienthong.viewer.lang');
  } catch {
    return null;
  }
})();
const state: State = {
  lang: params.get('lang') === 'en' || (!params.get('lang') && stored === 'en') ? 'en' : 'vi',
  query: params.get('id') ?? '',
  level: Number(params.get('level') ?? 3) || 3,
  loading: false,
  now: new Date(),
  units: new Map(),
  tab: params.get('view') === 'history' ? 'history' : 'labs',
};
const hub = viewerHubClient(location.origin);
const thumbnails: ImagingThumbnails = imagingThumbnails(() => render());
const app = document.querySelector<HTMLElement>('#app')!;

const t = (): Messages => MESSAGES[state.lang];
const num = (n: number) => formatNumber(n, state.lang, 2);
const say = (e: { message: string; messageVi: string }) => (state.lang === 'vi' ? e.messageVi : e.message);

function badgeHtml(badge: Badge): Raw {
  const m = t();
  const reasons = badge.reasons.map(say).join(' ');
  return html`<span class="badge badge-${badge.kind}" data-badge="${badge.kind}">${m.badge[badge.kind] ?? badge.kind}</span>${reasons ? html`<span class="badge-reason">${reasons}</span>` : ''}`;
}

function patientHtml(view: PatientView): Raw {
  const m = t();
  const p = view.patient;
  return html`<section class="card patient" aria-labelledby="patient-h">
  <h2 id="patient-h" tabindex="-1">${fullName(p.name)} <span class="tag">${m.synthetic}</span></h2>
  <dl class="facts">
    ${p.birthDate ? html`<div><dt>${m.born}</dt><dd>${formatDate(p.birthDate, state.lang)}</dd></div>` : ''}
    ${p.sex ? html`<div><dt>${state.lang === 'vi' ? 'Giới tính' : 'Sex'}</dt><dd>${m.sex[p.sex] ?? p.sex}</dd></div>` : ''}
    ${p.identifiers.map((i) => html`<div><dt>${m.identifierKinds[i.kind ?? 'other'] ?? i.kind}</dt><dd class="mono">${i.value}</dd></div>`)}
  </dl>
</section>`;
}

function trendsHtml(view: PatientView): Raw {
  const m = t();
  const analytes = analytesOf(view.reports);
  const charted = analytes
    .map((a) => ({ a, trend: trendOf(view.reports, a, state.units.get(a.key) ?? a.unit) }))
    .filter((x) => x.trend.points.length >= 2);
  const single = analytes.length - charted.length;
  const cards = charted.map(({ a, trend }, i) => {
    const labs = labsOf(trend);
    const id = `chart-${i}`;
    const desc = m.chartSummary(a.name, trend.points.length, unitLabel(trend.unit), labs.length);
    return html`<article class="card trend" data-analyte="${a.key}">
  <header class="trend-head">
    <h3>${a.name}</h3>
    <label class="unit-pick">${m.unit}
      <select data-unit-for="${a.key}" id="unit-${i}">
        ${a.unitChoices.map((u) => html`<option value="${u}"${u === trend.unit ? html` selected` : ''}>${unitLabel(u)}</option>`)}
      </select>
    </label>
  </header>
  ${renderTrendChart(trend, { id, title: a.name, description: desc, lang: state.lang, labs })}
  <ul class="legend">
    ${labs.map((l, k) => html`<li><span class="swatch" style="background:${LAB_COLOURS[k % LAB_COLOURS.length]!}"></span>${l}</li>`)}
    <li><span class="swatch band-swatch"></span>${m.referenceRange}</li>
  </ul>
  ${trend.skipped.length ? html`<p class="note">${m.skipped(trend.skipped.length)}</p>` : ''}
  <details><summary>${m.chartTable}</summary>
    <table><thead><tr><th scope="col">${state.lang === 'vi' ? 'Ngày' : 'Date'}</th><th scope="col">${m.columns.value} (${unitLabel(trend.unit)})</th><th scope="col">${m.referenceRange}</th><th scope="col">${state.lang === 'vi' ? 'Phòng xét nghiệm' : 'Lab'}</th></tr></thead>
    <tbody>${trend.points.map(
      (p) =>
        html`<tr><td>${formatDate(p.at, state.lang)}</td><td>${p.comparator ?? ''}${num(p.value)}${p.sourceUnit && p.sourceUnit !== trend.unit ? html` <span class="muted">(${m.converted} ${num(p.sourceValue)} ${p.sourceUnit})</span>` : ''}</td><td>${p.referenceRange ? `${p.referenceRange.low !== undefined ? num(p.referenceRange.low) : ''}–${p.referenceRange.high !== undefined ? num(p.referenceRange.high) : ''}` : ''}</td><td>${p.lab?.name ?? p.lab?.code ?? ''}</td></tr>`,
    )}</tbody></table>
  </details>
</article>`;
  });
  return html`<section aria-labelledby="trends-h">
  <h2 id="trends-h">${m.trends}</h2>
  ${cards.length ? html`<div class="trend-grid">${cards}</div>` : html`<p class="note">${m.trendsNone}</p>`}
  ${single > 0 && cards.length ? html`<p class="note">${m.singleResults(single)}</p>` : ''}
</section>`;
}

function reportHtml(r: LabReport, view: PatientView): Raw {
  const m = t();
  const at = r.specimen?.collectedAt ?? r.effectiveAt ?? r.issuedAt;
  const rows = r.observations.filter((o) => o.value !== undefined);
  return html`<li class="report" data-report="${r.id}">
  <div class="report-head">
    <div>
      <h4>${r.name ?? r.codes[0]?.display ?? r.codes[0]?.code ?? r.id}</h4>
      <p class="muted">${at ? html`${m.collected} ${formatDate(at, state.lang)} · ` : ''}${m.status[r.status] ?? r.status}${r.lab?.qualityLevel ? html` · ${m.labLevel(r.lab.qualityLevel)}` : ''}${r.lab?.name && r.lab.name !== r.performingFacility?.name ? html` · ${r.lab.name}` : ''}</p>
    </div>
    <div class="badge-box">${badgeHtml(badgeOf(r, view.advice, state.now))}</div>
  </div>
  ${
    rows.length
      ? html`<table class="results"><thead><tr><th scope="col">${m.columns.analyte}</th><th scope="col">${m.columns.value}</th><th scope="col">${m.columns.range}</th><th scope="col"><span class="sr-only">${m.columns.flag}</span></th></tr></thead><tbody>
    ${rows.map((o) => {
      const flag = flagOf(o);
      return html`<tr><th scope="row">${o.name ?? o.codes[0]?.display ?? o.codes[0]?.code ?? ''}</th><td class="num">${valueText(o, num) ?? ''}</td><td class="num muted">${rangeText(o, num) ?? ''}</td><td>${flag ? html`<span class="flag flag-${flag}" title="${flag}">${flag === 'H' ? '▲' : flag === 'L' ? '▼' : ''} ${flag}</span>` : ''}</td></tr>`;
    })}</tbody></table>`
      : ''
  }
</li>`;
}

function timelineHtml(view: PatientView): Raw {
  const m = t();
  const groups = timelineByFacility(view.reports);
  return html`<section aria-labelledby="timeline-h">
  <h2 id="timeline-h">${m.timeline}</h2>
  ${groups.length === 0 ? html`<p class="note">${m.noReports}</p>` : ''}
  <div class="timeline">
  ${groups.map(
    (g) => html`<section class="card facility" aria-label="${g.name ?? g.code ?? ''}">
    <h3>${g.name ?? g.code} ${g.code ? html`<span class="muted mono">${g.code}</span>` : ''}</h3>
    <p class="muted">${m.reports(g.reports.length)}</p>
    <ol class="reports">${g.reports.map((r) => reportHtml(r, view))}</ol>
  </section>`,
  )}
  </div>
</section>`;
}

function imagingHtml(view: PatientView): Raw {
  const m = t();
  return html`<section aria-labelledby="imaging-h">
  <h2 id="imaging-h">${m.imaging}</h2>
  ${view.imaging.length === 0 ? html`<p class="note">${m.noImaging}</p>` : ''}
  <div class="imaging-grid">
  ${view.imaging.map((ref) => {
    const what = [
      ref.description,
      ref.modalities.join('/'),
      ref.studyDate ? formatDate(ref.studyDate, state.lang) : '',
    ]
      .filter(Boolean)
      .join(' · ');
    const thumb = thumbnails.get(ref);
    return html`<article class="card study" data-study="${ref.studyInstanceUid}">
    <figure class="thumb" data-thumb="${thumb.state}">
      ${
        thumb.state === 'ready'
          ? html`<img src="${thumb.url}" alt="${m.thumbnailAlt(what)}" width="160" height="160">`
          : html`<div class="no-thumb" role="img" aria-label="${m.noThumbnail}"><span aria-hidden="true">${ref.modalities[0] ?? '?'}</span></div>`
      }
      ${thumb.state === 'failed' ? html`<figcaption class="muted">${m.thumbFailed}</figcaption>` : thumb.state === 'none' ? html`<figcaption class="muted">${m.thumbNone}</figcaption>` : ''}
    </figure>
    <div>
      <h3>${ref.description ?? ref.modalities.join('/')}</h3>
      <p>${ref.modalities.join(', ')} · ${ref.studyDate ? formatDate(ref.studyDate, state.lang) : ''} · ${ref.performingFacility?.name ?? ref.performingFacility?.code ?? ''}</p>
      <p class="muted">${m.series(ref.series.length)} · ${m.instances(ref.instanceCount)}</p>
      ${ref.report?.conclusion ? html`<p>${ref.report.conclusion}</p>` : ''}
      <p class="muted small">${m.studyUid}: <span class="mono">${ref.studyInstanceUid}</span></p>
    </div>
  </article>`;
  })}
  </div>
</section>`;
}

/** The two views of a patient: a pair of toggle buttons (aria-pressed), the chosen one shown below. */
function viewSwitchHtml(): Raw {
  const m = t();
  const button = (id: string, tab: State['tab'], label: string) =>
    html`<button type="button" id="${id}" data-tab="${tab}" aria-pressed="${String(state.tab === tab)}" aria-controls="view">${label}</button>`;
  return html`<div class="view-switch" role="group" aria-label="${m.viewSwitch}">${button('view-labs', 'labs', m.viewLabs)}${button('view-history', 'history', m.viewHistory)}</div>`;
}

function resultsHtml(view: PatientView): Raw {
  const body =
    state.tab === 'labs'
      ? html`${trendsHtml(view)}${timelineHtml(view)}${imagingHtml(view)}`
      : state.history
        ? historyHtml(state.history, {
            lang: state.lang,
            m: t(),
            facilities: facilityNames(view.reports, view.imaging),
          })
        : '';
  return html`${patientHtml(view)}${viewSwitchHtml()}<div id="view">${body}</div>`;
}

function render(): void {
  const m = t();
  document.documentElement.lang = state.lang;
  document.title = `${m.title} — Liên Thông`;
  const active = document.activeElement as HTMLElement | null;
  const focusKey = active?.dataset.unitFor
    ? `[data-unit-for="${CSS.escape(active.dataset.unitFor)}"]`
    : active?.id
      ? `#${CSS.escape(active.id)}`
      : undefined;
  const historyStatus =
    state.tab !== 'history'
      ? ''
      : state.historyLoading
        ? m.history.loading
        : state.historyError
          ? `${m.loadFailed}: ${say(state.historyError)}`
          : state.history
            ? m.history.loaded(state.history.visits.size)
            : '';
  const status = state.loading
    ? m.searching
    : state.error
      ? `${m.loadFailed}: ${say(state.error)}`
      : state.notFound
        ? m.notFound
        : historyStatus;
  const failed = state.error || state.notFound || (state.tab === 'history' && state.historyError);
  // Open <details> survive a re-render (a thumbnail arriving, the language switched).
  const open = [...app.querySelectorAll<HTMLDetailsElement>('details[id][open]')].map((d) => d.id);
  app.innerHTML =
    html`<a class="skip" href="#results">${state.lang === 'vi' ? 'Bỏ qua đến kết quả' : 'Skip to results'}</a>
<header class="top">
  <div>
    <h1>${m.title}</h1>
    <p class="subtitle">${m.subtitle}</p>
  </div>
  <button type="button" id="lang" class="lang" lang="${state.lang === 'vi' ? 'en' : 'vi'}" aria-label="${m.langToggleLabel}">${m.langToggle}</button>
</header>
<main>
  <form id="search" class="card search" role="search">
    <div class="field grow">
      <label for="q">${m.searchLabel}</label>
      <input id="q" name="q" autocomplete="off" spellcheck="false" inputmode="text" aria-describedby="q-hint" value="${state.query}" required>
      <p id="q-hint" class="hint">${m.searchHint}</p>
    </div>
    <div class="field">
      <label for="level">${m.levelLabel}</label>
      <select id="level" name="level">${[1, 2, 3, 4, 5].map((l) => html`<option value="${l}"${l === state.level ? html` selected` : ''}>${l}</option>`)}</select>
    </div>
    <button id="go" type="submit">${m.searchButton}</button>
  </form>
  <p id="status" class="status${failed ? ' error' : ''}" role="status" aria-live="polite">${status}</p>
  <div id="results" tabindex="-1">
    ${state.view ? resultsHtml(state.view) : ''}
  </div>
</main>
<footer class="muted">${m.footer}</footer>`.__html;
  for (const id of open) document.getElementById(id)?.setAttribute('open', '');
  if (focusKey) document.querySelector<HTMLElement>(focusKey)?.focus();
}

async function showHistory(): Promise<void> {
  const view = state.view;
  if (!view || state.history || state.historyLoading) return;
  const target = searchTarget(state.query);
  state.historyLoading = true;
  delete state.historyError;
  render();
  try {
    const loaded = await loadHistory(hub, view.patient, target.ok ? target : view.patient.identifiers[0]!);
    // A new search while this one loaded: its answer belongs to another patient.
    if (state.view === view) state.history = loaded;
  } catch (error) {
    const e = error as { message?: string; messageVi?: string };
    state.historyError = {
      message: e.message ?? String(error),
      messageVi: e.messageVi ?? e.message ?? String(error),
    };
  } finally {
    state.historyLoading = false;
  }
  render();
}

async function search(): Promise<void> {
  const target = searchTarget(state.query);
  state.view = undefined;
  state.history = undefined;
  state.notFound = false;
  delete state.error;
  delete state.historyError;
  if (!target.ok) {
    state.error = target;
    render();
    return;
  }
  state.loading = true;
  state.now = new Date();
  render();
  try {
    const view = await loadPatient(hub, target, { requesterLabLevel: state.level, now: state.now });
    state.view = view;
    state.notFound = !view;
    if (view) thumbnails.load(view.imaging);
  } catch (error) {
    const e = error as { message?: string; messageVi?: string };
    state.error = {
      message: e.message ?? String(error),
      messageVi: e.messageVi ?? e.message ?? String(error),
    };
  } finally {
    state.loading = false;
  }
  const url = new URL(location.href);
  url.searchParams.set('id', state.query);
  history.replaceState(null, '', url);
  render();
  document.querySelector<HTMLElement>(state.view ? '#patient-h' : '#q')?.focus();
  if (state.tab === 'history') void showHistory();
}

app.addEventListener('submit', (e) => {
  e.preventDefault();
  const form = e.target as HTMLFormElement;
  state.query = (form.elements.namedItem('q') as HTMLInputElement).value.trim();
  state.level = Number((form.elements.namedItem('level') as HTMLSelectElement).value);
  void search();
});
app.addEventListener('change', (e) => {
  const el = e.target as HTMLElement;
  if (el instanceof HTMLSelectElement && el.dataset.unitFor) {
    state.units.set(el.dataset.unitFor, el.value);
    render();
  }
});
app.addEventListener('input', (e) => {
  const el = e.target as HTMLElement;
  if (el instanceof HTMLInputElement && el.id === 'q') state.query = el.value;
});
app.addEventListener('click', (e) => {
  const tab = (e.target as HTMLElement).closest<HTMLElement>('[data-tab]')?.dataset.tab;
  if (tab === 'labs' || tab === 'history') {
    state.tab = tab;
    const url = new URL(location.href);
    if (tab === 'history') url.searchParams.set('view', 'history');
    else url.searchParams.delete('view');
    history.replaceState(null, '', url);
    render();
    if (tab === 'history') void showHistory();
    return;
  }
  if ((e.target as HTMLElement).closest('#lang')) {
    state.lang = state.lang === 'vi' ? 'en' : 'vi';
    try {
      localStorage.setItem('lienthong.viewer.lang', state.lang);
    } catch {
      // private mode: the choice lasts for this page only
    }
    render();
  }
});

render();
if (state.query) void search();
