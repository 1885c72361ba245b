import {
  foldVietnamese,
  formatNationalDateTime,
  maskIdentifier,
  safeParseNationalDate,
} from '@lienthong/core';

foldVietnamese('ĐỊNH LƯỢNG Glucose [Máu]'); // 'dinh luong glucose [mau]'

const day = safeParseNationalDate('20250131'); // { ok: true, value: '2025-01-31' }
if (!day.ok) console.error(day.error.code, day.error.messageVi);

formatNationalDateTime('2025-01-31T07:30:00Z'); // '202501311430' (Vietnam time, UTC+07:00)

maskIdentifier('001203012345'); // '001*******45' — what logs and errors show
