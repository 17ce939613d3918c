/**
 * SmsReceiver on Lines over simulated modems (modem 1: Quectel EC25, modem 2: SIMCom SIM7600), a real
 * message store in a temporary directory, fast simulator timing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDeliverTpdus, bytesToHex } from '../../src/gsm/index.js';
import type { ModemEvent } from '../../modem-drivers/types.js';
import { startControlApi } from '../../modem-drivers/simulator/control-api.js';
import { sendText } from '../../src/sms/send-text.js';
import { OUTSIDE, rig, until, type Rig } from './receiver-harness.js';

const SENDER = '+8613912345678';

/** The TPDUs (hex, no SMSC field) of a message as the network would deliver it. */
function deliverParts(text: string, opts: { from?: string; ref?: number; encoding?: 'gsm7' | 'ucs2' } = {}): string[] {
  return buildDeliverTpdus({
    from: opts.from ?? SENDER,
    text,
    encoding: opts.encoding ?? 'auto',
    scts: new Date(Date.UTC(2026, 2, 14, 9, 26, 53)),
    tzMinutes: 480,
    concatRef: opts.ref ?? 77,
  }).map(bytesToHex);
}

function inject(r: Rig, tpdu: string | string[]): void {
  const res = r.sim.network.outside.sms({ from: SENDER, to: r.number, pdu: tpdu });
  assert.ok(res.ok, JSON.stringify(res));
}

async function drained(r: Rig, what: string): Promise<void> {
  await until(`${what}: modem storage empty`, () => r.onModem() === 0);
  await r.receiver!.idle();
}

const LONG = Array.from({ length: 13 }, (_, i) => `part of a long message, word ${i}.`).join(' ');

test('a single SMS from the outside world is stored with sender, text, SCTS and recipient; AT+CMGL shows nothing afterwards', async () => {
  const r = await rig(1);
  try {
    const before = Date.now();
    assert.ok(r.sim.network.outside.sms({ from: SENDER, to: r.number, text: 'hello from outside' }).ok);
    await until('stored', () => r.stored.length === 1);
    const m = r.stored[0]!;
    assert.equal(m.sender, SENDER);
    assert.equal(m.text, 'hello from outside');
    assert.equal(m.line, '1');
    assert.equal(m.slot, 'A');
    assert.equal(m.iccid, r.line.status().sim.iccid);
    assert.equal(m.recipient, r.number);
    assert.equal(m.partial, false);
    assert.ok(m.sentAt !== null && Math.abs(m.sentAt - before) < 5000, `SCTS ${m.sentAt}`);
    await drained(r, 'single');
    assert.equal(await r.listed(), 0);
    assert.deepEqual(r.store.getInbound(m.id), m);
    assert.deepEqual(r.receiver!.stats(), { received: 1, duplicates: 0, reports: 0, unmatchedReports: 0, undecodable: 0, errors: 0 });
  } finally {
    await r.close();
  }
});

test('the recipient is the own number the store learned for the ICCID, before the one the SIM shows', async () => {
  const r = await rig(2);
  try {
    r.store.setOwnNumber(r.line.status().sim.iccid!, '+8613999990000', 'ussd');
    assert.ok(r.sim.network.outside.sms({ from: SENDER, to: r.number, text: 'who am I' }).ok);
    await until('stored', () => r.stored.length === 1);
    assert.equal(r.stored[0]!.recipient, '+8613999990000');
  } finally {
    await r.close();
  }
});

test('UCS2 (SIM7600) and GSM 7-bit with extension characters (EC25) arrive as sent', async () => {
  for (const [which, text] of [
    [2, '你好，世界! Привет 😀'],
    [1, 'Price: 5€ {braces} [brackets] ~tilde~ ^caret^ |pipe| \\ back'],
  ] as const) {
    const r = await rig(which);
    try {
      assert.ok(r.sim.network.outside.sms({ from: SENDER, to: r.number, text }).ok);
      await until('stored', () => r.stored.length === 1);
      assert.equal(r.stored[0]!.text, text);
      await drained(r, `modem ${which}`);
    } finally {
      await r.close();
    }
  }
});

test('a three-part message arriving out of order (3, 1, 2) over separate +CMTIs becomes one message, text in order', async () => {
  const r = await rig(1);
  const cmti: ModemEvent[] = [];
  r.line.on('modem-event', (e: ModemEvent) => {
    if (e.type === 'sms-stored') cmti.push(e);
  });
  try {
    const parts = deliverParts(LONG);
    assert.equal(parts.length, 3);
    for (const [n, i] of [2, 0, 1].entries()) {
      inject(r, parts[i]!);
      if (n < 2) {
        await until(`part ${i + 1} waiting`, () => r.store.pendingIncomingParts() === n + 1 && r.onModem() === 0);
        await new Promise((res) => setTimeout(res, 50));
      }
    }
    await until('assembled', () => r.stored.length === 1);
    const m = r.stored[0]!;
    assert.equal(m.text, LONG);
    assert.equal(m.parts, 3);
    assert.equal(m.received, 3);
    assert.equal(m.partial, false);
    assert.equal(r.store.pendingIncomingParts(), 0);
    assert.equal(cmti.length, 3, 'each part announced by its own +CMTI');
    await drained(r, 'multipart');
    assert.equal(r.receiver!.stats().received, 3);
  } finally {
    await r.close();
  }
});

test('a missing part: after the timeout one message flagged partial, with received < parts', async () => {
  const r = await rig(2, { receiverOptions: { partTimeoutMs: 300, flushIntervalMs: 50 } });
  try {
    const parts = deliverParts(LONG, { ref: 9 });
    inject(r, [parts[0]!, parts[2]!]);
    await until('both parts waiting', () => r.store.pendingIncomingParts() === 2);
    await until('flushed as partial', () => r.stored.length === 1, 3000);
    const m = r.stored[0]!;
    assert.equal(m.partial, true);
    assert.equal(m.parts, 3);
    assert.equal(m.received, 2);
    assert.ok(m.received < m.parts);
    assert.ok(m.text.startsWith(LONG.slice(0, 100)));
    assert.match(m.text, /\[…\]/, 'the gap is marked');
    assert.equal(r.store.pendingIncomingParts(), 0);
    await drained(r, 'partial');
  } finally {
    await r.close();
  }
});

test('the same SMS delivered twice by the network is stored once; both copies leave the modem', async () => {
  const r = await rig(1);
  const dups: unknown[] = [];
  try {
    await r.receiver!.stop();
    r.startReceiver({ onDuplicate: (s) => dups.push(s) });
    const [tpdu] = deliverParts('only once please');
    inject(r, tpdu!);
    await until('first stored', () => r.stored.length === 1);
    await drained(r, 'first');
    inject(r, tpdu!);
    await until('duplicate seen', () => r.receiver!.stats().duplicates === 1);
    await drained(r, 'second');
    assert.equal(r.stored.length, 1);
    assert.equal(dups.length, 1);
    assert.equal(r.store.queryInbound({}).total, 1);
  } finally {
    await r.close();
  }
});

test('crash safety: stored, then the delete fails; a new receiver sweeps the modem, dedup makes it a no-op, the modem is emptied', async () => {
  const r = await rig(2);
  try {
    r.modem.failCommand('AT+CMGD', '+CMS ERROR: 500', 1);
    assert.ok(r.sim.network.outside.sms({ from: SENDER, to: r.number, text: 'survives a crash' }).ok);
    await until('store then failed delete', () => r.receiver!.stats().errors === 1);
    assert.equal(r.store.queryInbound({}).total, 1, 'stored before the delete was tried');
    assert.equal(r.onModem(), 1, 'still on the modem');
    await r.receiver!.stop(); // "dies" before deleting
    const rx = r.startReceiver();
    await drained(r, 'after restart');
    assert.deepEqual(rx.stats(), { received: 0, duplicates: 1, reports: 0, unmatchedReports: 0, undecodable: 0, errors: 0 });
    assert.equal(r.store.queryInbound({}).total, 1);
    assert.equal(r.stored.length, 1, 'the restart stored nothing new');
  } finally {
    await r.close();
  }
});

test('crash safety for parts: the part that completed a message is re-read after a restart; no partial copy appears', async () => {
  const r = await rig(1, { receiverOptions: { partTimeoutMs: 300, flushIntervalMs: 50 } });
  try {
    const parts = deliverParts('y'.repeat(200), { ref: 5 });
    inject(r, parts[0]!);
    await until('first part waiting', () => r.store.pendingIncomingParts() === 1 && r.onModem() === 0);
    r.modem.failCommand('AT+CMGD', '+CMS ERROR: 500', 1);
    inject(r, parts[1]!);
    await until('assembled', () => r.stored.length === 1);
    await until('failed delete', () => r.receiver!.stats().errors === 1);
    assert.equal(r.onModem(), 1);
    await r.receiver!.stop();
    const rx = r.startReceiver();
    await drained(r, 'after restart');
    await new Promise((res) => setTimeout(res, 500)); // longer than the part timeout
    assert.equal(rx.stats().duplicates, 1);
    assert.equal(r.store.pendingIncomingParts(), 0);
    assert.deepEqual(r.stored.map((m) => [m.partial, m.received, m.parts]), [[false, 2, 2]]);
    assert.equal(r.store.queryInbound({}).total, 1);
  } finally {
    await r.close();
  }
});

test('messages already on the modem (SIM and modem memory) are swept when the receiver starts', async () => {
  const r = await rig(1, { receiver: false });
  try {
    // One message received into the SIM ("SM"), as before cellgate set the receive memory.
    assert.ok(await r.at('AT+CPMS="ME","ME","SM"', ['+CPMS:']));
    assert.ok(r.sim.network.outside.sms({ from: SENDER, to: r.number, text: 'waiting on the SIM' }).ok);
    await until('on the SIM', () => r.onModem() === 1);
    assert.ok(await r.at('AT+CPMS="ME","ME","ME"', ['+CPMS:']));
    assert.ok(r.sim.network.outside.sms({ from: SENDER, to: r.number, text: 'waiting in the modem' }).ok);
    await until('in the modem', () => r.onModem() === 2);
    r.startReceiver();
    await until('both stored', () => r.stored.length === 2);
    assert.deepEqual(r.stored.map((m) => m.text).sort(), ['waiting in the modem', 'waiting on the SIM']);
    await drained(r, 'sweep');
    assert.equal(await r.listed('SM'), 0);
    assert.equal(await r.listed('ME'), 0);
  } finally {
    await r.close();
  }
});

test('messages that arrive while the line is down are swept when it is registered again', async () => {
  const r = await rig(2);
  try {
    r.modem.setHung(true);
    await until('line lost', () => r.line.status().lifecycle !== 'registered', 10_000);
    assert.ok(r.sim.network.outside.sms({ from: SENDER, to: r.number, text: 'while down' }).ok);
    await until('back and stored', () => r.stored.length === 1, 15_000);
    assert.equal(r.stored[0]!.text, 'while down');
    await drained(r, 'after recovery');
  } finally {
    await r.close();
  }
});

for (const [which, name] of [
  [1, 'EC25 (+CDSI: "SM" for a report kept in "SR")'],
  [2, 'SIM7600 (+CDSI: "SR")'],
] as const) {
  test(`status reports on the ${name}: a sent message becomes delivered, a 2-part one after both reports, a failed one failed`, async () => {
    const r = await rig(which);
    const cdsi: ModemEvent[] = [];
    r.line.on('modem-event', (e: ModemEvent) => {
      if (e.type === 'status-report-stored') cdsi.push(e);
    });
    try {
      const lineId = String(which);
      const send = async (to: string, text: string) => {
        const msg = await r.store.enqueue({ origin: 'api', recipient: to, number: to, text, parts: text.length > 160 ? 2 : 1, report: true });
        const st = r.line.status();
        assert.ok(r.store.markSending(msg.id, lineId, st.slot, st.sim.iccid));
        const sent = await sendText(r.line, to, text, { requestStatusReport: true });
        assert.ok(r.store.markSent(msg.id, lineId, sent.references));
        return msg.id;
      };
      const one = await send(OUTSIDE, 'report me');
      await until('delivered', () => r.store.getOutbound(one)!.status === 'delivered');
      const two = await send(OUTSIDE, LONG.slice(0, 250));
      await until('2-part delivered', () => r.store.getOutbound(two)!.status === 'delivered');
      const bad = await send('+8613900007777', 'to nowhere');
      await until('failed', () => r.store.getOutbound(bad)!.status === 'failed');
      assert.match(r.store.getOutbound(bad)!.reason ?? '', /0x43/);
      await drained(r, 'reports');
      assert.equal(await r.listed('SR'), 0);
      assert.ok(cdsi.length >= 4 && cdsi.every((e) => e.type === 'status-report-stored' && e.mem === 'SR'), JSON.stringify(cdsi));
      const s = r.receiver!.stats();
      assert.equal(s.reports, 4);
      assert.equal(s.unmatchedReports, 0);
      assert.equal(r.reports.filter((x) => x.result?.final).length, 3);
    } finally {
      await r.close();
    }
  });
}

test('a status report that matches nothing sent is counted unmatched (after its retries) and deleted', async () => {
  const r = await rig(1, { receiverOptions: { reportRetryMs: 20, reportRetries: 2 } });
  try {
    await sendText(r.line, OUTSIDE, 'not recorded in the store', { requestStatusReport: true });
    await until('unmatched', () => r.receiver!.stats().unmatchedReports === 1);
    assert.equal(r.reports.length, 1);
    assert.equal(r.reports[0]!.result, null);
    await drained(r, 'unmatched');
  } finally {
    await r.close();
  }
});

test('a status report that comes before the sender recorded the reference is matched on a retry', async () => {
  const r = await rig(2, { receiverOptions: { reportRetryMs: 100, reportRetries: 5 } });
  try {
    const msg = await r.store.enqueue({ origin: 'api', recipient: OUTSIDE, number: OUTSIDE, text: 'late bookkeeping', parts: 1, report: true });
    const st = r.line.status();
    r.store.markSending(msg.id, '2', st.slot, st.sim.iccid);
    const sent = await sendText(r.line, OUTSIDE, 'late bookkeeping', { requestStatusReport: true });
    await until('report read', () => r.receiver!.stats().reports === 1);
    r.store.markSent(msg.id, '2', sent.references);
    await until('delivered', () => r.store.getOutbound(msg.id)!.status === 'delivered');
    assert.equal(r.receiver!.stats().unmatchedReports, 0);
  } finally {
    await r.close();
  }
});

test('a status report with a non-BCD time-zone octet (0xA0) in TP-SCTS and TP-DT is matched, not stored as an undecodable SMS', async () => {
  const r = await rig(1);
  try {
    const msg = await r.store.enqueue({ origin: 'api', recipient: OUTSIDE, number: OUTSIDE, text: 'odd zone', parts: 1, report: true });
    const st = r.line.status();
    r.store.markSending(msg.id, '1', st.slot, st.sim.iccid);
    r.store.markSent(msg.id, '1', [0x2a]);
    // SMS-STATUS-REPORT, TP-MR 0x2A, TP-RA +666666666666, zone octets 0xA0, TP-ST 0 (delivered).
    const tpdu = '062A0C91666666666666909070618422A0909070618462A000';
    assert.ok(r.modem.receiveRawSms(tpdu));
    await until('delivered', () => r.store.getOutbound(msg.id)!.status === 'delivered');
    await drained(r, 'report');
    assert.equal(r.stored.length, 0);
    assert.equal(r.store.queryInbound({}).total, 0);
    const s = r.receiver!.stats();
    assert.equal(s.undecodable, 0);
    assert.equal(s.reports, 1);
    assert.equal(r.reports.length, 1);
    assert.ok(r.reports[0]!.report.pdu.endsWith(tpdu), r.reports[0]!.report.pdu);
    assert.equal(r.reports[0]!.report.warnings.length, 2);
  } finally {
    await r.close();
  }
});

test('an undecodable PDU is stored as such (sender "unknown", the PDU in the text) and deleted', async () => {
  const r = await rig(1);
  try {
    // TP-UDL says 68 octets, 17 are there (qotto/smspdudecoder test_decode_truncated_ucs2, SMSC field removed).
    const tpdu = '240D91683167414052F700081270115183942344597D70E6597D70E651CF80A551CF80A55C';
    assert.ok(r.modem.receiveRawSms(tpdu));
    await until('stored', () => r.stored.length === 1);
    const m = r.stored[0]!;
    assert.equal(m.sender, 'unknown');
    assert.match(m.text, /could not be decoded/);
    assert.ok(m.text.includes(tpdu), m.text);
    await drained(r, 'undecodable');
    assert.equal(r.receiver!.stats().undecodable, 1);
    // The same PDU again (a redelivery) is a duplicate, not a second message.
    assert.ok(r.modem.receiveRawSms(tpdu));
    await until('duplicate', () => r.receiver!.stats().duplicates === 1);
    await drained(r, 'undecodable again');
    assert.equal(r.store.queryInbound({}).total, 1);
  } finally {
    await r.close();
  }
});

test('routed delivery (+CNMI mt=2, ds=1): +CMT stored then acknowledged with +CNMA, +CDS applied then acknowledged', async () => {
  const r = await rig(1);
  try {
    assert.ok(await r.at('AT+CNMI=2,2,0,1,0'));
    const events: string[] = [];
    r.line.on('modem-event', (e: ModemEvent) => events.push(e.type));
    assert.ok(r.sim.network.outside.sms({ from: SENDER, to: r.number, text: 'routed to the TE' }).ok);
    await until('stored', () => r.stored.length === 1);
    assert.equal(r.stored[0]!.text, 'routed to the TE');
    const msg = await r.store.enqueue({ origin: 'api', recipient: OUTSIDE, number: OUTSIDE, text: 'routed report', parts: 1, report: true });
    const st = r.line.status();
    r.store.markSending(msg.id, '1', st.slot, st.sim.iccid);
    const sent = await sendText(r.line, OUTSIDE, 'routed report', { requestStatusReport: true });
    r.store.markSent(msg.id, '1', sent.references);
    await until('delivered', () => r.store.getOutbound(msg.id)!.status === 'delivered');
    // Acknowledged in time: the modem neither stored them nor turned routing off (TS 27.005 §3.4.4).
    await new Promise((res) => setTimeout(res, 100));
    assert.equal(r.onModem(), 0);
    assert.deepEqual(events.filter((e) => e !== 'registration'), ['sms-deliver', 'status-report']);
    assert.equal(r.receiver!.stats().errors, 0);
  } finally {
    await r.close();
  }
});

test('simulator control API: POST /modems/:id/sms puts an unchecked TPDU on the modem (stored as undecodable)', async () => {
  const r = await rig(2);
  const api = await startControlApi(r.sim, { port: 0 });
  try {
    const post = (path: string, body: unknown) => fetch(api.url + path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    assert.equal((await post('/modems/2/sms', { tpdu: 'zz' })).status, 400);
    assert.equal((await post('/modems/9/sms', { tpdu: '04' })).status, 404);
    const res = await post('/modems/2/sms', { tpdu: '040B91' });
    assert.equal(res.status, 200, await res.clone().text());
    await until('stored', () => r.stored.length === 1);
    assert.equal(r.stored[0]!.sender, 'unknown');
    assert.match(r.stored[0]!.text, /040B91/);
    await drained(r, 'control API');
  } finally {
    await api.close();
    await r.close();
  }
});

test('an SMS command is stored with its password masked (not in the database file nor its WAL), without forwards; the password reaches onStored only', async () => {
  const { screenCommand } = await import('../../src/sms/commands.js');
  const { existsSync, readFileSync } = await import('node:fs');
  const commands = { info: true, reboot: true, reset: true };
  const got: Array<{ id: string; command: unknown }> = [];
  const r = await rig(1, { receiver: false });
  try {
    r.startReceiver({
      screen: (sms) => screenCommand(sms, commands),
      fanout: () => [{ kind: 'webhook', target: 'https://example.com/hook', payload: null }],
      onStored: (m, command) => {
        r.stored.push(m);
        got.push({ id: m.id, command });
      },
    });
    const secrets = ['Corr3ct-Horse', 'wr0ng-Guess'];
    assert.ok(r.sim.network.outside.sms({ from: SENDER, to: r.number, text: `REBOOT ${secrets[0]}` }).ok);
    assert.ok(r.sim.network.outside.sms({ from: SENDER, to: r.number, text: `reset ${secrets[1]}` }).ok);
    assert.ok(r.sim.network.outside.sms({ from: SENDER, to: r.number, text: 'an ordinary SMS' }).ok);
    await until('stored', () => r.stored.length === 3);
    await drained(r, 'commands');
    const [reboot, reset, plain] = r.stored;
    assert.equal(reboot!.text, 'REBOOT ********');
    assert.equal(reboot!.command, 'reboot');
    assert.equal(reset!.text, 'RESET ********');
    assert.equal(reset!.command, 'reset');
    assert.equal(plain!.command, null);
    assert.deepEqual(got.map((g) => g.command), [{ kind: 'reboot', password: secrets[0] }, { kind: 'reset', password: secrets[1] }, undefined]);
    assert.deepEqual(r.store.getInbound(reboot!.id), reboot, 'read back as stored');
    assert.deepEqual(r.store.deliveriesOf(reboot!.id), [], 'a command is never forwarded');
    assert.equal(r.store.deliveriesOf(plain!.id).length, 1);
    for (const pw of secrets) assert.equal(r.store.queryInbound({ text: pw }).total, 0, 'a search by text does not find the password');
    assert.equal(r.store.queryInbound({ text: 'REBOOT' }).total, 1);
    for (const f of [r.store.file, `${r.store.file}-wal`]) {
      if (!existsSync(f)) continue;
      const bytes = readFileSync(f);
      for (const pw of secrets) {
        assert.equal(bytes.indexOf(Buffer.from(pw, 'utf8')), -1, `${pw} is in ${f}`);
        assert.equal(bytes.indexOf(Buffer.from(pw, 'utf16le')), -1, `${pw} (UTF-16) is in ${f}`);
      }
    }
  } finally {
    await r.close();
  }
});
