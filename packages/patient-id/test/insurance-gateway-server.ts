/**
 * A local stand-in for the insurance gateway, honouring the contract documented in docs/en/guide/domain.md
 * (request fields, `maKetQua` codes, card fields, `dsLichSuKCB2018`). What docs/en/guide/domain.md does not
 * document is chosen here and is configuration on the client side: the lookup path, an OAuth 2.0
 * client-credentials token endpoint, tokens that expire (401 after expiry), dd/MM/yyyy dates and
 * `gioiTinh` "Nam"/"Nữ". All cards and people are SYNTHETIC.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { foldVietnamese } from '@lienthong/core';

export interface GatewayCard {
  maThe: string;
  hoTen: string;
  /** dd/MM/yyyy or yyyy */
  ngaySinh: string;
  gioiTinh: 'Nam' | 'Nữ';
  diaChi?: string;
  maDKBD: string;
  gtTheTu: string;
  gtTheDen: string;
  maSoBHXH: string;
  maTheMoi?: string;
  revoked?: boolean;
  /** Test hook: answer this maKetQua whatever the request. */
  forceCode?: string;
  dsLichSuKCB2018?: Record<string, string>[];
}

export interface GatewayServerOptions {
  cards: GatewayCard[];
  lookupPath?: string;
  tokenPath?: string;
  clientId?: string;
  clientSecret?: string;
  /** Server-side token lifetime in ms (default 60 000). */
  tokenLifetimeMs?: number;
  /** "Today" as dd/MM/yyyy → Date, for expiry (default now). */
  now?: () => number;
}

export async function startGatewayServer(options: GatewayServerOptions) {
  const lookupPath = options.lookupPath ?? '/api/the/tra-cuu';
  const tokenPath = options.tokenPath ?? '/oauth/token';
  const tokens = new Map<string, number>();
  const log: { path: string; status: number; body?: unknown }[] = [];
  let issued = 0;
  const toTime = (ddmmyyyy: string) => {
    const [d, m, y] = ddmmyyyy.split('/').map(Number);
    return Date.UTC(y!, m! - 1, d!);
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const send = (status: number, body: unknown) => {
        log.push({ path: req.url ?? '', status, body });
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method === 'POST' && url.pathname === tokenPath) {
        const form = new URLSearchParams(raw);
        const basic = req.headers.authorization?.startsWith('Basic ')
          ? Buffer.from(req.headers.authorization.slice(6), 'base64').toString()
          : `${form.get('client_id')}:${form.get('client_secret')}`;
        if (basic !== `${options.clientId ?? 'his-client'}:${options.clientSecret ?? 'his-secret'}`)
          return send(401, { error: 'invalid_client' });
        const token = `tok-${++issued}`;
        tokens.set(token, Date.now() + (options.tokenLifetimeMs ?? 60_000));
        // The client is told a long lifetime; the server may revoke earlier (as real gateways do).
        return send(200, { access_token: token, token_type: 'Bearer', expires_in: 3600 });
      }
      if (req.method === 'POST' && url.pathname === lookupPath) {
        const token = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
        const expiry = tokens.get(token);
        if (expiry === undefined || expiry < Date.now()) return send(401, { error: 'invalid_token' });
        let body: Record<string, string>;
        try {
          body = JSON.parse(raw) as Record<string, string>;
        } catch {
          return send(400, { error: 'body is not JSON' });
        }
        for (const field of ['maThe', 'hoTen', 'ngaySinh', 'hoTenCb', 'cccdCb'])
          if (!body[field]) return send(400, { error: `${field} is required` });
        const card = options.cards.find((c) => c.maThe === body.maThe || c.maSoBHXH === body.maThe);
        if (!card) return send(200, { maKetQua: '050', ghiChu: 'Không tìm thấy thẻ' });
        const fields = {
          maThe: card.maThe,
          hoTen: card.hoTen,
          ngaySinh: card.ngaySinh,
          gioiTinh: card.gioiTinh,
          diaChi: card.diaChi,
          maDKBD: card.maDKBD,
          gtTheTu: card.gtTheTu,
          gtTheDen: card.gtTheDen,
          maSoBHXH: card.maSoBHXH,
          maTheMoi: card.maTheMoi ?? '',
          dsLichSuKCB2018: card.dsLichSuKCB2018 ?? [],
        };
        if (card.forceCode) return send(200, { maKetQua: card.forceCode, ...fields });
        if (foldVietnamese(body.hoTen!) !== foldVietnamese(card.hoTen))
          return send(200, { maKetQua: '060', ghiChu: 'Họ tên không đúng' });
        if (body.ngaySinh !== card.ngaySinh)
          return send(200, { maKetQua: '070', ghiChu: 'Ngày sinh không đúng' });
        if (card.revoked) return send(200, { maKetQua: '110', ...fields });
        const today = options.now?.() ?? Date.now();
        if (toTime(card.gtTheDen) < today) return send(200, { maKetQua: '010', ...fields });
        return send(200, { maKetQua: '000', ...fields });
      }
      send(404, { error: 'not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    lookupPath,
    tokenPath,
    log,
    tokensIssued: () => issued,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
