import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  type BuildOptions,
  buildSubmitPdus,
  bytesToHex,
  decodePdu,
  encodeSubmit,
  encodeTpAddress,
  hexToBytes,
  type SmsSubmit,
} from '../../src/gsm/index.js';
import { RecordingUe, attachMany, imeiOf, settle, setup, simCard } from './network-harness.js';

const N = (n: number): string => simCard(n).number!;

/** SMS-SUBMIT TPDUs (SMSC field stripped) for a message. */
function submits(opts: BuildOptions): Uint8Array[] {
  return buildSubmitPdus(opts).map((p) => hexToBytes(p.hex).subarray(1));
}
const one = (opts: BuildOptions): Uint8Array => hexToBytes(encodeSubmit(opts).hex).subarray(1);

test('SIM → SIM single SMS: +CMGS after smsSendMs, delivered after smsDeliverMs with the sender as TP-OA', async () => {
  const { clock, net } = setup({ timing: { smsSendMs: 2500, smsDeliverMs: 1500 } });
  const [a, b] = attachMany(net, clock, 2);
  const t0 = clock.now();
  const p = a!.att.submitSms(one({ to: N(2), text: 'Hello from A', messageRef: 77 }), null);
  let result: unknown;
  void p.then((r) => (result = r));
  clock.advance(2499);
  await settle();
  assert.equal(result, undefined);
  clock.advance(1);
  await settle();
  assert.deepEqual(result, { ok: true, mr: 1 }); // the network's TP-MR, not the submitted 77
  clock.advance(1499);
  assert.equal(b!.sms.length, 0);
  clock.advance(1);
  assert.equal(b!.sms.length, 1);
  const got = b!.sms[0]!;
  assert.equal(got.smsc, '+8613800200500');
  assert.equal(got.pdu.originator.number, N(1));
  assert.equal(got.pdu.originator.ton, 'international');
  assert.equal(got.pdu.text, 'Hello from A');
  assert.equal(got.pdu.scts.date.getTime(), t0); // when the SC received it
  assert.equal(got.pdu.scts.tzMinutes, 480);
  assert.equal(got.pdu.moreMessages, false);
  assert.equal(got.pdu.statusReportIndication, false);
  assert.deepEqual(got.pdu.warnings, []);
  assert.equal(a!.reports.length, 0);
  const la = net.log(simCard(1).imsi)!;
  assert.equal(la.sent.length, 1);
  assert.deepEqual(
    { peer: la.sent[0]!.peer, text: la.sent[0]!.text, parts: la.sent[0]!.parts, status: la.sent[0]!.status, mrs: la.sent[0]!.mrs },
    { peer: N(2), text: 'Hello from A', parts: 1, status: 'delivered', mrs: [1] },
  );
  const lb = net.log(simCard(2).imsi)!;
  assert.deepEqual({ peer: lb.received[0]!.peer, text: lb.received[0]!.text }, { peer: N(1), text: 'Hello from A' });
  assert.equal(clock.pendingTimers, 0);
});

test('multipart UCS2 with emoji (3 parts) passes through unchanged; TP-MR increments per part', async () => {
  const { clock, net } = setup();
  const [a, b] = attachMany(net, clock, 2);
  const text = '你好，世界！这是一条很长的测试短信 😀🎉 '.repeat(7).slice(0, 180);
  const parts = submits({ to: N(2), text, concatRef: 42 });
  assert.equal(parts.length, 3);
  const results = await Promise.all(parts.map((tpdu) => {
    const r = a!.att.submitSms(tpdu, '+8613800200500');
    clock.runDue();
    return r;
  }));
  assert.deepEqual(results.map((r) => (r.ok ? r.mr : -1)), [1, 2, 3]);
  assert.equal(b!.sms.length, 3);
  b!.sms.forEach((got, i) => {
    const sub = decodePdu(bytesToHex(parts[i]!), { withSmsc: false, direction: 'mo' }) as SmsSubmit;
    assert.equal(got.pdu.encoding, 'ucs2');
    assert.deepEqual(got.pdu.concat, { ref: 42, total: 3, seq: i + 1, refBits: 8 });
    assert.equal(bytesToHex(got.pdu.userData), bytesToHex(sub.userData));
    assert.equal(got.pdu.dcs.raw, sub.dcs.raw);
  });
  assert.equal(b!.sms.map((s) => s.pdu.text).join(''), text);
  const sent = net.log(simCard(1).imsi)!.sent;
  assert.equal(sent.length, 1);
  assert.deepEqual({ parts: sent[0]!.parts, seen: sent[0]!.partsSeen, text: sent[0]!.text, status: sent[0]!.status, mrs: sent[0]!.mrs },
    { parts: 3, seen: 3, text, status: 'delivered', mrs: [1, 2, 3] });
  const received = net.log(simCard(2).imsi)!.received;
  assert.equal(received.length, 1);
  assert.equal(received[0]!.text, text);
  assert.equal(received[0]!.encoding, 'ucs2');
});

test('GSM 7-bit with extension characters, single and concatenated', async () => {
  const { clock, net } = setup();
  const [a, b] = attachMany(net, clock, 2);
  const short = 'Cost: 5€ [x] {y} ~|^\\';
  const long = `${short} `.repeat(10);
  for (const text of [short, long]) {
    for (const tpdu of submits({ to: N(2), text, concatRef: 7 })) {
      const r = a!.att.submitSms(tpdu, null);
      clock.runDue();
      assert.equal((await r).ok, true);
    }
  }
  assert.equal(b!.sms[0]!.pdu.text, short);
  assert.equal(b!.sms[0]!.pdu.encoding, 'gsm7');
  assert.equal(b!.sms.slice(1).map((s) => s.pdu.text).join(''), long);
  assert.ok(b!.sms.slice(1).every((s) => s.pdu.encoding === 'gsm7' && s.pdu.concat?.total === b!.sms.length - 1));
  assert.deepEqual(net.log(simCard(2).imsi)!.received.map((e) => e.text), [short, long]);
});

test('status report: TP-MR and recipient as submitted, TP-ST 0, SCTS = receipt, DT = delivery', async () => {
  const { clock, net } = setup({ timing: { smsSendMs: 1000, smsDeliverMs: 2000 } });
  const [a, b] = attachMany(net, clock, 2);
  const t0 = clock.now();
  const p = a!.att.submitSms(one({ to: '13800000002', text: 'ping', requestStatusReport: true }), null);
  clock.advance(3000);
  const r = await p;
  assert.deepEqual(r, { ok: true, mr: 1 });
  assert.equal(b!.sms[0]!.pdu.statusReportIndication, true);
  assert.equal(a!.reports.length, 1);
  const rep = a!.reports[0]!;
  assert.equal(rep.smsc, '+8613800200500');
  assert.equal(rep.pdu.messageRef, 1);
  assert.equal(rep.pdu.recipient.number, '13800000002');
  assert.equal(rep.pdu.recipient.toa, 0x81);
  assert.equal(rep.pdu.status, 0);
  assert.equal(rep.pdu.statusClass, 'delivered');
  assert.equal(rep.pdu.scts.date.getTime(), t0);
  assert.equal(rep.pdu.dischargeTime.date.getTime(), t0 + 3000);
  assert.equal(rep.pdu.qualifier, 'submit');
  assert.equal(net.log(simCard(1).imsi)!.sent[0]!.reportStatus, 0);
});

test('store and forward: SMS to a detached SIM are delivered when it attaches (TP-MMS on all but the last)', async () => {
  const { clock, net } = setup({ timing: { smsDeliverMs: 100, registrationMs: 1000 } });
  const [a, b] = attachMany(net, clock, 2);
  clock.advance(1000);
  b!.att.detach();
  for (const text of ['one', 'two', 'three']) {
    const r = a!.att.submitSms(one({ to: N(2), text, requestStatusReport: true }), null);
    clock.advance(100);
    assert.equal((await r).ok, true);
  }
  assert.equal(net.subscriber(simCard(2).imsi)!.stored, 3);
  assert.equal(net.log(simCard(1).imsi)!.sent[0]!.status, 'stored');
  assert.equal(a!.reports.length, 0);
  const back = new RecordingUe(imeiOf(2), simCard(2));
  back.attach(net);
  clock.advance(1000); // registered
  assert.equal(back.sms.length, 0);
  clock.advance(100); // delivery delay
  assert.deepEqual(back.sms.map((s) => s.pdu.text), ['one', 'two', 'three']);
  assert.deepEqual(back.sms.map((s) => s.pdu.moreMessages), [true, true, false]);
  assert.deepEqual(a!.reports.map((r) => [r.pdu.messageRef, r.pdu.status]), [[1, 0], [2, 0], [3, 0]]);
  assert.equal(net.subscriber(simCard(2).imsi)!.stored, 0);
  assert.deepEqual(net.log(simCard(1).imsi)!.sent.map((e) => e.status), ['delivered', 'delivered', 'delivered']);
  assert.equal(clock.pendingTimers, 0);
});

test('store and forward: a SIM that loses registration gets its SMS when it registers again; status reports wait for a detached sender', async () => {
  const { clock, net } = setup();
  const [a, b] = attachMany(net, clock, 2);
  net.setRegistration(simCard(2).imsi, 'searching');
  const p = a!.att.submitSms(one({ to: N(2), text: 'later', requestStatusReport: true }), null);
  clock.runDue();
  await p;
  a!.att.detach();
  net.setRegistration(simCard(2).imsi, null);
  clock.runDue();
  assert.deepEqual(b!.sms.map((s) => s.pdu.text), ['later']);
  assert.equal(net.subscriber(simCard(1).imsi)!.stored, 1); // the report waits
  const back = new RecordingUe(imeiOf(1), simCard(1));
  back.attach(net);
  clock.runDue();
  assert.equal(back.reports.length, 1);
  assert.equal(back.reports[0]!.pdu.status, 0);
});

test('validity: an undelivered SMS expires with a TP-ST 0x46 report and is never delivered', async () => {
  const { clock, net } = setup();
  const [a, b] = attachMany(net, clock, 2);
  b!.att.detach();
  const p = a!.att.submitSms(one({ to: N(2), text: 'too late', requestStatusReport: true, validity: 10 }), null);
  clock.runDue();
  await p;
  assert.equal(clock.pendingTimers, 1); // the expiry
  clock.advance(10 * 60_000);
  assert.equal(a!.reports.length, 1);
  assert.equal(a!.reports[0]!.pdu.status, 0x46);
  assert.equal(a!.reports[0]!.pdu.statusClass, 'failed');
  assert.equal(net.log(simCard(1).imsi)!.sent[0]!.status, 'expired');
  assert.equal(clock.pendingTimers, 0);
  const back = new RecordingUe(imeiOf(2), simCard(2));
  back.attach(net);
  clock.runAll();
  assert.equal(back.sms.length, 0);
});

test('a recipient that detaches while the SMS is in flight gets it on its next attach', async () => {
  const { clock, net } = setup({ timing: { smsDeliverMs: 1000 } });
  const [a, b] = attachMany(net, clock, 2);
  const p = a!.att.submitSms(one({ to: N(2), text: 'in flight' }), null);
  clock.advance(500);
  await p;
  b!.att.detach();
  clock.advance(500);
  assert.equal(b!.sms.length, 0);
  const back = new RecordingUe(imeiOf(2), simCard(2));
  back.attach(net);
  clock.runAll();
  assert.deepEqual(back.sms.map((s) => s.pdu.text), ['in flight']);
});

test('SMS to outside numbers land in outside.inbox; x7777 is not obtainable (TP-ST 0x43)', async () => {
  const { clock, net } = setup();
  const [a] = attachMany(net, clock, 1);
  const seen: string[] = [];
  net.outside.onSms((s) => seen.push(s.to));
  const long = 'Lorem ipsum dolor sit amet, '.repeat(8);
  for (const tpdu of [
    one({ to: '10086', text: 'CXYE' }),
    ...submits({ to: '+4930123456', text: long, concatRef: 9, requestStatusReport: true }),
    one({ to: '+4930127777', text: 'nobody', requestStatusReport: true }),
  ]) {
    const r = a!.att.submitSms(tpdu, null);
    clock.runDue();
    assert.equal((await r).ok, true);
  }
  const inbox = net.outside.inbox;
  assert.equal(inbox.length, 3);
  assert.deepEqual([inbox[0]!.from, inbox[0]!.to, inbox[0]!.text], [N(1), '10086', 'CXYE']);
  assert.equal(inbox[1]!.concat?.seq, 1);
  assert.equal(decodePdu(inbox[0]!.tpdu, { withSmsc: false, direction: 'mo' }).type, 'submit');
  const msgs = net.outside.messages();
  assert.deepEqual(msgs.map((m) => [m.to, m.text, m.complete]), [['10086', 'CXYE', true], ['+4930123456', long, true]]);
  assert.deepEqual(seen, ['10086', '+4930123456', '+4930123456']);
  assert.deepEqual(a!.reports.map((r) => r.pdu.status), [0, 0, 0x43]);
  assert.deepEqual(net.log(simCard(1).imsi)!.sent.map((e) => e.status), ['delivered', 'delivered', 'failed']);
});

test('outside.sms text: GSM 7-bit, UCS2 multipart, alphanumeric sender; stored for a detached SIM', () => {
  const { clock, net } = setup({ timing: { smsDeliverMs: 200 } });
  const [a, b] = attachMany(net, clock, 2);
  assert.deepEqual(net.outside.sms({ from: 'BANK', to: N(1), text: 'Your code is 123456' }), { ok: true, parts: 1, stored: false });
  const uni = '验证码 654321，五分钟内有效。😀'.repeat(9); // 180 UTF-16 units: 3 parts of at most 67
  const r = net.outside.sms({ from: '10086', to: '13800000001', text: uni });
  assert.ok(r.ok && r.parts === 3);
  clock.advance(200);
  assert.equal(a!.sms.length, 4);
  assert.equal(a!.sms[0]!.pdu.originator.number, 'BANK');
  assert.equal(a!.sms[0]!.pdu.originator.ton, 'alphanumeric');
  assert.equal(a!.sms[0]!.pdu.text, 'Your code is 123456');
  assert.equal(a!.sms[0]!.smsc, '+8613800200500');
  assert.equal(a!.sms.slice(1).map((s) => s.pdu.text).join(''), uni);
  assert.ok(a!.sms.slice(1).every((s) => s.pdu.encoding === 'ucs2' && s.pdu.concat?.total === 3 && s.pdu.originator.number === '10086'));
  assert.deepEqual(net.log(simCard(1).imsi)!.received.map((e) => [e.peer, e.text, e.parts]), [['BANK', 'Your code is 123456', 1], ['10086', uni, 3]]);
  b!.att.detach();
  assert.deepEqual(net.outside.sms({ from: '+4930123456', to: N(2), text: 'hi', smsc: '+491710760000' }), { ok: true, parts: 1, stored: true });
  clock.advance(200);
  const back = new RecordingUe(imeiOf(2), simCard(2));
  back.attach(net);
  clock.runAll();
  assert.equal(back.sms[0]!.pdu.text, 'hi');
  assert.equal(back.sms[0]!.smsc, '+491710760000');
});

test('outside.sms raw PDU, with or without the SMSC field, delivered as is; bad input is refused', () => {
  const { clock, net } = setup();
  const [a] = attachMany(net, clock, 1);
  // python-gsmmodem / developershome example (with SMSC field) and the constructed UCS2 emoji one
  const withSmsc = '07915892000000F0040B915892214365F700007040213252242331493A283D0795C3F33C88FE06C9CB6132885EC6D341EDF27C1E3E97E7207B3A0C0A5241E377BB1D7693E72E';
  const tpduOnly = '040A9194711032540008520121210000800E004800690020D83DDE00002020AC';
  assert.deepEqual(net.outside.sms({ from: 'x', to: N(1), pdu: withSmsc }), { ok: true, parts: 1, stored: false });
  assert.deepEqual(net.outside.sms({ from: 'x', to: N(1), pdu: [tpduOnly.toLowerCase()] }), { ok: true, parts: 1, stored: false });
  clock.runDue();
  assert.equal(a!.sms[0]!.tpdu, withSmsc.slice(16));
  assert.equal(a!.sms[0]!.pdu.text, 'It is easy to read text messages via AT commands.');
  assert.equal(a!.sms[1]!.tpdu, tpduOnly);
  assert.equal(a!.sms[1]!.pdu.text, 'Hi 😀 €');
  const bad = [
    { from: 'x', to: '+8613999999999', text: 'a' },
    { from: 'x', to: N(1), pdu: 'zz' },
    { from: 'x', to: N(1), pdu: bytesToHex(one({ to: N(2), text: 'a submit' })) },
    { from: 'x', to: N(1), pdu: '00', text: 'both' },
    { from: 'x', to: N(1) },
    { from: '', to: N(1), text: 'a' },
    { from: 'ABCDEFGHIJKLMNOPQ', to: N(1), text: 'a' },
    { from: 'x', to: N(1), pdu: [] },
  ];
  for (const o of bad) {
    const r = net.outside.sms(o as never);
    assert.equal(r.ok, false, JSON.stringify(o));
    assert.ok(!r.ok && r.error.length > 0);
  }
  assert.equal(net.outside.sms(undefined as never).ok, false);
  clock.runAll();
  assert.equal(a!.sms.length, 2);
});

test('malformed or unroutable submits are rejected with TS 27.005 / TS 24.011 causes', async () => {
  const { clock, net } = setup({ timing: { smsSendMs: 1000 } });
  const [a, b] = attachMany(net, clock, 2);
  const da = encodeTpAddress(N(2));
  const command = Uint8Array.from([0x02, 0x00, 0x00, 0x01, 0x05, ...da, 0x00]);
  const cases: [Uint8Array, string | null, number][] = [
    [new Uint8Array(0), null, 304],
    [Uint8Array.from([0x01, 0x00, 0x0b]), null, 304], // truncated
    [command, null, 303],
    [one({ to: 'BANK', toType: 'alphanumeric', text: 'x' }), null, 1],
    [one({ to: N(2), text: 'x' }), 'not-a-number', 330],
  ];
  for (const [tpdu, smsc, cause] of cases) {
    const r = await a!.att.submitSms(tpdu, smsc);
    assert.equal(r.ok, false, `cause ${cause}`);
    assert.equal(!r.ok && r.cause, cause);
    assert.ok(!r.ok && r.text.length > 0);
  }
  assert.deepEqual(await a!.att.submitSms('nope' as never, null), { ok: false, cause: 304, text: 'invalid PDU mode parameter: empty TPDU' });
  // the UE goes away before the SC answers
  const p = a!.att.submitSms(one({ to: N(2), text: 'x' }), null);
  a!.att.detach();
  assert.deepEqual(await p, { ok: false, cause: 332, text: 'network timeout' });
  assert.deepEqual(await a!.att.submitSms(one({ to: N(2), text: 'x' }), null), { ok: false, cause: 331, text: 'no network service' });
  clock.runAll();
  assert.equal(b!.sms.length, 0);
  assert.equal(clock.pendingTimers, 0);
});

test('TP-MR wraps after 255 and survives a re-attach (kept per SIM)', async () => {
  const { clock, net } = setup();
  const [a] = attachMany(net, clock, 2);
  let last = 0;
  for (let i = 0; i < 256; i++) {
    const p = a!.att.submitSms(one({ to: N(2), text: String(i) }), null);
    clock.runDue();
    const r = await p;
    assert.ok(r.ok);
    last = r.mr;
  }
  assert.equal(last, 0);
  a!.att.detach();
  const again = new RecordingUe(imeiOf(7), simCard(1));
  again.attach(net);
  clock.runDue();
  const p = again.att.submitSms(one({ to: N(2), text: 'next' }), null);
  clock.runDue();
  assert.deepEqual(await p, { ok: true, mr: 1 });
  assert.equal(net.log(simCard(2).imsi)!.received.length, 257);
  assert.equal(net.log(simCard(1).imsi)!.sent.length, 257);
});

test('per-SIM log keeps the last logLimit entries', async () => {
  const { clock, net } = setup({ logLimit: 5 });
  const [a] = attachMany(net, clock, 2);
  for (let i = 0; i < 8; i++) {
    const p = a!.att.submitSms(one({ to: N(2), text: `m${i}` }), null);
    clock.runDue();
    await p;
  }
  assert.deepEqual(net.log(simCard(1).imsi)!.sent.map((e) => e.text), ['m3', 'm4', 'm5', 'm6', 'm7']);
  assert.deepEqual(net.log(simCard(2).imsi)!.received.map((e) => e.text), ['m3', 'm4', 'm5', 'm6', 'm7']);
  assert.equal(net.log('unknown'), undefined);
});
