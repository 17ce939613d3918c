/**
 * Acceptance (issue 2): a modem that stops answering is detected within 10 s, reset, and registered
 * again without restarting the daemon, while another line keeps working. Runs with the default timing
 * (3 s keep-alive, 8 s silence threshold), so it takes ~10 s of real time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Line } from '../../src/line/line.js';
import { silentLogger } from '../../src/util/log.js';
import { MiniModem, MiniModemProvider } from '../helpers/mini-modem.js';

async function until(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('hung modem: detected within 10 s, reset, registered again; the other line is undisturbed', async () => {
  const m1 = new MiniModem({ imei: '861234567890001' });
  const m2 = new MiniModem({ imei: '861234567890002' });
  const p1 = new MiniModemProvider(m1, '/dev/fake1');
  const p2 = new MiniModemProvider(m2, '/dev/fake2');
  const l1 = new Line({ id: 1, port: p1, log: silentLogger() });
  const l2 = new Line({ id: 2, port: p2, log: silentLogger() });
  l1.start();
  l2.start();
  try {
    await until('both registered', () => l1.status().lifecycle === 'registered' && l2.status().lifecycle === 'registered', 5000);
    const l2HealthChanges: string[] = [];
    l2.on('health', (h) => l2HealthChanges.push(h));
    let resettingAt = 0;
    l1.on('health', (h) => {
      if (h === 'resetting' && !resettingAt) resettingAt = Date.now();
    });

    const hungAt = Date.now();
    m1.hang();
    const l2Before = m2.commands.length;

    await until('line 1 resetting', () => resettingAt > 0, 12_000);
    const detectMs = resettingAt - hungAt;
    assert.ok(detectMs <= 10_000, `detected after ${detectMs} ms`);
    assert.equal(p1.resets.length, 1);
    assert.match(p1.resets[0]!, /no answer from the modem|does not answer/);

    await until('line 1 registered again', () => l1.status().lifecycle === 'registered' && l1.status().health === 'ok', 10_000);
    const s1 = l1.status();
    assert.equal(s1.resets, 1);
    assert.ok(s1.lastReset && /no answer/.test(s1.lastReset.reason));
    assert.equal(m1.boots, 1);

    // line 2 kept polling its modem all along and never left 'ok'
    assert.ok(m2.commands.length - l2Before >= 3, `line 2 sent ${m2.commands.length - l2Before} commands meanwhile`);
    assert.deepEqual(l2HealthChanges, []);
    assert.equal(l2.status().lifecycle, 'registered');
    console.log(`# hung modem detected after ${detectMs} ms, registered again after ${Date.now() - hungAt} ms`);
  } finally {
    await Promise.all([l1.stop(), l2.stop()]);
  }
});
