import type { WithWarnings } from '@lienthong/core';
import { encodeReports } from '../codec.js';
import { invalid, issue } from '../errors.js';
import type { LabReport } from '../model.js';
import { writeCodings, writeSpecimenSource } from './datatypes/coded-element.js';
import { writeFillerId, writeIdentifier } from './datatypes/identifier.js';
import { writeFacility } from './datatypes/organisation.js';
import { writeSigner } from './datatypes/person-name.js';
import { writeRange } from './datatypes/reference-range.js';
import { formatTimestamp } from './datatypes/timestamp.js';
import { writeValue } from './datatypes/value.js';
import { type EncodeOruOptions, makeCtx } from './options.js';
import { CONCLUSION_TYPE, OBS_STATUS_OUT, REPORT_STATUS_OUT } from './tables.js';
import { DEFAULT_DELIMITERS, escapeHl7 } from './v2.js';

/**
 * Encodes reports of one patient as an HL7 v2 ORU^R01 message (CR separators, UTF-8, escaped
 * text): `value` is the message. HL7 v2 has no field for the lab's quality level, accreditation,
 * a facility code's system or more than two codings per code: those are not written, and listed in
 * `warnings` (`HL7_FIELD_NOT_CARRIED`, `HL7_CODING_NOT_CARRIED`).
 */
export function encodeOru(
  reports: LabReport | readonly LabReport[],
  options: EncodeOruOptions = {},
): WithWarnings<string> {
  return encodeReports('HL7_ENCODE_FAILED', reports, (list) => encodeOruUnsafe(list, options));
}

function encodeOruUnsafe(list: readonly LabReport[], options: EncodeOruOptions): WithWarnings<string> {
  if (list.length === 0)
    throw invalid(
      'HL7_NOTHING_TO_ENCODE',
      'reports',
      'No report to encode',
      'Không có phiếu kết quả để mã hóa',
    );
  const d = DEFAULT_DELIMITERS;
  const ctx = makeCtx(options, d);
  const version = options.version ?? '2.5.1';
  const modern = !/^2\.(3|3\.1|4)$/.test(version);
  const e = (s: string | undefined) => escapeHl7(s ?? '', d);
  const key = (r: LabReport) => JSON.stringify(r.patient.identifiers);
  if (list.some((r) => key(r) !== key(list[0]!))) {
    throw invalid(
      'HL7_PATIENT_MISMATCH',
      'reports',
      'One ORU^R01 message carries one patient',
      'Một bản tin ORU^R01 chỉ mang một người bệnh',
    );
  }
  const first = list[0]!;
  const seg = (...fields: string[]) => {
    while (fields.length > 1 && fields[fields.length - 1] === '') fields.pop();
    return fields.join(d.field);
  };
  const now = options.messageTime ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const lines: string[] = [];
  lines.push(
    `MSH${d.field}${d.component}${d.repetition}${d.escape}${d.subcomponent}${d.field}${[
      e(options.sendingApplication ?? 'LIENTHONG'),
      e(first.performingFacility?.code),
      e(options.receivingApplication),
      e(options.receivingFacility),
      formatTimestamp(now),
      '',
      ['ORU', 'R01', modern ? 'ORU_R01' : ''].filter(Boolean).join(d.component),
      e(options.controlId ?? first.id.slice(0, 20)),
      'P',
      version,
    ].join(d.field)}`,
  );
  const pid = first.patient.identifiers.map((id) => writeIdentifier(id, ctx)).join(d.repetition);
  lines.push(seg('PID', '1', '', pid));
  if (first.encounterId) lines.push(seg('PV1', '1', 'U', ...Array(16).fill(''), e(first.encounterId)));
  list.forEach((r, index) => {
    if (r.lab?.qualityLevel !== undefined || r.lab?.accreditation?.length) {
      ctx.warnings.push(
        issue(
          'HL7_FIELD_NOT_CARRIED',
          `OBR[${index + 1}]`,
          'HL7 v2 has no field for the lab quality level or accreditation',
          'HL7 v2 không có trường cho mức chất lượng hoặc công nhận của phòng xét nghiệm',
        ),
      );
    }
    if (r.orderingFacility?.system || r.performingFacility?.system) {
      ctx.warnings.push(
        issue(
          'HL7_FIELD_NOT_CARRIED',
          `OBR[${index + 1}]`,
          'HL7 v2 XON is written without the system of a facility code',
          'XON của HL7 v2 được ghi không kèm hệ mã của mã cơ sở',
        ),
      );
    }
    lines.push(
      seg('ORC', 'RE', e(r.orderId), e(r.id), ...Array(17).fill(''), writeFacility(r.orderingFacility, ctx)),
    );
    // OBR-2 placer, -3 filler, -4 service, -7 observed, -14 received and -15 specimen source (both
    // v2.3; SPM since 2.5), -22 issued, -25 status, -32 principal result interpreter.
    lines.push(
      seg(
        'OBR',
        String(index + 1),
        e(r.orderId),
        writeFillerId(r.id, r.idSystem, ctx),
        writeCodings(
          r.codes,
          r.name !== r.codes[0]?.display ? r.name : undefined,
          ctx,
          `OBR[${index + 1}]-4`,
        ),
        '',
        '',
        r.effectiveAt ? formatTimestamp(r.effectiveAt) : '',
        ...Array(6).fill(''),
        !modern && r.specimen?.receivedAt ? formatTimestamp(r.specimen.receivedAt) : '',
        !modern && r.specimen?.type ? writeSpecimenSource(r.specimen.type, ctx) : '',
        ...Array(6).fill(''),
        r.issuedAt ? formatTimestamp(r.issuedAt) : '',
        '',
        '',
        REPORT_STATUS_OUT[r.status],
        ...Array(6).fill(''),
        writeSigner(r.signer, ctx),
      ),
    );
    let nte = 0;
    const writeNotes = (text: string | undefined, type = '') => {
      if (text === undefined) return;
      for (const line of text.split('\n')) lines.push(seg('NTE', String(++nte), '', e(line), type));
    };
    writeNotes(r.note);
    writeNotes(r.conclusion, CONCLUSION_TYPE);
    r.observations.forEach((o, i) => {
      const v = o.value ? writeValue(o.value, ctx) : { type: '', field: '', units: '' };
      // OBX-2 value type, -3 code, -5 value, -6 units, -7 range, -8 flags, -11 status, -14 performed,
      // -17 method, -23 performing organisation (v2.5+).
      lines.push(
        seg(
          'OBX',
          String(i + 1),
          v.type,
          writeCodings(
            o.codes,
            o.name !== o.codes[0]?.display ? o.name : undefined,
            ctx,
            `OBR[${index + 1}].OBX[${i + 1}]-3`,
          ),
          '',
          v.field,
          v.units,
          o.referenceRange?.[0] ? e(writeRange(o.referenceRange[0])) : '',
          (o.interpretation ?? []).map(e).join(d.repetition),
          '',
          '',
          OBS_STATUS_OUT[o.status],
          '',
          '',
          o.performedAt ? formatTimestamp(o.performedAt) : '',
          '',
          '',
          o.method ? `${d.component}${e(o.method)}` : '',
          ...Array(5).fill(''),
          modern ? writeFacility(r.performingFacility, ctx) : '',
        ),
      );
      nte = 0;
      writeNotes(o.note);
    });
    if (
      modern &&
      r.specimen &&
      (r.specimen.id ||
        r.specimen.type ||
        r.specimen.typeText ||
        r.specimen.collectedAt ||
        r.specimen.receivedAt)
    ) {
      const t = r.specimen.type;
      lines.push(
        seg(
          'SPM',
          '1',
          e(r.specimen.id),
          '',
          writeCodings(t ? [t] : [], r.specimen.typeText, ctx, 'SPM-4'),
          ...Array(12).fill(''),
          r.specimen.collectedAt ? formatTimestamp(r.specimen.collectedAt) : '',
          r.specimen.receivedAt ? formatTimestamp(r.specimen.receivedAt) : '',
        ),
      );
    }
  });
  return { value: `${lines.join('\r')}\r`, warnings: ctx.warnings };
}
