/** SmppBackend: accounts and per-line ids, durable submits, query_sm, deliver_sm items and receipts. */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { MessageStore, type IncomingSms, type OutboundMessage } from '../../src/store/message-store.js';
import { SmsRouter } from '../../src/sms/sms-router.js';
import { SmppBackend, type SmppAccountRef } from '../../src/sms/smpp-backend.js';
import { buildFanout } from '../../src/sms/fanout.js';
import type { SmppAccount, SmppConfig, SmsConfig } from '../../src/config/schema-messaging.js';
import type { AuthResult, SessionInfo, SmscBackend, SubmitRequest } from '../../src/smpp/types.js';
import { silentLogger } from '../../src/util/log.js';
import { smppConfig, smsConfig } from '../helpers/sms-config.js';
import { tempDir } from '../store/temp-dir.js';

const T0 = Date.UTC(2024, 4, 1, 8, 0, 0);

/** The SMPP accounts of every test unless it replaces them. */
const ACCOUNTS: SmppAccount[] = [
  { systemId: '1', password: 'pw1', perLineIds: true, receive: true },
  { systemId: '10', password: 'pw10', perLineIds: true, receive: false },
  { systemId: 'acme', password: 'secret', perLineIds: false, lines: [3, 4], receive: true },
  { systemId: '5', password: 'pw5', perLineIds: true, lines: [2], receive: false },
];

interface Harness {
  store: MessageStore;
  router: SmsRouter;
  backend: SmppBackend;
  sms: SmsConfig;
  smpp: SmppConfig;
  prefixes: Array<{ line: number; prefixes: string }>;
  numbers: Map<number, string>;
  clock: { t: number };
}

function setup(t: TestContext): Harness {
  const clock = { t: T0 };
  const h = { sms: smsConfig(), smpp: smppConfig({ accounts: ACCOUNTS }), prefixes: [], numbers: new Map<number, string>(), clock } as unknown as Harness;
  h.store = MessageStore.openFile(path.join(tempDir(t), 'cellgate.db'), { now: () => clock.t, onFinal: (m) => h.backend.receiptsFor(m) });
  t.after(() => h.store.close());
  h.router = new SmsRouter({ store: h.store, config: () => h.sms, linePrefixes: () => h.prefixes, onQueued: () => {}, log: silentLogger(), now: () => clock.t });
  h.backend = new SmppBackend({ store: h.store, router: h.router, config: () => h.smpp, lineNumber: (l) => h.numbers.get(l) ?? null, log: silentLogger(), now: () => clock.t });
  return h;
}

function session(h: Harness, systemId: string, password: string): SessionInfo {
  const r = h.backend.authenticate({ systemId, password });
  assert.ok(r.ok, `bind as ${systemId}`);
  return { id: `s-${systemId}`, systemId, mode: 'transceiver', remote: '127.0.0.1:5000', account: r.account, interfaceVersion: 0x34, systemType: '' };
}

function submitReq(s: SessionInfo, over: Partial<SubmitRequest> = {}): SubmitRequest {
  return {
    session: s,
    sequence: 1,
    source: { ton: 5, npi: 0, addr: 'SHOP' },
    dest: { ton: 1, npi: 1, addr: '8613800138000' },
    text: 'hello',
    dataCoding: 0,
    concat: null,
    registeredDelivery: 1,
    expiresAt: null,
    notBefore: null,
    serviceType: '',
    command: 'submit_sm',
    esmClass: 0,
    protocolId: 0,
    priority: 0,
    concatSource: null,
    ...over,
  };
}

const fanoutOf = (h: Harness) => buildFanout([], { smppAccounts: h.smpp.accounts });

function incoming(over: Partial<IncomingSms> = {}): IncomingSms {
  return { line: '1', slot: 'A', iccid: '8986', recipient: null, sender: '+8613900139000', text: 'mo text', sentAt: T0, concat: null, dedup: `d${Math.random()}`, ...over };
}

/** Submits through the backend and brings the message to a final status through the store. */
async function finished(h: Harness, s: SessionInfo, status: 'delivered' | 'failed' | 'expired' | 'unknown', line = '1'): Promise<OutboundMessage> {
  const r = await h.backend.submit(submitReq(s));
  assert.ok(r.ok);
  h.store.markSending(r.messageId, line, 'A', null);
  if (status === 'delivered') {
    h.store.markSent(r.messageId, line, [9]);
    h.store.finish(r.messageId, 'delivered', null, ['sent']);
  } else {
    h.store.finish(r.messageId, status, 'x', ['sending']);
  }
  return h.store.getOutbound(r.messageId)!;
}

// ----------------------------------------------------------------------------------------- accounts

test('resolve: the account id and its per-line ids (two digits)', (t) => {
  const h = setup(t);
  assert.deepEqual(h.backend.resolve('1')?.line, null);
  assert.equal(h.backend.resolve('1')?.account.systemId, '1');
  assert.deepEqual([h.backend.resolve('101')?.account.systemId, h.backend.resolve('101')?.line], ['1', 1]);
  assert.deepEqual([h.backend.resolve('132')?.account.systemId, h.backend.resolve('132')?.line], ['1', 32]);
  assert.equal(h.backend.resolve('10')?.line, null, 'an account of its own, not line 0 of "1"');
  // "1001": not line 1 of "1" written in three digits, but line 1 of "10".
  assert.deepEqual([h.backend.resolve('1001')?.account.systemId, h.backend.resolve('1001')?.line], ['10', 1]);
  assert.equal(h.backend.resolve('100')?.account.systemId, undefined, 'line 0 does not exist');
  assert.equal(h.backend.resolve('11'), null, 'one digit is not a per-line id');
  assert.equal(h.backend.resolve('1x1'), null);
  assert.equal(h.backend.resolve('acme03'), null, 'acme has no per-line ids');
  assert.equal(h.backend.resolve('502')?.line, 2);
  assert.equal(h.backend.resolve('501'), null, 'account 5 may use line 2 only');
  assert.equal(h.backend.resolve('nobody'), null);
});

test('authenticate: passwords, unknown ids, and the lines a session may use', (t) => {
  const h = setup(t);
  // What the SMPP server passes (SmscBackend.authenticate takes the bind's mode and remote too).
  const server: SmscBackend = h.backend;
  const auth = (systemId: string, password: string): AuthResult => server.authenticate({ systemId, password, mode: 'transmitter', remote: 'x' }) as AuthResult;
  assert.deepEqual(auth('1', 'pw1'), { ok: true, account: { account: '1', line: null, lines: null } satisfies SmppAccountRef });
  assert.deepEqual(auth('101', 'pw1'), { ok: true, account: { account: '1', line: 1, lines: [1] } });
  assert.deepEqual(auth('acme', 'secret'), { ok: true, account: { account: 'acme', line: null, lines: [3, 4] } });
  assert.deepEqual(auth('502', 'pw5'), { ok: true, account: { account: '5', line: 2, lines: [2] } });
  assert.deepEqual(auth('1', 'wrong'), { ok: false, status: 0x0e });
  assert.deepEqual(auth('101', 'pw10'), { ok: false, status: 0x0e });
  assert.deepEqual(auth('1', ''), { ok: false, status: 0x0e });
  assert.deepEqual(auth('nobody', 'pw1'), { ok: false, status: 0x0f });
  assert.deepEqual(auth('501', 'pw5'), { ok: false, status: 0x0f });
  // The configuration is read at every bind.
  h.smpp = smppConfig({ accounts: [{ systemId: '1', password: 'new', perLineIds: false, receive: false }] });
  assert.deepEqual(auth('1', 'pw1'), { ok: false, status: 0x0e });
  assert.deepEqual(auth('101', 'new'), { ok: false, status: 0x0f });
});

// ------------------------------------------------------------------------------------------ submit

test('submit: one message, durable, routed, with the session\'s lines', async (t) => {
  const h = setup(t);
  const s = session(h, '102', 'pw1');
  const r = await h.backend.submit(submitReq(s, { expiresAt: T0 + 3_600_000 }));
  assert.ok(r.ok);
  const m = h.store.getOutbound(r.messageId)!;
  assert.equal(m.origin, 'smpp');
  assert.equal(m.client, 'smpp:1', 'the account (not the per-line id it bound as), as a client id');
  assert.equal(m.sender, 'SHOP');
  assert.equal(m.recipient, '+8613800138000', 'TON 1 gets its +');
  assert.deepEqual(m.lines, [2]);
  assert.equal(m.report, true);
  assert.equal(m.expiresAt, T0 + 3_600_000);
  const noReport = await h.backend.submit(submitReq(session(h, '1', 'pw1'), { registeredDelivery: 0, dest: { ton: 0, npi: 1, addr: '13800138000' }, source: { ton: 0, npi: 0, addr: '' } }));
  assert.ok(noReport.ok);
  const n = h.store.getOutbound(noReport.messageId)!;
  assert.equal(n.report, false);
  assert.equal(n.recipient, '13800138000');
  assert.equal(n.sender, null);
  assert.equal(n.lines, null);
});

test('submit: concatenated parts get one id each and become one message', async (t) => {
  const h = setup(t);
  const s = session(h, '1', 'pw1');
  const ids: string[] = [];
  for (const seq of [2, 1, 3]) {
    const r = await h.backend.submit(submitReq(s, { text: `part${seq} `, concat: { ref: 42, total: 3, seq }, concatSource: 'udh' }));
    assert.ok(r.ok);
    ids.push(r.messageId);
  }
  assert.equal(new Set(ids).size, 3);
  const m = h.store.getOutbound(ids[0]!)!;
  assert.equal(m.text, 'part1 part2 part3 ');
  for (const id of ids) assert.equal(h.store.getOutbound(id)!.id, m.id);
  assert.equal(h.store.queuedCount(), 1);
  // query_sm answers under every id.
  for (const id of ids) assert.equal(h.backend.query(s, id)?.state, 1);
});

test('submit: refusals map to SMPP command_status values', async (t) => {
  const h = setup(t);
  const s = session(h, '1', 'pw1');
  const status = async (over: Partial<SubmitRequest>) => {
    const r = await h.backend.submit(submitReq(s, over));
    assert.equal(r.ok, false);
    return (r as { status: number }).status;
  };
  assert.equal(await status({ dest: { ton: 0, npi: 1, addr: 'not a number' } }), 0x0b);
  assert.equal(await status({ text: '' }), 0x01);
  assert.equal(await status({ expiresAt: T0 - 1 }), 0x62);
  assert.equal(await status({ concat: { ref: 1, total: 2, seq: 3 } }), 0x01, 'a part numbered beyond the total');
  h.prefixes = [{ line: 1, prefixes: '+86' }];
  assert.equal(await status({ dest: { ton: 1, npi: 1, addr: '4915112345678' } }), 0x0b, 'no prefix matches');
  const lineSession = session(h, '102', 'pw1');
  const r = await h.backend.submit(submitReq(lineSession, { dest: { ton: 1, npi: 1, addr: '8613800138000' } }));
  assert.deepEqual(r.ok ? null : r.status, 0x45, 'the bound line may not carry it');
  h.store.close();
  const broken = await h.backend.submit(submitReq(s, { dest: { ton: 1, npi: 1, addr: '8613800138000' } }));
  assert.equal(broken.ok, false);
  assert.equal((broken as { status: number }).status, 0x08, 'not stored: system error');
});

// ------------------------------------------------------------------------------------------- query

test('query: the account\'s own messages only, with the SMPP message_state', async (t) => {
  const h = setup(t);
  const s1 = session(h, '1', 'pw1');
  const s1line = session(h, '101', 'pw1');
  const acme = session(h, 'acme', 'secret');
  const r = await h.backend.submit(submitReq(s1));
  assert.ok(r.ok);
  assert.deepEqual(h.backend.query(s1, r.messageId), { messageId: r.messageId, state: 1, finalDate: null, errorCode: 0 });
  assert.equal(h.backend.query(s1line, r.messageId)?.state, 1, 'same account under a per-line id');
  assert.equal(h.backend.query(acme, r.messageId), null);
  assert.equal(h.backend.query(s1, 'nope'), null);
  const api = await h.router.submit({ origin: 'api', client: '1', recipient: '+8613800138000', text: 'x' });
  assert.equal(h.backend.query(s1, api.id), null, 'not submitted over SMPP');
  const states: Array<[Parameters<typeof finished>[2], number]> = [
    ['delivered', 2],
    ['expired', 3],
    ['failed', 5],
    ['unknown', 7],
  ];
  for (const [st, state] of states) {
    h.clock.t += 1000;
    const m = await finished(h, s1, st);
    assert.deepEqual(h.backend.query(s1, m.id), { messageId: m.id, state, finalDate: h.clock.t, errorCode: 0 });
  }
});

// -------------------------------------------------------------------------------------- receipts

test('receiptsFor: one receipt per id and alias, with the stat of the final status', async (t) => {
  const h = setup(t);
  const s = session(h, '1', 'pw1');
  const ids: string[] = [];
  for (const seq of [1, 2]) {
    const r = await h.backend.submit(submitReq(s, { text: `p${seq}`, concat: { ref: 1, total: 2, seq } }));
    assert.ok(r.ok);
    ids.push(r.messageId);
  }
  const m = h.store.getOutbound(ids[0]!)!;
  const receipts = h.backend.receiptsFor({ ...m, status: 'delivered', line: '3', doneAt: T0 + 5 });
  assert.deepEqual(
    receipts.map((r) => [r.kind, r.target, (r.payload as { messageId: string }).messageId]),
    ids.map((id) => ['smpp-receipt', '1', id]),
  );
  assert.deepEqual(receipts[0]!.payload, { messageId: ids[0], stat: 'DELIVRD', err: 0, submitDate: T0, doneDate: T0 + 5, text: 'p1p2', recipient: '+8613800138000', sender: 'SHOP', line: 3 });
  const stat = (status: OutboundMessage['status']) => (h.backend.receiptsFor({ ...m, status })[0]!.payload as { stat: string; err: number });
  assert.deepEqual(stat('failed'), { ...stat('failed'), stat: 'UNDELIV', err: 1 });
  assert.equal(stat('expired').stat, 'EXPIRED');
  assert.equal(stat('unknown').stat, 'UNKNOWN');
  assert.equal((h.backend.receiptsFor({ ...m, text: 'x'.repeat(50), status: 'failed' })[0]!.payload as { text: string }).text.length, 20);
  assert.deepEqual(h.backend.receiptsFor({ ...m, report: false }), []);
  assert.deepEqual(h.backend.receiptsFor({ ...m, origin: 'api' }), []);
  assert.deepEqual(h.backend.receiptsFor({ ...m, client: null }), []);
});

test('registered_delivery 2 (SMPP 3.4 §5.2.17): a receipt only when the message fails', async (t) => {
  const h = setup(t);
  const s = session(h, '1', 'pw1');
  const r = await h.backend.submit({ ...submitReq(s, { text: 'only failures' }), registeredDelivery: 2 });
  assert.ok(r.ok);
  const m = h.store.getOutbound(r.messageId)!;
  assert.equal(m.report, true);
  assert.equal(m.reportFailureOnly, true);
  assert.deepEqual(h.backend.receiptsFor({ ...m, status: 'delivered' }), []);
  assert.equal((h.backend.receiptsFor({ ...m, status: 'failed' })[0]!.payload as { stat: string }).stat, 'UNDELIV');
  const r1 = await h.backend.submit({ ...submitReq(s, { text: 'all outcomes' }), registeredDelivery: 1 });
  assert.ok(r1.ok);
  assert.equal(h.store.getOutbound(r1.messageId)!.reportFailureOnly, false);
});

test('a message reaching its final status leaves receipts for the account\'s receivers', async (t) => {
  const h = setup(t);
  const s = session(h, '1', 'pw1');
  const m = await finished(h, s, 'delivered', '2');
  const items = h.backend.pending(s, 10, new Set());
  assert.equal(items.length, 1);
  const it = items[0]!;
  assert.equal(it.kind, 'receipt');
  assert.deepEqual(it.source, { ton: 1, npi: 1, addr: '8613800138000' }, 'the receipt comes from the original recipient');
  assert.deepEqual(it.dest, { ton: 5, npi: 0, addr: 'SHOP' }, 'to the original sender');
  assert.deepEqual(it.receipt, { messageId: m.id, stat: 'DELIVRD', err: 0, submitDate: T0, doneDate: T0, text: 'hello' });
  // Per-line sessions get the receipts of their line only.
  assert.equal(h.backend.pending(session(h, '102', 'pw1'), 10, new Set()).length, 1);
  assert.equal(h.backend.pending(session(h, '101', 'pw1'), 10, new Set()).length, 0);
  // Other accounts none.
  assert.equal(h.backend.pending(session(h, 'acme', 'secret'), 10, new Set()).length, 0);
  // A receipt for a message that never went out on a line (expired) goes to every session of the account.
  await h.store.enqueue({ id: 'exp', origin: 'smpp', client: 'smpp:1', recipient: '+1', number: '+1', text: 't', parts: 1, report: true, expiresAt: T0 + 1 });
  h.store.expireQueued(T0 + 1);
  assert.deepEqual(h.backend.pending(session(h, '101', 'pw1'), 10, new Set()).map((i) => i.receipt?.messageId), ['exp']);
  // A sender without an address gets the bound system_id as destination.
  const noSender = await h.backend.submit(submitReq(s, { source: { ton: 0, npi: 0, addr: '' } }));
  assert.ok(noSender.ok);
  h.store.markSending(noSender.messageId, '1', null, null);
  h.store.finish(noSender.messageId, 'unknown', 'x', ['sending']);
  const last = h.backend.pending(s, 10, new Set()).find((i) => i.receipt?.messageId === noSender.messageId)!;
  assert.deepEqual(last.dest, { ton: 0, npi: 0, addr: '1' });
  assert.equal(last.receipt!.stat, 'UNKNOWN');
});

// ------------------------------------------------------------------------------------ MO and pending

test('pending: received SMS for the account, filtered by line, with the exclude set and the limit', (t) => {
  const h = setup(t);
  const fan = fanoutOf(h);
  const a = h.store.storeIncoming(incoming({ line: '1', text: 'on line 1', recipient: '+8613811110001' }), fan).stored!;
  const b = h.store.storeIncoming(incoming({ line: '2', text: 'on line 2', sender: 'BANK' }), fan).stored!;
  const c = h.store.storeIncoming(incoming({ line: '3', text: 'on line 3' }), fan).stored!;
  const all = session(h, '1', 'pw1');
  const items = h.backend.pending(all, 10, new Set());
  assert.deepEqual(items.map((i) => i.text), ['on line 1', 'on line 2', 'on line 3']);
  assert.equal(items[0]!.kind, 'mo');
  assert.deepEqual(items[0]!.source, { ton: 1, npi: 1, addr: '8613900139000' });
  assert.deepEqual(items[1]!.source, { ton: 5, npi: 0, addr: 'BANK' });
  assert.deepEqual(items[0]!.dest, { ton: 0, npi: 0, addr: '1' }, 'lineNumber off: the bound system_id');
  assert.deepEqual(h.backend.pending(session(h, '102', 'pw1'), 10, new Set()).map((i) => i.text), ['on line 2']);
  assert.deepEqual(h.backend.pending(all, 2, new Set()).map((i) => i.text), ['on line 1', 'on line 2']);
  assert.deepEqual(h.backend.pending(all, 10, new Set([items[0]!.id, items[2]!.id])).map((i) => i.text), ['on line 2']);
  assert.deepEqual(h.backend.pending(all, 0, new Set()), []);
  // acme receives lines 3 and 4 only.
  assert.deepEqual(h.backend.pending(session(h, 'acme', 'secret'), 10, new Set()).map((i) => i.text), ['on line 3']);
  // Accounts without `receive` get nothing.
  assert.deepEqual(h.backend.pending(session(h, '10', 'pw10'), 10, new Set()), []);

  // lineNumber on: the SIM's number (the message's recipient, else the line's known number).
  h.smpp = { ...h.smpp, lineNumber: true };
  h.numbers.set(2, '+8613822220002');
  const withNumbers = h.backend.pending(all, 10, new Set());
  assert.deepEqual(withNumbers.map((i) => i.dest), [
    { ton: 1, npi: 1, addr: '8613811110001' },
    { ton: 1, npi: 1, addr: '8613822220002' },
    { ton: 0, npi: 0, addr: '1' },
  ]);
  assert.ok(a && b && c);
});

test('pending: another account\'s backlog does not hide this account\'s items', (t) => {
  const h = setup(t);
  const fan = fanoutOf(h);
  h.smpp = smppConfig({
    accounts: [
      { systemId: 'big', password: 'x', perLineIds: false, receive: true, lines: [1] },
      { systemId: 'small', password: 'y', perLineIds: false, receive: true, lines: [2] },
    ],
  });
  const fanBig = buildFanout([], { smppAccounts: h.smpp.accounts });
  h.store.batch(() => {
    for (let i = 0; i < 700; i++) h.store.storeIncoming(incoming({ line: '1', text: `bulk ${i}` }), fanBig);
  });
  h.store.storeIncoming(incoming({ line: '2', text: 'mine' }), fanBig);
  assert.deepEqual(h.backend.pending(session(h, 'small', 'y'), 10, new Set()).map((i) => i.text), ['mine']);
  assert.equal(h.backend.pending(session(h, 'big', 'x'), 1000, new Set()).length, 700);
  assert.ok(fan);
});

test('pending: a per-line session finds its items behind a long backlog of other lines', (t) => {
  const h = setup(t);
  const fan = fanoutOf(h);
  h.store.batch(() => {
    for (let i = 0; i < 600; i++) h.store.storeIncoming(incoming({ line: '1', text: `l1 ${i}` }), fan);
  });
  h.store.storeIncoming(incoming({ line: '7', text: 'line 7' }), fan);
  assert.deepEqual(h.backend.pending(session(h, '107', 'pw1'), 5, new Set()).map((i) => i.text), ['line 7']);
});

test('delivered and deliveryFailed record the outcome of a deliver_sm', (t) => {
  const h = setup(t);
  const fan = fanoutOf(h);
  const m = h.store.storeIncoming(incoming(), fan).stored!;
  const s = session(h, '1', 'pw1');
  const [item] = h.backend.pending(s, 10, new Set());
  h.clock.t += 1000;
  h.backend.deliveryFailed(item!.id, s, 'deliver_sm_resp 0x08');
  let d = h.store.getDelivery(item!.id)!;
  assert.equal(d.status, 'pending', 'stays for the next receiver');
  assert.equal(d.attempts, 1);
  assert.equal(d.lastError, 'deliver_sm_resp 0x08');
  assert.equal(h.backend.pending(s, 10, new Set()).length, 1);
  h.backend.delivered(item!.id);
  d = h.store.getDelivery(item!.id)!;
  assert.equal(d.status, 'done');
  assert.deepEqual(h.backend.pending(s, 10, new Set()), []);
  assert.equal(h.store.deliveriesOf(m.id)[0]!.status, 'done');
});

test('a received SMS purged before any receiver took it is failed, not offered forever', (t) => {
  const h = setup(t);
  const fan = fanoutOf(h);
  const m = h.store.storeIncoming(incoming({ text: 'old' }), fan).stored!;
  h.clock.t += 40 * 86_400_000;
  h.store.storeIncoming(incoming({ text: 'new' }), fan);
  h.store.purge({ inboxDays: 30, outboxDays: 0 });
  const s = session(h, '1', 'pw1');
  assert.deepEqual(h.backend.pending(s, 10, new Set()).map((i) => i.text), ['new']);
  const [job] = h.store.deliveriesOf(m.id);
  assert.equal(job!.status, 'failed');
  assert.match(job!.lastError!, /no longer exists/);
});
