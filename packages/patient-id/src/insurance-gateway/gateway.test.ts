// All cards and people here are SYNTHETIC.
import { describePatientDirectoryConformance, patientDirectoryFixtures } from '@lienthong/conformance';
import { clientCredentialsAuth, DEFAULT_IDENTIFIER_SYSTEMS } from '@lienthong/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayCard, startGatewayServer } from '../../test/insurance-gateway-server.js';
import { fullName, type PatientRecord } from '../model/patient-record.js';
import { CARD_RESULT_CODES, createInsuranceGatewayClient } from './client.js';
import { createInsuranceGatewayPatientDirectory } from './directory.js';

const seed = patientDirectoryFixtures('gateway-seed');
const ddmmyyyy = (iso: string) =>
  iso.length === 4 ? iso : `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const cardOf = (r: PatientRecord): GatewayCard => {
  const maThe = r.identifiers.find((i) => i.kind === 'bhyt')!.value;
  return {
    maThe,
    hoTen: fullName(r.name),
    ngaySinh: ddmmyyyy(r.birthDate!),
    gioiTinh: r.sex === 'male' ? 'Nam' : 'Nữ',
    diaChi: 'Phường Bến Thành, Thành phố Hồ Chí Minh',
    maDKBD: '79001',
    gtTheTu: '01/01/2026',
    gtTheDen: '31/12/2030',
    maSoBHXH: maThe.slice(5),
    dsLichSuKCB2018: [
      {
        maHoSo: 'SYN-HS-1',
        maCSKCB: '79001',
        ngayVao: '202501311430',
        ngayRa: '202502021000',
        tenBenh: 'Viêm họng cấp',
        tinhTrang: '1',
        kqDieuTri: '1',
      },
    ],
  };
};
const base = (n: number) => `DN4790000000${String(n).padStart(3, '0')}`;
const forced = Object.keys(CARD_RESULT_CODES)
  .concat('999')
  .map(
    (code, i): GatewayCard => ({
      ...cardOf(seed[0]!),
      maThe: base(i),
      maSoBHXH: base(i).slice(5),
      forceCode: code,
    }),
  );

let server: Awaited<ReturnType<typeof startGatewayServer>>;
const officer = { name: 'Lê Thị Cán Bộ', citizenId: '001190000001' };
const settings = () => ({
  baseUrl: server.url,
  lookupPath: server.lookupPath,
  officer,
  auth: clientCredentialsAuth({
    tokenUrl: `${server.url}${server.tokenPath}`,
    clientId: 'his-client',
    clientSecret: 'his-secret',
  }),
});

beforeAll(async () => {
  server = await startGatewayServer({
    cards: [
      ...seed.map(cardOf),
      ...forced,
      { ...cardOf(seed[2]!), maThe: 'GD4790000000999', maSoBHXH: '0000000999', gtTheDen: '31/12/2024' },
    ],
    tokenLifetimeMs: 150,
  });
});
afterAll(async () => {
  await server.close();
});

// Same suite as every provider. The gateway is read-only: write cases are reported not applicable.
describePatientDirectoryConformance(
  'insurance-gateway (local server honouring the documented contract)',
  () => createInsuranceGatewayPatientDirectory(settings()),
  { options: { seed } },
);

describe('insurance gateway client', () => {
  it('maps every documented maKetQua to a typed status, unknown codes to unknown', async () => {
    const client = createInsuranceGatewayClient(settings());
    const who = { name: fullName(seed[0]!.name), birthDate: seed[0]!.birthDate! };
    const statuses: Record<string, string> = {};
    for (const card of forced) {
      const r = await client.lookupCard({ cardNumber: card.maThe, ...who });
      statuses[r.code] = r.status;
    }
    expect(statuses).toEqual({ ...CARD_RESULT_CODES, '999': 'unknown' });
  });

  it('returns the card fields, validity and visit history', async () => {
    const client = createInsuranceGatewayClient(settings());
    const an = seed[0]!;
    const r = await client.lookupCard({
      cardNumber: cardOf(an).maThe,
      name: fullName(an.name),
      birthDate: an.birthDate!,
    });
    expect(r).toMatchObject({
      status: 'valid',
      code: '000',
      card: {
        name: 'Nguyễn Văn An',
        birthDate: '1985-03-12',
        sex: 'male',
        registeredFacility: '79001',
        validFrom: '2026-01-01',
        validTo: '2030-12-31',
      },
      history: [
        {
          recordId: 'SYN-HS-1',
          facilityCode: '79001',
          admittedAt: '2025-01-31T14:30:00+07:00',
          diagnosis: 'Viêm họng cấp',
        },
      ],
    });
    const sent = server.log.filter((l) => l.path === server.lookupPath);
    expect(sent.length).toBeGreaterThan(0);
  });

  it('sends the documented request fields with dates as dd/MM/yyyy or yyyy', async () => {
    const seen: Record<string, unknown>[] = [];
    const client = createInsuranceGatewayClient({
      ...settings(),
      fetch: async (input, init) => {
        const req = input instanceof Request ? input : new Request(input, init);
        if (req.url.endsWith(server.lookupPath))
          seen.push(JSON.parse(await req.clone().text()) as Record<string, unknown>);
        return fetch(req);
      },
    });
    await client.lookupCard({ cardNumber: cardOf(seed[1]!).maThe, name: 'Trần Thị Bình', birthDate: '1990' });
    await client.lookupCard({
      cardNumber: cardOf(seed[0]!).maThe,
      name: 'Nguyễn Văn An',
      birthDate: '1985-03-12',
    });
    expect(seen).toEqual([
      {
        maThe: cardOf(seed[1]!).maThe,
        hoTen: 'Trần Thị Bình',
        ngaySinh: '1990',
        hoTenCb: officer.name,
        cccdCb: officer.citizenId,
      },
      {
        maThe: cardOf(seed[0]!).maThe,
        hoTen: 'Nguyễn Văn An',
        ngaySinh: '12/03/1985',
        hoTenCb: officer.name,
        cccdCb: officer.citizenId,
      },
    ]);
  });

  it('gets a new token when the gateway rejects an expired one', async () => {
    const client = createInsuranceGatewayClient(settings());
    const an = seed[0]!;
    const ask = () =>
      client.lookupCard({ cardNumber: cardOf(an).maThe, name: fullName(an.name), birthDate: an.birthDate! });
    const before = server.tokensIssued();
    expect((await ask()).status).toBe('valid');
    await new Promise((r) => setTimeout(r, 200)); // the server-side lifetime is 150 ms
    expect((await ask()).status).toBe('valid');
    expect(server.tokensIssued() - before).toBe(2);
    expect(server.log.some((l) => l.status === 401)).toBe(true);
  });
});

describe('insurance gateway directory', () => {
  it('reports an expired card as a record whose coverage has ended', async () => {
    const d = createInsuranceGatewayPatientDirectory(settings());
    const r = await d.findByIdentifier(
      { system: DEFAULT_IDENTIFIER_SYSTEMS.bhyt, value: 'GD4790000000999' },
      { verify: { name: 'Nguyễn Thị Cúc', birthDate: '1985-07-01' } },
    );
    expect(r?.insurance?.[0]).toMatchObject({ validTo: '2024-12-31' });
  });

  it('looks up a card asked for with the community VN Core URI', async () => {
    const d = createInsuranceGatewayPatientDirectory(settings());
    const r = await d.findByIdentifier(
      { system: 'http://fhir.hl7.org.vn/core/sid/bhyt', value: 'GD4790000000999' },
      { verify: { name: 'Nguyễn Thị Cúc', birthDate: '1985-07-01' } },
    );
    expect(r?.identifiers).toContainEqual(
      expect.objectContaining({ system: DEFAULT_IDENTIFIER_SYSTEMS.bhyt, value: 'GD4790000000999' }),
    );
  });

  it('turns a failed check into a typed error with the maKetQua', async () => {
    const d = createInsuranceGatewayPatientDirectory(settings());
    const an = seed[0]!;
    const card = { system: DEFAULT_IDENTIFIER_SYSTEMS.bhyt, value: cardOf(an).maThe };
    const wrongName = await d
      .findByIdentifier(card, { verify: { name: 'Nguyễn Văn Ba', birthDate: an.birthDate! } })
      .catch((e: unknown) => e);
    expect(wrongName).toMatchObject({ code: 'INSURANCE_GATEWAY_WRONG_NAME', details: { maKetQua: '060' } });
    const wrongDate = await d
      .findByIdentifier(card, { verify: { name: 'Nguyễn Văn An', birthDate: '1986' } })
      .catch((e: unknown) => e);
    expect(wrongDate).toMatchObject({ code: 'INSURANCE_GATEWAY_WRONG_BIRTH_DATE' });
    await expect(d.findByIdentifier(card)).rejects.toMatchObject({
      code: 'INSURANCE_GATEWAY_DEMOGRAPHICS_REQUIRED',
    });
    await expect(
      d.findByIdentifier(
        { system: DEFAULT_IDENTIFIER_SYSTEMS.cccd, value: '079085000001' },
        { verify: { name: 'x', birthDate: '1985' } },
      ),
    ).rejects.toMatchObject({ code: 'INSURANCE_GATEWAY_IDENTIFIER_UNSUPPORTED' });
    expect(d.capabilities).toMatchObject({ write: false, demographicSearch: false });
    await expect(d.upsert(patientDirectoryFixtures('ro')[0]!)).rejects.toMatchObject({
      code: 'PROVIDER_READ_ONLY',
    });
  });
});
