/**
 * The SIMCom modem against the fixtures/simcom/sim7600 transcripts, over the real AtChannel and a ScriptedModem:
 * every command must be byte-for-byte what the transcript expects and every transcript is played to the end.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AtChannel } from '../../src/at/channel.js';
import type { AtChannelApi, Urc } from '../../src/at/types.js';
import { silentLogger } from '../../src/util/log.js';
import { openSimcomModem, type SimcomModem, type SimcomModemOptions } from '../../modem-drivers/simcom/modem.js';
import { InvalidArgumentError, ModemCommandError } from '../../modem-drivers/generic/errors.js';
import { detectFamily } from '../../modem-drivers/detect.js';
import type { ModemEvent } from '../../modem-drivers/types.js';
import { loadTranscript, repoRoot, ScriptedModem } from '../helpers/transcript.js';

const DIR = join(repoRoot(), 'fixtures', 'simcom', 'sim7600');
/** Short grace window so the tests do not wait long for a VOICE CALL: END to settle. */
const GRACE = 30;

interface Played {
  driver: SimcomModem;
  modem: ScriptedModem;
  events: ModemEvent[];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

async function waitFor(events: ModemEvent[], type: ModemEvent['type'], ms = 1000): Promise<ModemEvent> {
  const end = Date.now() + ms;
  for (;;) {
    const e = events.find((x) => x.type === type);
    if (e) return e;
    if (Date.now() > end) throw new Error(`no '${type}' event within ${ms} ms`);
    await sleep(2);
  }
}

const played = new Set<string>();

/** Waits until `events` holds `n` events (timer-driven ones may come late on a loaded machine). */
async function waitCount(events: ModemEvent[], n: number, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (events.length < n) {
    if (Date.now() > end) throw new Error(`only ${events.length} of ${n} events within ${ms} ms`);
    await sleep(2);
  }
}

async function play(name: string, body: (p: Played) => Promise<void>, opts: Partial<SimcomModemOptions> = {}): Promise<Played> {
  played.add(name);
  const modem = new ScriptedModem(loadTranscript(join(DIR, name)));
  const channel = new AtChannel(modem, { log: silentLogger(), name, defaultTimeoutMs: 2000 });
  const driver = openSimcomModem(channel, { log: silentLogger(), callEndGraceMs: GRACE, ...opts });
  const events: ModemEvent[] = [];
  driver.onEvent((e) => events.push(e));
  const p = { driver, modem, events };
  try {
    await settle();
    await body(p);
    await settle();
    assert.deepEqual(modem.errors, [], `${name}: host/transcript mismatch`);
    assert.ok(modem.finished, `${name}: transcript not played to the end`);
  } finally {
    driver.dispose();
    await channel.close('test done');
  }
  return p;
}

test('start-up: +CPIN: READY becomes sim-state, SMS DONE / PB DONE are recorded; init and initSms run the generic sequences', async () => {
  const { driver, events } = await play('startup.txt', async ({ driver }) => {
    assert.equal(driver.family, 'simcom');
    await driver.init();
    await driver.sms.init();
  });
  assert.deepEqual(events, [{ type: 'sim-state', state: 'READY' }]);
  assert.deepEqual(driver.startup, { rdy: false, smsDone: true, pbDone: true });
});

test('identity replies of a SIM7600G-H (prefixed +CGMR) are recognised as the simcom family', async () => {
  await play('identity.txt', async ({ driver }) => {
    const id = await driver.identity.identity();
    assert.deepEqual(id, { manufacturer: 'SIMCOM INCORPORATED', model: 'SIMCOM_SIM7600G-H', revision: 'LE20B04SIM7600G22', imei: '862656040123453' });
    assert.equal(detectFamily(id), 'simcom');
  });
});

test('iccid from AT+CICCID', async () => {
  await play('iccid.txt', async ({ driver }) => {
    assert.equal(await driver.sim.iccid(), '89860318740211234567');
  });
});

test('registration and signal as a SIM7600 formats them; access technology from +CNSMOD, else +CPSI, else null', async () => {
  await play('network.txt', async ({ driver }) => {
    assert.deepEqual(await driver.netreg.registration(), [
      { domain: 'cs', stat: 'home', lac: '5A1E', ci: '0B28A4D2', act: 7, rat: '4G' },
      { domain: 'ps', stat: 'home', rat: null },
      { domain: 'eps', stat: 'home', lac: '5A1E', ci: '0B28A4D2', act: 7, rat: '4G' },
    ]);
    assert.deepEqual(await driver.netreg.signal(), { rssi: 31, ber: 99, dbm: -51 });
    assert.deepEqual(await driver.netreg.operator(), { mode: 'auto', name: 'CHINA MOBILE', plmn: '46000', rat: '4G' });
    assert.equal(await driver.netreg.networkMode(), '4G');
    assert.equal(await driver.netreg.networkMode(), null);
  });
});

test('volte: generic +CIREG? (no SIMCom query documented), null when refused', async () => {
  await play('volte.txt', async ({ driver }) => {
    assert.equal(await driver.netreg.volte(), true);
    assert.equal(await driver.netreg.volte(), null);
  });
});

test('outgoing call: VOICE CALL: BEGIN → call-state (active) → startCall (AT+CPCMREG=1); local hang-up ends it here, no late call-ended', async () => {
  const { driver, events } = await play('call-mo.txt', async ({ driver, events }) => {
    await driver.voicecall.dial('10086');
    const cs = await waitFor(events, 'call-state');
    assert.deepEqual(cs, {
      type: 'call-state',
      calls: [{ index: 1, direction: 'mo', state: 'active', mode: 'voice', multiparty: false, number: '10086', type: 129 }],
    });
    await driver.audio.startCall();
    await driver.voicecall.hangup();
    await driver.audio.stopCall();
    await sleep(GRACE * 3);
  });
  // The VOICE CALL: END inside the AT+CHUP reply is that hang-up's: the host ended the call and knows it.
  assert.deepEqual(
    events.map((e) => e.type),
    ['call-state'],
  );
  assert.equal(driver.lastCallSeconds, 12);
});

test('a call hung up here, the next dialled at once: the first call\'s VOICE CALL: END does not end the second', async () => {
  const { driver, events } = await play('call-hangup-redial.txt', async ({ driver, events }) => {
    await driver.voicecall.dial('10086');
    await waitFor(events, 'call-state');
    await driver.voicecall.hangup();
    await driver.voicecall.dial('10010');
    await sleep(GRACE * 3);
  });
  assert.deepEqual(
    events.map((e) => e.type),
    ['call-state'],
  );
  assert.equal(driver.lastCallSeconds, 12);
});

test('startCall without a connected call: the module refuses AT+CPCMREG=1, rejects with ERROR', async () => {
  await play('usb-audio-no-call.txt', async ({ driver }) => {
    await assert.rejects(driver.audio.startCall(), (e: unknown) => e instanceof ModemCommandError && e.final.kind === 'ERROR');
  });
});

test('audio at 16 kHz: prepare sends AT+CPCMFRM=1; gains AT+CMICGAIN / AT+COUTGAIN; echo canceller AT+CECM; stopCall AT+CPCMREG=0', async () => {
  await play(
    'usb-audio.txt',
    async ({ driver }) => {
      assert.deepEqual(driver.audio.format, { sampleRate: 16000, frameMs: 40 });
      await driver.audio.prepare();
      await driver.audio.setGains({ mic: 3, speaker: 5 });
      await driver.audio.setEchoCanceller({ mode: 7 });
      await driver.audio.stopCall();
    },
    { pcmSampleRate: 16000, pcmFrameMs: 40 },
  );
});

test('audio at 8 kHz (the default): prepare sends nothing; gains outside 0–8 and AT+QEEC-style pairs are refused before sending', async () => {
  const modem = new ScriptedModem({ file: '<none>', source: 'test', comments: [], steps: [] });
  const channel = new AtChannel(modem, { log: silentLogger() });
  const driver = openSimcomModem(channel, { log: silentLogger() });
  try {
    assert.deepEqual(driver.audio.format, { sampleRate: 8000, frameMs: 20 });
    await driver.audio.prepare();
    for (const g of [{ mic: 9 }, { speaker: -1 }, { mic: 2.5 }]) await assert.rejects(driver.audio.setGains(g), InvalidArgumentError, JSON.stringify(g));
    await assert.rejects(driver.audio.setEchoCanceller({ mode: 8 }), InvalidArgumentError);
    await assert.rejects(driver.audio.setEchoCanceller({ params: [{ index: 0, value: 1 }] }), InvalidArgumentError);
    assert.equal(modem.written.length, 0);
  } finally {
    driver.dispose();
    await channel.close();
  }
});

test('VOICE CALL: END then NO CARRIER: one call-ended, reason NO CARRIER', async () => {
  const { events } = await play('call-end-no-carrier.txt', async () => {
    await sleep(GRACE * 3);
  });
  assert.deepEqual(events, [{ type: 'call-ended', reason: 'NO CARRIER' }]);
});

test('BUSY then VOICE CALL: END: one call-ended, reason BUSY', async () => {
  const { events } = await play('call-end-busy.txt', async () => {
    await sleep(GRACE * 3);
  });
  assert.deepEqual(events, [{ type: 'call-ended', reason: 'BUSY' }]);
});

test('missed incoming call: ring, clip, ring, clip, then call-ended NO ANSWER', async () => {
  const { events } = await play('call-missed.txt', async ({ events }) => {
    await waitCount(events, 5);
    await sleep(GRACE * 2);
  });
  const clip = { type: 'clip', number: '13800138000', numberType: 129 };
  assert.deepEqual(events, [{ type: 'ring' }, clip, { type: 'ring' }, clip, { type: 'call-ended', reason: 'NO ANSWER' }]);
});

test('a later call end is not swallowed by the grace window of an earlier one', async () => {
  // A channel whose URCs the test delivers by hand, when it wants them.
  const deliver: ((u: Urc) => void)[] = [];
  const channel: AtChannelApi = {
    send: () => Promise.reject(new Error('no command expected')),
    exec: () => Promise.reject(new Error('no command expected')),
    registerUrc: () => {},
    onUrc: (l) => {
      deliver.push(l);
      return () => {};
    },
  };
  const urc = (line: string) => deliver.forEach((l) => l({ line, known: true }));
  const driver = openSimcomModem(channel, { log: silentLogger(), callEndGraceMs: GRACE });
  const events: ModemEvent[] = [];
  driver.onEvent((e) => events.push(e));
  urc('NO CARRIER');
  await sleep(GRACE * 2);
  // A second call ends well after the first one's window: VOICE CALL: END alone must end it.
  urc('VOICE CALL: END: 000030');
  await waitCount(events, 2);
  await sleep(GRACE * 2);
  assert.deepEqual(events, [
    { type: 'call-ended', reason: 'NO CARRIER' },
    { type: 'call-ended', reason: 'HANGUP' },
  ]);
  assert.equal(driver.lastCallSeconds, 30);
  driver.dispose();
});

test('dispose cancels a pending VOICE CALL: END', async () => {
  const steps = [{ dir: 'modem' as const, data: Buffer.from('\r\nVOICE CALL: END: 000001\r\n') }];
  const modem = new ScriptedModem({ file: '<inline>', source: 'test', comments: [], steps });
  const channel = new AtChannel(modem, { log: silentLogger() });
  const driver = openSimcomModem(channel, { log: silentLogger(), callEndGraceMs: GRACE });
  const events: ModemEvent[] = [];
  driver.onEvent((e) => events.push(e));
  await settle();
  driver.dispose();
  await sleep(GRACE * 3);
  assert.deepEqual(events, []);
  await channel.close();
});

test('writeImei: AT+SIMEI write and read-back; malformed IMEI refused before sending', async () => {
  await play('imei-write.txt', async ({ driver, modem }) => {
    const before = modem.written.length;
    await assert.rejects(driver.imei.write('49015420323751'), InvalidArgumentError);
    await assert.rejects(driver.imei.write('490154203237510'), InvalidArgumentError);
    assert.equal(modem.written.length, before);
    await driver.imei.write('490154203237518');
  });
});

test('URCs: RDY → modem-ready (start-up flags reset), +CPIN → sim-state, SMS/PB DONE recorded, +CMTI → sms-stored, unknown passed on', async () => {
  const { driver, events } = await play('urcs.txt', async () => {});
  assert.deepEqual(events, [
    { type: 'modem-ready' },
    { type: 'sim-state', state: 'READY' },
    { type: 'sms-stored', mem: 'ME', index: 2 },
    { type: 'unknown', line: '+CGEV: NW DETACH' },
  ]);
  assert.deepEqual(driver.startup, { rdy: true, smsDone: true, pbDone: true });
});

test('DTMF detection: AT+DDET=1, then each +RXDTMF key is a dtmf event; a report that is no key is dropped', async () => {
  const { events } = await play('dtmf-detection.txt', async ({ driver }) => {
    await driver.dtmfDetection.enable();
  });
  assert.deepEqual(events, ['1', '0', '1', '#'].map((key) => ({ type: 'dtmf', key })));
});

test('call waiting: +CCWA without a <CLI validity> → call-waiting; AT+CHLD=1 releases and accepts; a withheld waiting caller refused with AT+CHLD=0', async () => {
  const { events } = await play('call-waiting.txt', async ({ driver, events }) => {
    await driver.callWaiting.setWaiting(true);
    await waitFor(events, 'call-waiting');
    await driver.callWaiting.hold('release-active');
    assert.deepEqual((await driver.voicecall.list()).map((c) => [c.index, c.state]), [[2, 'active']]);
    await waitCount(events, 2);
    await driver.callWaiting.hold('release-waiting');
  });
  assert.deepEqual(events, [
    { type: 'call-waiting', number: '13900000002', numberType: 129 },
    { type: 'call-waiting', number: '', numberType: 128 },
  ]);
});

test('DTMF sending: AT+VTS refused with no call up (ModemCommandError), then one AT+VTS per key, # included', async () => {
  await play('dtmf-send.txt', async ({ driver }) => {
    await assert.rejects(driver.dtmfSend.send('1'), (e: unknown) => e instanceof ModemCommandError && e.final.kind === 'CME ERROR');
    await driver.dtmfSend.send('13#');
  });
});

test('every simcom/sim7600 fixture is played by a test above', () => {
  // http-*.txt are played by the data connectivity check's own tests (simcom-http.test.ts)
  const files = readdirSync(DIR).filter((f) => f.endsWith('.txt') && !f.startsWith('http-'));
  assert.deepEqual(files.filter((f) => !played.has(f)), []);
});
