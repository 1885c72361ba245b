// Renders the hub's OpenAPI contract (packages/hub-api/openapi.yaml) into the documentation site:
// docs/{en,vi}/reference/hub-api.md — one section per operation with its parameters, request body
// and answers. Generated at docs build time (never edited by hand, not committed).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

const root = new URL('..', import.meta.url);
const spec = parse(readFileSync(new URL('packages/hub-api/openapi.yaml', root), 'utf8'));

const T = {
  en: {
    title: 'Hub API reference',
    intro:
      'Generated from `packages/hub-api/openapi.yaml` (OpenAPI 3.1), the contract the hub implements and the client is generated from. Errors are problem documents with the SDK error `code`, `detail` (English), `messageVi` and `path`.',
    params: 'Parameters',
    body: 'Request body',
    answers: 'Answers',
    auth: 'no authentication',
    name: 'name',
    in: 'in',
    req: 'required',
    desc: 'description',
    status: 'status',
  },
  vi: {
    title: 'Tài liệu API của sàn',
    intro:
      'Sinh tự động từ `packages/hub-api/openapi.yaml` (OpenAPI 3.1) — hợp đồng mà sàn hiện thực và client được sinh ra. Lỗi là tài liệu lỗi chuẩn kèm mã lỗi `code` của SDK, `detail` (tiếng Anh), `messageVi` và `path`.',
    params: 'Tham số',
    body: 'Nội dung yêu cầu',
    answers: 'Câu trả lời',
    auth: 'không cần xác thực',
    name: 'tên',
    in: 'vị trí',
    req: 'bắt buộc',
    desc: 'mô tả',
    status: 'mã',
  },
};

const resolve = (ref) =>
  ref
    .split('/')
    .slice(1)
    .reduce((o, k) => o?.[k], spec);
const deref = (x) => (x?.$ref?.startsWith('#/') ? resolve(x.$ref) : x);
const schemaName = (s) => {
  if (!s) return '';
  if (s.$ref)
    return `\`${s.$ref.replace('#/components/schemas/', '').replace('./schemas/', '').replace('.json', '')}\``;
  if (s.type === 'array') return `${schemaName(s.items)}[]`;
  if (s.enum) return s.enum.map((v) => `\`${v}\``).join(' \\| ');
  return `\`${Array.isArray(s.type) ? s.type.join(' \\| ') : (s.type ?? 'object')}\``;
};
const cell = (text) =>
  String(text ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ');

for (const lang of ['en', 'vi']) {
  const t = T[lang];
  const out = [`# ${t.title}`, '', `${spec.info.title} ${spec.info.version}. ${t.intro}`, ''];
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of ['get', 'post', 'put', 'delete']) {
      const op = item[method];
      if (!op) continue;
      out.push(
        `## \`${method.toUpperCase()} ${path}\``,
        '',
        `**${op.summary ?? op.operationId}**${op.security?.length === 0 ? ` — ${t.auth}` : ''}`,
        '',
      );
      if (op.description) out.push(op.description.trim(), '');
      const params = (op.parameters ?? []).map(deref);
      if (params.length) {
        out.push(`${t.params}:`, '', `| ${t.name} | ${t.in} | ${t.req} | ${t.desc} |`, '|---|---|---|---|');
        for (const p of params)
          out.push(
            `| \`${p.name}\` | ${p.in} | ${p.required ? '✔' : ''} | ${cell(p.description)} ${schemaName(p.schema)} |`,
          );
        out.push('');
      }
      const body = op.requestBody?.content?.['application/json']?.schema;
      if (body) out.push(`${t.body}: ${schemaName(body)}`, '');
      out.push(`${t.answers}:`, '', `| ${t.status} | ${t.desc} |`, '|---|---|');
      for (const [status, answer] of Object.entries(op.responses ?? {})) {
        const r = deref(answer);
        const schema =
          r.content?.['application/json']?.schema ?? r.content?.['application/problem+json']?.schema;
        out.push(`| ${status} | ${cell(r.description)} ${schema ? schemaName(schema) : ''} |`);
      }
      out.push('');
    }
  }
  mkdirSync(new URL(`docs/${lang}/reference/`, root), { recursive: true });
  writeFileSync(new URL(`docs/${lang}/reference/hub-api.md`, root), `${out.join('\n')}\n`);
}
console.log('docs-openapi: docs/{en,vi}/reference/hub-api.md written');
