/** One field of one table, as the fields table of QĐ 4750 describes it (generated: src/generated/fields.ts). */
export interface Xml130FieldSpec {
  /** The XML element name (`MA_LK`). */
  name: string;
  /** `Số` → number, `Chuỗi` → string (a field QĐ 4750 turned into a string is a string). */
  type: 'string' | 'number';
  /** The largest published maximum length; absent when unbounded (`n`). */
  maxLength?: number;
  /** `x` in the validation workbook → `yes`; a condition text → `conditional` (not enforced). */
  mandatory: 'yes' | 'no' | 'conditional';
  condition?: string;
  /** A `yyyymmddHHMM` date-time (the description says "12 ký tự"). */
  dateTime?: true;
}
