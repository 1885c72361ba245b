import { isCitizenId, oldProvinces, safeParseCitizenId, safeParseInsuranceCard } from '@lienthong/patient-id';
import { defineBench } from './harness.ts';

// SYNTHETIC input: 10,000 personal ID numbers built from the 63 real province prefixes
// (data/provinces via the generated tables), every century/sex digit and random serials;
// one in ten is malformed (unknown prefix, letter, wrong length) as in real intake data.
const N = 10_000;
let ids: string[] = [];
let cards: string[] = [];

// What a developer would write without this package: a regex plus a set of province prefixes.
let prefixes = new Set<string>();
const regexValidator = (s: string) => /^0\d{11}$/.test(s) && prefixes.has(s.slice(0, 3));
const formatOnly = (s: string) => /^\d{12}$/.test(s);

/** A case that counts the inputs `accept` says yes to (the count keeps the work from being optimised away); inputs are read when it runs, after setup. */
function countCase(
  group: string,
  library: string,
  inputs: () => readonly string[],
  accept: (s: string) => boolean,
  ours = false,
) {
  return {
    group,
    library,
    ...(ours ? { ours } : {}),
    fn: () => {
      let n = 0;
      for (const s of inputs()) if (accept(s)) n++;
      return n;
    },
  };
}

export default defineBench({
  name: 'Personal ID and insurance card validation',
  description: `validate ${N.toLocaleString('en-US')} synthetic personal ID numbers / insurance cards (ours vs hand-written regex)`,
  setup() {
    const codes = oldProvinces().map((p) => `0${p.code}`);
    prefixes = new Set(codes);
    let seed = 42;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const digits = (n: number) => Array.from({ length: n }, () => rnd(10)).join('');
    ids = Array.from({ length: N }, (_, i) => {
      const valid = `${codes[rnd(codes.length)]}${[0, 1, 2, 3, 8, 9][rnd(6)]}${digits(2)}${digits(6)}`;
      if (i % 10 !== 0)
        return valid.slice(3, 4) === '2' || valid.slice(3, 4) === '3'
          ? `${valid.slice(0, 4)}0${valid.slice(5)}`
          : valid;
      return [`099${valid.slice(3)}`, `${valid.slice(0, 11)}A`, valid.slice(0, 11)][rnd(3)]!;
    });
    cards = Array.from(
      { length: N },
      () => `DN${1 + rnd(5)}${codes[rnd(codes.length)]!.slice(1)}${digits(10)}`,
    );
  },
  cases: () => [
    countCase(
      `validate ${N} personal IDs (boolean)`,
      '@lienthong/patient-id isCitizenId',
      () => ids,
      isCitizenId,
      true,
    ),
    countCase(
      `validate ${N} personal IDs (boolean)`,
      'regex + province Set (hand-written)',
      () => ids,
      regexValidator,
    ),
    countCase(
      `validate ${N} personal IDs (boolean)`,
      'regex /^\\d{12}$/ (format only)',
      () => ids,
      formatOnly,
    ),
    countCase(
      `parse ${N} personal IDs (parts or typed error)`,
      '@lienthong/patient-id safeParseCitizenId',
      () => ids,
      (id) => safeParseCitizenId(id).ok,
      true,
    ),
    countCase(
      `parse ${N} insurance cards`,
      '@lienthong/patient-id safeParseInsuranceCard',
      () => cards,
      (c) => safeParseInsuranceCard(c).ok,
      true,
    ),
  ],
  facts() {
    const agree = ids.filter((id) => isCitizenId(id) === regexValidator(id)).length;
    // Five timed windows; the best and the median are reported (the machine may be shared).
    const time = (f: () => void, rounds = 100) => {
      f();
      const rates: number[] = [];
      for (let w = 0; w < 5; w++) {
        const t = performance.now();
        for (let i = 0; i < rounds; i++) f();
        rates.push((rounds * N) / ((performance.now() - t) / 1000));
      }
      rates.sort((x, y) => x - y);
      return `best ${Math.round(rates[4]!).toLocaleString('en-US')}, median ${Math.round(rates[2]!).toLocaleString('en-US')}`;
    };
    return {
      'isCitizenId validations/s (target ≥ 5,000,000)': time(() => {
        for (const id of ids) isCitizenId(id);
      }),
      'safeParseCitizenId parses/s': time(() => {
        for (const id of ids) safeParseCitizenId(id);
      }),
      'valid share of the input': `${ids.filter(isCitizenId).length} / ${N}`,
      'verdicts equal to regex + province Set': `${agree} / ${N} (differences: birth years in the future)`,
    };
  },
});
