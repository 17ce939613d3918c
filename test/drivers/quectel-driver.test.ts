/**
 * The Quectel modem against the fixtures/quectel/ec25 transcripts, over the real AtChannel and a ScriptedModem:
 * every command must be byte-for-byte what the transcript expects and every transcript is played to the end.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AtChannel } from '../../src/at/channel.js';
import { silentLogger } from '../../src/util/log.js';
import { openQuectelModem, type QuectelModem, type QuectelModemOptions } from '../../modem-drivers/quectel/modem.js';
import { InvalidArgumentError, ModemCommandError, ModemResponseError } from '../../modem-drivers/generic/errors.js';
import { detectFamily } from '../../modem-drivers/detect.js';
import type { ModemEvent } from '../../modem-drivers/types.js';
import { loadTranscript, repoRoot, ScriptedModem } from '../helpers/transcript.js';

const DIR = join(repoRoot(), 'fixtures', 'quectel', 'ec25');

interface Played {
  driver: QuectelModem;
  modem: ScriptedModem;
  events: ModemEvent[];
}

async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

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

async function play(name: string, body: (p: Played) => Promise<void>, opts: Partial<QuectelModemOptions> = {}): Promise<Played> {
  played.add(name);
  const modem = new ScriptedModem(loadTranscript(join(DIR, name)));
  const channel = new AtChannel(modem, { log: silentLogger(), name, defaultTimeoutMs: 2000 });
  const driver = openQuectelModem(channel, { log: silentLogger(), ...opts });
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

test('family is quectel', async () => {
  await play('iccid.txt', async ({ driver }) => {
    assert.equal(driver.family, 'quectel');
    await driver.sim.iccid();
  });
});

test('start-up: boot URCs become modem-ready / sim-state and start-up flags; init and initSms run the generic sequences', async () => {
  const { driver, events } = await play('startup.txt', async ({ driver }) => {
    await driver.init();
    await driver.sms.init();
  });
  assert.deepEqual(events, [{ type: 'modem-ready' }, { type: 'sim-state', state: 'READY' }]);
  assert.deepEqual(driver.startup, { rdy: true, smsDone: true, pbDone: true });
});

test('identity replies of an EC25 are recognised as the quectel family', async () => {
  await play('identity.txt', async ({ driver }) => {
    const id = await driver.identity.identity();
    assert.deepEqual(id, { manufacturer: 'Quectel', model: 'EC25', revision: 'EC25EFAR06A06M4G', imei: '867538030123450' });
    assert.equal(detectFamily(id), 'quectel');
  });
});

test('iccid from AT+QCCID, F filler removed', async () => {
  await play('iccid.txt', async ({ driver }) => {
    assert.equal(await driver.sim.iccid(), '8986011873113001234');
  });
});

test('iccid without a SIM: AT+QCCID and every generic fallback fail, iccid() rejects', async () => {
  await play('iccid-no-sim.txt', async ({ driver }) => {
    await assert.rejects(driver.sim.iccid(), /ICCID/);
  });
});

test('volte from AT+QCFG="ims": ready, not ready, and unknown on firmware without the VoLTE field', async () => {
  await play('volte.txt', async ({ driver }) => {
    assert.equal(await driver.netreg.volte(), true);
    assert.equal(await driver.netreg.volte(), false);
    assert.equal(await driver.netreg.volte(), null);
  });
});

test('registration and signal as an EC25 formats them; operator name from AT+QSPN, access technology from AT+QNWINFO when +COPS has none', async () => {
  await play('network.txt', async ({ driver }) => {
    const regs = await driver.netreg.registration();
    assert.deepEqual(regs, [
      { domain: 'cs', stat: 'home', lac: 'D509', ci: '080D413D', act: 7, rat: '4G' },
      { domain: 'ps', stat: 'home', lac: 'D509', ci: '080D413D', act: 7, rat: '4G' },
      { domain: 'eps', stat: 'home', lac: 'D509', ci: '080D413D', act: 7, rat: '4G' },
    ]);
    assert.deepEqual(await driver.netreg.signal(), { rssi: 28, ber: 99, dbm: -57 });
    assert.deepEqual(await driver.netreg.operator(), { mode: 'auto', name: 'CHN-UNICOM', plmn: '46001', rat: '4G' });
    assert.deepEqual(await driver.netreg.operator(), { mode: 'auto', name: 'CHN-UNICOM', plmn: '46001', rat: '4G' });
    assert.deepEqual(await driver.netreg.networkInfo(), { act: 'No Service', rat: null, plmn: null, band: null, channel: null });
    assert.deepEqual(await driver.netreg.operator(), { mode: 'auto', name: null, plmn: null, rat: null });
  });
});

test('audio: prepare turns NMEA off the port then AT+QPCMV=1,0; gains AT+QMIC / AT+QRXGAIN; echo canceller AT+QEEC pairs; disable AT+QPCMV=0', async () => {
  await play('usb-audio.txt', async ({ driver }) => {
    assert.deepEqual(driver.audio.format, { sampleRate: 8000, frameMs: 20 });
    await driver.audio.prepare();
    await driver.audio.startCall();
    await driver.audio.setGains({ mic: 20000, speaker: 8192 });
    await driver.audio.setEchoCanceller({ params: [{ index: 0, value: 1 }, { index: 6, value: 1234 }] });
    await driver.audio.stopCall();
    await driver.audio.disableUsbAudio();
  });
});

test('audio prepare with the UAC port: no AT+QGPSCFG, AT+QPCMV=1,2 refused, rejects with the final result', async () => {
  await play(
    'usb-audio-uac.txt',
    async ({ driver }) => {
      await assert.rejects(driver.audio.prepare(), (e: unknown) => e instanceof ModemCommandError && e.final.kind === 'ERROR');
    },
    { usbAudioPort: 2 },
  );
});

test('audio: gains outside 0–65535, a mode instead of AT+QEEC pairs, or a pair out of range are refused before sending', async () => {
  const modem = new ScriptedModem({ file: '<none>', source: 'test', comments: [], steps: [] });
  const channel = new AtChannel(modem, { log: silentLogger() });
  const driver = openQuectelModem(channel, { log: silentLogger() });
  try {
    for (const g of [{ mic: -1 }, { mic: 65536 }, { speaker: 1.5 }, { speaker: Number.NaN }]) {
      await assert.rejects(driver.audio.setGains(g), InvalidArgumentError, JSON.stringify(g));
    }
    await assert.rejects(driver.audio.setEchoCanceller({ mode: 1 }), InvalidArgumentError);
    await assert.rejects(driver.audio.setEchoCanceller({ params: [{ index: 0, value: 1 }, { index: 51, value: 1 }] }), InvalidArgumentError);
    await assert.rejects(driver.audio.setEchoCanceller({ params: [{ index: 0, value: 65536 }] }), InvalidArgumentError);
    assert.equal(modem.written.length, 0);
  } finally {
    driver.dispose();
    await channel.close();
  }
});

test('writeImei: AT+EGMR write and read-back; a read-back that differs rejects', async () => {
  await play('imei-write.txt', async ({ driver }) => {
    await driver.imei.write('490154203237518');
    await assert.rejects(driver.imei.write('490154203237518'), (e: unknown) => e instanceof ModemResponseError && /read back as 867538030123450/.test(e.message));
  });
});

test('writeImei refuses a malformed IMEI before sending anything', async () => {
  const modem = new ScriptedModem({ file: '<none>', source: 'test', comments: [], steps: [] });
  const channel = new AtChannel(modem, { log: silentLogger() });
  const driver = openQuectelModem(channel, { log: silentLogger() });
  try {
    for (const bad of ['12345', '49015420323751X', '490154203237519', '4901542032375180', '"490154203237518"']) {
      await assert.rejects(driver.imei.write(bad), InvalidArgumentError, bad);
    }
    assert.equal(modem.written.length, 0);
  } finally {
    driver.dispose();
    await channel.close();
  }
});

test('status report announced as "SM" is reported in "SR" and read from "SR" with the read memory restored', async () => {
  const { events } = await play('status-report.txt', async ({ driver, events }) => {
    assert.deepEqual(events, [{ type: 'status-report-stored', mem: 'SR', index: 0 }]);
    const sr = await driver.statusReports.read(0);
    assert.deepEqual(sr, { index: 0, stat: 0, pdu: '0791947101670000060C0A919471000090521051210000005210512100500000' });
    await driver.statusReports.delete(0);
  });
  assert.equal(events.length, 1);
});

test('with statusReportInSr off, +CDSI keeps the announced memory', async () => {
  const modem = new ScriptedModem({ file: '<inline>', source: 'test', comments: [], steps: [{ dir: 'modem', data: Buffer.from('\r\n+CDSI: "SM",4\r\n') }] });
  const channel = new AtChannel(modem, { log: silentLogger() });
  const driver = openQuectelModem(channel, { log: silentLogger(), statusReportInSr: false });
  const events: ModemEvent[] = [];
  driver.onEvent((e) => events.push(e));
  await settle();
  assert.deepEqual(events, [{ type: 'status-report-stored', mem: 'SM', index: 4 }]);
  driver.dispose();
  await channel.close();
});

test('reset: AT+CFUN=1,1, then the boot URCs of the restarted module', async () => {
  const { driver, events } = await play('reset.txt', async ({ driver }) => {
    await driver.reset.reset();
  });
  assert.deepEqual(events, [{ type: 'modem-ready' }, { type: 'sim-state', state: 'READY' }]);
  assert.deepEqual(driver.startup, { rdy: true, smsDone: true, pbDone: true });
});

test('URCs: +QIND csq/act/smsfull are consumed, unknown +QIND is passed on, "SR" stays "SR", POWERED DOWN clears rdy', async () => {
  const { driver, events } = await play('urcs.txt', async () => {});
  assert.deepEqual(driver.lastSignal, { rssi: 20, ber: 99, dbm: -73 });
  assert.deepEqual(events, [
    { type: 'unknown', line: '+QIND: "FOTA","START"' },
    { type: 'status-report-stored', mem: 'SR', index: 3 },
    { type: 'sms-stored', mem: 'ME', index: 5 },
  ]);
  assert.equal(driver.startup.rdy, false);
});

const mo = (state: string) => ({ index: 1, direction: 'mo', state, mode: 'voice', multiparty: false, number: '10086', type: 129 });
const mt = (state: string) => ({ index: 1, direction: 'mt', state, mode: 'voice', multiparty: false, number: '+8613800138000', type: 145 });

test('+QIND: "ccinfo" call reports become call-state events at once; a release leaves the end to the result code; malformed → unknown', async () => {
  const { events } = await play('call-ccinfo.txt', async ({ driver }) => {
    await driver.voicecall.dial('10086');
    await settle();
    await driver.voicecall.answer();
    await settle();
    await driver.voicecall.hangup();
  });
  assert.deepEqual(events, [
    { type: 'call-state', calls: [mo('dialing')] },
    { type: 'call-state', calls: [mo('alerting')] },
    { type: 'call-state', calls: [mo('active')] },
    { type: 'call-ended', reason: 'NO CARRIER' },
    { type: 'ring' },
    { type: 'call-state', calls: [mt('incoming')] },
    { type: 'call-state', calls: [mt('active')] },
    { type: 'unknown', line: '+QIND: "ccinfo",1,0,9,0,0,"10086",129' },
  ]);
});

/** A Quectel modem driven through inline transcript steps: `drive` runs once the modem's first URCs are in; its events and the script's errors. */
async function inlineRun(steps: { dir: 'host' | 'modem'; data: Buffer }[], drive: (driver: QuectelModem) => Promise<void> = async () => undefined) {
  const modem = new ScriptedModem({ file: '<inline>', source: 'test', comments: [], steps });
  const channel = new AtChannel(modem, { log: silentLogger() });
  const driver = openQuectelModem(channel, { log: silentLogger() });
  const events: ModemEvent[] = [];
  driver.onEvent((e) => events.push(e));
  await settle();
  await drive(driver);
  await settle();
  driver.dispose();
  await channel.close();
  return { events, errors: modem.errors };
}

/** A modem that only sends `lines` as URCs, through a Quectel modem: its events. */
async function urcEvents(lines: string[]): Promise<ModemEvent[]> {
  return (await inlineRun(lines.map((l) => ({ dir: 'modem' as const, data: Buffer.from(`\r\n${l}\r\n`) })))).events;
}

test('ccinfo: a second call is listed with the first; the release of one reports the other; a result code clears the list', async () => {
  const waiting = { index: 2, direction: 'mt', state: 'waiting', mode: 'voice', multiparty: false, number: '+8613900139000', type: 145 };
  const events = await urcEvents([
    '+QIND: "ccinfo",1,0,0,0,0,"10086",129',
    '+QIND: "ccinfo",2,1,5,0,0,"+8613900139000",145',
    '+QIND: "ccinfo",1,0,-1,0,0,"10086",129',
    'NO CARRIER',
    '+QIND: "ccinfo",1,0,2,0,0,"10086",129',
  ]);
  assert.deepEqual(events, [
    { type: 'call-state', calls: [mo('active')] },
    { type: 'call-state', calls: [mo('active'), waiting] },
    { type: 'call-state', calls: [waiting] },
    { type: 'call-ended', reason: 'NO CARRIER' },
    // the list started again: call 2 was cleared with the result code
    { type: 'call-state', calls: [mo('dialing')] },
  ]);
});

test('init: voicecall.reportsAnswer is true once AT+QINDCFG="ccinfo" was taken, false when both forms are refused', async () => {
  const { driver } = await play('startup.txt', async ({ driver }) => {
    assert.equal(driver.voicecall.reportsAnswer, false, 'not before init');
    await driver.init();
    await driver.sms.init();
  });
  assert.equal(driver.voicecall.reportsAnswer, true);

  // The generic settings as in startup.txt, then a firmware that knows no "ccinfo".
  const boot = loadTranscript(join(DIR, 'startup.txt')).steps;
  const from = boot.findIndex((st) => st.dir === 'host');
  const to = boot.findIndex((st) => st.dir === 'host' && st.data.toString().startsWith('AT+QINDCFG'));
  const refused = [
    ['AT+QINDCFG="ccinfo",1,0', '\r\n+CME ERROR: 4\r\n'],
    ['AT+QINDCFG="ccinfo",1', '\r\nERROR\r\n'],
  ].flatMap(([h, m]) => [
    { dir: 'host' as const, data: Buffer.from(h + '\r') },
    { dir: 'modem' as const, data: Buffer.from(m!) },
  ]);
  const modem = new ScriptedModem({ file: '<inline>', source: 'test', comments: [], steps: [...boot.slice(from, to), ...refused] });
  const channel = new AtChannel(modem, { log: silentLogger() });
  const old = openQuectelModem(channel, { log: silentLogger() });
  await old.init();
  assert.deepEqual(modem.errors, []);
  assert.ok(modem.finished);
  assert.equal(old.voicecall.reportsAnswer, false);
  old.dispose();
  await channel.close();
});

test('storage commands are serialised: a readSms issued during readStatusReport waits for the read memory to be restored', async () => {
  // readStatusReport switches <mem1> to "SR"; a concurrent readSms must not run in between.
  const steps = [
    ['AT+CPMS?', '\r\n+CPMS: "ME",0,255,"ME",0,255,"ME",0,255\r\n\r\nOK\r\n'],
    ['AT+CPMS="SR"', '\r\n+CPMS: 1,50,0,255,0,255\r\n\r\nOK\r\n'],
    ['AT+CMGR=0', '\r\nOK\r\n'],
    ['AT+CPMS="ME"', '\r\n+CPMS: 0,255,0,255,0,255\r\n\r\nOK\r\n'],
    ['AT+CMGR=2', '\r\nOK\r\n'],
  ].flatMap(([h, m]) => [
    { dir: 'host' as const, data: Buffer.from(h + '\r') },
    { dir: 'modem' as const, data: Buffer.from(m!) },
  ]);
  const modem = new ScriptedModem({ file: '<inline>', source: 'test', comments: [], steps });
  const channel = new AtChannel(modem, { log: silentLogger() });
  const driver = openQuectelModem(channel, { log: silentLogger() });
  const [sr, sms] = await Promise.all([driver.statusReports.read(0), driver.sms.read(2)]);
  assert.equal(sr, null);
  assert.equal(sms, null);
  assert.deepEqual(modem.errors, []);
  assert.ok(modem.finished);
  driver.dispose();
  await channel.close();
});

test('DTMF detection: AT+QTONEDET=1, then each +QTONEDET ASCII code is a dtmf event; a code that is no key is dropped', async () => {
  const { events } = await play('dtmf-detection.txt', async ({ driver }) => {
    await driver.dtmfDetection.enable();
  });
  assert.deepEqual(events, ['1', '0', '1', '#'].map((key) => ({ type: 'dtmf', key })));
});

test('call waiting: AT+CCWA=1,1,1, +CCWA → call-waiting, AT+CHLD=2 holds and accepts, both calls listed, resume, AT+CCWA=0,0,1', async () => {
  const { events } = await play('call-waiting.txt', async ({ driver, events }) => {
    await driver.callWaiting.setWaiting(true);
    const waiting = await waitFor(events, 'call-waiting');
    assert.deepEqual(waiting, { type: 'call-waiting', number: '+8613900000002', numberType: 145 });
    await driver.callWaiting.hold('hold-active');
    const calls = await driver.voicecall.list();
    assert.deepEqual(calls.map((c) => [c.index, c.state, c.number]), [[1, 'held', '+8613900000001'], [2, 'active', '+8613900000002']]);
    await waitFor(events, 'call-ended');
    await driver.callWaiting.hold('hold-active');
    await driver.callWaiting.setWaiting(false);
  });
  assert.deepEqual(events.map((e) => e.type), ['call-waiting', 'call-ended']);
});

test('DTMF sending: AT+VTS refused with no call up (ModemCommandError), then one AT+VTS per key, # included', async () => {
  await play('dtmf-send.txt', async ({ driver }) => {
    await assert.rejects(driver.dtmfSend.send('1'), (e: unknown) => e instanceof ModemCommandError && e.final.kind === 'CME ERROR');
    await driver.dtmfSend.send('13#');
  });
});

test('every quectel/ec25 fixture is played by a test above', () => {
  // http-*.txt are played by the data connectivity check's own tests (quectel-http.test.ts)
  const files = readdirSync(DIR).filter((f) => f.endsWith('.txt') && !f.startsWith('http-'));
  assert.deepEqual(files.filter((f) => !played.has(f)), []);
});

test('ccinfo: our hang-up (AT+CHUP ends every call) and our dial forget a call whose release report never came', async () => {
  const step = (dir: 'host' | 'modem', text: string) => ({ dir, data: Buffer.from(text, 'latin1') });
  const steps = [
    // Call 1 up, a second (waiting) call reported, then no release report for it.
    step('modem', '\r\n+QIND: "ccinfo",1,0,0,0,0,"10086",129\r\n'),
    step('modem', '\r\n+QIND: "ccinfo",2,1,5,0,0,"+8613900139000",145\r\n'),
    step('host', 'AT+CHUP\r'),
    step('modem', '\r\nOK\r\n'),
    step('host', 'ATD10010;\r'),
    step('modem', '\r\nOK\r\n'),
    step('modem', '\r\n+QIND: "ccinfo",1,0,2,0,0,"10010",129\r\n'),
  ];
  const { events, errors } = await inlineRun(steps, async (driver) => {
    await driver.voicecall.hangup();
    await driver.voicecall.dial('10010');
  });
  assert.deepEqual(errors, []);
  const last = events.filter((e) => e.type === 'call-state').at(-1);
  assert.deepEqual(last, { type: 'call-state', calls: [{ ...mo('dialing'), number: '10010' }] }, 'the new call alone, not the stale waiting call 2');
});
