/** MessageStore: the durable outbox, inbox, reassembly buffers and delivery jobs. */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { MessageStore, type Fanout, type IncomingSms, type MessageStoreOptions, type NewOutbound } from '../../src/store/message-store.js';
import { tempDir } from './temp-dir.js';

const T0 = Date.UTC(2024, 4, 1, 8, 0, 0);
const MIN = 60_000;
const DAY = 86_400_000;

interface Ctx {
  store: MessageStore;
  clock: { t: number };
  file: string;
}

function open(t: TestContext, opts: Omit<MessageStoreOptions, 'now'> = {}): Ctx {
  const clock = { t: T0 };
  const file = path.join(tempDir(t), 'cellgate.db');
  const store = MessageStore.openFile(file, { ...opts, now: () => clock.t });
  t.after(() => store.close());
  return { store, clock, file };
}

function msg(over: Partial<NewOutbound> = {}): NewOutbound {
  return { origin: 'api', recipient: '+8613800138000', number: '+8613800138000', text: 'hello', parts: 1, ...over };
}

const noFanout: Fanout = () => [];

function sms(over: Partial<IncomingSms> = {}): IncomingSms {
  return { line: '1', slot: 'A', iccid: '8986001', recipient: null, sender: '+8613900139000', text: 'hi', sentAt: T0 - 5000, concat: null, dedup: `d-${Math.random()}`, ...over };
}

// ---------------------------------------------------------------------------------------- outbound

test('enqueue: a queued message with its fields, readable by id and alias', async (t) => {
  const { store } = open(t);
  const m = await store.enqueue(msg({ id: 'm1', client: 'acct', sender: 'SHOP', lines: [2, 3], report: true, expiresAt: T0 + 10 * MIN, aliases: ['p2', 'p3'] }));
  assert.equal(m.id, 'm1');
  assert.equal(m.status, 'queued');
  assert.deepEqual(m.lines, [2, 3]);
  assert.deepEqual(m.aliases, ['p2', 'p3']);
  assert.equal(m.report, true);
  assert.equal(m.createdAt, T0);
  assert.equal(m.expiresAt, T0 + 10 * MIN);
  assert.equal(m.attempts, 0);
  assert.deepEqual(m.tried, []);
  assert.deepEqual(store.getOutbound('m1'), m);
  assert.equal(store.getOutbound('p3')?.id, 'm1');
  assert.equal(store.getOutbound('nope'), undefined);
  const gen = await store.enqueue(msg());
  assert.match(gen.id, /^[0-9a-f]{16}$/);
  assert.equal(store.queuedCount(), 2);
  assert.deepEqual(
    store.queued(10).map((q) => q.id),
    ['m1', gen.id],
  );
  const [first] = store.queued(10);
  assert.deepEqual(store.queued(10, first!.seq).map((q) => q.id), [gen.id]);
});

test('enqueue: an invalid message rejects (never throws synchronously) and nothing is stored', async (t) => {
  const { store } = open(t);
  await assert.rejects(store.enqueue(msg({ recipient: '' })), /recipient/);
  await assert.rejects(store.enqueue(msg({ parts: 0 })), /parts/);
  await assert.rejects(store.enqueueMany([msg(), msg({ text: 3 as unknown as string })]), /text/);
  await assert.rejects(store.enqueue(msg({ id: 'same' })).then(() => store.enqueue(msg({ id: 'same' }))), /UNIQUE/);
  assert.equal(store.queuedCount(), 1);
  const many = await store.enqueueMany([msg({ id: 'a' }), msg({ id: 'b' })]);
  assert.deepEqual(many.map((m) => m.id), ['a', 'b']);
});

test('status transitions happen only from the status they leave', async (t) => {
  const { store, clock } = open(t);
  await store.enqueue(msg({ id: 'm' }));
  assert.equal(store.markSent('m', '1', [7]), false, 'sent only from sending');
  assert.equal(store.markSending('m', '1', 'B', '8986001'), true);
  assert.equal(store.markSending('m', '2', 'A', null), false, 'second markSending');
  let m = store.getOutbound('m')!;
  assert.equal(m.status, 'sending');
  assert.equal(m.line, '1');
  assert.equal(m.slot, 'B');
  assert.equal(m.iccid, '8986001');
  assert.equal(m.attempts, 1);
  clock.t += 1000;
  assert.equal(store.markSent('m', '1', [7, 8]), true);
  assert.equal(store.markSent('m', '1', [9]), false);
  m = store.getOutbound('m')!;
  assert.equal(m.status, 'sent');
  assert.equal(m.sentAt, T0 + 1000);
  // finish is conditional on the listed statuses.
  assert.equal(store.finish('m', 'failed', 'x', ['queued', 'sending']), false);
  assert.equal(store.finish('m', 'delivered', null, ['sent']), true);
  assert.equal(store.finish('m', 'failed', 'late', ['sent']), false, 'a late outcome does not overwrite');
  m = store.getOutbound('m')!;
  assert.equal(m.status, 'delivered');
  assert.equal(m.doneAt, T0 + 1000);
  assert.equal(store.markSending('nope', '1', null, null), false);
});

test('requeue: back to queued with the tried lines and a delay', async (t) => {
  const { store } = open(t);
  await store.enqueue(msg({ id: 'm' }));
  assert.equal(store.requeue('m', ['1'], 'x'), false, 'only from sending');
  store.markSending('m', '1', 'A', null);
  assert.equal(store.requeue('m', ['1'], 'line 1: +CMS ERROR: 500', T0 + 30_000), true);
  const m = store.getOutbound('m')!;
  assert.equal(m.status, 'queued');
  assert.deepEqual(m.tried, ['1']);
  assert.equal(m.reason, 'line 1: +CMS ERROR: 500');
  assert.equal(m.notBefore, T0 + 30_000);
  assert.equal(m.attempts, 1);
  assert.equal(store.markSending('m', '2', 'A', null), true);
  assert.equal(store.getOutbound('m')!.attempts, 2);
  assert.equal(store.getOutbound('m')!.reason, null);
});

test('recoverInterrupted: messages left in sending become unknown, or queued again when resending', async (t) => {
  const { store } = open(t);
  await store.enqueueMany([msg({ id: 'a' }), msg({ id: 'b' }), msg({ id: 'c' })]);
  store.markSending('a', '1', 'A', null);
  store.markSending('b', '2', 'A', null);
  const r = store.recoverInterrupted(false);
  assert.deepEqual(r.map((m) => m.id).sort(), ['a', 'b']);
  assert.equal(store.getOutbound('a')!.status, 'unknown');
  assert.match(store.getOutbound('a')!.reason!, /interrupted/);
  assert.equal(store.getOutbound('c')!.status, 'queued');
  assert.deepEqual(store.recoverInterrupted(false), []);

  store.markSending('c', '3', 'A', null);
  const r2 = store.recoverInterrupted(true);
  assert.deepEqual(r2.map((m) => m.id), ['c']);
  assert.equal(store.getOutbound('c')!.status, 'queued');
  assert.match(store.getOutbound('c')!.reason!, /resendUnknown/);
});

test('recoverInterrupted survives a reopen (the sending mark is durable)', async (t) => {
  const { store, file } = open(t);
  await store.enqueue(msg({ id: 'a' }));
  store.markSending('a', '1', 'A', null);
  store.close();
  const again = MessageStore.openFile(file);
  t.after(() => again.close());
  assert.equal(again.getOutbound('a')!.status, 'sending');
  assert.equal(again.recoverInterrupted(false).length, 1);
  assert.equal(again.getOutbound('a')!.status, 'unknown');
});

test('expireQueued: queued messages past their validity become expired', async (t) => {
  const { store, clock } = open(t);
  await store.enqueueMany([msg({ id: 'soon', expiresAt: T0 + MIN }), msg({ id: 'later', expiresAt: T0 + 60 * MIN }), msg({ id: 'never' }), msg({ id: 'busy', expiresAt: T0 + MIN })]);
  store.markSending('busy', '1', null, null);
  assert.equal(store.expireQueued(), 0);
  clock.t = T0 + MIN;
  assert.equal(store.expireQueued(), 1);
  const m = store.getOutbound('soon')!;
  assert.equal(m.status, 'expired');
  assert.match(m.reason!, /validity/);
  assert.equal(store.getOutbound('busy')!.status, 'sending', 'a message being sent is not expired');
  assert.equal(store.expireQueued(T0 + 61 * MIN), 1);
  assert.equal(store.getOutbound('never')!.status, 'queued');
});

// ---------------------------------------------------------------------------------- status reports

async function sent(store: MessageStore, id: string, line: string, refs: number[], over: Partial<NewOutbound> = {}): Promise<void> {
  await store.enqueue(msg({ id, parts: refs.length, ...over }));
  assert.equal(store.markSending(id, line, 'A', null), true);
  assert.equal(store.markSent(id, line, refs), true);
}

test('applyStatusReport: a single part delivered', async (t) => {
  const { store, clock } = open(t);
  await sent(store, 'm', '1', [42]);
  clock.t += 5000;
  const r = store.applyStatusReport({ line: '1', ref: 42, status: 0x00, outcome: 'delivered', at: clock.t });
  assert.ok(r);
  assert.equal(r.part, 1);
  assert.equal(r.final, true);
  assert.equal(r.message.status, 'delivered');
  assert.equal(store.getOutbound('m')!.doneAt, T0 + 5000);
  // Another line's TP-MR 42 is not this message.
  assert.equal(store.applyStatusReport({ line: '2', ref: 42, status: 0, outcome: 'delivered', at: clock.t }), null);
});

test('applyStatusReport: a multipart message needs every part; a failed part fails it', async (t) => {
  const { store, clock } = open(t);
  await sent(store, 'm', '1', [10, 11, 12]);
  let r = store.applyStatusReport({ line: '1', ref: 11, status: 0x00, outcome: 'delivered', at: clock.t + 1 });
  assert.equal(r!.final, false);
  assert.equal(r!.part, 2);
  assert.equal(r!.message.status, 'sent');
  r = store.applyStatusReport({ line: '1', ref: 10, status: 0x00, outcome: 'delivered', at: clock.t + 2 });
  assert.equal(r!.message.status, 'sent');
  r = store.applyStatusReport({ line: '1', ref: 12, status: 0x00, outcome: 'delivered', at: clock.t + 3 });
  assert.equal(r!.final, true);
  assert.equal(r!.message.status, 'delivered');

  await sent(store, 'f', '1', [20, 21]);
  r = store.applyStatusReport({ line: '1', ref: 20, status: 0x00, outcome: 'delivered', at: clock.t + 4 });
  assert.equal(r!.message.status, 'sent');
  r = store.applyStatusReport({ line: '1', ref: 21, status: 0x41, outcome: 'failed', at: clock.t + 5 });
  assert.equal(r!.final, true);
  assert.equal(r!.message.status, 'failed');
  assert.match(r!.message.reason!, /TP-ST 0x41/);
});

test('applyStatusReport: a pending TP-ST keeps the message sent; a later final report settles it', async (t) => {
  const { store, clock } = open(t);
  await sent(store, 'm', '1', [5]);
  let r = store.applyStatusReport({ line: '1', ref: 5, status: 0x21, outcome: 'pending', at: clock.t + 1 });
  assert.equal(r!.final, false);
  assert.equal(r!.message.status, 'sent');
  r = store.applyStatusReport({ line: '1', ref: 5, status: 0x00, outcome: 'delivered', at: clock.t + 2 });
  assert.equal(r!.message.status, 'delivered');
});

test('applyStatusReport: a pending report that comes after the final one does not undo it', async (t) => {
  // Reports can come out of order (and the receiver retries an unmatched one seconds later): part 1's
  // "SC still trying" arriving after its "delivered" must not keep the message from becoming delivered.
  const { store, clock } = open(t);
  await sent(store, 'm', '1', [30, 31]);
  let r = store.applyStatusReport({ line: '1', ref: 30, status: 0x00, outcome: 'delivered', at: clock.t + 1 });
  assert.equal(r!.message.status, 'sent');
  r = store.applyStatusReport({ line: '1', ref: 30, status: 0x21, outcome: 'pending', at: clock.t + 2 });
  assert.equal(r!.final, false);
  r = store.applyStatusReport({ line: '1', ref: 31, status: 0x00, outcome: 'delivered', at: clock.t + 3 });
  assert.equal(r!.final, true);
  assert.equal(r!.message.status, 'delivered');
});

test('applyStatusReport: the parts counted are the ones that went out, whatever parts says', async (t) => {
  // A message whose text went out in fewer PDUs than `parts` (e.g. parts submitted by a client and
  // joined) must still become delivered once every PDU that went out is reported delivered.
  const { store, clock } = open(t);
  await store.enqueue(msg({ id: 'm', parts: 2 }));
  store.markSending('m', '1', 'A', null);
  store.markSent('m', '1', [77]);
  const r = store.applyStatusReport({ line: '1', ref: 77, status: 0, outcome: 'delivered', at: clock.t + 1 });
  assert.equal(r!.message.status, 'delivered');
});

test('applyStatusReport: TP-MR is matched by line and time window; a wrapped TP-MR of an older message is not', async (t) => {
  const { store, clock } = open(t);
  await sent(store, 'old', '1', [200]);
  clock.t += 2 * DAY;
  await sent(store, 'new', '1', [200]);
  // The newest part with that reference on the line wins.
  let r = store.applyStatusReport({ line: '1', ref: 200, status: 0, outcome: 'delivered', at: clock.t + 1000, withinMs: 3 * DAY });
  assert.equal(r!.message.id, 'new');
  assert.equal(store.getOutbound('old')!.status, 'sent');
  // TP-MR wraps at 256: 456 & 0xff = 200. A report for the old message arriving now, outside the
  // window, is not matched to it.
  r = store.applyStatusReport({ line: '1', ref: 456, status: 0, outcome: 'delivered', at: clock.t + 2000, withinMs: DAY });
  assert.equal(r!.message.id, 'new', 'only the message inside the window matches');
  await sent(store, 'other', '2', [9]);
  clock.t += 2 * DAY;
  assert.equal(store.applyStatusReport({ line: '2', ref: 9, status: 0, outcome: 'delivered', at: clock.t, withinMs: DAY }), null);
  assert.equal(store.getOutbound('other')!.status, 'sent');
  // A report dated well before the part was sent is not it either.
  assert.equal(store.applyStatusReport({ line: '2', ref: 9, status: 0, outcome: 'delivered', at: T0 - DAY }), null);
});

test('onFinal hook: its jobs are written in the same transaction as the final status', async (t) => {
  const seen: string[] = [];
  const { store, clock } = open(t, {
    onFinal: (m) => {
      seen.push(`${m.id}:${m.status}`);
      return m.report ? [{ kind: 'smpp-receipt', target: 'acct', payload: { id: m.id, status: m.status } }] : [];
    },
  });
  await sent(store, 'r', '1', [1], { report: true });
  store.applyStatusReport({ line: '1', ref: 1, status: 0, outcome: 'delivered', at: clock.t + 1 });
  const jobs = store.deliveriesOf('r');
  assert.equal(jobs.length, 1);
  assert.equal(jobs[0]!.kind, 'smpp-receipt');
  assert.deepEqual(jobs[0]!.payload, { id: 'r', status: 'delivered' });
  assert.equal(jobs[0]!.status, 'pending');
  // expired and unknown go through it too; a message without report gets none.
  await store.enqueue(msg({ id: 'e', report: true, expiresAt: T0 + 1 }));
  store.expireQueued(T0 + 1);
  await store.enqueue(msg({ id: 'q' }));
  store.markSending('q', '1', null, null);
  store.recoverInterrupted(false);
  assert.deepEqual(seen, ['r:delivered', 'e:expired', 'q:unknown']);
  assert.equal(store.deliveriesOf('e').length, 1);
  assert.equal(store.deliveriesOf('q').length, 0);
});

test('onFinal hook: a throwing hook rolls the final status back with it', async (t) => {
  let fail = true;
  const { store } = open(t, {
    onFinal: () => {
      if (fail) throw new Error('hook broke');
      return [{ kind: 'k', target: 't', payload: null }];
    },
  });
  await store.enqueue(msg({ id: 'm' }));
  store.markSending('m', '1', null, null);
  assert.throws(() => store.finish('m', 'failed', 'x', ['sending']), /hook broke/);
  assert.equal(store.getOutbound('m')!.status, 'sending');
  fail = false;
  assert.equal(store.finish('m', 'failed', 'x', ['sending']), true);
  assert.equal(store.deliveriesOf('m').length, 1);
});

// --------------------------------------------------------------------------------- submitted parts

function part(seq: number, total: number, partId: string, text: string, groupKey = 'smpp|acct|SHOP|+861|7|3') {
  return { groupKey, seq, total, partId, text, message: { origin: 'smpp' as const, client: 'acct', sender: 'SHOP', recipient: '+861', number: '+861', report: true } };
}

test('submitPart: parts in any order become one message, the first part id as its id and the others as aliases', async (t) => {
  const { store } = open(t);
  assert.equal((await store.submitPart(part(3, 3, 'id3', 'C'.repeat(150)))).queued, null);
  assert.equal((await store.submitPart(part(1, 3, 'id1', 'A'.repeat(153)))).queued, null);
  assert.equal(store.queuedCount(), 0);
  const { queued } = await store.submitPart(part(2, 3, 'id2', 'B'.repeat(153)));
  assert.ok(queued);
  assert.equal(queued.id, 'id1');
  assert.deepEqual(queued.aliases, ['id2', 'id3']);
  assert.equal(queued.text, 'A'.repeat(153) + 'B'.repeat(153) + 'C'.repeat(150));
  assert.equal(queued.parts, 3);
  assert.equal(queued.partial, false);
  assert.equal(queued.client, 'acct');
  assert.equal(queued.report, true);
  assert.equal(store.getOutbound('id3')!.id, 'id1');
  assert.equal(store.queuedCount(), 1);
});

test('submitPart: parts is what the joined text needs, not how the client cut it', async (t) => {
  const { store } = open(t);
  await store.submitPart(part(1, 2, 'a', 'short ', 'g2'));
  const { queued } = await store.submitPart(part(2, 2, 'b', 'text', 'g2'));
  assert.equal(queued!.text, 'short text');
  assert.equal(queued!.parts, 1);
});

test('submitPart: a repeated part is refused; an impossible part number too', async (t) => {
  const { store } = open(t);
  await store.submitPart(part(1, 3, 'x1', 'a'));
  await assert.rejects(store.submitPart(part(1, 3, 'x1b', 'a')));
  await assert.rejects(store.submitPart(part(4, 3, 'x4', 'a')), /valid concatenation/);
  await assert.rejects(store.submitPart(part(0, 3, 'x0', 'a')), /valid concatenation/);
  await assert.rejects(store.submitPart(part(1, 1, 'y', 'a')), /valid concatenation/);
  assert.equal(store.queuedCount(), 0);
});

test('flushStaleSubmitParts: what arrived is queued flagged partial', async (t) => {
  const { store, clock } = open(t);
  await store.submitPart(part(1, 3, 'p1', 'one '));
  await store.submitPart(part(3, 3, 'p3', 'three'));
  clock.t += 10 * MIN;
  await store.submitPart(part(1, 2, 'fresh', 'x', 'other'));
  const done = await store.flushStaleSubmitParts(T0 + MIN);
  assert.equal(done.length, 1);
  assert.equal(done[0]!.id, 'p1');
  assert.equal(done[0]!.partial, true);
  assert.equal(done[0]!.text, 'one three');
  assert.deepEqual(done[0]!.aliases, ['p3']);
  assert.deepEqual(await store.flushStaleSubmitParts(T0 + MIN), []);
  // The fresh group is still waiting.
  const { queued } = await store.submitPart(part(2, 2, 'fresh2', 'y', 'other'));
  assert.equal(queued!.text, 'xy');
});

// ---------------------------------------------------------------------------------------- inbound

const fanout: Fanout = (m) => [
  { kind: 'email', target: 'ops@example.com', payload: null },
  { kind: 'smpp-mo', target: 'acct', payload: null, nextAt: m.receivedAt + 1000 },
];

test('storeIncoming: a single SMS is stored with its fan-out jobs', (t) => {
  const { store } = open(t);
  const r = store.storeIncoming(sms({ text: 'hello', dedup: 'd1', recipient: '+8613811112222' }), fanout);
  assert.equal(r.duplicate, false);
  const m = r.stored!;
  assert.equal(m.text, 'hello');
  assert.equal(m.parts, 1);
  assert.equal(m.received, 1);
  assert.equal(m.partial, false);
  assert.equal(m.slot, 'A');
  assert.equal(m.receivedAt, T0);
  assert.deepEqual(store.getInbound(m.id), m);
  const jobs = store.deliveriesOf(m.id);
  assert.deepEqual(jobs.map((j) => [j.kind, j.target, j.status, j.nextAt]), [
    ['email', 'ops@example.com', 'pending', T0],
    ['smpp-mo', 'acct', 'pending', T0 + 1000],
  ]);
  // The same SMS again (the modem or the network delivered it twice): nothing new.
  const again = store.storeIncoming(sms({ text: 'hello', dedup: 'd1' }), fanout);
  assert.deepEqual(again, { stored: null, duplicate: true });
  assert.equal(store.queryInbound().total, 1);
});

test('storeIncoming: an empty dedup key never makes a duplicate', (t) => {
  const { store } = open(t);
  assert.ok(store.storeIncoming(sms({ dedup: '' }), noFanout).stored);
  assert.ok(store.storeIncoming(sms({ dedup: '' }), noFanout).stored);
  assert.equal(store.queryInbound().total, 2);
});

test('storeIncoming: a fan-out that throws stores nothing', (t) => {
  const { store } = open(t);
  assert.throws(() =>
    store.storeIncoming(sms({ dedup: 'x' }), () => {
      throw new Error('no config');
    }),
  );
  assert.equal(store.queryInbound().total, 0);
  assert.ok(store.storeIncoming(sms({ dedup: 'x' }), noFanout).stored, 'the dedup key was not kept');
});

test('storeIncoming: parts out of order are assembled in order, once', (t) => {
  const { store, clock } = open(t);
  const p = (seq: number, text: string) => sms({ text, concat: { ref: 9, total: 3, seq }, dedup: `c9-${seq}`, sentAt: T0 - 10_000 + seq });
  assert.deepEqual(store.storeIncoming(p(2, 'B'), fanout), { stored: null, duplicate: false });
  clock.t += 1000;
  assert.deepEqual(store.storeIncoming(p(3, 'C'), fanout), { stored: null, duplicate: false });
  assert.deepEqual(store.storeIncoming(p(3, 'C'), fanout), { stored: null, duplicate: true }, 'a part while waiting');
  assert.equal(store.pendingIncomingParts(), 2);
  assert.equal(store.queryInbound().total, 0);
  const r = store.storeIncoming(p(1, 'A'), fanout);
  const m = r.stored!;
  assert.equal(m.text, 'ABC');
  assert.equal(m.parts, 3);
  assert.equal(m.received, 3);
  assert.equal(m.partial, false);
  assert.equal(m.sentAt, T0 - 10_000 + 1, 'the earliest SCTS');
  assert.equal(store.pendingIncomingParts(), 0);
  assert.equal(store.deliveriesOf(m.id).length, 2);
  // Redelivered parts after assembly (a crash before they were deleted from the modem) are
  // duplicates, not the start of a new message.
  for (const seq of [1, 2, 3]) assert.deepEqual(store.storeIncoming(p(seq, 'ABC'[seq - 1]!), fanout), { stored: null, duplicate: true });
  assert.equal(store.pendingIncomingParts(), 0);
  assert.equal(store.queryInbound().total, 1);
});

test('storeIncoming: parts of different senders or references are kept apart', (t) => {
  const { store } = open(t);
  store.storeIncoming(sms({ sender: '+1', text: 'a1', concat: { ref: 1, total: 2, seq: 1 } }), noFanout);
  store.storeIncoming(sms({ sender: '+2', text: 'b1', concat: { ref: 1, total: 2, seq: 1 } }), noFanout);
  store.storeIncoming(sms({ sender: '+1', text: 'c1', concat: { ref: 2, total: 2, seq: 1 } }), noFanout);
  const r = store.storeIncoming(sms({ sender: '+2', text: 'b2', concat: { ref: 1, total: 2, seq: 2 } }), noFanout);
  assert.equal(r.stored!.text, 'b1b2');
  assert.equal(store.pendingIncomingParts(), 2);
});

test('storeIncoming: another SMS under a reference still waiting is not a duplicate: the waiting group is stored partial', (t) => {
  // The sender reused the 8-bit concatenation reference (TS 23.040 §9.2.3.24.1) while a message with
  // that reference still misses a part. Its part 1 differs from the one waiting (other dedup key): it
  // must not be reported as a duplicate (the receiver would delete it from the modem: lost).
  const { store, clock } = open(t);
  const a = (seq: number, text: string) => sms({ text, concat: { ref: 0, total: 2, seq }, dedup: `a-${seq}` });
  const b = (seq: number, text: string) => sms({ text, concat: { ref: 0, total: 2, seq }, dedup: `b-${seq}` });
  assert.deepEqual(store.storeIncoming(a(1, 'A1'), fanout), { stored: null, duplicate: false });
  clock.t += MIN;
  const r = store.storeIncoming(b(1, 'B1'), fanout);
  assert.equal(r.duplicate, false);
  assert.equal(r.stored!.text, 'A1[…]');
  assert.equal(r.stored!.partial, true);
  assert.equal(r.stored!.received, 1);
  assert.equal(store.deliveriesOf(r.stored!.id).length, 2);
  // The same part 1 of B again is a duplicate; B's part 2 completes B.
  assert.deepEqual(store.storeIncoming(b(1, 'B1'), fanout), { stored: null, duplicate: true });
  const done = store.storeIncoming(b(2, 'B2'), fanout);
  assert.equal(done.stored!.text, 'B1B2');
  assert.equal(done.stored!.partial, false);
  assert.equal(store.pendingIncomingParts(), 0);
  // A's part 1 redelivered later is still a duplicate of the partial message.
  assert.equal(store.storeIncoming(a(1, 'A1'), fanout).duplicate, true);
  assert.equal(store.queryInbound().total, 2);
});

test('storeIncoming: an impossible sequence number makes the SMS a message of its own (TS 23.040 §9.2.3.24.1)', (t) => {
  const { store } = open(t);
  const r0 = store.storeIncoming(sms({ text: 'zero', concat: { ref: 3, total: 2, seq: 0 } }), noFanout);
  const r3 = store.storeIncoming(sms({ text: 'three', concat: { ref: 3, total: 2, seq: 3 } }), noFanout);
  assert.equal(r0.stored!.text, 'zero');
  assert.equal(r3.stored!.parts, 1);
  assert.equal(store.pendingIncomingParts(), 0);
});

test('flushStaleIncomingParts: a message with missing parts is stored partial with […] markers', (t) => {
  const { store, clock } = open(t);
  const p = (seq: number, text: string) => sms({ text, concat: { ref: 4, total: 4, seq }, dedup: `c4-${seq}` });
  store.storeIncoming(p(1, 'one '), fanout);
  store.storeIncoming(p(3, ' three'), fanout);
  clock.t += 10 * MIN;
  store.storeIncoming(sms({ text: 'new', concat: { ref: 5, total: 2, seq: 1 } }), fanout);
  const done = store.flushStaleIncomingParts(T0 + MIN, fanout);
  assert.equal(done.length, 1);
  const m = done[0]!;
  assert.equal(m.partial, true);
  assert.equal(m.parts, 4);
  assert.equal(m.received, 2);
  assert.equal(m.text, 'one […] three[…]');
  assert.equal(m.line, '1');
  assert.equal(m.slot, 'A');
  assert.equal(m.iccid, '8986001');
  assert.equal(store.deliveriesOf(m.id).length, 2);
  assert.equal(store.pendingIncomingParts(), 1, 'the fresh group waits on');
  // A received part redelivered later is a duplicate of the stored message.
  assert.equal(store.storeIncoming(p(3, ' three'), fanout).duplicate, true);
  assert.equal(store.pendingIncomingParts(), 1);
});

// ------------------------------------------------------------------------------------- deliveries

test('cancelDeliveries: a consumed message\'s pending jobs end failed with the reason; finished ones are left', (t) => {
  const { store } = open(t);
  const m = store.storeIncoming(sms({ dedup: 'c' }), fanout).stored!;
  const [email, mo] = store.deliveriesOf(m.id);
  assert.equal(store.completeDelivery(email!.id), true);
  assert.equal(store.cancelDeliveries(m.id, 'consumed by cellgate'), 1);
  assert.equal(store.getDelivery(email!.id)!.status, 'done');
  const d = store.getDelivery(mo!.id)!;
  assert.equal(d.status, 'failed');
  assert.equal(d.lastError, 'consumed by cellgate');
  assert.deepEqual(store.pending('smpp-mo', 10), []);
  assert.equal(store.cancelDeliveries(m.id, 'again'), 0);
});

test('deliveries: due, pending, pendingFor, nextDue, complete and fail', (t) => {
  const { store, clock } = open(t);
  const m = store.storeIncoming(sms({ dedup: 'a' }), fanout).stored!;
  const [email, mo] = store.deliveriesOf(m.id);
  assert.deepEqual(store.due('email', 10).map((d) => d.id), [email!.id]);
  assert.deepEqual(store.due('smpp-mo', 10), [], 'not yet due');
  assert.deepEqual(store.pending('smpp-mo', 10).map((d) => d.id), [mo!.id], 'pending ignores the due time');
  assert.equal(store.nextDue('smpp-mo'), T0 + 1000);
  assert.equal(store.nextDue('webhook'), null);
  assert.deepEqual(store.pendingFor('smpp-mo', 'acct', 10).map((d) => d.id), [mo!.id]);
  assert.deepEqual(store.pendingFor('smpp-mo', 'other', 10), []);

  clock.t += 500;
  assert.equal(store.failDelivery(email!.id, 'connection refused', T0 + 60_000), true);
  let d = store.getDelivery(email!.id)!;
  assert.equal(d.status, 'pending');
  assert.equal(d.attempts, 1);
  assert.equal(d.lastError, 'connection refused');
  assert.equal(d.nextAt, T0 + 60_000);
  assert.deepEqual(store.due('email', 10), []);
  assert.equal(store.due('email', 10, T0 + 60_000).length, 1);

  assert.equal(store.completeDelivery(email!.id), true);
  d = store.getDelivery(email!.id)!;
  assert.equal(d.status, 'done');
  assert.equal(d.attempts, 2);
  assert.equal(d.lastError, null);
  assert.equal(d.doneAt, T0 + 500);
  assert.equal(store.completeDelivery(email!.id), false, 'only a pending job');
  assert.equal(store.failDelivery(email!.id, 'x', null), false);

  assert.equal(store.failDelivery(mo!.id, '550 no such user', null), true);
  assert.equal(store.getDelivery(mo!.id)!.status, 'failed');
  assert.deepEqual(store.pending('smpp-mo', 10), []);
  store.enqueueDeliveries(m.id, [{ kind: 'webhook', target: 'https://h/x', payload: { a: 1 } }]);
  assert.deepEqual(store.due('webhook', 10)[0]!.payload, { a: 1 });
  assert.deepEqual(store.counts().pendingDeliveries, { webhook: 1 });
});

test('pendingFor pages by seq', (t) => {
  const { store } = open(t);
  const m = store.storeIncoming(sms({ dedup: 'p' }), noFanout).stored!;
  store.enqueueDeliveries(
    m.id,
    Array.from({ length: 5 }, (_, i) => ({ kind: 'smpp-mo', target: i % 2 ? 'b' : 'a', payload: i })),
  );
  const first = store.pendingFor('smpp-mo', 'a', 2);
  assert.deepEqual(first.map((d) => d.payload), [0, 2]);
  assert.deepEqual(store.pendingFor('smpp-mo', 'a', 2, first[1]!.seq).map((d) => d.payload), [4]);
});

// ---------------------------------------------------------------------------------------- queries

test('queryOutbound: paging, search by line, number and text (LIKE specials literal), status filter', async (t) => {
  const { store, clock } = open(t);
  for (let i = 0; i < 25; i++) {
    clock.t = T0 + i * 1000;
    await store.enqueue(msg({ id: `m${i}`, recipient: `+86138000000${String(i).padStart(2, '0')}`, number: `+86138000000${String(i).padStart(2, '0')}`, text: i === 3 ? '100% off_today' : i === 4 ? '100 percent offXtoday' : `text ${i}` }));
    if (i % 5 === 0) {
      store.markSending(`m${i}`, String(1 + (i % 2)), 'A', null);
      store.markSent(`m${i}`, String(1 + (i % 2)), [i]);
    }
  }
  const all = store.queryOutbound({ limit: 10 });
  assert.equal(all.total, 25);
  assert.deepEqual(all.items.map((m) => m.id), ['m24', 'm23', 'm22', 'm21', 'm20', 'm19', 'm18', 'm17', 'm16', 'm15']);
  assert.deepEqual(store.queryOutbound({ limit: 10, offset: 20 }).items.map((m) => m.id), ['m4', 'm3', 'm2', 'm1', 'm0']);
  assert.deepEqual(store.queryOutbound({ line: '2' }).items.map((m) => m.id), ['m15', 'm5']);
  assert.deepEqual(store.queryOutbound({ status: 'sent' }).items.map((m) => m.id), ['m20', 'm15', 'm10', 'm5', 'm0']);
  assert.deepEqual(store.queryOutbound({ number: '0000007' }).items.map((m) => m.id), ['m7']);
  assert.deepEqual(store.queryOutbound({ text: '0% off_' }).items.map((m) => m.id), ['m3'], '% and _ are literal');
  assert.deepEqual(store.queryOutbound({ text: '%' }).items.map((m) => m.id), ['m3']);
  assert.deepEqual(store.queryOutbound({ text: 'OFF' }).items.map((m) => m.id).sort(), ['m3', 'm4']);
  assert.deepEqual(store.queryOutbound({ from: T0 + 23_000 }).items.map((m) => m.id), ['m24', 'm23']);
  assert.deepEqual(store.queryOutbound({ to: T0 + 2000 }).items.map((m) => m.id), ['m1', 'm0']);
  assert.equal(store.queryOutbound({ line: '1', status: 'queued' }).total, 0);
});

test('queryInbound: paging and search by line, sender and text', (t) => {
  const { store, clock } = open(t);
  for (let i = 0; i < 12; i++) {
    clock.t = T0 + i;
    store.storeIncoming(sms({ line: String(1 + (i % 3)), sender: `+4915${i}`, text: i === 7 ? 'a_b\\c' : `msg ${i}`, dedup: `x${i}` }), noFanout);
  }
  const p = store.queryInbound({ limit: 5, offset: 5 });
  assert.equal(p.total, 12);
  assert.deepEqual(p.items.map((m) => m.sender), ['+49156', '+49155', '+49154', '+49153', '+49152']);
  assert.equal(store.queryInbound({ line: '2' }).total, 4);
  assert.deepEqual(store.queryInbound({ number: '+491511' }).items.map((m) => m.sender), ['+491511']);
  assert.deepEqual(store.queryInbound({ text: '_b\\' }).items.map((m) => m.sender), ['+49157']);
  assert.equal(store.queryInbound({ text: 'msg', line: '1' }).total, 4);
});

test('deleteOutbound: by id, by line or all, never a queued or sending message', async (t) => {
  const { store } = open(t);
  await sent(store, 's1', '1', [1]);
  await sent(store, 's2', '2', [2]);
  await sent(store, 's3', '1', [3], { aliases: ['alias3'] });
  await store.enqueue(msg({ id: 'q' }));
  await store.enqueue(msg({ id: 'busy' }));
  store.markSending('busy', '1', null, null);
  assert.equal(store.deleteOutbound({ id: 'q' }), 0);
  assert.equal(store.deleteOutbound({ id: 's2' }), 1);
  assert.equal(store.deleteOutbound({ line: '1' }), 2);
  assert.equal(store.getOutbound('alias3'), undefined, 'aliases go with it');
  assert.equal(store.deleteOutbound({ all: true }), 0);
  assert.deepEqual(store.queryOutbound().items.map((m) => m.id).sort(), ['busy', 'q']);
  assert.throws(() => store.deleteOutbound({}), /id, a line or all/);
});

test('deleteInbound: by id, line or all; pending jobs of deleted messages go too', (t) => {
  const { store } = open(t);
  const a = store.storeIncoming(sms({ line: '1', dedup: 'a' }), fanout).stored!;
  const b = store.storeIncoming(sms({ line: '2', dedup: 'b' }), fanout).stored!;
  const c = store.storeIncoming(sms({ line: '2', dedup: 'c' }), fanout).stored!;
  const d = store.storeIncoming(sms({ line: '3', dedup: 'd' }), fanout).stored!;
  const [doneJob] = store.deliveriesOf(d.id);
  store.completeDelivery(doneJob!.id);
  assert.equal(store.deleteInbound({ id: a.id }), 1);
  assert.equal(store.deliveriesOf(a.id).length, 0);
  assert.equal(store.deleteInbound({ line: '2' }), 2);
  assert.equal(store.deliveriesOf(b.id).length + store.deliveriesOf(c.id).length, 0);
  assert.equal(store.getInbound(d.id)?.id, d.id);
  assert.equal(store.deleteInbound({ all: true }), 1);
  assert.deepEqual(store.deliveriesOf(d.id).map((j) => j.status), ['done'], 'finished jobs stay as history');
  assert.equal(store.queryInbound().total, 0);
  assert.throws(() => store.deleteInbound({}), /id, a line or all/);
});

test('purge: retention per box; queued and pending survive; 0 keeps forever', async (t) => {
  const { store, clock } = open(t);
  const oldIn = store.storeIncoming(sms({ dedup: 'o' }), fanout).stored!;
  for (const j of store.deliveriesOf(oldIn.id)) store.completeDelivery(j.id);
  await sent(store, 'oldSent', '1', [1]);
  store.finish('oldSent', 'failed', 'x', ['sent']);
  await store.enqueue(msg({ id: 'oldQueued' }));
  clock.t = T0 + 40 * DAY;
  store.storeIncoming(sms({ dedup: 'n' }), noFanout);
  await store.enqueue(msg({ id: 'newQueued' }));
  assert.deepEqual(store.purge({ inboxDays: 0, outboxDays: 0 }), { inbox: 0, outbox: 0, deliveries: 0 });
  const r = store.purge({ inboxDays: 30, outboxDays: 30 });
  assert.deepEqual(r, { inbox: 1, outbox: 1, deliveries: 2 });
  assert.equal(store.getInbound(oldIn.id), undefined);
  assert.equal(store.getOutbound('oldSent'), undefined);
  assert.equal(store.getOutbound('oldQueued')!.status, 'queued');
  assert.equal(store.queryInbound().total, 1);
});

test('own numbers per ICCID', (t) => {
  const { store, clock } = open(t);
  assert.equal(store.ownNumber('8986'), undefined);
  store.setOwnNumber('8986', '+8613800000001', 'ussd');
  assert.deepEqual(store.ownNumber('8986'), { number: '+8613800000001', method: 'ussd', learnedAt: T0 });
  clock.t += 1;
  store.setOwnNumber('8986', '+8613800000002', 'manual');
  assert.deepEqual(store.ownNumber('8986'), { number: '+8613800000002', method: 'manual', learnedAt: T0 + 1 });
});

test('counts, batch and close', async (t) => {
  const { store } = open(t);
  await store.enqueueMany([msg({ id: 'a' }), msg({ id: 'b' })]);
  store.batch(() => {
    store.markSending('a', '1', null, null);
    store.markSent('a', '1', [1]);
    store.markSending('b', '1', null, null);
  });
  assert.throws(() =>
    store.batch(() => {
      store.requeue('b', ['1'], 'x');
      throw new Error('undo');
    }),
  );
  assert.equal(store.getOutbound('b')!.status, 'sending', 'batch is all or nothing');
  store.storeIncoming(sms({ dedup: 'z' }), fanout);
  assert.deepEqual(store.counts(), { queued: 0, sending: 1, inbox: 1, outbox: 2, pendingDeliveries: { email: 1, 'smpp-mo': 1 } });
  store.close();
  store.close();
  assert.throws(() => store.markSending('a', '1', null, null), /closed/);
  await assert.rejects(store.enqueue(msg()), /closed/);
});
