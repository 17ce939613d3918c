/**
 * Faults on the gateway as the soak runs it (bench/helpers/gateway-under-test.ts): `cellgate simulate
 * --ptys` and `cellgate start` as separate processes, the modems on real pseudo-terminals. A pty has no
 * USB device the daemon could power-cycle, so a hung modem is only ever recovered through the line's
 * `reset.command`; the gateway under test sets one that power-cycles the simulated modem through the
 * control API. Targets of the field test: a hang found within 10 s, every fault recovered within 30 s.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway, sleep, type Gateway } from '../../bench/helpers/gateway-under-test.js';

const DETECT_TARGET_MS = 10_000;
const RECOVERY_TARGET_MS = 30_000;

let gw: Gateway;

before(async () => {
  gw = await startGateway({ modems: 2, features: false });
});

after(async () => {
  await gw?.stop();
});

interface LineView {
  id: number;
  lifecycle: string;
  health: string;
  operator: string | null;
}

async function lineOne(): Promise<LineView> {
  const r = await fetch(`${gw.apiUrl}/api/lines/1`, { headers: gw.auth });
  assert.equal(r.status, 200);
  return (await r.json()) as LineView;
}

const healthy = (l: LineView) => l.lifecycle === 'registered' && !!l.operator;

async function fault(body: Record<string, unknown>): Promise<void> {
  const r = await fetch(`${gw.controlUrl}/modems/1/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(r.status, 200, await r.text());
}

/** Follows line 1 as the soak does: when it is first seen not healthy, and when it is healthy again. */
async function follow(since: number): Promise<{ detectedMs: number; recoveredMs: number }> {
  let detected: number | null = null;
  for (;;) {
    const l = await lineOne();
    const t = Date.now() - since;
    if (!healthy(l)) detected ??= t;
    else if (detected !== null) return { detectedMs: detected, recoveredMs: t };
    if (t > RECOVERY_TARGET_MS + 10_000) throw new Error(`line 1 not recovered after ${t} ms: ${JSON.stringify(l)}`);
    await sleep(200);
  }
}

test('a hung modem on a pty is found within 10 s and power-cycled back within 30 s', async () => {
  const t0 = Date.now();
  await fault({ fault: 'hang' });
  const { detectedMs, recoveredMs } = await follow(t0);
  assert.ok(detectedMs <= DETECT_TARGET_MS, `hang detected after ${detectedMs} ms`);
  assert.ok(recoveredMs <= RECOVERY_TARGET_MS, `recovered after ${recoveredMs} ms`);
  const modem = (await (await fetch(`${gw.controlUrl}/modems/1`)).json()) as { hung: boolean };
  assert.equal(modem.hung, false);
});

test('a stuck prompt on a hung modem is refused (409); the hang, then a stuck prompt, each recovered within 30 s', async () => {
  let t0 = Date.now();
  await fault({ fault: 'hang' });
  const r = await fetch(`${gw.controlUrl}/modems/1/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fault: 'stuck-prompt' }) });
  assert.equal(r.status, 409, 'a hung modem shows no prompt');
  const hang = await follow(t0);
  assert.ok(hang.recoveredMs <= RECOVERY_TARGET_MS, `hang recovered after ${hang.recoveredMs} ms`);
  t0 = Date.now();
  await fault({ fault: 'stuck-prompt' });
  await sleep(2000);
  for (;;) {
    if (healthy(await lineOne())) break;
    assert.ok(Date.now() - t0 <= RECOVERY_TARGET_MS, 'stuck prompt not recovered within 30 s');
    await sleep(200);
  }
});
