/**
 * The whole daemon in process with its SMPP SMSC on, for the end-to-end SMPP tests (issue 5): demo
 * mode (four simulated lines), fast simulator timing, one SMPP account, the JSON API with an admin
 * password, and small helpers for the API and the simulator's control API (docs/simulator.md).
 */
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startDaemon, type Daemon } from '../../../src/app.js';
import { createLogger, silentLogger } from '../../../src/util/log.js';
import type { LineStatus } from '../../../src/line/types.js';

const FAST_LINES = { probeIntervalMs: 200, unresponsiveAfterMs: 1500, commandTimeoutMs: 1000, reopenDelayMs: 100, maxReopenDelayMs: 400, simRetryMs: 200, refreshEvery: 3 };
const PASSWORD = 'smpp-e2e-password';

export interface SimLogEntry {
  id: number;
  peer: string;
  text: string;
  encoding: string;
  parts: number;
  partsSeen: number;
  status: string;
  mrs: number[];
  reportStatus?: number;
}

export interface SimLog {
  sent: SimLogEntry[];
  received: SimLogEntry[];
}

export interface OutView {
  id: string;
  status: string;
  reason: string | null;
  to: string;
  text: string;
  parts: number;
  origin: string;
  client: string | null;
  line: number | null;
  aliases: string[];
}

export interface E2eLine {
  id: number;
  number: string;
  imsi: string;
}

export interface SmppDaemon {
  d: Daemon;
  api: string;
  control: string;
  smppPort: number;
  /** The four simulated lines with the number and IMSI of the SIM each one uses. */
  lines: E2eLine[];
  /** GET on the JSON API as admin; throws on a status other than 200. */
  get<T>(path: string): Promise<T>;
  /** Status of one API GET (for "the API still answers"). */
  status(path: string): Promise<number>;
  simLog(imsi: string): Promise<SimLog>;
  /** An outside phone texts a SIM (control API POST /sms). */
  smsFromOutside(from: string, to: string, text: string): Promise<void>;
  /** Every outbound message matching the query (paged through). */
  outbox(query?: Record<string, string>): Promise<OutView[]>;
  stop(): Promise<void>;
}

export interface SmppDaemonOptions {
  accounts: Array<{ systemId: string; password: string; perLineIds?: boolean; lines?: number[]; receive?: boolean }>;
  timing?: 'fast' | 'zero';
  /** Extra top-level configuration sections (merged over the defaults here). */
  smpp?: Record<string, unknown>;
  sms?: Record<string, unknown>;
}

/** Polls `cond` every 50 ms until it is truthy; throws with `diag()` after `ms`. */
export async function until<T>(cond: () => T | Promise<T>, ms: number, what: string, diag: () => string | Promise<string> = () => ''): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await cond();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}\n${await diag()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startSmppDaemon(o: SmppDaemonOptions): Promise<SmppDaemon> {
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-smpp-e2e-'));
  const config = {
    modems: { autoDetect: false },
    simulator: { mode: 'auto', modems: 4, timing: o.timing ?? 'fast', controlPort: 0 },
    smpp: { enabled: true, host: '127.0.0.1', accounts: o.accounts, ...o.smpp },
    ...(o.sms ? { sms: o.sms } : {}),
  };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  const d = await startDaemon({
    dataDir: dir,
    httpPort: 0,
    httpHost: '127.0.0.1',
    smppPort: 0,
    sipPort: 0,
    simControlPort: 0,
    // CELLGATE_E2E_LOG=/path/file keeps the daemon's debug log for a failing run; otherwise nothing is logged.
    log: process.env.CELLGATE_E2E_LOG ? createLogger({ level: 'debug', destination: createWriteStream(process.env.CELLGATE_E2E_LOG, { flags: 'a' }) }) : silentLogger(),
    logLevel: process.env.CELLGATE_E2E_LOG ? 'debug' : 'silent',
    out: new Writable({ write: (_c, _e, cb) => cb() }),
    lines: { timing: FAST_LINES },
  });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await d.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await d.auth.setPassword('admin', PASSWORD);
    const auth = { authorization: 'Basic ' + Buffer.from(`admin:${PASSWORD}`).toString('base64') };
    const api = `http://127.0.0.1:${d.port}`;
    const control = d.control!.url.replace(/\/$/, '');
    const get = async <T>(path: string): Promise<T> => {
      const r = await fetch(`${api}${path}`, { headers: auth });
      const body = await r.text();
      if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${body}`);
      return JSON.parse(body) as T;
    };
    // Every line registered, with the SIM's number read (+CNUM) and its IMSI.
    const lines = await until(
      async () => {
        const l = (await get<{ lines: LineStatus[] }>('/api/lines')).lines;
        return l.length === 4 && l.every((x) => x.lifecycle === 'registered' && x.sim.number && x.sim.imsi) ? l : null;
      },
      20_000,
      'four registered lines with their SIM numbers',
      async () => JSON.stringify((await get<{ lines: LineStatus[] }>('/api/lines')).lines.map((x) => [x.id, x.lifecycle, x.health, x.sim])),
    );
    if (d.smppPort === null) throw new Error('the SMSC is not running');
    return {
      d,
      api,
      control,
      smppPort: d.smppPort,
      lines: lines.map((l) => ({ id: l.id, number: l.sim.number!, imsi: l.sim.imsi! })),
      get,
      async status(path) {
        const r = await fetch(`${api}${path}`, { headers: auth });
        await r.arrayBuffer();
        return r.status;
      },
      async simLog(imsi) {
        const r = await fetch(`${control}/sims/${imsi}/log`);
        if (r.status !== 200) throw new Error(`GET /sims/${imsi}/log: ${r.status} ${await r.text()}`);
        return (await r.json()) as SimLog;
      },
      async smsFromOutside(from, to, text) {
        const r = await fetch(`${control}/sms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from, to, text }) });
        const body = await r.text();
        if (r.status >= 300) throw new Error(`POST /sms: ${r.status} ${body}`);
      },
      async outbox(query = {}) {
        const out: OutView[] = [];
        for (let offset = 0; ; offset += 1000) {
          const q = new URLSearchParams({ ...query, limit: '1000', offset: String(offset) });
          const page = await get<{ total: number; items: OutView[] }>(`/api/sms/outbox?${q}`);
          out.push(...page.items);
          if (page.items.length < 1000) return out;
        }
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
