/**
 * Helpers for the SMS end-to-end tests: the daemon in demo mode (in process, simulated modems and
 * network, the simulator's control API), the JSON API and the control API as small fetch wrappers,
 * the simulated SIMs' logs, and the daemon's log lines captured as JSON records.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startDaemon, type Daemon } from '../../src/app.js';
import type { LineStatus } from '../../src/line/types.js';
import { createLogger } from '../../src/util/log.js';

export const PASSWORD = 'sms-e2e-password';
export const AUTH = { authorization: 'Basic ' + Buffer.from(`admin:${PASSWORD}`).toString('base64') };
/** Line timing for tests: quick probes and reopen (as test/e2e/policy.test.ts). */
export const FAST_LINES = { probeIntervalMs: 200, unresponsiveAfterMs: 1500, commandTimeoutMs: 1000, reopenDelayMs: 100, maxReopenDelayMs: 400, simRetryMs: 200, refreshEvery: 3 };

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `get` until `cond` holds; the error names `what` and shows the last value. */
export async function waitFor<T>(what: string, get: () => Promise<T> | T, cond: (v: T) => boolean, timeoutMs = 15_000, everyMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (cond(v)) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(v)?.slice(0, 2000)}`);
    await sleep(everyMs);
  }
}

export interface LogRecord {
  level: number;
  msg?: string;
  [k: string]: unknown;
}

export interface SmsDaemon {
  d: Daemon;
  dataDir: string;
  /** http://127.0.0.1:<port>/api */
  api: string;
  /** The simulator's control API. */
  control: string;
  logs: LogRecord[];
  restarts: string[];
  /** JSON API call with the admin's credentials; the body is parsed when it is JSON. */
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Control API call. */
  sim(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  line(id: number): Promise<LineStatus>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Reuse a data directory (restart); its config.json is kept unless `config` is given. */
  dataDir?: string;
  /** Sections merged over the demo defaults and written to config.json. */
  config?: Record<string, unknown>;
  modems?: number;
  timing?: 'zero' | 'fast' | 'realistic';
}

async function json(r: Response): Promise<any> {
  const text = await r.text();
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return text;
  }
}

/** The daemon in demo mode with `modems` simulated modems; resolves once every line is registered. */
export async function startSmsDaemon(o: StartOptions = {}): Promise<SmsDaemon> {
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'cellgate-sms-e2e-'));
  const modems = o.modems ?? 4;
  if (o.config || !o.dataDir) {
    writeFileSync(
      join(dataDir, 'config.json'),
      JSON.stringify({
        modems: { autoDetect: false },
        simulator: { mode: 'auto', modems, timing: o.timing ?? 'fast', controlPort: 0 },
        ...(o.config ?? {}),
      }),
    );
  }
  const logs: LogRecord[] = [];
  let pending = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      pending += chunk.toString('utf8');
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        try {
          logs.push(JSON.parse(line) as LogRecord);
        } catch {
          /* not a JSON line */
        }
      }
      cb();
    },
  });
  const log = createLogger({ level: (process.env.CELLGATE_E2E_LEVEL as 'info' | undefined) ?? 'info', destination: sink });
  const restarts: string[] = [];
  const d = await startDaemon({
    dataDir,
    httpPort: 0,
    httpHost: '127.0.0.1',
    sipPort: 0,
    simControlPort: 0,
    log,
    logLevel: process.env.CELLGATE_E2E_LEVEL ?? 'info',
    out: new Writable({ write: (_c, _e, cb) => cb() }),
    lines: { timing: FAST_LINES },
    onRestartRequest: (reason) => restarts.push(reason),
  });
  await d.auth.setPassword('admin', PASSWORD);
  const api = `http://127.0.0.1:${d.port}/api`;
  const control = d.control!.url.replace(/\/$/, '');
  const req = async (base: string, headers: Record<string, string>, method: string, path: string, body?: unknown) => {
    const r = await fetch(base + path, {
      method,
      headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: r.status, body: await json(r) };
  };
  const x: SmsDaemon = {
    d,
    dataDir,
    api,
    control,
    logs,
    restarts,
    call: (method, path, body) => req(api, AUTH, method, path, body),
    sim: (method, path, body) => req(control, {}, method, path, body),
    line: async (id) => (await req(api, AUTH, 'GET', `/lines/${id}`)).body as LineStatus,
    stop: () => d.stop(),
  };
  for (let id = 1; id <= modems; id++) {
    await waitFor(`line ${id} to register`, () => x.line(id), (l) => l.lifecycle === 'registered' && l.operator !== null && l.sim.number !== null, 20_000);
  }
  return x;
}

export interface SimInfo {
  imsi: string;
  iccid: string;
  number: string | null;
  imei: string | null;
  state: string;
}

export interface SmsLogEntry {
  id: number;
  peer: string;
  text: string;
  parts: number;
  partsSeen: number;
  status: string;
  encoding: string;
}

/** The SIM (network view) in line `id`'s modem. */
export async function simOfLine(x: SmsDaemon, id: number): Promise<SimInfo> {
  const l = await x.line(id);
  const sims = (await x.sim('GET', '/sims')).body.sims as SimInfo[];
  const s = sims.find((s) => s.imsi === l.sim.imsi);
  if (!s) throw new Error(`no simulated SIM with IMSI ${l.sim.imsi} (line ${id})`);
  return s;
}

export async function simLog(x: SmsDaemon, imsi: string): Promise<{ sent: SmsLogEntry[]; received: SmsLogEntry[] }> {
  return (await x.sim('GET', `/sims/${imsi}/log`)).body;
}

/** Outbound message view of GET /api/sms/:id. */
export async function outbound(x: SmsDaemon, id: string): Promise<any> {
  const r = await x.call('GET', `/sms/${encodeURIComponent(id)}`);
  if (r.status !== 200) throw new Error(`GET /api/sms/${id}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Waits until GET /api/sms/:id shows one of `statuses`; returns the statuses seen on the way. */
export async function waitStatus(x: SmsDaemon, id: string, statuses: string[], timeoutMs = 15_000): Promise<{ m: any; seen: string[] }> {
  const seen: string[] = [];
  const m = await waitFor(
    `message ${id} to become ${statuses.join(' or ')}`,
    async () => {
      const v = await outbound(x, id);
      if (seen[seen.length - 1] !== v.status) seen.push(v.status);
      return v;
    },
    (v) => statuses.includes(v.status),
    timeoutMs,
    10,
  );
  return { m, seen };
}

/** Received messages of the inbox matching the query string. */
export async function inbox(x: SmsDaemon, query = ''): Promise<{ total: number; items: any[] }> {
  const r = await x.call('GET', `/sms/inbox${query ? `?${query}` : ''}`);
  if (r.status !== 200) throw new Error(`GET /api/sms/inbox: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}
