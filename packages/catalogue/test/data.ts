// Real data read in place from the repository's own copies: data/ and fixtures/real-world/ at the root.
import { readFileSync } from 'node:fs';

export const REPO_ROOT = new URL('../../../', import.meta.url);
export const PL01_PATH = new URL('data/tt23/tt23_2024_pl01_danh_muc_ky_thuat_den_30-6-2026.csv', REPO_ROOT);
export const PL02_PATH = new URL('data/tt23/tt23_2024_pl02_danh_muc_ky_thuat_tu_1-7-2026.csv', REPO_ROOT);
export const QD1227_PATH = new URL('data/qd1227/qd1227_pl05_rows1177-1208_atomic_fields.csv', REPO_ROOT);
export const SYNTHETIC = new URL('./fixtures/synthetic/', import.meta.url);

export const readText = (url: URL) => readFileSync(url, 'utf8');

/** Column mapping of the verified QĐ 1227 rows (no indicator-name column in that extract). */
export const QD1227_FIXTURE_MAPPING = {
  stt: 'stt_pl05',
  code: 'ma_dung_chung',
  tt23Code: 'ma_ky_thuat_tt23_as_printed',
  tt23Name: 'ten_ky_thuat_tt23_pl01_lookup',
  loinc: 'loinc_ref_reconstructed',
};
