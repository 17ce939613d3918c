/**
 * The generic modem against the fixtures/generic transcripts, over the real AtChannel and a ScriptedModem:
 * every command the driver sends must be byte-for-byte what the transcript expects, and every transcript
 * must be played to the end.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AtChannel } from '../../src/at/channel.js';
import { SequenceError } from '../../src/at/sequence.js';
import { AtCommandError } from '../../src/at/types.js';
import { silentLogger } from '../../src/util/log.js';
import { openGenericModem, type GenericModem } from '../../modem-drivers/generic/descriptor.js';
import { InvalidArgumentError, ModemCommandError } from '../../modem-drivers/generic/errors.js';
import { listenForUrcs, openCore } from '../../modem-drivers/generic/modem-core.js';
import type { ModemEvent } from '../../modem-drivers/types.js';
import { loadTranscript, repoRoot, ScriptedModem } from '../helpers/transcript.js';

const DIR = join(repoRoot(), 'fixtures', 'generic', 'ts27007-reference');

interface Played {
  driver: GenericModem;
  modem: ScriptedModem;
  events: ModemEvent[];
}

async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

/** Runs `body` against transcript `name`; then no host/transcript mismatch and every step played. */
const played = new Set<string>();

async function play(name: string, body: (p: Played) => Promise<void>): Promise<Played> {
  played.add(name);
  const modem = new ScriptedModem(loadTranscript(join(DIR, name)));
  const channel = new AtChannel(modem, { log: silentLogger(), name, defaultTimeoutMs: 2000 });
  const driver = openGenericModem(channel, { log: silentLogger() });
  const events: ModemEvent[] = [];
  driver.onEvent((e) => events.push(e));
  const p = { driver, modem, events };
  try {
    await body(p);
    await settle();
    assert.deepEqual(modem.errors, [], `${name}: host/transcript mismatch`);
    assert.ok(modem.finished, `${name}: transcript not played to the end`);
  } finally {
    await channel.close('test done');
  }
  return p;
}

// ---------------------------------------------------------------------------------------------------------
// Set-up

test('init: echo on at first, every setting accepted', async () => {
  const { events } = await play('init.txt', ({ driver }) => driver.init());
  assert.deepEqual(events, []);
});

test('init on an older modem: refused settings fall back or are skipped; the +CREG URC becomes an event', async () => {
  const { events } = await play('init-legacy.txt', ({ driver }) => driver.init());
  assert.deepEqual(events, [
    { type: 'registration', reg: { domain: 'cs', stat: 'home', lac: '00C3', ci: '0000A1B2', act: 0, rat: '2G' } },
  ]);
});

test('init fails when PDU mode is refused, and sends nothing after AT+CMGF=0', async () => {
  await play('init-no-pdu-mode.txt', async ({ driver }) => {
    await assert.rejects(driver.init(), (e: unknown) => e instanceof SequenceError && /AT\+CMGF=0: \+CMS ERROR: 303 \(operation not supported\)/.test(e.message));
  });
});

test('initSms: phase 2+, ME storage, store-and-notify', async () => {
  await play('init-sms.txt', ({ driver }) => driver.sms.init());
});

test('initSms fallbacks: no CSMS=1, SM storage, <ds>=1; a +CMTI during +CNMI becomes an event', async () => {
  const { events } = await play('init-sms-fallback.txt', ({ driver }) => driver.sms.init());
  assert.deepEqual(events, [{ type: 'sms-stored', mem: 'SM', index: 4 }]);
});

// ---------------------------------------------------------------------------------------------------------
// Identity and SIM

test('identity from bare replies', async () => {
  await play('identity.txt', async ({ driver }) => {
    assert.deepEqual(await driver.identity.identity(), { manufacturer: 'ACME Wireless', model: 'GM-100', revision: 'GM100R01A02', imei: '490154203237518' });
  });
});

test('identity from prefixed replies, IMEI via AT+CGSN=1', async () => {
  await play('identity-prefixed.txt', async ({ driver }) => {
    assert.deepEqual(await driver.identity.identity(), { manufacturer: 'ACME Wireless', model: 'GM-200', revision: 'GM200R03A01', imei: '490154203237518' });
  });
});

test('PIN unlock: SIM PIN, enterPin, +CPIN: READY URC, READY', async () => {
  const { events } = await play('pin-unlock.txt', async ({ driver }) => {
    assert.equal(await driver.sim.state(), 'SIM PIN');
    await driver.sim.enterPin('1234');
    assert.equal(await driver.sim.state(), 'READY');
  });
  assert.deepEqual(events, [{ type: 'sim-state', state: 'READY' }]);
});

test('wrong PIN: ModemCommandError with the code explained and the PIN kept out of the message', async () => {
  await play('pin-wrong.txt', async ({ driver }) => {
    await assert.rejects(driver.sim.enterPin('0000'), (e: unknown) => {
      assert.ok(e instanceof ModemCommandError && e instanceof AtCommandError);
      assert.equal(e.final.kind, 'CME ERROR');
      assert.match(e.message, /incorrect password/);
      assert.doesNotMatch(e.message, /0000/);
      assert.doesNotMatch(e.cmd, /0000/);
      return true;
    });
  });
});

test('PUK: SIM PUK state, enterPuk', async () => {
  await play('puk.txt', async ({ driver }) => {
    assert.equal(await driver.sim.state(), 'SIM PUK');
    await driver.sim.enterPuk('12345678', '4321');
  });
});

test('SIM state from +CME ERROR 10 / 14', async () => {
  await play('sim-not-inserted.txt', async ({ driver }) => {
    assert.equal(await driver.sim.state(), 'NOT INSERTED');
    assert.equal(await driver.sim.state(), 'BUSY');
  });
});

test('PIN/PUK validation rejects before sending anything', async () => {
  await play('urcs.txt', async ({ driver }) => {
    for (const bad of ['12', '123456789', '12a4', '"1234"', '']) {
      await assert.rejects(driver.sim.enterPin(bad), InvalidArgumentError);
    }
    await assert.rejects(driver.sim.enterPuk('1234567', '1234'), InvalidArgumentError);
    await assert.rejects(driver.sim.enterPuk('12345678', '12'), InvalidArgumentError);
  });
});

test('ICCID from AT+CCID', async () => {
  await play('iccid-ccid.txt', async ({ driver }) => {
    assert.equal(await driver.sim.iccid(), '89441000301641313004');
  });
});

test('ICCID falls back to AT+CRSM READ BINARY of EF_ICCID (swapped BCD, F filler)', async () => {
  await play('iccid-crsm.txt', async ({ driver }) => {
    assert.equal(await driver.sim.iccid(), '8944100030164131300');
  });
});

test('IMSI and own number', async () => {
  await play('imsi.txt', async ({ driver }) => {
    assert.equal(await driver.sim.imsi(), '460001234567890');
    assert.equal(await driver.sim.ownNumber(), '+8613800138000');
  });
});

test('own number: none stored, command refused', async () => {
  await play('cnum-empty.txt', async ({ driver }) => {
    assert.equal(await driver.sim.ownNumber(), null);
    assert.equal(await driver.sim.ownNumber(), null);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Network

test('registration: read forms of +CREG/+CGREG/+CEREG; a +CEREG URC inside the +CGREG reply becomes an event', async () => {
  const { events } = await play('registration.txt', async ({ driver }) => {
    assert.deepEqual(await driver.netreg.registration(), [
      { domain: 'cs', stat: 'home', lac: '1A2B', ci: '01C3D4E5', act: 7, rat: '4G' },
      { domain: 'ps', stat: 'home', lac: '1A2B', ci: '01C3D4E5', act: 7, rat: '4G' },
      { domain: 'eps', stat: 'roaming', lac: '2B3C', ci: '0A1B2C3D', act: 7, rat: '4G' },
    ]);
  });
  assert.deepEqual(events, [{ type: 'registration', reg: { domain: 'eps', stat: 'roaming', lac: '2B3C', ci: '0A1B2C3D', act: 7, rat: '4G' } }]);
});

test('registration on a 2G modem: a same-prefix URC before the reply is told apart by shape', async () => {
  const { events } = await play('registration-2g.txt', async ({ driver }) => {
    assert.deepEqual(await driver.netreg.registration(), [
      { domain: 'cs', stat: 'roaming', lac: '00C3', ci: '0000A1B2', act: 3, rat: '2G' },
      { domain: 'ps', stat: 'not-registered', rat: null },
    ]);
  });
  assert.deepEqual(events, [{ type: 'registration', reg: { domain: 'cs', stat: 'roaming', lac: '00C3', ci: '0000A1B2', act: 3, rat: '2G' } }]);
});

test('operator: numeric PLMN, then the name, format restored', async () => {
  await play('operator.txt', async ({ driver }) => {
    assert.deepEqual(await driver.netreg.operator(), { mode: 'auto', name: 'CHINA MOBILE', plmn: '46000', rat: '4G' });
  });
});

test('operator: alphanumeric format left by someone else', async () => {
  await play('operator-alpha.txt', async ({ driver }) => {
    assert.deepEqual(await driver.netreg.operator(), { mode: 'manual', name: 'Vodafone.de', plmn: '26202', rat: '3G' });
  });
});

test('operator: not registered', async () => {
  await play('operator-none.txt', async ({ driver }) => {
    assert.deepEqual(await driver.netreg.operator(), { mode: 'auto', name: null, plmn: null, rat: null });
  });
});

test('signal: dBm from rssi, null for 99', async () => {
  await play('signal.txt', async ({ driver }) => {
    assert.deepEqual(await driver.netreg.signal(), { rssi: 23, dbm: -67, ber: 99 });
    assert.deepEqual(await driver.netreg.signal(), { rssi: 99, dbm: null, ber: 99 });
  });
});

test('volte: +CIREG registered, null when unsupported', async () => {
  await play('volte.txt', async ({ driver }) => {
    assert.equal(await driver.netreg.volte(), true);
    assert.equal(await driver.netreg.volte(), null);
  });
});

test('selectOperator: manual with AcT, manual refused, automatic; bad PLMN/AcT rejected locally', async () => {
  await play('select-operator.txt', async ({ driver }) => {
    await assert.rejects(driver.netreg.select({ mode: 'manual', plmn: '4600' }), InvalidArgumentError);
    await assert.rejects(driver.netreg.select({ mode: 'manual', plmn: '46000', act: 99 }), InvalidArgumentError);
    await driver.netreg.select({ mode: 'manual', plmn: '46000', act: 7 });
    await assert.rejects(driver.netreg.select({ mode: 'manual', plmn: '46001' }), /\+CME ERROR: 30 \(no network service\)/);
    await driver.netreg.select({ mode: 'auto' });
  });
});

// ---------------------------------------------------------------------------------------------------------
// Calls

test('outgoing call: dial, +CLCC with a +CMTI inside, NO CARRIER URC, end cause', async () => {
  const { events } = await play('call-mo.txt', async ({ driver }) => {
    await driver.voicecall.dial('+8613800138000');
    assert.deepEqual(await driver.voicecall.list(), [
      { index: 1, direction: 'mo', state: 'alerting', mode: 'voice', multiparty: false, number: '+8613800138000', type: 145 },
    ]);
    await settle();
    assert.equal(await driver.voicecall.endCause(), 'Normal call clearing');
  });
  assert.deepEqual(events, [
    { type: 'sms-stored', mem: 'ME', index: 2 },
    { type: 'call-ended', reason: 'NO CARRIER' },
  ]);
});

test('dial failures reject with the final result kind', async () => {
  await play('dial-fail.txt', async ({ driver }) => {
    for (const [number, kind] of [
      ['10086', 'BUSY'],
      ['*100#', 'NO CARRIER'],
      ['112', 'NO DIALTONE'],
    ] as const) {
      await assert.rejects(driver.voicecall.dial(number), (e: unknown) => e instanceof ModemCommandError && e.final.kind === kind);
    }
  });
});

test('dial validates the number before sending', async () => {
  await play('urcs.txt', async ({ driver }) => {
    for (const bad of ['', '+', '123;ATH', '138 0013 8000', '12a', 'ATD1', '1'.repeat(65)]) {
      await assert.rejects(driver.voicecall.dial(bad), InvalidArgumentError, bad);
    }
  });
});

test('incoming call: RING/+CLIP events, answer, +CLCC with a +CREG URC before OK, hangup', async () => {
  const { events } = await play('call-mt.txt', async ({ driver }) => {
    await settle(); // the RINGs come first
    await driver.voicecall.answer();
    assert.deepEqual(await driver.voicecall.list(), [
      { index: 1, direction: 'mt', state: 'active', mode: 'voice', multiparty: false, number: '+8613900139000', type: 145 },
    ]);
    await driver.voicecall.hangup();
  });
  const clip = { type: 'clip', number: '+8613900139000', numberType: 145 };
  assert.deepEqual(events, [
    { type: 'ring' },
    clip,
    { type: 'ring' },
    clip,
    { type: 'registration', reg: { domain: 'cs', stat: 'home', lac: '1A2B', ci: '01C3D4E6', act: 7, rat: '4G' } },
  ]);
});

test('+CLCC with several calls and URCs between rows', async () => {
  const { events } = await play('clcc-multi.txt', async ({ driver }) => {
    assert.deepEqual(await driver.voicecall.list(), [
      { index: 1, direction: 'mo', state: 'held', mode: 'voice', multiparty: false, number: '10086', type: 129 },
      { index: 2, direction: 'mt', state: 'active', mode: 'voice', multiparty: false, number: '+8613900139000', type: 145 },
      { index: 3, direction: 'mt', state: 'waiting', mode: 'voice', multiparty: false, number: null, type: 128 },
    ]);
  });
  assert.deepEqual(
    events.map((e) => e.type),
    ['sms-stored', 'registration'],
  );
});

test('hangup falls back to ATH', async () => {
  await play('hangup-fallback.txt', ({ driver }) => driver.voicecall.hangup());
});

test('answer after the caller gave up rejects with NO CARRIER', async () => {
  const { events } = await play('answer-missed.txt', async ({ driver }) => {
    await settle();
    await assert.rejects(driver.voicecall.answer(), (e: unknown) => e instanceof ModemCommandError && e.final.kind === 'NO CARRIER');
  });
  assert.deepEqual(events, [{ type: 'ring' }]);
});

// ---------------------------------------------------------------------------------------------------------
// SMS

test('sendPdu: prompt exchange, a +CMTI while waiting, message reference', async () => {
  const { events } = await play('send-pdu.txt', async ({ driver }) => {
    assert.equal(await driver.sms.send('0001000b916407281553f8000005e8329bfd06', 18), 12);
  });
  assert.deepEqual(events, [{ type: 'sms-stored', mem: 'ME', index: 5 }]);
});

test('sendPdu with an SMSC address; +CMS ERROR 500 rejects with the code explained', async () => {
  await play('send-pdu-sca.txt', async ({ driver }) => {
    const pdu = '07919471016700001100038121F30000FF02E834';
    assert.equal(await driver.sms.send(pdu, 12), 1);
    await assert.rejects(driver.sms.send(pdu, 12), (e: unknown) => e instanceof ModemCommandError && /\+CMS ERROR: 500 \(unknown error\)/.test(e.message));
  });
});

test('sendPdu refuses a PDU whose length does not add up, before sending', async () => {
  await play('urcs.txt', async ({ driver }) => {
    await assert.rejects(driver.sms.send('0001000B916407281553F8000005E8329BFD06', 19), InvalidArgumentError);
    await assert.rejects(driver.sms.send('07919471016700001100038121F30000FF02E834', 20), InvalidArgumentError);
    await assert.rejects(driver.sms.send('0G01', 1), InvalidArgumentError);
    await assert.rejects(driver.sms.send('000', 1), InvalidArgumentError);
    await assert.rejects(driver.sms.send('0001', 0), InvalidArgumentError);
  });
});

const DELIVER = '07917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC37';

test('readSms: a stored message, then empty slots (CMS 321 and bare OK)', async () => {
  await play('read-sms.txt', async ({ driver }) => {
    assert.deepEqual(await driver.sms.read(3), { index: 3, stat: 0, pdu: DELIVER });
    assert.equal(await driver.sms.read(9), null);
    assert.equal(await driver.sms.read(10), null);
  });
});

test('listSms: two entries, a +CDSI between them becomes an event', async () => {
  const { events } = await play('list-sms.txt', async ({ driver }) => {
    const list = await driver.sms.list();
    assert.deepEqual(
      list.map((m) => [m.index, m.stat, m.pdu.length]),
      [
        [0, 1, DELIVER.length],
        [4, 0, 94],
      ],
    );
    assert.equal(list[0]!.pdu, DELIVER);
  });
  assert.deepEqual(events, [{ type: 'status-report-stored', mem: 'SR', index: 1 }]);
});

test('listSms(0) on empty storage, deleteSms', async () => {
  await play('list-sms-empty.txt', async ({ driver }) => {
    assert.deepEqual(await driver.sms.list(0), []);
    await driver.sms.delete(3);
    await assert.rejects(driver.sms.list(5), InvalidArgumentError);
    await assert.rejects(driver.sms.delete(-1), InvalidArgumentError);
    await assert.rejects(driver.sms.read(1.5), InvalidArgumentError);
  });
});

test('ackSms (340 is not an error) and smsc', async () => {
  await play('ack-smsc.txt', async ({ driver }) => {
    await driver.sms.ack();
    await driver.sms.ack();
    assert.equal(await driver.sms.serviceCentre(), '+8613800100500');
    assert.equal(await driver.sms.serviceCentre(), null);
  });
});

// ---------------------------------------------------------------------------------------------------------
// USSD, vendor-only capabilities, reset

test('USSD: reply after OK, reply before OK, cancel (a refused cancel is not an error)', async () => {
  const { events } = await play('ussd.txt', async ({ driver }) => {
    await assert.rejects(driver.ussd.send('*100#"'), InvalidArgumentError);
    await assert.rejects(driver.ussd.send(''), InvalidArgumentError);
    await driver.ussd.send('*100#');
    await settle();
    await driver.ussd.send('*123#');
    await driver.ussd.cancel();
    await driver.ussd.cancel();
  });
  assert.deepEqual(events, [
    { type: 'ussd', m: 0, str: 'Balance: 12,50 EUR, valid until 2025-01-31', dcs: 15 },
    { type: 'ussd', m: 1, str: '1 Balance, 2 Bundles, 3 Exit', dcs: 15 },
  ]);
});

test('USB audio, IMEI writing and the data check are absent from the generic modem, not methods that throw', async () => {
  await play('urcs.txt', async ({ driver }) => {
    assert.equal('audio' in driver, false);
    assert.equal('imei' in driver, false);
    assert.equal('dataCheck' in driver, false);
  });
});

test('reset: CFUN=1,1; fallback CFUN=0 / CFUN=1', async () => {
  await play('reset.txt', async ({ driver }) => {
    await driver.reset.reset();
    await driver.reset.reset();
  });
});

test('reset: the port closing during AT+CFUN=1,1 counts as done', async () => {
  const modem = new ScriptedModem(loadTranscript(join(DIR, 'reset.txt')));
  modem.write = () => void modem.close();
  const channel = new AtChannel(modem, { log: silentLogger() });
  const driver = openGenericModem(channel, { log: silentLogger() });
  await driver.reset.reset();
});

// ---------------------------------------------------------------------------------------------------------
// URCs with nothing in flight

test('URCs become events (PDU body split across chunks, malformed and foreign lines as unknown)', async () => {
  const { events } = await play('urcs.txt', async () => {
    await settle();
  });
  assert.deepEqual(events, [
    { type: 'ring' },
    { type: 'clip', number: '+8613900139000', numberType: 145 },
    { type: 'ring' },
    { type: 'clip', number: '', numberType: 128 },
    { type: 'call-ended', reason: 'NO CARRIER' },
    { type: 'call-ended', reason: 'BUSY' },
    { type: 'registration', reg: { domain: 'cs', stat: 'home', lac: '1A2B', ci: '01C3D4E5', act: 7, rat: '4G' } },
    { type: 'registration', reg: { domain: 'ps', stat: 'roaming', rat: null } },
    { type: 'registration', reg: { domain: 'eps', stat: 'home', lac: '2B3C', ci: '0A1B2C3D', act: 13, rat: '5G' } },
    { type: 'sms-stored', mem: 'ME', index: 7 },
    { type: 'sms-deliver', pdu: DELIVER, length: 28 },
    { type: 'status-report', pdu: '0791947101670000060C0A919471000090521051210000005210512100500000', length: 24 },
    { type: 'status-report-stored', mem: 'SR', index: 2 },
    { type: 'ussd', m: 2, str: null, dcs: null },
    { type: 'sim-state', state: 'NOT INSERTED' },
    { type: 'unknown', line: '+CIEV: 1,3' },
    { type: 'unknown', line: '+CREG: x' },
  ]);
});

test('a family handler sees a URC first and falls back to the generic handler; listeners can unsubscribe', async () => {
  const modem = new ScriptedModem(
    // a throw-away transcript: modem lines only
    { file: '<inline>', source: 'test', comments: [], steps: [{ dir: 'modem', data: Buffer.from('\r\nVENDOR READY\r\n\r\nRING\r\n\r\n+CMTI: "SM",1\r\n') }] },
  );
  const channel = new AtChannel(modem, { log: silentLogger() });
  const core = openCore(channel, silentLogger());
  const vendorHandler = (urc: { line: string }): boolean => {
    if (urc.line !== 'VENDOR READY') return false;
    core.events.emit({ type: 'modem-ready' });
    return true;
  };
  listenForUrcs(core, [{ prefix: 'VENDOR READY' }], [vendorHandler]);
  const seen: string[] = [];
  const off = core.events.onEvent((e) => {
    seen.push(e.type);
    if (e.type === 'ring') off();
  });
  await settle();
  assert.deepEqual(seen, ['modem-ready', 'ring']);
  core.events.dispose();
  await channel.close();
});

test('DTMF sending (TS 27.007 §C.2.11): AT+VTS refused with no call up, then one AT+VTS per key', async () => {
  await play('dtmf-send.txt', async ({ driver }) => {
    await assert.rejects(driver.dtmfSend.send('1'), (e: unknown) => e instanceof ModemCommandError && e.final.kind === 'CME ERROR');
    await driver.dtmfSend.send('13#');
  });
});

test('every generic fixture was played by a test above', () => {
  const all = readdirSync(DIR).filter((f) => f.endsWith('.txt')).sort();
  assert.deepEqual(all.filter((f) => !played.has(f)), []);
});
