import { createCatalogue } from '@lienthong/catalogue';
import { loadBundledRelease } from '@lienthong/catalogue/bundled';

// Load only the systems you need: each bundled release is its own lazily loaded chunk.
const pl01 = await loadBundledRelease('tt23-pl01'); // TT 23/2024 Appendix 01, 19,438 techniques
const catalogue = createCatalogue([pl01]);

// With or without diacritics, any case, one typo: 23.75 Định lượng Glucose [Máu] comes first.
for (const query of ['dinh luong glucose mau', 'ĐỊNH LƯỢNG GLUCOSE', 'dinh luong glucoze mau']) {
  const [best] = catalogue.search(query, { systems: ['tt23-pl01'], limit: 5 });
  console.log(query, '→', best?.code, best?.display);
}

// A code query returns that exact code first; lookup is O(1) and dated.
console.log(catalogue.search('22.120', { limit: 1 })[0]?.display);
console.log(catalogue.lookup('tt23-pl01', '23.75', { asOf: '2026-07-01' })?.display);
