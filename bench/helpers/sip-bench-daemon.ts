/**
 * The daemon for the SIP benchmarks: in this process (so the bench and the simulated modems read the
 * same clock), demo mode on simulated modems with the given timing, SIP on a free UDP port, the JSON
 * API and the simulator's control API on free ports, and the given sections merged into config.json.
 * Lines keep the daemon's own timing (probe interval and the rest), as deployed.
 * Logging stays at `info` as deployed, written as JSON to a sink that drops it (serialising a line is
 * part of the daemon's cost, reading it back is not).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startDaemon, type Daemon } from '../../src/app.js';
import type { LineStatus } from '../../src/line/types.js';
import { createLogger } from '../../src/util/log.js';
import { sleep } from './bench-util.js';

const PASSWORD = 'sip-bench-password';
const AUTH = { authorization: 'Basic ' + Buffer.from(`admin:${PASSWORD}`).toString('base64') };

export interface BenchDaemon {
  d: Daemon;
  sipPort: number;
  /** The simulator's control API (no trailing slash). */
  control: string;
  api(path: string): Promise<any>;
  sim(method: string, path: string, body?: unknown): Promise<any>;
  stop(): Promise<void>;
}

export async function startBenchDaemon(o: { modems: number; timing: 'zero' | 'fast'; config: Record<string, unknown> }): Promise<BenchDaemon> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cellgate-sip-bench-'));
  writeFileSync(
    join(dataDir, 'config.json'),
    JSON.stringify({ modems: { autoDetect: false }, simulator: { mode: 'auto', modems: o.modems, timing: o.timing, controlPort: 0 }, ...o.config }),
  );
  const drop = new Writable({ write: (_c, _e, cb) => cb() });
  const d = await startDaemon({
    dataDir,
    httpPort: 0,
    httpHost: '127.0.0.1',
    sipPort: 0,
    simControlPort: 0,
    log: createLogger({ level: 'info', destination: drop }),
    logLevel: 'info',
    out: drop,
  });
  await d.auth.setPassword('admin', PASSWORD);
  if (!d.sip || !d.control) throw new Error('sip bench: the daemon runs no SIP endpoint or no simulator control API');
  const api = `http://127.0.0.1:${d.port}/api`;
  const control = d.control.url.replace(/\/$/, '');
  const get = async (url: string, init?: RequestInit) => {
    const r = await fetch(url, init);
    const text = await r.text();
    if (!r.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: ${r.status} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : null;
  };
  const x: BenchDaemon = {
    d,
    sipPort: d.sip.ports.udp,
    control,
    api: (path) => get(api + path, { headers: AUTH }),
    sim: (method, path, body) =>
      get(control + path, { method, ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}) }),
    stop: async () => {
      await d.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + 30_000;
  for (let id = 1; id <= o.modems; id++) {
    for (;;) {
      const l = (await x.api(`/lines/${id}`)) as LineStatus;
      if (l.lifecycle === 'registered' && l.sim.number !== null) break;
      if (Date.now() > deadline) throw new Error(`sip bench: line ${id} did not register: ${JSON.stringify(l).slice(0, 500)}`);
      await sleep(50);
    }
  }
  return x;
}
