/**
 * Issue codes of the ICD-10 import (QĐ 4469/QĐ-BYT list and appendices), each with its English and
 * Vietnamese message. The source defects listed in `data/icd10/SOURCES.md` are reported with these.
 */
export const ICD10_ISSUE_MESSAGES: Readonly<Record<string, [string, string]>> = {
  MARKER_IN_CODE: [
    'The code carries its dagger (†) or asterisk (*) mark; the mark is kept as the property `marker`, the code without it',
    'Mã kèm dấu (†) hoặc (*); dấu được giữ ở thuộc tính `marker`, mã không kèm dấu',
  ],
  MARKER_TWIN: [
    'The code is listed twice, plain and with its mark; one concept is kept, with the mark and the name of the marked row',
    'Mã được liệt kê hai lần, không dấu và có dấu; giữ một khái niệm, kèm dấu và tên của dòng có dấu',
  ],
  TWIN_NAME_DIFFERS: [
    'The plain row names the code differently from its marked twin (the marked row’s name is kept)',
    'Dòng không dấu ghi tên khác dòng có dấu của cùng mã (giữ tên của dòng có dấu)',
  ],
  NO_DOT_MISMATCH: [
    'The code without dot differs from the code with dot',
    'Mã không dấu chấm khác mã có dấu chấm',
  ],
  CATEGORY_MISMATCH: [
    'The category column differs from the code’s own category; the parent is taken from the code',
    'Cột mã loại khác loại của chính mã bệnh; mã cha lấy theo mã bệnh',
  ],
  GROUP_RANGE_MISMATCH: [
    'The group’s range does not contain the code; a category goes under the nearest group of its row that contains it',
    'Khoảng mã của nhóm không chứa mã bệnh; mã loại được xếp vào nhóm gần nhất trên dòng có chứa nó',
  ],
  GROUP_PARENT_CONFLICT: [
    'A group is placed under a different parent than on its first row (the first is kept)',
    'Nhóm được xếp dưới nhóm cha khác với dòng đầu tiên của nó (giữ dòng đầu tiên)',
  ],
  GROUP_NAME_CONFLICT: [
    'A chapter or group is named differently than on its first row (the first is kept)',
    'Chương hoặc nhóm có tên khác với dòng đầu tiên của nó (giữ dòng đầu tiên)',
  ],
  PARENT_MISSING: ['The parent code is not in the list', 'Mã cha không có trong danh mục'],
  CODE_OUT_OF_ORDER: [
    'The code comes after a higher code (out of sequence)',
    'Mã đứng sau một mã lớn hơn (sai thứ tự)',
  ],
  NAME_EN_EMPTY: ['The English name is empty', 'Tên tiếng Anh trống'],
  NAME_LINE_BREAK: [
    'The name has a line break inside; replaced by a space by rule NAME_LINE_BREAK',
    'Tên có dấu xuống dòng bên trong; thay bằng dấu cách theo quy tắc NAME_LINE_BREAK',
  ],
  CODE_WHITESPACE: [
    'The code has leading or trailing spaces; trimmed by rule CODE_WHITESPACE',
    'Mã có khoảng trắng ở đầu hoặc cuối; đã cắt theo quy tắc CODE_WHITESPACE',
  ],
  APPENDIX_CODE_NOT_IN_LIST: [
    'The appendix code is not in the ICD-10 list (the rule is kept for it)',
    'Mã trong phụ lục không có trong danh mục ICD-10 (quy tắc vẫn được giữ)',
  ],
  APPENDIX_NAME_NA: [
    'The name is the spreadsheet error #N/A although the code is in the list',
    'Tên là lỗi bảng tính #N/A dù mã có trong danh mục',
  ],
  ASTERISK_MARK_DIFFERS: [
    'The appendix marks the code with * but the list does not',
    'Phụ lục đánh dấu (*) cho mã nhưng danh mục thì không',
  ],
  DUPLICATE_RULE_CODE: [
    'The code is listed twice in the same appendix (kept once)',
    'Mã được liệt kê hai lần trong cùng phụ lục (giữ một lần)',
  ],
  RULE_CATEGORY_ONLY: [
    'The appendix lists a category but not its subcategories; the rule applies to the listed code only',
    'Phụ lục liệt kê mã loại mà không liệt kê các mã con; quy tắc chỉ áp dụng cho mã được liệt kê',
  ],
  RESTRICTION_TITLE_UNREADABLE: [
    'The appendix title states no age range or sex this importer reads; its rows make no rule',
    'Tiêu đề phụ lục không nêu khoảng tuổi hoặc giới tính đọc được; các dòng không tạo quy tắc',
  ],
  APPENDIX_TITLE_CONFLICT: [
    'The appendix has another title on this row (the first is kept)',
    'Phụ lục có tiêu đề khác ở dòng này (giữ tiêu đề đầu tiên)',
  ],
  PDX_NOT_ALLOWED_AS_MAIN: [
    'Appendix A1 names as main diagnosis (PDx) codes that appendix A2 does not allow as main diagnosis; the checks follow A2',
    'Phụ lục A1 chọn làm bệnh chính (PDx) các mã mà phụ lục A2 không cho dùng làm bệnh chính; phần kiểm tra theo A2',
  ],
};
