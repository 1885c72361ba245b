/**
 * A number as the plain decimal text every format here writes (HL7 NM/SN, XML4, CV 365): never an
 * exponent, so `1e-7` is written `0.0000001`.
 */
export function formatDecimal(n: number): string {
  const s = String(n);
  if (!/e/i.test(s)) return s;
  return n.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 });
}
