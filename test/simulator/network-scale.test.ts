/**
 * 32 modems × 4 SIMs on one network: a burst of 1000 SMS (some concatenated, some to SIMs in other
 * slots, stored until their slot is selected) and 100 calls with realistic delays, after which the
 * network must hold no timer at all (no polling at idle).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realClock } from '../../modem-drivers/simulator/network/clock.js';
import { MobileNetwork } from '../../modem-drivers/simulator/network/mobile-network.js';
import { REALISTIC_TIMING, type CallLeg, type SubmitResult } from '../../modem-drivers/simulator/types.js';
import { buildSubmitPdus, hexToBytes } from '../../src/gsm/index.js';
import { OPERATORS, RecordingUe, setup, simCard } from './network-harness.js';

const MODEMS = 32;
const SLOTS = 4;

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const imei = (m: number): string => `86130000100${String(m).padStart(4, '0')}`;
const simNo = (m: number, slot: number): number => m * SLOTS + slot + 1;

test('32 UEs × 4 SIMs: 1000 SMS and 100 calls, then no timers left', async () => {
  const { clock, net } = setup({ timing: REALISTIC_TIMING });
  const started = performance.now();
  const rand = lcg(2024);

  // Make every SIM known to the network (select each slot once), ending on slot 0.
  const ues: RecordingUe[][] = [];
  for (let m = 0; m < MODEMS; m++) {
    ues.push([]);
    for (let slot = SLOTS - 1; slot >= 0; slot--) {
      const ue = new RecordingUe(imei(m), simCard(simNo(m, slot)));
      ue.attach(net);
      ues[m]![slot] = ue;
      clock.advance(REALISTIC_TIMING.registrationMs);
    }
  }
  assert.equal(net.subscribers().length, MODEMS * SLOTS);
  const active = ues.map((u) => u[0]!);
  assert.ok(active.every((u) => u.att.state === 'home'));

  // Callees answer after 2 s, callers hang up after 10 s of talk.
  for (const ue of active) {
    ue.events.incomingCall = (leg: CallLeg) => {
      ue.incoming.push(leg);
      clock.setTimeout(() => leg.answer(), 2000);
    };
  }

  // 1000 SMS: every 10th one concatenated, every 4th one to a SIM in another slot.
  const results: Promise<SubmitResult>[] = [];
  let partsSent = 0;
  let toActive = 0;
  for (let i = 0; i < 1000; i++) {
    const from = Math.floor(rand() * MODEMS);
    let to = Math.floor(rand() * MODEMS);
    if (to === from) to = (to + 1) % MODEMS;
    const slot = i % 4 === 3 ? 1 + (i % 3) : 0;
    const text = i % 10 === 0 ? `Long message ${i} `.repeat(12) : `Message ${i} 你好`;
    for (const part of buildSubmitPdus({ to: simCard(simNo(to, slot)).number!, text, concatRef: i & 0xff })) {
      results.push(active[from]!.att.submitSms(hexToBytes(part.hex).subarray(1), null));
      partsSent++;
      if (slot === 0) toActive++;
    }
    if (i % 10 === 0) clock.advance(10);
  }

  // 100 calls between random pairs (some will find the callee busy).
  const legs: CallLeg[] = [];
  for (let i = 0; i < 100; i++) {
    const from = Math.floor(rand() * MODEMS);
    const to = (from + 1 + Math.floor(rand() * (MODEMS - 1))) % MODEMS;
    const leg = active[from]!.att.dial(simCard(simNo(to, 0)).number!);
    leg.onState((s) => {
      if (s === 'active') clock.setTimeout(() => leg.hangup(), 10_000);
    });
    legs.push(leg);
    clock.advance(3000);
  }
  clock.advance(10 * 60_000);
  const settled = await Promise.all(results);
  assert.ok(settled.every((r) => r.ok));
  assert.ok(legs.every((l) => l.state === 'ended'));
  assert.equal(net.activeCalls, 0);
  const answered = net.subscribers().reduce((n, s) => n + (net.log(s.imsi)?.calls.filter((c) => c.direction === 'mo' && c.answeredAt !== null).length ?? 0), 0);
  assert.ok(answered > 50, `answered ${answered}`);
  assert.equal(active.reduce((n, u) => n + u.sms.length, 0), toActive);
  assert.equal(clock.pendingTimers, 1); // only the expiry of the SMS stored for other slots

  // Select slots 1..3 in turn: their stored SMS arrive, with TP-MMS set on all but the last.
  let delivered = toActive;
  for (let slot = 1; slot < SLOTS; slot++) {
    for (let m = 0; m < MODEMS; m++) {
      const ue = new RecordingUe(imei(m), simCard(simNo(m, slot)));
      ue.attach(net);
      ues[m]![slot] = ue;
    }
    clock.advance(REALISTIC_TIMING.registrationMs + REALISTIC_TIMING.smsDeliverMs);
    for (let m = 0; m < MODEMS; m++) {
      const got = ues[m]![slot]!.sms;
      delivered += got.length;
      got.forEach((s, k) => assert.equal(s.pdu.moreMessages, k < got.length - 1));
    }
  }
  assert.equal(delivered, partsSent);
  assert.ok(net.subscribers().every((s) => s.stored === 0));
  assert.equal(clock.pendingTimers, 0);
  const ms = performance.now() - started;
  assert.ok(ms < 20_000, `took ${ms.toFixed(0)} ms`);
});

test('with the real clock, an idle network holds no Node timer', async () => {
  const net = new MobileNetwork({ clock: realClock(), operators: OPERATORS });
  const ues: RecordingUe[] = [];
  for (let i = 1; i <= 8; i++) {
    const ue = new RecordingUe(imei(i), simCard(i));
    ue.autoAnswer = true;
    ue.attach(net);
    ues.push(ue);
  }
  await new Promise((r) => setTimeout(r, 5));
  const leg = ues[0]!.att.dial(simCard(2).number!);
  const r = await ues[2]!.att.submitSms(hexToBytes(buildSubmitPdus({ to: simCard(4).number!, text: 'idle?' })[0]!.hex).subarray(1), null);
  assert.ok(r.ok);
  await new Promise((res) => setTimeout(res, 10));
  assert.equal(leg.state, 'active');
  leg.hangup();
  await new Promise((res) => setTimeout(res, 10));
  assert.equal(ues[3]!.sms.length, 1);
  const timers = (process as unknown as { getActiveResourcesInfo(): string[] }).getActiveResourcesInfo().filter((x) => x === 'Timeout');
  assert.deepEqual(timers, []);
  net.close();
});
