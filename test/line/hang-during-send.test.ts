/**
 * Acceptance (field test, hangs during long commands): a simulated modem that hangs while AT+CMGS waits
 * for the network is found within 10 s, the line stops showing `ok` as soon as the modem is suspect, and
 * the SMS scheduler gives the line no second AT+CMGS meanwhile; the message ends `unknown`. Once with the
 * modem's second AT port (probed there), once without one (the fallback rule of network-silence.ts).
 * Default watchdog timing (3 s keep-alive, 8 s silence), so each case takes about 10 s of real time.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Line } from '../../src/line/line.js';
import { SimPortProvider } from '../../src/wiring/sim-port-provider.js';
import type { PortProvider } from '../../src/line/port-provider.js';
import { Simulator } from '../../modem-drivers/simulator/simulator.js';
import { MessageStore } from '../../src/store/message-store.js';
import { SmsScheduler } from '../../src/sms/scheduler.js';
import { asSendingLine } from '../../src/sms/send-text.js';
import { silentLogger } from '../../src/util/log.js';
import { smsConfig } from '../helpers/sms-config.js';
import { tempDir } from '../store/temp-dir.js';
import type { Health } from '../../src/line/types.js';

async function until(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The simulated modem's ports, with every write to its AT port recorded (and its second port, or not). */
function recordingProvider(sim: Simulator, withSecondPort: boolean): { provider: PortProvider; writes: { at: number; text: string }[] } {
  const ports = new SimPortProvider(() => sim.modems, sim.modem(1)!.imei);
  const writes: { at: number; text: string }[] = [];
  const provider: PortProvider = {
    describe: () => ports.describe(),
    hardReset: () => ports.hardReset(),
    open: async (imei) => {
      const opened = await ports.open(imei);
      const write = opened.transport.write.bind(opened.transport);
      opened.transport.write = (data) => {
        writes.push({ at: Date.now(), text: typeof data === 'string' ? data : data.toString('latin1') });
        write(data);
      };
      if (!withSecondPort) {
        await opened.secondary?.transport.close();
        return { ...opened, secondary: null };
      }
      return opened;
    },
  };
  return { provider, writes };
}

async function hangDuringSend(t: TestContext, withSecondPort: boolean): Promise<void> {
  // The network takes 5 s to accept a message: AT+CMGS is in flight long enough to hang during it.
  const sim = new Simulator({ modems: 1, timing: { commandMs: 0, registrationMs: 50, bootMs: 200, smsSendMs: 5000, smsDeliverMs: 50 } });
  const modem = sim.modem(1)!;
  const { provider, writes } = recordingProvider(sim, withSecondPort);
  const line = new Line({ id: 1, port: provider, log: silentLogger(), timing: { reopenDelayMs: 100 } });
  const store = MessageStore.open(tempDir(t));
  const scheduler = new SmsScheduler({ store, lines: () => [asSendingLine(line)], config: () => smsConfig({ statusReports: false, sendIntervalSec: 0 }), log: silentLogger() });
  const healths: { at: number; health: Health }[] = [];
  line.on('health', (h) => healths.push({ at: Date.now(), health: h }));
  line.start();
  try {
    await until('registered', () => line.status().lifecycle === 'registered' && line.status().health === 'ok' && line.status().operator !== null, 10_000);
    const first = await store.enqueue({ origin: 'api', recipient: '+8613912345678', number: '+8613912345678', text: 'first', parts: 1, lines: [1] });
    await store.enqueue({ origin: 'api', recipient: '+8613912345678', number: '+8613912345678', text: 'second', parts: 1, lines: [1] });
    scheduler.start();
    // The PDU went after the `> ` prompt (Ctrl-Z): now the modem waits for the network, and hangs.
    await until('AT+CMGS sent', () => writes.some((w) => w.text.includes('\x1a')), 10_000);
    const hungAt = Date.now();
    modem.setHung(true);

    await until('reset', () => healths.some((h) => h.health === 'resetting'), 12_000);
    const resetAt = healths.find((h) => h.health === 'resetting')!.at;
    assert.ok(resetAt - hungAt <= 10_000, `hang found after ${resetAt - hungAt} ms`);
    const suspect = healths.find((h) => h.at >= hungAt && h.health !== 'ok');
    assert.ok(suspect && suspect.health === 'unresponsive', `suspect first: ${JSON.stringify(healths)}`);
    assert.ok(suspect.at - hungAt <= 6000, `no longer ok ${suspect.at - hungAt} ms after the hang`);
    assert.ok(!healths.some((h) => h.at > suspect.at && h.at <= resetAt && h.health === 'ok'), `never ok again before the reset: ${JSON.stringify(healths)}`);
    const cmgs = writes.filter((w) => w.at >= hungAt - 10_000 && w.at <= resetAt && w.text.startsWith('AT+CMGS='));
    assert.equal(cmgs.length, 1, 'no second AT+CMGS on the hung modem');
    assert.match(line.status().lastReset?.reason ?? '', /no answer from the modem/);
    await until('the first message is final', () => store.getOutbound(first.id)!.status !== 'sending', 5000);
    assert.equal(store.getOutbound(first.id)!.status, 'unknown');
    console.log(`# ${withSecondPort ? 'with' : 'without'} a second AT port: suspect after ${suspect.at - hungAt} ms, reset after ${resetAt - hungAt} ms`);
  } finally {
    await scheduler.stop();
    await line.stop();
    store.close();
    sim.close();
  }
}

test('a hang during AT+CMGS is found through the second AT port within 10 s; no second AT+CMGS meanwhile', async (t) => {
  await hangDuringSend(t, true);
});

test('without a second AT port a hang during AT+CMGS is still found within 10 s (fallback rule)', async (t) => {
  await hangDuringSend(t, false);
});
