// A browser form's needs, bundled by scripts/consumer/bundle.mjs from the installed packages: check
// a personal ID as it is typed, and search the technique catalogue (a release the page fetched).
import { createCatalogue } from '@lienthong/catalogue';
import { isCitizenId, safeParseCitizenId } from '@lienthong/patient-id/validators';

export function checkCitizenId(value) {
  if (!isCitizenId(value)) {
    const parsed = safeParseCitizenId(value);
    return { ok: false, code: parsed.ok ? undefined : parsed.error.code };
  }
  const parsed = safeParseCitizenId(value);
  return parsed.ok ? { ok: true, birthYear: parsed.value.birthYear } : { ok: false, code: parsed.error.code };
}

export function searchTechniques(release, query) {
  return createCatalogue([release])
    .search(query, { limit: 5 })
    .map((hit) => hit.code);
}
