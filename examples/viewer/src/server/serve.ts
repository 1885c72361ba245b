/**
 * Node-only: serves the built viewer (`dist/`) and reverse-proxies the hub API (`/v1/*`, `/fhir/*`)
 * — and optionally a PACS's DICOMweb root — on one origin, so the browser needs no CORS. The
 * facility's API key is added here, on the server side, and never reaches the page.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFAULT_DIST = fileURLToPath(new URL('../../dist', import.meta.url));

export interface ServeViewerOptions {
  /** The hub's base URL (`http://127.0.0.1:8080`). */
  hubUrl: string;
  /** The API key of the facility the viewer reads as (added as `Authorization: Bearer …`); a function is asked per request. */
  apiKey?: string | (() => string | undefined);
  /** A DICOMweb root to expose under `/dicom-web` (e.g. Orthanc's `http://127.0.0.1:8042/dicom-web`). */
  dicomwebUrl?: string;
  /** The built viewer (default `examples/viewer/dist`). */
  distDir?: string;
  /** Port (default 0: a free one). */
  port?: number;
  host?: string;
}

export interface RunningViewer {
  readonly url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
};

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'host',
  'proxy-connection',
]);

function proxy(req: IncomingMessage, res: ServerResponse, target: URL, auth?: string): void {
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
  if (auth && !headers.authorization) headers.authorization = auth;
  const upstream = request(target, { method: req.method ?? 'GET', headers }, (answer) => {
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(answer.headers))
      if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
    res.writeHead(answer.statusCode ?? 502, out);
    answer.pipe(res);
  });
  upstream.on('error', (error) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/problem+json' });
    res.end(
      JSON.stringify({ type: 'about:blank', title: 'Bad gateway', status: 502, detail: error.message }),
    );
  });
  req.pipe(upstream);
}

async function sendFile(res: ServerResponse, root: string, pathname: string): Promise<void> {
  const wanted = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
  let file = resolve(root, wanted);
  if (file !== root && !file.startsWith(root + sep)) {
    res.writeHead(403).end();
    return;
  }
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) file = join(root, 'index.html');
  const ok = await stat(file).catch(() => undefined);
  if (!ok?.isFile()) {
    res
      .writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
      .end('Build the viewer first: npm run build -w viewer');
    return;
  }
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  createReadStream(file).pipe(res);
}

/** Starts the viewer's server. */
export async function serveViewer(options: ServeViewerOptions): Promise<RunningViewer> {
  const root = resolve(options.distDir ?? DEFAULT_DIST);
  const hub = new URL(options.hubUrl);
  const dicomweb = options.dicomwebUrl ? new URL(options.dicomwebUrl.replace(/\/+$/, '')) : undefined;
  const auth = () => {
    const key = typeof options.apiKey === 'function' ? options.apiKey() : options.apiKey;
    return key ? `Bearer ${key}` : undefined;
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://viewer.invalid');
    if (/^\/(v1|fhir)(\/|$)/.test(url.pathname)) {
      proxy(req, res, new URL(url.pathname + url.search, hub), auth());
    } else if (dicomweb && /^\/dicom-web(\/|$)/.test(url.pathname)) {
      const rest = url.pathname.slice('/dicom-web'.length);
      proxy(req, res, new URL(`${dicomweb.pathname}${rest}${url.search}`, dicomweb));
    } else if (req.method === 'GET' || req.method === 'HEAD') {
      sendFile(res, root, url.pathname).catch(() => res.writeHead(500).end());
    } else {
      res.writeHead(405).end();
    }
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((ok) => server.listen(options.port ?? 0, host, ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}
