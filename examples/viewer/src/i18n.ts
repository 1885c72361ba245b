/** The viewer's words in Vietnamese (default) and English. */
export type Lang = 'vi' | 'en';

const vi = {
  title: 'Kết quả liên thông',
  subtitle: 'Xem kết quả xét nghiệm và chẩn đoán hình ảnh được chia sẻ giữa các cơ sở',
  langToggle: 'English',
  langToggleLabel: 'Switch to English',
  searchLabel: 'Mã định danh người bệnh',
  searchHint: 'Số định danh cá nhân (12 số), CMND (9 số) hoặc mã thẻ BHYT (15 ký tự)',
  searchButton: 'Tìm',
  levelLabel: 'Mức chất lượng phòng xét nghiệm của cơ sở chỉ định',
  searching: 'Đang tìm…',
  notFound: 'Không tìm thấy người bệnh có mã này.',
  loadFailed: 'Không tải được dữ liệu từ hub',
  patient: 'Người bệnh',
  synthetic: 'Dữ liệu tổng hợp',
  born: 'Sinh',
  sex: { male: 'Nam', female: 'Nữ', other: 'Khác', unknown: 'Không rõ' } as Record<string, string>,
  identifierKinds: {
    cccd: 'Định danh cá nhân',
    cmnd: 'CMND',
    bhyt: 'Thẻ BHYT',
    passport: 'Hộ chiếu',
    socialInsurance: 'Mã số BHXH',
    mrn: 'Mã người bệnh',
    other: 'Mã khác',
  } as Record<string, string>,
  trends: 'Xu hướng theo chỉ số',
  trendsNone: 'Chưa có chỉ số nào có từ hai kết quả trở lên để vẽ xu hướng.',
  unit: 'Đơn vị',
  referenceRange: 'Khoảng tham chiếu',
  singleResults: (n: number) => `${n} chỉ số khác chỉ có một kết quả (xem dòng thời gian).`,
  chartSummary: (name: string, n: number, unit: string, labs: number) =>
    `${name}: ${n} kết quả từ ${labs} phòng xét nghiệm, quy đổi về ${unit}.`,
  chartTable: 'Bảng số liệu',
  converted: 'quy đổi từ',
  skipped: (n: number) => `${n} kết quả không quy đổi được nên không vẽ.`,
  timeline: 'Dòng thời gian theo cơ sở',
  reports: (n: number) => `${n} phiếu kết quả`,
  noReports: 'Chưa có phiếu kết quả nào được chia sẻ.',
  columns: { analyte: 'Chỉ số', value: 'Kết quả', range: 'Tham chiếu', flag: 'Cờ' },
  status: {
    final: 'Chính thức',
    preliminary: 'Sơ bộ',
    registered: 'Đã đăng ký',
    amended: 'Đã sửa',
    corrected: 'Đã đính chính',
    cancelled: 'Đã huỷ',
  } as Record<string, string>,
  labLevel: (n: number) => `PXN mức ${n}`,
  collected: 'Lấy mẫu',
  badge: {
    reusable: 'Dùng lại được',
    expired: 'Hết hạn — làm lại',
    'not-final': 'Chưa chính thức',
    'not-reusable': 'Không dùng lại',
    unknown: 'Chưa đánh giá',
  } as Record<string, string>,
  olderThanWindows: (days: number) => `Đã quá mọi thời hạn dùng lại (dài nhất ${days} ngày).`,
  notAdvised: 'Hub không trả lời cho phiếu này.',
  imaging: 'Chẩn đoán hình ảnh',
  noImaging: 'Chưa có ca chụp nào được chia sẻ.',
  thumbnailAlt: (what: string) => `Ảnh thu nhỏ: ${what}`,
  noThumbnail: 'Không có ảnh xem trước',
  thumbNone: 'Ca chụp không kèm địa chỉ DICOMweb nên không có ảnh xem trước.',
  thumbFailed: 'Máy chủ PACS không trả lời qua DICOMweb nên không có ảnh xem trước.',
  series: (n: number) => `${n} loạt ảnh`,
  instances: (n: number) => `${n} ảnh`,
  studyUid: 'UID ca chụp',
  footer:
    'Liên Thông — SDK mã nguồn mở cho liên thông dữ liệu y tế. Mọi người bệnh ở đây là dữ liệu tổng hợp.',
};

type Messages = typeof vi;

const en: Messages = {
  title: 'Shared results',
  subtitle: 'Lab results and imaging shared between facilities',
  langToggle: 'Tiếng Việt',
  langToggleLabel: 'Chuyển sang tiếng Việt',
  searchLabel: 'Patient identifier',
  searchHint: 'Personal ID (12 digits), old ID card (9 digits) or insurance card (15 characters)',
  searchButton: 'Find',
  levelLabel: 'Lab quality level of the ordering facility',
  searching: 'Searching…',
  notFound: 'No patient has this identifier.',
  loadFailed: 'Could not load data from the hub',
  patient: 'Patient',
  synthetic: 'Synthetic data',
  born: 'Born',
  sex: { male: 'Male', female: 'Female', other: 'Other', unknown: 'Unknown' },
  identifierKinds: {
    cccd: 'Personal ID',
    cmnd: 'Old ID card',
    bhyt: 'Insurance card',
    passport: 'Passport',
    socialInsurance: 'Social insurance no.',
    mrn: 'Record number',
    other: 'Other',
  },
  trends: 'Trends by analyte',
  trendsNone: 'No analyte has two or more results to draw a trend yet.',
  unit: 'Unit',
  referenceRange: 'Reference range',
  singleResults: (n) => `${n} other analytes have a single result (see the timeline).`,
  chartSummary: (name, n, unit, labs) =>
    `${name}: ${n} results from ${labs} ${labs === 1 ? 'lab' : 'labs'}, converted to ${unit}.`,
  chartTable: 'Data table',
  converted: 'converted from',
  skipped: (n) => `${n} results could not be converted and are not drawn.`,
  timeline: 'Timeline by facility',
  reports: (n) => `${n} ${n === 1 ? 'report' : 'reports'}`,
  noReports: 'No lab report has been shared yet.',
  columns: { analyte: 'Analyte', value: 'Result', range: 'Reference', flag: 'Flag' },
  status: {
    final: 'Final',
    preliminary: 'Preliminary',
    registered: 'Registered',
    amended: 'Amended',
    corrected: 'Corrected',
    cancelled: 'Cancelled',
  },
  labLevel: (n) => `Lab level ${n}`,
  collected: 'Collected',
  badge: {
    reusable: 'Reusable',
    expired: 'Expired — redo',
    'not-final': 'Not final',
    'not-reusable': 'Not reusable',
    unknown: 'Not assessed',
  },
  olderThanWindows: (days) => `Older than every reuse window (the longest is ${days} days).`,
  notAdvised: 'The hub gave no advice for this report.',
  imaging: 'Imaging',
  noImaging: 'No imaging study has been shared yet.',
  thumbnailAlt: (what) => `Thumbnail: ${what}`,
  noThumbnail: 'No preview',
  thumbNone: 'The study names no DICOMweb endpoint, so there is no preview.',
  thumbFailed: 'The PACS did not answer over DICOMweb, so there is no preview.',
  series: (n) => `${n} series`,
  instances: (n) => `${n} ${n === 1 ? 'image' : 'images'}`,
  studyUid: 'Study UID',
  footer: 'Liên Thông — an open-source SDK for health-data exchange. Every patient here is synthetic.',
};

export const MESSAGES: Readonly<Record<Lang, Messages>> = { vi, en };
export type { Messages };

/** A date or date-time as the language writes it (Vietnam time). */
export function formatDate(iso: string, lang: Lang): string {
  const d = new Date(iso.length === 10 ? `${iso}T00:00:00+07:00` : iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleDateString(lang === 'vi' ? 'vi-VN' : 'en-GB', {
    timeZone: 'Asia/Ho_Chi_Minh',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  });
}

/** A number with the language's decimal mark, at most `digits` decimals. */
export function formatNumber(value: number, lang: Lang, digits = 2): string {
  return value.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: digits });
}
