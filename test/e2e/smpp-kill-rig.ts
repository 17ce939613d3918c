/**
 * What the SMPP kill tests share: the simulator as its own process (6 modems, timing zero) that outlives
 * the daemon; modems 1-4 driven as lines 1-4 through their ptys; modems 5-6 receiving, with nobody
 * driving them (they route SMS to their ports instead of filling their memory); and a data directory
 * whose configuration runs the SMSC with one account that does not receive.
 */
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, getJson, routeSmsToPort, setPassword, startSimulator, waitUntil, type SimulatorProc } from './sms-processes.js';

export const RIG_LINES = 4;
const MODEMS = 6;
const RECEIVING_MODEMS = [5, 6];

export type RigSim = { imsi: string; number: string | null; imei: string | null; state: string };

export interface KillRig {
  dir: string;
  sim: SimulatorProc;
  /** The SIMs of modems 1-4 (lines 1-4). */
  senders: RigSim[];
  /** The SIMs of modems 5-6, each with a number. */
  receivers: RigSim[];
  dataDir: string;
  smppPort: number;
  /** The daemon's API base, admin credentials. */
  auth: { authorization: string };
  /** Resolves once every line of the daemon at `api` is registered. */
  registered(api: string): Promise<unknown>;
}

export async function startKillRig(
  t: TestContext,
  o: { prefix: string; adminPassword: string; account: { systemId: string; password: string }; resubmitWindowSec: number },
): Promise<KillRig> {
  const dir = mkdtempSync(join(tmpdir(), o.prefix));
  const sim = await startSimulator(join(dir, 'dev'), MODEMS, 'zero');
  t.after(() => sim.stop());

  const sims = await waitUntil(
    'every simulated SIM in a modem to register',
    async () => ((await getJson(`${sim.control}/sims`)) as { sims: RigSim[] }).sims,
    (list) => [...sim.modems.values()].every((m) => list.some((s) => s.imei === m.imei && s.state === 'home')),
    20_000,
  );
  const simOf = (modem: number) => sims.find((s) => s.imei === sim.modems.get(modem)!.imei && s.state === 'home')!;
  const senders = Array.from({ length: RIG_LINES }, (_, i) => simOf(i + 1));
  const receivers = RECEIVING_MODEMS.map(simOf);
  for (const m of RECEIVING_MODEMS) {
    const drain = await routeSmsToPort(sim.modems.get(m)!.path);
    t.after(() => drain.close());
  }
  assert.ok(receivers.every((s) => s.number), 'the receiving SIMs have numbers');

  const dataDir = join(dir, 'data');
  const smppPort = await freePort();
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(
    join(dataDir, 'config.json'),
    JSON.stringify({
      log: { level: 'info' },
      modems: { autoDetect: false, probeIntervalMs: 1000, unresponsiveAfterMs: 4000, commandTimeoutMs: 3000 },
      simulator: { mode: 'off' },
      lines: Array.from({ length: RIG_LINES }, (_, i) => ({ id: i + 1, port: sim.modems.get(i + 1)!.path, reset: { usbPowerCycle: false } })),
      sms: { statusReports: false, retryDelaySec: 0 },
      smpp: { enabled: true, host: '127.0.0.1', port: smppPort, windowSize: 100, resubmitWindowSec: o.resubmitWindowSec, accounts: [{ ...o.account, perLineIds: false, receive: false }] },
    }),
  );
  setPassword(dataDir, o.adminPassword);
  const auth = { authorization: 'Basic ' + Buffer.from(`admin:${o.adminPassword}`).toString('base64') };
  const registered = (api: string) =>
    waitUntil(
      'the lines to register',
      async () => ((await getJson(`${api}/lines`, auth)) as { lines: Array<{ lifecycle: string }> }).lines,
      (ls) => ls.length === RIG_LINES && ls.every((l) => l.lifecycle === 'registered'),
      30_000,
    );
  return { dir, sim, senders, receivers, dataDir, smppPort, auth, registered };
}

/**
 * Polls the simulated SIMs' SMS logs (each keeps its last 500 entries) until stopped, so that nothing
 * goes by between two reads; `pollOnce` says what to keep. A failed poll ends the loop and `stop()`
 * reports it.
 */
export abstract class SimLogPoller {
  private running = false;
  private loop: Promise<void> = Promise.resolve();

  abstract pollOnce(): Promise<void>;

  start(everyMs = 100): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        await this.pollOnce();
        await new Promise((r) => setTimeout(r, everyMs));
      }
    })();
    this.loop.catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await this.pollOnce();
  }
}
