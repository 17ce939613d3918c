/**
 * What the receiver added to the driver contract: readSms/listSms/deleteSms in a named memory (AT+CPMS
 * switched and put back, TS 27.005 §3.2.2) and smsMemories() from AT+CPMS=?.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AtChannel } from '../../src/at/channel.js';
import { openGenericModem } from '../../modem-drivers/generic/descriptor.js';
import { InvalidArgumentError } from '../../modem-drivers/generic/errors.js';
import { parseCpmsTest } from '../../modem-drivers/generic/parse.js';
import { openQuectelModem } from '../../modem-drivers/quectel/modem.js';
import type { Modem } from '../../modem-drivers/capabilities.js';
import type { ModemEvent } from '../../modem-drivers/types.js';
import { silentLogger } from '../../src/util/log.js';
import { ScriptedModem, type TranscriptStep } from '../helpers/transcript.js';

const DELIVER = '07917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC37';

function script(pairs: [string, string][]): ScriptedModem {
  const steps: TranscriptStep[] = pairs.flatMap(([h, m]) => [
    { dir: 'host' as const, data: Buffer.from(`${h}\r`) },
    { dir: 'modem' as const, data: Buffer.from(m) },
  ]);
  return new ScriptedModem({ file: '<inline>', source: 'test', comments: [], steps });
}

async function withDriver(pairs: [string, string][], fn: (d: Modem) => Promise<void>, quectel = false): Promise<void> {
  const modem = script(pairs);
  const channel = new AtChannel(modem, { log: silentLogger() });
  const d: Modem = quectel ? openQuectelModem(channel, { log: silentLogger() }) : openGenericModem(channel, { log: silentLogger() });
  try {
    await fn(d);
    assert.deepEqual(modem.errors, []);
    assert.ok(modem.finished, 'every scripted step was used');
  } finally {
    d.dispose();
    await channel.close();
  }
}

const CPMS_ME = '\r\n+CPMS: "ME",1,255,"ME",1,255,"ME",1,255\r\n\r\nOK\r\n';

test('parseCpmsTest: the three lists, upper-cased; other shapes are refused', () => {
  assert.deepEqual(parseCpmsTest('+CPMS: ("SM","ME","MT","SR"),("SM","ME","MT"),("SM","ME","MT")'), {
    ok: true,
    value: [
      ['SM', 'ME', 'MT', 'SR'],
      ['SM', 'ME', 'MT'],
      ['SM', 'ME', 'MT'],
    ],
  });
  assert.deepEqual(parseCpmsTest('+CPMS: ("me","sm"),("me","sm"),("me","sm")'), { ok: true, value: [['ME', 'SM'], ['ME', 'SM'], ['ME', 'SM']] });
  assert.equal(parseCpmsTest('+CPMS: "ME",1,255,"ME",1,255,"ME",1,255').ok, false);
  assert.equal(parseCpmsTest('+CPMS: (),(),()').ok, false);
  assert.equal(parseCpmsTest('+CPMS: ("SIM"),("SM"),("SM")').ok, false);
  assert.equal(parseCpmsTest('+CSQ: 1,2').ok, false);
});

test('readSms in another memory: AT+CPMS? then <mem1> switched, the read, and the previous <mem1> put back', async () => {
  await withDriver(
    [
      ['AT+CPMS?', CPMS_ME],
      ['AT+CPMS="SM"', '\r\n+CPMS: 1,50,1,255,1,255\r\n\r\nOK\r\n'],
      ['AT+CMGR=3', `\r\n+CMGR: 1,,28\r\n${DELIVER}\r\n\r\nOK\r\n`],
      ['AT+CPMS="ME"', '\r\n+CPMS: 1,255,1,255,1,255\r\n\r\nOK\r\n'],
    ],
    async (d) => {
      assert.deepEqual(await d.sms.read(3, 'sm'), { index: 3, stat: 1, pdu: DELIVER });
    },
  );
});

test('the memory already selected is not switched; without a memory nothing extra is sent', async () => {
  await withDriver(
    [
      ['AT+CPMS?', CPMS_ME],
      ['AT+CMGD=4', '\r\nOK\r\n'],
      ['AT+CMGL=4', '\r\nOK\r\n'],
    ],
    async (d) => {
      await d.sms.delete(4, 'ME');
      assert.deepEqual(await d.sms.list(4), []);
    },
  );
});

test('a failing command in another memory still puts the read memory back', async () => {
  await withDriver(
    [
      ['AT+CPMS?', CPMS_ME],
      ['AT+CPMS="SR"', '\r\n+CPMS: 0,50,1,255,1,255\r\n\r\nOK\r\n'],
      ['AT+CMGD=9', '\r\n+CMS ERROR: 321\r\n'],
      ['AT+CPMS="ME"', '\r\n+CPMS: 1,255,1,255,1,255\r\n\r\nOK\r\n'],
    ],
    async (d) => {
      await assert.rejects(d.sms.delete(9, 'SR'));
    },
  );
});

test('a memory name that is not two letters is refused before anything is sent', async () => {
  await withDriver([], async (d) => {
    await assert.rejects(d.sms.read(0, 'S"M'), InvalidArgumentError);
    await assert.rejects(d.sms.list(4, ''), InvalidArgumentError);
    await assert.rejects(d.sms.delete(0, 'SIM'), InvalidArgumentError);
  });
});

test('smsMemories: SIM and modem memories and "SR" from AT+CPMS=?, asked once', async () => {
  await withDriver([['AT+CPMS=?', '\r\n+CPMS: ("SM","ME","MT","SR"),("SM","ME","MT"),("SM","ME","MT")\r\n\r\nOK\r\n']], async (d) => {
    assert.deepEqual(await d.sms.memories(), { messages: ['SM', 'ME'], reports: 'SR' });
    assert.deepEqual(await d.sms.memories(), { messages: ['SM', 'ME'], reports: 'SR' });
  });
});

test('smsMemories: "MT" only; a refused AT+CPMS=? means the current memory only', async () => {
  await withDriver([['AT+CPMS=?', '\r\n+CPMS: ("MT"),("MT"),("MT")\r\n\r\nOK\r\n']], async (d) => {
    assert.deepEqual(await d.sms.memories(), { messages: ['MT'], reports: null });
  });
  await withDriver([['AT+CPMS=?', '\r\nERROR\r\n']], async (d) => {
    assert.deepEqual(await d.sms.memories(), { messages: [], reports: null });
  });
});

test('Quectel: "SR" is not a report memory when AT+CPMS=? does not list it, and +CDSI "SM" then stays "SM"', async () => {
  const modem = new ScriptedModem({
    file: '<inline>',
    source: 'test',
    comments: [],
    steps: [
      { dir: 'host', data: Buffer.from('AT+CPMS=?\r') },
      { dir: 'modem', data: Buffer.from('\r\n+CPMS: ("SM","ME","MT"),("SM","ME","MT"),("SM","ME","MT")\r\n\r\nOK\r\n') },
      // The report comes later than the memory answer (during the next command).
      { dir: 'host', data: Buffer.from('AT+CNMA\r') },
      { dir: 'modem', data: Buffer.from('\r\n+CDSI: "SM",4\r\n\r\nOK\r\n') },
    ],
  });
  const channel = new AtChannel(modem, { log: silentLogger() });
  const d = openQuectelModem(channel, { log: silentLogger() });
  const events: ModemEvent[] = [];
  d.onEvent((e) => events.push(e));
  try {
    assert.deepEqual(await d.sms.memories(), { messages: ['SM', 'ME'], reports: null });
    await d.sms.ack();
    await until(() => events.length > 0);
    assert.deepEqual(events, [{ type: 'status-report-stored', mem: 'SM', index: 4 }]);
    assert.deepEqual(modem.errors, []);
    assert.ok(modem.finished, 'every scripted step was used');
  } finally {
    d.dispose();
    await channel.close();
  }
});

test('Quectel: with "SR" listed by AT+CPMS=?, it is the report memory and +CDSI "SM" means "SR"', async () => {
  const modem = new ScriptedModem({
    file: '<inline>',
    source: 'test',
    comments: [],
    steps: [
      { dir: 'host', data: Buffer.from('AT+CPMS=?\r') },
      { dir: 'modem', data: Buffer.from('\r\n+CPMS: ("SM","ME","MT","SR"),("SM","ME","MT"),("SM","ME","MT")\r\n\r\nOK\r\n') },
      // The report comes later than the memory answer (during the next command).
      { dir: 'host', data: Buffer.from('AT+CNMA\r') },
      { dir: 'modem', data: Buffer.from('\r\n+CDSI: "SM",4\r\n\r\nOK\r\n') },
    ],
  });
  const channel = new AtChannel(modem, { log: silentLogger() });
  const d = openQuectelModem(channel, { log: silentLogger() });
  const events: ModemEvent[] = [];
  d.onEvent((e) => events.push(e));
  try {
    assert.deepEqual(await d.sms.memories(), { messages: ['SM', 'ME'], reports: 'SR' });
    await d.sms.ack();
    await until(() => events.length > 0);
    assert.deepEqual(events, [{ type: 'status-report-stored', mem: 'SR', index: 4 }]);
  } finally {
    d.dispose();
    await channel.close();
  }
});

async function until(cond: () => boolean, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}
