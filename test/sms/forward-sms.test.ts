import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SmsConfig } from '../../src/config/schema-messaging.js';
import { DeliveryWorker, PermanentDeliveryError, type DeliveryHandler } from '../../src/sms/delivery-worker.js';
import { buildFanout } from '../../src/sms/fanout.js';
import { parseSipForwardBody, parseSmsForward } from '../../src/sms/forward-format.js';
import { sameNumber } from '../../src/sms/forwarders/common.js';
import { createSipForwarder } from '../../src/sms/forwarders/sip.js';
import { createSmsForwarder, forwardLoopReason, type SmsForwardSubmit } from '../../src/sms/forwarders/sms-forward.js';
import { SmsRouter, SubmitError } from '../../src/sms/sms-router.js';
import type { MessageStore } from '../../src/store/message-store.js';
import { silentLogger } from '../../src/util/log.js';
import { smsConfig } from '../helpers/sms-config.js';
import { FakeClock, openStore, receive, settle, settleUntil } from './forward-harness.js';

const TARGET = '+8613800000009';
const OWN = ['+8613800000001', '+8613800000002'];

/** The schema's `sms` defaults with one rule: forward every received SMS to TARGET. */
const SMS_CONFIG: SmsConfig = smsConfig({ forward: [{ phone: TARGET }] });

function startWorker(store: MessageStore, clock: FakeClock, kind: string, handler: DeliveryHandler): DeliveryWorker {
  const w = new DeliveryWorker({ kind, store, handler, retry: { retryBaseSec: 10, retryMaxSec: 60, giveUpHours: 72 }, log: silentLogger(), now: clock.now, setTimer: clock.setTimer, random: () => 0.5 });
  w.start();
  return w;
}

test('SMS forward through the real outbound router: queued as L1,<sender>><text> with the job id, done once queued', async (t) => {
  const clock = new FakeClock();
  const { store } = openStore(t, clock.now);
  let woken = 0;
  const router = new SmsRouter({ store, config: () => SMS_CONFIG, linePrefixes: () => [], onQueued: () => void woken++, log: silentLogger(), now: clock.now });
  const handler = createSmsForwarder({
    getInbound: (ref) => store.getInbound(ref),
    submit: async (r) => (await router.submit(r)).id,
    outboundExists: (id) => store.getOutbound(id) !== undefined,
    ownNumbers: () => OWN,
    log: silentLogger(),
  });
  const fanout = buildFanout(SMS_CONFIG.forward, { smppAccounts: [] });
  const m = receive(store, { line: '1', sender: '+8613670128297', text: '你好' }, fanout);
  const w = startWorker(store, clock, 'sms-forward', handler);
  t.after(() => w.stop());
  await settleUntil(() => store.deliveriesOf(m.id)[0]!.status !== 'pending');
  const job = store.deliveriesOf(m.id)[0]!;
  assert.equal(job.kind, 'sms-forward');
  assert.equal(job.status, 'done');
  const out = store.getOutbound(job.id)!;
  assert.ok(out, 'the outbound message has the job id');
  assert.equal(out.origin, 'forward');
  assert.equal(out.recipient, TARGET);
  assert.equal(out.text, 'L1,+8613670128297>你好');
  assert.deepEqual(parseSmsForward(out.text), { line: 1, from: '+8613670128297', text: '你好' });
  assert.equal(out.status, 'queued', 'its sending status lives in the outbox');
  assert.equal(woken, 1);
});

test('SMS forward: a job whose message is already queued (restart in between) does not queue it twice', async (t) => {
  const clock = new FakeClock();
  const { store } = openStore(t, clock.now);
  const m = receive(store, {}, [{ kind: 'sms-forward', target: TARGET, payload: null }]);
  const job = store.deliveriesOf(m.id)[0]!;
  const submitted: SmsForwardSubmit[] = [];
  const handler = createSmsForwarder({
    getInbound: (ref) => store.getInbound(ref),
    submit: async (r) => (submitted.push(r), r.id),
    outboundExists: (id) => id === job.id,
    ownNumbers: () => [],
    log: silentLogger(),
  });
  await handler(job, new AbortController().signal);
  assert.equal(submitted.length, 0);
});

test('SMS forward loop guard: not back to its own sender, not a forward of ours arriving on our own line', async (t) => {
  const clock = new FakeClock();
  const { store } = openStore(t, clock.now);
  const submitted: SmsForwardSubmit[] = [];
  const handler = createSmsForwarder({
    getInbound: (ref) => store.getInbound(ref),
    submit: async (r) => (submitted.push(r), r.id),
    outboundExists: () => false,
    ownNumbers: () => OWN,
    log: silentLogger(),
  });
  const job = (sender: string, text: string) => store.deliveriesOf(receive(store, { sender, text }, [{ kind: 'sms-forward', target: TARGET, payload: null }]).id)[0]!;
  const w = startWorker(store, clock, 'sms-forward', handler);
  t.after(() => w.stop());
  const fromTarget = job('013800000009', 'hello');
  const ourForward = job('+8613800000002', 'L2,+8613911111111>hi');
  const foreignForward = job('+8613977777777', 'L1,+8613911111111>hi');
  const plainFromOwn = job('8613800000001', 'just a text');
  w.notify();
  await settleUntil(() => [fromTarget, ourForward, foreignForward, plainFromOwn].every((j) => store.getDelivery(j.id)!.status !== 'pending'));
  const d = (id: string) => store.getDelivery(id)!;
  assert.equal(d(fromTarget.id).status, 'failed');
  assert.match(d(fromTarget.id).lastError!, /loop guard: the SMS came from the forward target/);
  assert.equal(d(ourForward.id).status, 'failed');
  assert.match(d(ourForward.id).lastError!, /loop guard: a forward .* own number \+8613800000002/);
  assert.equal(d(foreignForward.id).status, 'done', "another gateway's forward is forwarded");
  assert.equal(d(plainFromOwn.id).status, 'done', 'an ordinary SMS from one of our SIMs is forwarded');
  assert.deepEqual(submitted.map((s) => s.text), ['L1,+8613977777777>L1,+8613911111111>hi', 'L1,8613800000001>just a text']);
});

test('SMS forward: a refused submission fails for good, a store error is retried, a deleted message fails', async (t) => {
  const clock = new FakeClock();
  const { store } = openStore(t, clock.now);
  let error: unknown = new SubmitError('recipient', 'dial rules refuse +861380');
  const handler = createSmsForwarder({
    getInbound: (ref) => store.getInbound(ref),
    submit: async () => {
      throw error;
    },
    outboundExists: () => false,
    ownNumbers: () => [],
    log: silentLogger(),
  });
  const m = receive(store, {}, [{ kind: 'sms-forward', target: TARGET, payload: null }]);
  const job = store.deliveriesOf(m.id)[0]!;
  await assert.rejects(handler(job, new AbortController().signal), (e: unknown) => e instanceof PermanentDeliveryError && /refused: dial rules/.test(e.message));
  error = new Error('database is locked');
  await assert.rejects(handler(job, new AbortController().signal), (e: unknown) => !(e instanceof PermanentDeliveryError));
  store.deleteInbound({ id: m.id });
  await assert.rejects(handler({ ...job }, new AbortController().signal), (e: unknown) => e instanceof PermanentDeliveryError && /no longer stored/.test(e.message));
});

test('sameNumber and forwardLoopReason', () => {
  assert.equal(sameNumber('+8613670128297', '013670128297'), true);
  assert.equal(sameNumber('+8613670128297', '8613670128297'), true);
  assert.equal(sameNumber('+86 136-7012-8297', '13670128297'), true);
  assert.equal(sameNumber('+8613670128297', '+8613670128298'), false);
  assert.equal(sameNumber('123', '0123'), true);
  assert.equal(sameNumber('12345', '912345'), false, 'short numbers compare whole');
  assert.equal(sameNumber('10086', '10086'), true);
  assert.equal(sameNumber('BANK', 'bank'), true);
  assert.equal(sameNumber('', ''), false);
  assert.equal(forwardLoopReason({ sender: '+8613977777777', text: 'L1,x>y' }, TARGET, OWN), null);
  assert.match(forwardLoopReason({ sender: TARGET, text: 'x' }, TARGET, [])!, /forward target/);
});

test('SIP forward: MESSAGE body is the sender, CRLF, (L<n>) and the text; failures are retried', async (t) => {
  const clock = new FakeClock();
  const { store } = openStore(t, clock.now);
  const sent: Array<[string, string]> = [];
  let fail = true;
  const handler = createSipForwarder({
    getInbound: (ref) => store.getInbound(ref),
    sendMessage: async (uri, body) => {
      if (fail) throw new Error('408 Request Timeout');
      sent.push([uri, body]);
    },
    log: silentLogger(),
  });
  const m = receive(store, { line: '2', sender: '+8613670128297', text: '你好' }, buildFanout([{ sip: 'sip:101@192.168.2.2:6060' }], { smppAccounts: [] }));
  const job = store.deliveriesOf(m.id)[0]!;
  assert.equal(job.kind, 'sip');
  const w = new DeliveryWorker({ kind: 'sip', store, handler, retry: { retryBaseSec: 10, retryMaxSec: 60, giveUpHours: 72 }, log: silentLogger(), now: clock.now, setTimer: clock.setTimer, random: () => 0.5 });
  w.start();
  t.after(() => w.stop());
  await settle();
  assert.equal(store.getDelivery(job.id)!.status, 'pending');
  assert.equal(store.getDelivery(job.id)!.lastError, '408 Request Timeout');
  fail = false;
  await clock.advance(10_000);
  assert.equal(store.getDelivery(job.id)!.status, 'done');
  assert.deepEqual(sent, [['sip:101@192.168.2.2:6060', '+8613670128297\r\n(L2)你好']]);
  assert.deepEqual(parseSipForwardBody(sent[0]![1]), { line: 2, from: '+8613670128297', text: '你好' });
});

test('SIP jobs without a SIP worker stay pending (nothing is lost until the SIP side runs them)', async (t) => {
  const clock = new FakeClock();
  const { store } = openStore(t, clock.now);
  const m = receive(store, {}, buildFanout([{ sip: '101', email: ['ops@example.com'] }], { smppAccounts: [] }));
  await clock.advance(7 * 24 * 3_600_000);
  assert.deepEqual(store.deliveriesOf(m.id).map((d) => [d.kind, d.status, d.attempts]), [
    ['email', 'pending', 0],
    ['sip', 'pending', 0],
  ]);
  assert.equal(store.counts().pendingDeliveries.sip, 1);
});
