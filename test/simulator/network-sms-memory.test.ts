/**
 * The SMS centre and a UE whose memory is full: RP-ERROR cause 22 (TS 24.011 §8.2.5.4) keeps the message
 * in the network with a temporary status report for the sender; RP-SMMA (§7.3.2) brings the redelivery,
 * and only then the "delivered" report (TS 23.040 §10.3, §9.2.3.15).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeSubmit, hexToBytes, type BuildOptions } from '../../src/gsm/index.js';
import { TP_ST_SME_ERROR_TRYING } from '../../modem-drivers/simulator/network/sms-center.js';
import { attachMany, settle, setup, simCard } from './network-harness.js';

const N = (n: number): string => simCard(n).number!;
const one = (opts: BuildOptions): Uint8Array => hexToBytes(encodeSubmit(opts).hex).subarray(1);

test('a full UE refuses: the SC keeps the SMS, the sender hears "still trying" once; after RP-SMMA it is delivered, then reported delivered', async () => {
  const { clock, net } = setup();
  const [a, b] = attachMany(net, clock, 2);
  b!.smsCapacity = 0;
  for (const text of ['first', 'second']) {
    const r = a!.att.submitSms(one({ to: N(2), text, requestStatusReport: true }), null);
    clock.runDue();
    assert.equal((await r).ok, true);
  }
  // Only the first was tried (and refused); the second waits behind it without being offered.
  assert.equal(b!.refused, 1);
  assert.equal(b!.sms.length, 0);
  const held = net.subscriber(simCard(2).imsi)!;
  assert.equal(held.memoryFull, true);
  assert.equal(held.stored, 2);
  assert.deepEqual(a!.reports.map((r) => [r.pdu.messageRef, r.pdu.status, r.pdu.statusClass]), [[1, TP_ST_SME_ERROR_TRYING, 'pending']]);
  assert.deepEqual(net.log(simCard(1).imsi)!.sent.map((e) => e.status), ['stored', 'stored']);

  // Registering again does not clear the network's flag: only RP-SMMA does.
  net.setRegistration(simCard(2).imsi, 'searching');
  net.setRegistration(simCard(2).imsi, null);
  clock.runDue();
  assert.equal(b!.refused, 1);
  assert.equal(b!.sms.length, 0);

  b!.smsCapacity = Infinity;
  assert.equal(b!.att.smsMemoryAvailable(), true);
  clock.runDue();
  assert.deepEqual(b!.sms.map((s) => s.pdu.text), ['first', 'second']);
  assert.deepEqual(a!.reports.map((r) => [r.pdu.messageRef, r.pdu.status]), [[1, TP_ST_SME_ERROR_TRYING], [1, 0], [2, 0]]);
  assert.equal(net.subscriber(simCard(2).imsi)!.memoryFull, false);
  assert.equal(net.subscriber(simCard(2).imsi)!.stored, 0);
  assert.deepEqual(net.log(simCard(1).imsi)!.sent.map((e) => [e.status, e.reportStatus]), [['delivered', 0], ['delivered', 0]]);
  assert.equal(clock.pendingTimers, 0);
});

test('refused again after RP-SMMA: kept again, without a second "still trying" report; the rest stays in order', async () => {
  const { clock, net } = setup();
  const [a, b] = attachMany(net, clock, 2);
  b!.smsCapacity = 0;
  for (const text of ['one', 'two', 'three']) {
    const r = a!.att.submitSms(one({ to: N(2), text, requestStatusReport: true }), null);
    clock.runDue();
    await r;
  }
  b!.smsCapacity = 1; // room for one only
  b!.att.smsMemoryAvailable();
  clock.runDue();
  assert.deepEqual(b!.sms.map((s) => s.pdu.text), ['one']);
  assert.equal(net.subscriber(simCard(2).imsi)!.stored, 2);
  assert.equal(net.subscriber(simCard(2).imsi)!.memoryFull, true);
  // 'one' pending then delivered; 'two' refused for the first time: pending.
  assert.deepEqual(a!.reports.map((r) => [r.pdu.messageRef, r.pdu.status]), [[1, TP_ST_SME_ERROR_TRYING], [1, 0], [2, TP_ST_SME_ERROR_TRYING]]);
  b!.smsCapacity = Infinity;
  b!.att.smsMemoryAvailable();
  clock.runDue();
  assert.deepEqual(b!.sms.map((s) => s.pdu.text), ['one', 'two', 'three']);
  assert.deepEqual(a!.reports.slice(3).map((r) => [r.pdu.messageRef, r.pdu.status]), [[2, 0], [3, 0]]);
});

test('RP-SMMA from a UE that is not registered is not taken; a message kept for a full UE still expires (TP-ST 0x46)', async () => {
  const { clock, net } = setup();
  const [a, b] = attachMany(net, clock, 2);
  b!.smsCapacity = 0;
  const r = a!.att.submitSms(one({ to: N(2), text: 'short-lived', requestStatusReport: true, validity: 10 }), null);
  clock.runDue();
  await r;
  await settle();
  net.setRegistration(simCard(2).imsi, 'searching');
  assert.equal(b!.att.smsMemoryAvailable(), false);
  assert.equal(net.subscriber(simCard(2).imsi)!.memoryFull, true);
  clock.advance(10 * 60_000);
  assert.deepEqual(a!.reports.map((x) => x.pdu.status), [TP_ST_SME_ERROR_TRYING, 0x46]);
  assert.equal(net.log(simCard(1).imsi)!.sent[0]!.status, 'expired');
  net.setRegistration(simCard(2).imsi, null);
  clock.runDue();
  b!.smsCapacity = Infinity;
  assert.equal(b!.att.smsMemoryAvailable(), true);
  clock.runAll();
  assert.equal(b!.sms.length, 0);
});
