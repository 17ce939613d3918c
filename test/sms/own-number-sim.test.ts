/**
 * Own-number discovery end to end over the simulated network: real Lines, drivers and simulated modems;
 * the USSD step through UssdService (*#100#), the discovery step with real SMS between two lines (read
 * from the receiving modem and handed to onInbound as the SMS receiver does).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePdu, type SmsDeliver } from '../../src/gsm/index.js';
import type { Line } from '../../src/line/line.js';
import { sendText } from '../../src/sms/send-text.js';
import { OwnNumberDiscovery } from '../../src/sms/own-number.js';
import type { OwnNumberConfig } from '../../src/config/schema-messaging.js';
import { MessageStore } from '../../src/store/message-store.js';
import { UssdService } from '../../src/ussd/ussd-service.js';
import { silentLogger } from '../../src/util/log.js';
import type { ModemEvent } from '../../modem-drivers/types.js';
import { simCard } from '../../modem-drivers/simulator/simulator.js';
import { tempDir } from '../store/temp-dir.js';
import { simLines, until } from '../ussd/sim-lines.js';

const WITH_NUMBER = simCard(1, 0);
const WITHOUT_NUMBER = simCard(1, 3); // slot D of an odd modem: AT+CNUM is empty

function base(over: Partial<OwnNumberConfig>): OwnNumberConfig {
  return { ussd: null, smsQuery: null, discovery: { enabled: false, secret: null }, timeoutSec: 15, ...over };
}

test('simulator: a SIM without its number learns it by USSD *#100#; a SIM with it is stored as "sim"', async (t) => {
  assert.equal(WITHOUT_NUMBER.number, null);
  const s = await simLines({ sims: [WITH_NUMBER, WITHOUT_NUMBER] });
  const store = MessageStore.open(tempDir(t));
  const ussd = new UssdService({ getLine: s.getLine, config: { timeoutSec: 30 }, log: silentLogger() });
  const disc = new OwnNumberDiscovery({
    config: base({ ussd: { code: '*#100#', marker: 'Your number is' } }),
    store,
    lines: () => s.lines,
    ussd,
    sendSms: async () => {
      throw new Error('no SMS expected');
    },
    log: silentLogger(),
    startDelayMs: 0,
  });
  try {
    for (const l of s.lines) {
      ussd.attach(l);
      disc.attach(l);
    }
    await until('both known', () => store.ownNumber(WITH_NUMBER.iccid) !== undefined && store.ownNumber(WITHOUT_NUMBER.iccid) !== undefined).catch((e) => {
      throw new Error(`${(e as Error).message}: ${JSON.stringify({ st: disc.status(2), u: ussd.session(2), cmds: s.providers[1]!.written.slice(-30) })}`);
    });
    assert.deepEqual([store.ownNumber(WITH_NUMBER.iccid)?.number, store.ownNumber(WITH_NUMBER.iccid)?.method], [WITH_NUMBER.number, 'sim']);
    const learned = store.ownNumber(WITHOUT_NUMBER.iccid)!;
    assert.deepEqual([learned.number, learned.method], [s.net.numberOf(WITHOUT_NUMBER.imsi), 'ussd']);
    assert.deepEqual(s.providers[1]!.commands('AT+CUSD=1'), ['AT+CUSD=1,"*#100#",15']);
    assert.equal(s.providers[0]!.commands('AT+CUSD=1').length, 0);
    assert.equal(disc.status(2).method, 'ussd');
  } finally {
    disc.close();
    ussd.close();
    store.close();
    await s.stop();
  }
});

test('simulator: discovery — the line without a number texts the line with one, which learns the sender for the ICCID', async (t) => {
  const s = await simLines({ sims: [WITH_NUMBER, WITHOUT_NUMBER] });
  const store = MessageStore.open(tempDir(t));
  const consumed: boolean[] = [];
  const disc = new OwnNumberDiscovery({
    config: base({ discovery: { enabled: true, secret: 'simulated gateway secret' } }),
    store,
    lines: () => s.lines,
    ussd: null,
    sendSms: async (lineId, to, text) => {
      const r = await sendText(s.getLine(lineId)!, to, text);
      return `ref-${r.references.join(',')}`;
    },
    log: silentLogger(),
    startDelayMs: 0,
  });
  // What the SMS receiver does, reduced: read the stored SMS, decode it, offer it to onInbound.
  const reading: Promise<void>[] = [];
  const receive = (line: Line) => (e: ModemEvent) => {
    if (e.type !== 'sms-stored') return;
    reading.push((async () => {
      const d = line.capability('sms');
      const stored = await d.read(e.index);
      if (!stored) return;
      const pdu = decodePdu(stored.pdu) as SmsDeliver;
      const st = line.status();
      consumed.push(
        disc.onInbound({
          id: `in-${e.index}`,
          line: String(line.id),
          slot: st.slot,
          iccid: st.sim.iccid,
          recipient: st.sim.number,
          sender: pdu.originator.number,
          text: pdu.text,
          parts: 1,
          received: 1,
          partial: false,
          sentAt: null,
          receivedAt: Date.now(),
          command: null,
        }),
      );
      await d.delete(e.index);
    })());
  };
  for (const l of s.lines) l.on('modem-event', receive(l));
  try {
    for (const l of s.lines) disc.attach(l);
    await until('learned', () => store.ownNumber(WITHOUT_NUMBER.iccid) !== undefined, 8000);
    const learned = store.ownNumber(WITHOUT_NUMBER.iccid)!;
    assert.deepEqual([learned.number, learned.method], [s.net.numberOf(WITHOUT_NUMBER.imsi), 'discovery']);
    assert.deepEqual(consumed, [true]);
    assert.equal(s.providers[1]!.commands('AT+CMGS').length, 1, 'one SMS from the line without a number');
    assert.equal(s.providers[0]!.commands('AT+CMGS').length, 0);
    await until('attempt over', () => disc.status(2).step === null && disc.status(2).lastAttempt?.ok === true);
    await Promise.all(reading);
  } finally {
    disc.close();
    store.close();
    await s.stop();
  }
});
