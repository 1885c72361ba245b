import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { formatPath, issuesFromZod, validationErrorFromZod } from './zod-issues.js';

describe('zod issues', () => {
  it('formats paths with dots and brackets', () => {
    expect(formatPath(['observations', 2, 'value', 'unit'])).toBe('observations[2].value.unit');
    expect(formatPath([0, 'a'])).toBe('[0].a');
    expect(formatPath(['a'], 'body')).toBe('body.a');
    expect(formatPath([])).toBe('');
  });

  const schema = z.strictObject({
    name: z.string().min(2).max(4),
    count: z.number().min(1).max(3).multipleOf(1),
    kind: z.enum(['a', 'b']),
    email: z.email(),
    list: z.array(z.number()),
    either: z.union([z.string(), z.number()]),
    rec: z.record(z.string().regex(/^k/), z.number()),
    domain: z
      .string()
      .refine((v) => v === 'ok', { params: { code: 'DOMAIN_RULE', messageVi: 'Sai quy tắc.' } }),
  });

  it('gives every zod issue a Vietnamese message and a stable code', () => {
    const result = schema.safeParse({
      name: 'x',
      count: 9,
      kind: 'c',
      email: 'no',
      list: ['s'],
      either: true,
      rec: { z: 1 },
      domain: 'no',
      extra: 1,
    });
    expect(result.success).toBe(false);
    const issues = issuesFromZod(result.error!.issues);
    const byPath = Object.fromEntries(issues.map((i) => [i.path || '(root)', i]));
    expect(byPath.name).toMatchObject({
      code: 'SCHEMA_TOO_SMALL',
      messageVi: 'Quá ngắn: tối thiểu 2 ký tự.',
    });
    expect(byPath.count).toMatchObject({ code: 'SCHEMA_TOO_BIG', messageVi: 'Giá trị quá lớn: tối đa 3.' });
    expect(byPath.kind?.messageVi).toContain('a, b');
    expect(byPath.email?.messageVi).toContain('email');
    expect(byPath['list[0]']?.messageVi).toContain('number');
    expect(byPath.either?.messageVi).toContain('không khớp');
    expect(byPath['rec.z']).toMatchObject({ code: 'SCHEMA_INVALID_KEY', messageVi: 'Khóa không hợp lệ.' });
    expect(byPath.domain).toMatchObject({ code: 'DOMAIN_RULE', messageVi: 'Sai quy tắc.' });
    expect(byPath['(root)']?.messageVi).toContain('extra');
    for (const issue of issues) expect(issue.messageVi.length).toBeGreaterThan(3);
  });

  it('covers the remaining issue kinds', () => {
    const small = z.number().min(5).safeParse(1);
    expect(issuesFromZod(small.error!.issues)[0]?.messageVi).toBe('Giá trị quá nhỏ: tối thiểu 5.');
    const long = z.string().max(1).safeParse('ab');
    expect(issuesFromZod(long.error!.issues)[0]?.messageVi).toBe('Quá dài: tối đa 1 ký tự.');
    const multiple = z.number().multipleOf(5).safeParse(3);
    expect(issuesFromZod(multiple.error!.issues)[0]?.messageVi).toContain('bội số');
    const custom = z
      .string()
      .refine(() => false)
      .safeParse('a');
    expect(issuesFromZod(custom.error!.issues)[0]).toMatchObject({
      code: 'SCHEMA_CUSTOM',
      messageVi: 'Giá trị không hợp lệ.',
    });
  });

  it('builds a ValidationError summarising the first issue and counting the rest', () => {
    const result = schema.safeParse({});
    const error = validationErrorFromZod(result.error!, {
      code: 'LAB_REPORT_INVALID',
      subject: { en: 'lab report', vi: 'phiếu kết quả' },
      pathPrefix: 'body',
    });
    expect(error.code).toBe('LAB_REPORT_INVALID');
    expect(error.path).toBe('body.name');
    expect(error.message).toMatch(/^Invalid lab report at body\.name: .+ \(\+7\)$/);
    expect(error.messageVi).toMatch(/^Phiếu kết quả không hợp lệ tại body\.name/);
    expect(error.issues).toHaveLength(8);
    const whole = validationErrorFromZod(z.string().safeParse(1).error!);
    expect(whole.path).toBeUndefined();
    expect(whole.message).toMatch(/^Invalid value: /);
  });
});
