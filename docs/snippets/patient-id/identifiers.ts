// Synthetic identifiers (valid shapes, no real person).
import {
  maskCitizenId,
  oldProvince,
  safeParseCitizenId,
  safeParseIdentifier,
  safeParseInsuranceCards,
} from '@lienthong/patient-id';
import { isCitizenId } from '@lienthong/patient-id/validators'; // ≤ 3 kB, no zod: for forms

const id = safeParseCitizenId('074203012345', { birthDate: '2003', sex: 'male' });
if (id.ok) {
  const { birthYear, century, sex, oldProvinceCode, currentProvinceCode } = id.value;
  console.log(birthYear, century, sex); // 2003 2000 'male'
  console.log(oldProvince(oldProvinceCode)?.name); // 'Tỉnh Bình Dương' (pre-2025 province of registration)
  console.log(currentProvinceCode); // '79' — merged into Thành phố Hồ Chí Minh on 01/07/2025
} else {
  console.log(id.error.code, id.error.messageVi); // e.g. CITIZEN_ID_SEX_MISMATCH
}

console.log(maskCitizenId('074203012345')); // '074*******45' — the only form logs may show
console.log(isCitizenId('074203012345')); // true (allocation-free, for hot paths)

// Claims XML carries several 15-character cards joined by ';'
const cards = safeParseInsuranceCards('DN4790123456789;HT3010000000001');
if (cards.ok)
  for (const c of cards.value) if (c.form === 'full') console.log(c.group, c.benefitLevel, c.provinceCode);

// Type recognised from the shape (12 / 9 digits, 15 or 10 characters, 5 digits)
const any = safeParseIdentifier('01001');
if (any.ok && any.value.type === 'facility') console.log(any.value.parts.sector); // 'civil'
