/**
 * Helpers for the SIP → GSM end-to-end tests through the daemon: one SIPp call against the daemon's
 * SIP port (a scenario file or SIPp's built-in `uac`), the call records of the JSON API, the outside
 * parties' calls of the simulator, and a daemon whose lines are configured by IMEI against simulated
 * modems (for `lines[].prefixes`, which demo lines do not carry).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { startDaemon, type Daemon } from '../../src/app.js';
import { silentLogger } from '../../src/util/log.js';
import { SimPortProvider } from '../../src/wiring/sim-port-provider.js';
import { Simulator } from '../../modem-drivers/simulator/simulator.js';
import { startControlApi, type ControlApi } from '../../modem-drivers/simulator/control-api.js';
import { assertSippInstalled, freeUdpPort, runSippWithErrors } from '../helpers/sipp.js';
import { AUTH, FAST_LINES, PASSWORD, waitFor } from './sms-daemon.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const TO_GSM_SCENARIOS = join(ROOT, 'test/sip/to-gsm/scenarios');
export const SIPP_FIXTURES = join(ROOT, 'fixtures/sip/sipp');

export interface SippCall {
  /** A scenario file, or `uac` for SIPp's built-in caller. */
  scenario: string;
  number: string;
  /** Written in place of EXPECTED_STATUS in the scenario (test/sip/to-gsm/scenarios/expect-final.xml). */
  expectedStatus?: number;
  /** SIPp's own address (any 127.x.y.z is loopback on Linux). */
  bind?: string;
  extraArgs?: string[];
}

export interface SippResult {
  code: number | null;
  output: string;
}

/** One SIPp call to the daemon's SIP UDP port; resolves with SIPp's exit code and the end of its output and error log. */
export async function sippCall(sipPort: number, c: SippCall): Promise<SippResult> {
  assertSippInstalled();
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-sip-in-'));
  try {
    let scenario = c.scenario === 'uac' ? ['-sn', 'uac'] : ['-sf', c.scenario];
    if (c.expectedStatus !== undefined) {
      const file = join(dir, 'scenario.xml');
      writeFileSync(file, readFileSync(c.scenario, 'utf8').replaceAll('EXPECTED_STATUS', String(c.expectedStatus)));
      scenario = ['-sf', file];
    }
    const args = [...scenario, '-i', c.bind ?? '127.0.0.1', '-p', String(await freeUdpPort()), '-m', '1', '-nostdin', '-timeout', '25s', '-s', c.number, ...(c.extraArgs ?? []), `127.0.0.1:${sipPort}`];
    return await runSippWithErrors(args, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function assertSippPassed(r: SippResult): void {
  assert.equal(r.code, 0, `sipp exited with ${r.code}:\n${r.output}`);
}

export interface CallView {
  id: string;
  origin: string | null;
  active: boolean;
  outcome: string | null;
  line: number;
  number: string;
  answerAt: string | null;
  endAt: string | null;
  causes: { gsm: string | null; voip: string | null; gateway: string | null };
}

export interface OutsideCall {
  id: number;
  from: string;
  to: string;
  direction: string;
  endedAt: number | null;
  cause: string | null;
}

/** GET /api/calls: the calls in progress and the recorded ones, newest first. */
export async function apiCalls(api: string): Promise<CallView[]> {
  const r = await fetch(`${api}/calls?limit=50`, { headers: AUTH });
  assert.equal(r.status, 200);
  const body = (await r.json()) as { items?: CallView[]; active?: CallView[]; recorded?: CallView[] } | CallView[];
  if (Array.isArray(body)) return body;
  return [...(body.active ?? []), ...(body.items ?? body.recorded ?? [])];
}

/** The simulator's outside parties' calls (GET /calls of the control API). */
export async function outsideCalls(control: string): Promise<OutsideCall[]> {
  const r = await fetch(`${control.replace(/\/$/, '')}/calls`);
  assert.equal(r.status, 200);
  const body = (await r.json()) as { calls: OutsideCall[] } | OutsideCall[];
  return Array.isArray(body) ? body : body.calls;
}

/** Waits for the ended record of the call to `number`. */
export async function endedRecord(api: string, number: string): Promise<CallView> {
  const calls = await waitFor(`the ended call record to ${number}`, () => apiCalls(api), (l) => l.some((c) => c.number === number && !c.active && c.endAt !== null));
  return calls.find((c) => c.number === number && !c.active)!;
}

export interface LinesDaemon {
  d: Daemon;
  /** The simulator behind the lines (its outside world takes rules and reports calls). */
  sim: Simulator;
  api: string;
  control: string;
  stop(): Promise<void>;
}

/**
 * A daemon with `lines` configured by IMEI against a simulator of as many modems (simulator.mode off,
 * so no demo lines and no demo trunk), and the simulator's control API beside it. Modem 1, 3, ... are
 * Quectel EC25, 2, 4, ... SIMCom SIM7600. `timing` overrides the lines' fast test timing.
 */
export async function startLinesDaemon(
  lines: Array<Record<string, unknown>>,
  config: Record<string, unknown>,
  timing: Partial<typeof FAST_LINES> = {},
): Promise<LinesDaemon> {
  const sim = new Simulator({ modems: lines.length, timing: 'fast' });
  let control: ControlApi | null = null;
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-sip-in-lines-'));
  const configured = lines.map((l, i) => ({ id: i + 1, imei: sim.modem(i + 1)!.imei, ...l }));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ modems: { autoDetect: false }, simulator: { mode: 'off' }, lines: configured, ...config }));
  const d = await startDaemon({
    dataDir: dir,
    httpPort: 0,
    httpHost: '127.0.0.1',
    sipPort: 0,
    log: silentLogger(),
    logLevel: 'silent',
    out: new Writable({ write: (_c, _e, cb) => cb() }),
    lines: { timing: { ...FAST_LINES, ...timing }, portFor: (lc) => (lc.imei ? new SimPortProvider(() => sim.modems, lc.imei) : null) },
  });
  const stop = async () => {
    await d.stop();
    await control?.close();
    sim.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    control = await startControlApi(sim, { host: '127.0.0.1', port: 0 });
    await d.auth.setPassword('admin', PASSWORD);
    const api = `http://127.0.0.1:${d.port}/api`;
    for (let id = 1; id <= lines.length; id++) {
      await waitFor(`line ${id} to register`, async () => (await (await fetch(`${api}/lines/${id}`, { headers: AUTH })).json()) as { lifecycle: string }, (l) => l.lifecycle === 'registered', 20_000);
    }
    return { d, sim, api, control: control.url, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
