/**
 * SMPP exactly-once across a restart (docs/decisions/0020): a submit stored without its answer
 * recorded is held after the restart, a resubmission with the same fingerprint is answered with the
 * stored copy's message id instead of queueing a second one, and what nobody resubmitted is released
 * when the window ends.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { MessageStore } from '../../src/store/message-store.js';
import { SmsRouter } from '../../src/sms/sms-router.js';
import { SmppBackend } from '../../src/sms/smpp-backend.js';
import { fingerprintKey, ResubmitGuard } from '../../src/sms/resubmit-guard.js';
import type { SessionInfo, SubmitRequest } from '../../src/smpp/types.js';
import { silentLogger } from '../../src/util/log.js';
import { smppConfig, smsConfig } from '../helpers/sms-config.js';
import { tempDir } from '../store/temp-dir.js';

const ACCOUNTS = [
  { systemId: 'esme', password: 'pw', perLineIds: true, receive: false },
  { systemId: 'other', password: 'pw2', perLineIds: false, receive: false },
];

/** One run of the daemon on the database file: store, router, guard, backend. */
function daemon(t: TestContext, file: string, windowMs: number) {
  const store = MessageStore.openFile(file);
  const smpp = smppConfig({ accounts: ACCOUNTS });
  const router = new SmsRouter({ store, config: () => smsConfig(), linePrefixes: () => [], onQueued: () => {}, log: silentLogger() });
  const wakes = { n: 0 };
  const guard = new ResubmitGuard({ store, windowMs: () => windowMs, onSendable: () => wakes.n++, log: silentLogger() });
  guard.hold();
  const backend = new SmppBackend({ store, router, resubmits: guard, config: () => smpp, lineNumber: () => null, log: silentLogger() });
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    guard.stop();
    store.close();
  };
  t.after(close);
  const session = (systemId: string, password: string): SessionInfo => {
    const r = backend.authenticate({ systemId, password });
    assert.ok(r.ok);
    return { id: `s-${systemId}`, systemId, mode: 'transmitter', remote: '127.0.0.1:1', account: r.account, interfaceVersion: 0x34, systemType: '' };
  };
  return { store, guard, backend, session, wakes, close };
}

function req(s: SessionInfo, text: string, over: Partial<SubmitRequest> = {}): SubmitRequest {
  return {
    session: s,
    sequence: 1,
    source: { ton: 1, npi: 1, addr: '8613800000000' },
    dest: { ton: 1, npi: 1, addr: '8613900139000' },
    text,
    dataCoding: 0,
    concat: null,
    registeredDelivery: 0,
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

async function ok(p: Promise<{ ok: boolean }>): Promise<string> {
  const r = (await p) as { ok: true; messageId: string } | { ok: false; reason: string };
  assert.ok(r.ok, !r.ok ? r.reason : '');
  return r.messageId;
}

/** Lets the group commit carrying the answered marks run. */
const settle = () => new Promise((r) => setTimeout(r, 20));

const queuedIds = (store: MessageStore) => store.queued(1000).map((m) => m.id);

test('a resubmission after a restart is matched to the stored copy: same message id, nothing queued twice', async (t) => {
  const file = path.join(tempDir(t), 'cellgate.db');
  const run1 = daemon(t, file, 60_000);
  const s1 = run1.session('esme', 'pw');
  const answeredId = await ok(run1.backend.submit(req(s1, 'answered')));
  run1.backend.answered(req(s1, 'answered'), answeredId);
  // stored, but the daemon dies before the submit_sm_resp leaves: no answered mark
  const lostA = await ok(run1.backend.submit(req(s1, 'unanswered A')));
  const lostB = await ok(run1.backend.submit(req(s1, 'unanswered B')));
  await settle();
  run1.close();

  const run2 = daemon(t, file, 60_000);
  assert.equal(run2.guard.waiting(), 2, 'the two unanswered copies wait for their resubmission');
  assert.deepEqual(queuedIds(run2.store), [answeredId], 'held copies are not given to the lines');
  const s2 = run2.session('esme', 'pw');
  const again = await ok(run2.backend.submit(req(s2, 'unanswered A')));
  assert.equal(again, lostA, 'the resubmission is answered with the stored copy\'s message id');
  assert.deepEqual(queuedIds(run2.store).sort(), [answeredId, lostA].sort(), 'the claimed copy is sendable, no second copy');
  assert.equal(run2.store.queryOutbound({ text: 'unanswered A' }).total, 1);
  assert.ok(run2.wakes.n >= 1, 'the scheduler is woken for the claimed copy');
  // a second, intentionally new message with the same content after the claim is a new message
  const fresh = await ok(run2.backend.submit(req(s2, 'unanswered A')));
  assert.notEqual(fresh, lostA);
  assert.equal(run2.store.queryOutbound({ text: 'unanswered A' }).total, 2);
  // the window ends: B, never resubmitted, goes out as stored
  run2.guard.release();
  assert.deepEqual(queuedIds(run2.store).sort(), [answeredId, lostA, lostB, fresh].sort());
  assert.equal(run2.guard.waiting(), 0);
});

test('only the same account, addresses, data coding and text match a stored copy', async (t) => {
  const file = path.join(tempDir(t), 'cellgate.db');
  const run1 = daemon(t, file, 60_000);
  const s1 = run1.session('esme', 'pw');
  const stored = await ok(run1.backend.submit(req(s1, 'hi')));
  run1.close();

  const run2 = daemon(t, file, 60_000);
  const own = run2.session('esme', 'pw');
  const perLine = run2.session('esme01', 'pw');
  const other = run2.session('other', 'pw2');
  const differ: Array<[string, SubmitRequest]> = [
    ['another account', req(other, 'hi')],
    ['another source', req(own, 'hi', { source: { ton: 1, npi: 1, addr: '8613800000001' } })],
    ['another destination', req(own, 'hi', { dest: { ton: 1, npi: 1, addr: '8613900139001' } })],
    ['another data coding', req(own, 'hi', { dataCoding: 8 })],
    ['another text', req(own, 'hi!')],
  ];
  for (const [why, r] of differ) assert.notEqual(await ok(run2.backend.submit(r)), stored, why);
  // a per-line id of the same account is the same account
  assert.equal(await ok(run2.backend.submit(req(perLine, 'hi'))), stored);
});

test('a copy answered in the run before, and one claimed but whose answer never left, behave as they should', async (t) => {
  const file = path.join(tempDir(t), 'cellgate.db');
  const run1 = daemon(t, file, 60_000);
  const s1 = run1.session('esme', 'pw');
  const id = await ok(run1.backend.submit(req(s1, 'twice killed')));
  run1.close();
  // second run: the resubmission claims it, and the daemon dies again before the answer leaves
  const run2 = daemon(t, file, 60_000);
  assert.equal(await ok(run2.backend.submit(req(run2.session('esme', 'pw'), 'twice killed'))), id);
  run2.close();
  // third run: still unanswered, so held again and matched again
  const run3 = daemon(t, file, 60_000);
  assert.deepEqual(queuedIds(run3.store), []);
  const s3 = run3.session('esme', 'pw');
  assert.equal(await ok(run3.backend.submit(req(s3, 'twice killed'))), id);
  run3.backend.answered(req(s3, 'twice killed'), id);
  await settle();
  run3.close();
  // fourth run: answered, so nothing is held and a same submit is a new message
  const run4 = daemon(t, file, 60_000);
  assert.equal(run4.guard.waiting(), 0);
  assert.deepEqual(queuedIds(run4.store), [id]);
  assert.notEqual(await ok(run4.backend.submit(req(run4.session('esme', 'pw'), 'twice killed'))), id);
});

test('without a window nothing is held: stored copies go out at once', async (t) => {
  const file = path.join(tempDir(t), 'cellgate.db');
  const run1 = daemon(t, file, 60_000);
  const id = await ok(run1.backend.submit(req(run1.session('esme', 'pw'), 'x')));
  run1.close();
  const run2 = daemon(t, file, 0);
  assert.equal(run2.guard.waiting(), 0);
  assert.deepEqual(queuedIds(run2.store), [id]);
  run2.close();
  // and the marks are cleared: a later run with a window holds nothing either
  const run3 = daemon(t, file, 60_000);
  assert.equal(run3.guard.waiting(), 0);
});

test('the fingerprint covers the concatenation (UDH) and is fixed-size', () => {
  const base = { account: 'a', source: { ton: 1, npi: 1, addr: '1' }, dest: { ton: 1, npi: 1, addr: '2' }, dataCoding: 0, concat: null, text: 't' };
  const k = fingerprintKey(base);
  assert.equal(k.length, 22);
  assert.equal(fingerprintKey({ ...base }), k);
  assert.notEqual(fingerprintKey({ ...base, concat: { ref: 1, total: 2, seq: 1 } }), k);
  assert.notEqual(fingerprintKey({ ...base, concat: { ref: 1, total: 2, seq: 2 } }), fingerprintKey({ ...base, concat: { ref: 1, total: 2, seq: 1 } }));
});
