/** SmsRouter: validation, dial rules, line-prefix routing and durable queueing of outbound SMS. */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { MessageStore } from '../../src/store/message-store.js';
import { SmsRouter, SubmitError, type SubmitRequest } from '../../src/sms/sms-router.js';
import type { SmsConfig } from '../../src/config/schema-messaging.js';
import { silentLogger } from '../../src/util/log.js';
import { smsConfig } from '../helpers/sms-config.js';
import { tempDir } from '../store/temp-dir.js';

const T0 = Date.UTC(2024, 4, 1, 8, 0, 0);

interface Harness {
  router: SmsRouter;
  store: MessageStore;
  cfg: SmsConfig;
  prefixes: Array<{ line: number; prefixes: string }>;
  queuedCalls: number;
  clock: { t: number };
}

function setup(t: TestContext, cfgOver: Partial<SmsConfig> = {}, prefixes: Array<{ line: number; prefixes: string }> = []): Harness {
  const clock = { t: T0 };
  const store = MessageStore.openFile(path.join(tempDir(t), 'cellgate.db'), { now: () => clock.t });
  t.after(() => store.close());
  const h = { store, cfg: smsConfig(cfgOver), prefixes, queuedCalls: 0, clock } as Harness;
  h.router = new SmsRouter({
    store,
    config: () => h.cfg,
    linePrefixes: () => h.prefixes,
    onQueued: () => h.queuedCalls++,
    log: silentLogger(),
    now: () => clock.t,
  });
  t.after(() => h.router.stop());
  return h;
}

function req(over: Partial<SubmitRequest> = {}): SubmitRequest {
  return { origin: 'api', recipient: '+8613800138000', text: 'hello', ...over };
}

async function refused(p: Promise<unknown>, field: SubmitError['field'], re?: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof SubmitError, `expected a SubmitError, got ${String(e)}`);
    assert.equal(e.field, field);
    if (re) assert.match(e.message, re);
    return true;
  });
}

test('submit: stores the message durably, then wakes the scheduler', async (t) => {
  const h = setup(t);
  let seenDurable = false;
  h.router = new SmsRouter({
    store: h.store,
    config: () => h.cfg,
    linePrefixes: () => [],
    onQueued: () => {
      seenDurable = h.store.queuedCount() === 1;
    },
    log: silentLogger(),
    now: () => h.clock.t,
  });
  const m = await h.router.submit(req({ client: 'u', sender: 'SHOP', report: true, id: 'given' }));
  assert.equal(seenDurable, true);
  assert.equal(m.id, 'given');
  assert.equal(m.status, 'queued');
  assert.equal(m.number, '+8613800138000');
  assert.equal(m.parts, 1);
  assert.equal(m.lines, null);
  assert.equal(m.client, 'u');
  assert.equal(m.sender, 'SHOP');
  assert.equal(m.report, true);
  const long = await h.router.submit(req({ text: 'x'.repeat(161) }));
  assert.equal(long.parts, 2, '161 GSM 7-bit characters need two concatenated parts');
  const ucs2 = await h.router.submit(req({ text: '你'.repeat(71) }));
  assert.equal(ucs2.parts, 2, '71 UCS2 characters need two parts of at most 67');
});

test('dial rules rewrite the recipient (appendix E); the submitted recipient is kept', async (t) => {
  const h = setup(t, { dialRules: '86:-86|0:-0++86' });
  const a = await h.router.submit(req({ recipient: '8613800138000' }));
  assert.equal(a.number, '13800138000');
  assert.equal(a.recipient, '8613800138000');
  const b = await h.router.submit(req({ recipient: '013800138000' }));
  assert.equal(b.number, '+8613800138000');
  const c = await h.router.submit(req({ recipient: '+4915112345678' }));
  assert.equal(c.number, '+4915112345678', 'no rule matches: unchanged outside strict mode');
  assert.deepEqual(h.router.route({ recipient: '138 0013-8000' }), { number: '138 0013-8000'.replace(/[ -]/g, ''), lines: null });
});

test('strict dial rules refuse a number no rule matches completely', async (t) => {
  const h = setup(t, { dialRules: '1[3-8]XXXXXXXXX:', strictDialRules: true });
  const ok = await h.router.submit(req({ recipient: '13800138000' }));
  assert.equal(ok.number, '13800138000');
  await refused(h.router.submit(req({ recipient: '1380013800' })), 'recipient', /dial rules refuse/);
  await refused(h.router.submit(req({ recipient: '+8613800138000' })), 'recipient', /dial rules refuse/);
  assert.equal(h.store.queuedCount(), 1);
});

test('a dial rule producing something that is not a number is refused', async (t) => {
  const h = setup(t, { dialRules: '13:+abc' });
  await refused(h.router.submit(req({ recipient: '13800138000' })), 'recipient', /not a phone number/);
});

test('line-prefix routing on the recipient, with and without stripping (§4.3)', async (t) => {
  const prefixes = [
    { line: 1, prefixes: '001' },
    { line: 2, prefixes: '002,13' },
    { line: 3, prefixes: '13' },
    { line: 4, prefixes: '' },
  ];
  const h = setup(t, { stripPrefix: true }, prefixes);
  const a = await h.router.submit(req({ recipient: '00113800138000' }));
  assert.deepEqual(a.lines, [1]);
  assert.equal(a.number, '13800138000');
  const b = await h.router.submit(req({ recipient: '13800138000' }));
  assert.deepEqual(b.lines, [2, 3], 'lines sharing the longest prefix');
  assert.equal(b.number, '800138000');
  await refused(h.router.submit(req({ recipient: '+4915112345678' })), 'recipient', /prefix/);
  await refused(h.router.submit(req({ recipient: '001' })), 'recipient', /empty once the line prefix is removed/);
  h.cfg = smsConfig({ stripPrefix: false });
  const c = await h.router.submit(req({ recipient: '00113800138000' }));
  assert.equal(c.number, '00113800138000');
  assert.deepEqual(c.lines, [1]);
});

test('line-prefix routing on the sender (caller mode); strip does not apply', async (t) => {
  const h = setup(t, { prefixMatch: 'caller', stripPrefix: true }, [
    { line: 5, prefixes: '800' },
    { line: 6, prefixes: '9' },
  ]);
  const a = await h.router.submit(req({ sender: '8001', recipient: '13800138000' }));
  assert.deepEqual(a.lines, [5]);
  assert.equal(a.number, '13800138000');
  await refused(h.router.submit(req({ sender: '7001' })), 'recipient', /sender/);
  await refused(h.router.submit(req({})), 'recipient', /sender/);
});

test('the lines the caller allows are intersected with prefix routing', async (t) => {
  const h = setup(t, {}, [
    { line: 1, prefixes: '13' },
    { line: 2, prefixes: '13' },
  ]);
  const a = await h.router.submit(req({ recipient: '13800138000', lines: [2, 3] }));
  assert.deepEqual(a.lines, [2]);
  await refused(h.router.submit(req({ recipient: '13800138000', lines: [3] })), 'lines', /line 3 may not carry/);
  h.prefixes = [];
  const b = await h.router.submit(req({ recipient: '13800138000', lines: [3] }));
  assert.deepEqual(b.lines, [3], 'no prefix routing: the caller decides');
  const c = await h.router.submit(req({ recipient: '13800138000', lines: [] }));
  assert.equal(c.lines, null, 'an empty list restricts nothing');
});

test('bad recipients are refused with field "recipient"', async (t) => {
  const h = setup(t);
  for (const r of ['', 'abc', '+', '++861', '1'.repeat(21), '+86 138x', '13800138000;']) {
    await refused(h.router.submit(req({ recipient: r })), 'recipient');
  }
  await refused(h.router.submit(req({ recipient: undefined as unknown as string })), 'recipient');
  await refused(h.router.submit(req({ recipient: 13800138000 as unknown as string })), 'recipient');
  const ok = await h.router.submit(req({ recipient: '*100#' }));
  assert.equal(ok.number, '*100#');
  const spaced = await h.router.submit(req({ recipient: '+86 138-0013-8000' }));
  assert.equal(spaced.number, '+8613800138000');
  assert.equal(h.store.queuedCount(), 2);
});

test('empty, too long and non-text texts are refused with field "text"', async (t) => {
  const h = setup(t);
  await refused(h.router.submit(req({ text: '' })), 'text', /empty/);
  await refused(h.router.submit(req({ text: 'x'.repeat(255 * 153 + 1) })), 'text', /at most/);
  await refused(h.router.submit(req({ text: '你'.repeat(255 * 67 + 1) })), 'text', /255/);
  await refused(h.router.submit(req({ text: null as unknown as string })), 'text');
  const max = await h.router.submit(req({ text: 'x'.repeat(255 * 153) }));
  assert.equal(max.parts, 255);
});

test('a validity period that already ran out is refused with field "validity"', async (t) => {
  const h = setup(t);
  await refused(h.router.submit(req({ expiresAt: T0 })), 'validity');
  await refused(h.router.submit(req({ expiresAt: T0 - 1 })), 'validity');
  const ok = await h.router.submit(req({ expiresAt: T0 + 1, notBefore: T0 + 5 }));
  assert.equal(ok.expiresAt, T0 + 1);
  assert.equal(ok.notBefore, T0 + 5);
  assert.equal(h.queuedCalls, 1);
});

test('submitPart: parts are kept until all came, then one routed message is queued', async (t) => {
  const h = setup(t, { dialRules: '86:-86' });
  const base = { origin: 'smpp' as const, client: 'acct', sender: 'SHOP', recipient: '8613800138000', report: true };
  const p2 = await h.router.submitPart({ ...base, text: 'B'.repeat(153), concat: { ref: 7, total: 3, seq: 2 } });
  assert.equal(p2.queued, null);
  assert.equal(h.queuedCalls, 0);
  const p1 = await h.router.submitPart({ ...base, text: 'A'.repeat(153), concat: { ref: 7, total: 3, seq: 1 } });
  // Another message of the same client with another reference does not mix in.
  const other = await h.router.submitPart({ ...base, text: 'Z', concat: { ref: 8, total: 3, seq: 3 } });
  const p3 = await h.router.submitPart({ ...base, text: 'C', concat: { ref: 7, total: 3, seq: 3 } });
  assert.ok(p3.queued);
  assert.equal(h.queuedCalls, 1);
  const m = p3.queued;
  assert.equal(m.id, p1.partId);
  assert.deepEqual([...m.aliases].sort(), [p2.partId, p3.partId].sort());
  assert.equal(m.text, 'A'.repeat(153) + 'B'.repeat(153) + 'C');
  assert.equal(m.number, '13800138000');
  assert.equal(m.parts, 3);
  assert.equal(h.store.getOutbound(other.partId), undefined);
  // Bad parts are refused like whole messages.
  await refused(h.router.submitPart({ ...base, recipient: 'x', text: 'a', concat: { ref: 9, total: 2, seq: 1 } }), 'recipient');
  await refused(h.router.submitPart({ ...base, text: 'a', concat: { ref: 9, total: 2, seq: 3 } }), 'text', /valid concatenation/);
  await refused(h.router.submitPart({ ...base, text: 'a', concat: { ref: 9, total: 2, seq: 0 } }), 'text', /valid concatenation/);
  await refused(h.router.submitPart({ ...base, text: 'a', concat: { ref: 9, total: 256, seq: 1 } }), 'text', /valid concatenation/);
});

test('flushStaleParts: parts whose siblings never came are sent as they are, after submitPartTimeoutSec', async (t) => {
  const h = setup(t, { submitPartTimeoutSec: 60 });
  const base = { origin: 'smpp' as const, client: 'acct', recipient: '13800138000' };
  const p1 = await h.router.submitPart({ ...base, text: 'first ', concat: { ref: 1, total: 3, seq: 1 } });
  await h.router.flushStaleParts();
  assert.equal(h.store.queuedCount(), 0);
  h.clock.t += 61_000;
  await h.router.flushStaleParts();
  const m = h.store.getOutbound(p1.partId)!;
  assert.equal(m.partial, true);
  assert.equal(m.text, 'first ');
  assert.equal(h.queuedCalls, 1);
  h.router.start();
  h.router.stop();
});

test('configuration changes are picked up at the next submission', async (t) => {
  const h = setup(t);
  assert.equal((await h.router.submit(req({ recipient: '8613800138000' }))).number, '8613800138000');
  h.cfg = { ...h.cfg, dialRules: '86:-86' };
  assert.equal((await h.router.submit(req({ recipient: '8613800138000' }))).number, '13800138000');
  h.cfg = { ...h.cfg, dialRules: '86:-86+0' };
  assert.equal((await h.router.submit(req({ recipient: '8613800138000' }))).number, '013800138000');
  h.cfg = { ...h.cfg, dialRules: 'not a rule set [' };
  assert.equal((await h.router.submit(req({ recipient: '8613800138000' }))).number, '8613800138000', 'rules that do not parse: none');
  h.prefixes = [{ line: 9, prefixes: '86' }];
  assert.deepEqual((await h.router.submit(req({ recipient: '8613800138000' }))).lines, [9]);
});

test('client ids: internal submissions are marked internal:<origin>; a caller\'s own id is kept', async (t) => {
  const h = setup(t);
  for (const origin of ['forward', 'command', 'discovery'] as const) {
    assert.equal((await h.router.submit(req({ origin }))).client, `internal:${origin}`);
  }
  assert.equal((await h.router.submit(req({ client: 'api:ops' }))).client, 'api:ops');
  assert.equal((await h.router.submit(req())).client, null, 'an API submit names its user itself');
});

test('decideUnknown: a resend wakes the scheduler, a fail does not; only unknown messages', async (t) => {
  const h = setup(t);
  for (const id of ['r', 'f']) {
    await h.router.submit(req({ id, client: 'api:admin' }));
    h.store.markSending(id, '1', 'A', null);
  }
  h.store.recoverInterrupted(false);
  const woken = h.queuedCalls;
  assert.equal(h.router.decideUnknown('r', 'resend', 'api:ops')!.status, 'queued');
  assert.equal(h.queuedCalls, woken + 1);
  assert.equal(h.router.decideUnknown('f', 'fail', 'api:ops')!.status, 'failed');
  assert.equal(h.queuedCalls, woken + 1);
  assert.equal(h.router.decideUnknown('r', 'fail', 'api:ops'), null);
});
