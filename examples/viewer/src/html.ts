/** A tiny safe templating helper: every interpolated value is escaped unless it is `raw(…)`. */
export interface Raw {
  readonly __html: string;
}

export const raw = (html: string): Raw => ({ __html: html });

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

type Value = string | number | Raw | undefined | null | false | readonly Value[];

function render(v: Value): string {
  if (v === undefined || v === null || v === false) return '';
  if (Array.isArray(v)) return v.map(render).join('');
  if (typeof v === 'object') return (v as Raw).__html;
  return escapeHtml(String(v));
}

/** `html\`<p>${text}</p>\`` → a `Raw` with `text` escaped. */
export function html(strings: TemplateStringsArray, ...values: Value[]): Raw {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!;
  });
  return raw(out);
}
