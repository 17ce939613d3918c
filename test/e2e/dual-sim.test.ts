/**
 * The `dual-sim` SIM switch on a SIMCom line through the daemon: with the firmware's command set given in
 * `commands` (docs/sim-switch.md) the line comes up and changes holder through the JSON API; without it,
 * a SIMCom modem found by detection gets a clear error instead of a command set meant for another vendor.
 * The modem is a simulated SIM7600 whose firmware is given a dual-SIM command of its own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startDaemon, type Daemon } from '../../src/app.js';
import { SimPortProvider } from '../../src/wiring/sim-port-provider.js';
import { silentLogger } from '../../src/util/log.js';
import { Simulator } from '../../modem-drivers/simulator/simulator.js';
import type { LineStatus } from '../../src/line/types.js';

const FAST = { probeIntervalMs: 200, unresponsiveAfterMs: 1500, commandTimeoutMs: 1000, reopenDelayMs: 100, maxReopenDelayMs: 400, simRetryMs: 200, refreshEvery: 3 };
const PASSWORD = 'dual-sim-test-password';
const auth = { authorization: 'Basic ' + Buffer.from(`admin:${PASSWORD}`).toString('base64') };
const COMMANDS = { name: 'test firmware AT+XDSIM', select: 'AT+XDSIM={value}', query: 'AT+XDSIM?', prefix: '+XDSIM:', values: { A: '0', B: '1' } };

/** A daemon with one configured line on simulated modem 2 (a SIM7600 whose firmware has AT+XDSIM) and no demo lines. */
async function daemon(t: { after(fn: () => Promise<void>): void }, line: Record<string, unknown>): Promise<{ d: Daemon; sim: Simulator; api: string }> {
  const sim = new Simulator({ modems: 2, timing: 'fast' });
  const modem = sim.modem(2)!;
  modem.setDualSimCommand('+XDSIM');
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-dual-sim-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ modems: { autoDetect: false }, simulator: { mode: 'off' }, lines: [{ id: 1, imei: modem.imei, ...line }] }));
  const d = await startDaemon({
    dataDir: dir,
    httpPort: 0,
    httpHost: '127.0.0.1',
    sipPort: 0,
    log: silentLogger(),
    out: new Writable({ write: (_c, _e, cb) => cb() }),
    lines: { timing: FAST, portFor: () => new SimPortProvider(() => sim.modems, modem.imei) },
  });
  t.after(async () => {
    await d.stop();
    sim.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await d.auth.setPassword('admin', PASSWORD);
  return { d, sim, api: `http://127.0.0.1:${d.port}` };
}

async function waitLine(api: string, cond: (l: LineStatus) => boolean, what: string, timeoutMs = 15_000): Promise<LineStatus> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const l = (await (await fetch(`${api}/api/lines/1`, { headers: auth })).json()) as LineStatus;
    if (cond(l)) return l;
    if (Date.now() > end) throw new Error(`line 1: timed out waiting for ${what}; now ${JSON.stringify({ lifecycle: l.lifecycle, health: l.health, slot: l.slot, detail: l.detail })}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a SIMCom line with the dual-sim switch and the firmware\'s commands comes up and switches holder through the API', { timeout: 60_000 }, async (t) => {
  const { sim, api } = await daemon(t, { family: 'simcom', simSwitch: { backend: 'dual-sim', commands: COMMANDS } });
  const modem = sim.modem(2)!;
  const a = await waitLine(api, (l) => l.lifecycle === 'registered' && l.slot === 'A', 'registered on A');
  assert.equal(a.modem.family, 'simcom');
  assert.equal(a.sim.imsi, modem.slots()[0]!.sim!.imsi);

  const r = await fetch(`${api}/api/lines/1/switch`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ slot: 'B' }) });
  assert.equal(r.status, 200, await r.text());
  const b = await waitLine(api, (l) => l.lifecycle === 'registered' && l.slot === 'B', 'registered on B');
  assert.equal(b.health, 'ok');
  assert.equal(modem.slot, 'B', 'the modem switched holder through AT+XDSIM');
  assert.equal(b.sim.imsi, modem.slots()[1]!.sim!.imsi);
});

test('a detected SIMCom modem on a dual-sim line without commands gets a clear error, not another vendor\'s command', { timeout: 60_000 }, async (t) => {
  const { sim, api } = await daemon(t, { simSwitch: { backend: 'dual-sim' } });
  const l = await waitLine(api, (x) => /dual-sim/.test(x.detail ?? ''), 'the dual-SIM error');
  assert.equal(
    l.detail,
    "line 1: dual-sim SIM switch: SIMCom modems have no built-in dual-SIM command (none could be verified for the SIM7500/SIM7600); give the firmware's command set in lines[].simSwitch.commands (docs/sim-switch.md)",
  );
  assert.notEqual(l.lifecycle, 'registered');
  assert.equal(sim.modem(2)!.slot, 'A');
});
