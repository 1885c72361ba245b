/**
 * The visit-history view: the summary first (problems, medications, procedures, stays by facility,
 * what was withheld), then each visit's details on demand. Every list is a real list or a table
 * with a caption; the bar chart is one image whose text alternative points at the table beside it.
 */

import {
  diagnosisNames,
  type MedicationLine,
  medicationLists,
  type Period,
  periodsOf,
  timelineGeometry,
  visitDetail,
} from './history.js';
import { html, type Raw } from './html.js';
import type { HistoryView } from './hub.js';
import { formatDate, type Lang, type Messages } from './i18n.js';

export interface HistoryContext {
  lang: Lang;
  m: Messages;
  /** Facility names by code (from the lab reports and studies the hub shares). */
  facilities: ReadonlyMap<string, string>;
}

/** An id for a visit key (`SYN-TINH-B:SYN-B-V1`), stable across renders, valid in CSS and ARIA. */
export const visitDomId = (key: string) => `visit-${key.replace(/[^A-Za-z0-9_-]/g, '_')}`;

export function historyHtml(view: HistoryView, ctx: HistoryContext): Raw {
  const { m, lang } = ctx;
  const h = m.history;
  const s = view.summary;
  const date = (iso: string | undefined) => (iso ? formatDate(iso, lang) : '');
  const facility = (code: string | undefined) =>
    code ? (ctx.facilities.get(code) ?? code) : h.unknownFacility;
  // ICD-10 names come from the Vietnamese list whatever the page's language: say so to screen readers.
  const icdName = (name: string | undefined) => (name ? html`<span lang="vi">${name}</span>` : '');
  const names = diagnosisNames(s);
  const periods = periodsOf(s.encounters, s.asOf);
  const meds = medicationLists(s.medications);

  // One drug line, in the summary (with its facility) and in a visit's details (without).
  const medLine = (l: MedicationLine, withFacility: boolean) => {
    const when = l.first && l.last ? h.givenFromTo(date(l.first), date(l.last), l.rows) : '';
    const where = withFacility ? facility(l.facility) : '';
    const facts = [when, where].filter(Boolean).join(' · ');
    return html`<li><strong>${l.name}</strong>${l.strength ? ` ${l.strength}` : ''}${l.dose ? html` — ${l.dose}` : ''}${facts ? html` <span class="muted">· ${facts}</span>` : ''}</li>`;
  };
  const medList = (lines: MedicationLine[], status: string, empty: string, withFacility: boolean) =>
    lines.length
      ? html`<ul class="meds" data-status="${status}">${lines.map((l) => medLine(l, withFacility))}</ul>`
      : html`<p class="note">${empty}</p>`;

  const problems = html`<section class="card" aria-labelledby="problems-h">
  <h3 id="problems-h">${h.problems}</h3>
  ${
    s.problems.length
      ? html`<table class="problems"><caption>${h.problemsCaption}</caption>
  <thead><tr><th scope="col">${h.diagnosis}</th><th scope="col">${h.icd}</th><th scope="col">${h.firstSeen}</th><th scope="col">${h.lastSeen}</th><th scope="col">${h.facilities}</th><th scope="col" class="num">${h.visitsCount}</th></tr></thead>
  <tbody>${s.problems.map(
    (p) =>
      html`<tr data-problem="${p.code.code}"><th scope="row">${icdName(p.code.display) || p.code.code}${p.main ? html` <span class="tag main">${h.main}</span>` : ''}</th><td class="mono">${p.code.code}</td><td>${date(p.firstSeen)}</td><td>${date(p.lastSeen)}</td><td>${p.facilities.map(facility).join(', ')}</td><td class="num">${p.visits}</td></tr>`,
  )}</tbody></table>`
      : html`<p class="note">${h.noProblems}</p>`
  }
</section>`;

  const medications = html`<section class="card" aria-labelledby="meds-h">
  <h3 id="meds-h">${h.medications}</h3>
  <h4>${h.current}</h4>${medList(meds.current, 'current', h.noCurrent, true)}
  <h4>${h.recent}</h4>${medList(meds.recent, 'recent', h.noRecent, true)}
</section>`;

  const procedures = html`<section class="card" aria-labelledby="procs-h">
  <h3 id="procs-h">${h.procedures}</h3>
  ${
    s.procedures.length
      ? html`<table><caption>${h.proceduresCaption}</caption>
  <thead><tr><th scope="col">${h.procedure}</th><th scope="col">ICD-9-CM</th><th scope="col">${h.date}</th><th scope="col">${h.facilities}</th></tr></thead>
  <tbody>${s.procedures.map(
    (p) =>
      html`<tr><th scope="row">${p.name ?? p.code.code}</th><td class="mono">${p.code.code}</td><td>${date(p.at)}</td><td>${facility(p.facility)}</td></tr>`,
  )}</tbody></table>`
      : html`<p class="note">${h.noProcedures}</p>`
  }
</section>`;

  const geometry = timelineGeometry(periods, s.asOf);
  const kind = (p: Period) => (p.inpatient ? h.inpatient : h.outpatient);
  const ongoing = html`<span class="badge badge-ongoing" data-ongoing>${h.ongoing}</span>`;
  const timeline = html`<section class="card" aria-labelledby="periods-h">
  <h3 id="periods-h">${h.periods}</h3>
  ${
    periods.length
      ? html`<div class="gantt" role="img" aria-label="${h.chartSummary(periods.length, geometry.rows.length, formatDate(new Date(geometry.from).toISOString(), lang), formatDate(new Date(geometry.to).toISOString(), lang))}">
    ${geometry.rows.map(
      (row) =>
        html`<div class="gantt-row"><span class="gantt-label">${facility(row.facility || undefined)}</span><span class="gantt-track">${row.bars.map(
          (b) =>
            html`<span class="bar${b.period.ongoing ? ' bar-ongoing' : ''}${b.period.inpatient ? '' : ' bar-outpatient'}" style="left:${b.x.toFixed(2)}%;width:${b.width.toFixed(2)}%"></span>`,
        )}</span></div>`,
    )}
    <div class="gantt-axis"><span>${formatDate(new Date(geometry.from).toISOString(), lang)}</span><span>${formatDate(new Date(geometry.to).toISOString(), lang)}</span></div>
  </div>
  <table class="periods"><caption>${h.periodsCaption}</caption>
  <thead><tr><th scope="col">${h.facilities}</th><th scope="col">${h.kind}</th><th scope="col">${h.admitted}</th><th scope="col">${h.discharged}</th><th scope="col" class="num">${h.length}</th><th scope="col">${h.mainDiagnosis}</th></tr></thead>
  <tbody>${periods.map(
    (p) =>
      html`<tr data-period="${p.visit}"${p.ongoing ? html` data-ongoing` : ''}><th scope="row">${facility(p.facility)}</th><td>${kind(p)}</td><td>${date(p.start)}</td><td>${p.ongoing ? ongoing : date(p.end)}</td><td class="num">${h.days(p.days)}</td><td>${p.mainDiagnosis ? html`<span class="mono">${p.mainDiagnosis.code}</span> ${icdName(p.mainDiagnosis.display ?? names.get(p.mainDiagnosis.code))}` : ''}</td></tr>`,
  )}</tbody></table>`
      : html`<p class="note">${h.noPeriods}</p>`
  }
</section>`;

  const details = html`<section class="card" aria-labelledby="details-h">
  <h3 id="details-h">${h.details}</h3>
  <ul class="visit-details">${periods.map((p) => {
    const visit = view.visits.get(p.visit);
    const d = visit ? visitDetail(visit, s, names) : undefined;
    const id = visitDomId(p.visit);
    return html`<li><details id="${id}" data-visit="${p.visit}">
    <summary id="${id}-s">${h.visitSummary(facility(p.facility), date(p.start))}${p.ongoing ? html` — ${h.ongoing}` : ''}${p.mainDiagnosis ? html` — <span class="mono">${p.mainDiagnosis.code}</span> ${icdName(p.mainDiagnosis.display ?? names.get(p.mainDiagnosis.code))}` : ''}</summary>
    ${
      d
        ? html`<div class="visit-body">
      <h4>${h.diagnoses}</h4>
      <ul>${d.diagnoses.map((x) => html`<li><span class="mono">${x.code}</span> ${icdName(x.display)}${x.main ? html` <span class="tag main">${h.main}</span>` : ''}</li>`)}</ul>
      <h4>${h.medications}</h4>
      ${medList(d.medications, 'visit', h.noMedications, false)}
      <h4>${h.procedures}</h4>
      ${d.procedures.length ? html`<ul>${d.procedures.map((x) => html`<li><span class="mono">${x.code}</span> ${x.name ?? ''}${x.at ? html` <span class="muted">· ${date(x.at)}</span>` : ''}</li>`)}</ul>` : html`<p class="note">${h.noProcedures}</p>`}
    </div>`
        : html`<p class="note">${h.notShared}</p>`
    }
  </details></li>`;
  })}</ul>
</section>`;

  return html`<section class="history" aria-labelledby="history-h">
  <h2 id="history-h" tabindex="-1">${h.title}</h2>
  <p class="muted">${h.asOf(date(s.asOf))}</p>
  ${s.withheld > 0 ? html`<p class="withheld" data-withheld="${s.withheld}"><strong>${h.withheld(s.withheld)}</strong></p>` : ''}
  ${s.encounters.length === 0 ? html`<p class="note">${h.none}</p>` : ''}
  ${problems}
  <div class="history-grid">${medications}${procedures}</div>
  ${timeline}
  ${details}
</section>`;
}
