import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createCdrPush, type CdrPush } from '../../../src/call/cdr-push/cdr-push.js';
import { nextCdrPushState } from '../../../src/call/cdr-push/cdr-push-state.js';
import type { CdrDocument } from '../../../src/call/cdr-push/cdr-document.js';
import { CounterStore } from '../../../src/store/counter-store.js';
import type { CallRecord } from '../../../src/store/records.js';
import { verifyWebhook } from '../../../src/sms/forward-format.js';
import { silentLogger } from '../../../src/util/log.js';
import { tempDir } from '../../store/temp-dir.js';

const SECRET = 'a-secret-of-sixteen-chars';
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

function record(n: number): CallRecord {
  return {
    id: `1:c${n}`,
    line: '1',
    slot: 0,
    iccid: '8986000000000000001',
    direction: 'out',
    number: '+4915112345678',
    startedAt: T0 + n * 60_000,
    alertedAt: T0 + n * 60_000 + 2000,
    answeredAt: T0 + n * 60_000 + 5000,
    endedAt: T0 + n * 60_000 + 20_000,
    durationS: 15,
    billedS: 60,
    cause: 'normal',
    origin: 'sip:1001',
    outcome: 'answered',
  };
}

interface Received {
  body: string;
  doc: CdrDocument;
  headers: http.IncomingHttpHeaders;
}

/** A CDR receiver on loopback answering with the statuses given in turn (then 200). */
async function receiver(t: TestContext, statuses: number[] = []): Promise<{ url: string; got: Received[]; answers: number[] }> {
  const got: Received[] = [];
  const answers = [...statuses];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const status = answers.length ? answers.shift()! : 200;
      if (status === 200) got.push({ body, doc: JSON.parse(body) as CdrDocument, headers: req.headers });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/cdr`, got, answers };
}

async function until(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function pusher(store: CounterStore, url: string, calls?: EventEmitter): CdrPush {
  return createCdrPush({ store, config: () => ({ url, secret: SECRET }), calls, version: '0.0.0-test', log: silentLogger(), retryMinMs: 30, retryMaxMs: 200 });
}

test('each ended call is POSTed once, in end order, signed with HMAC-SHA256 over the body', async (t) => {
  const store = CounterStore.open(tempDir(t));
  t.after(() => store.close());
  const rx = await receiver(t);
  const events = new EventEmitter();
  const push = pusher(store, rx.url, events);
  push.start();
  t.after(() => push.stop());
  // Call 1 begins first but ends last: it must come after call 2.
  store.beginCall({ id: '1:c1', line: '1', slot: 0, iccid: null, direction: 'out', number: '+4915112345678', startedAt: T0 });
  store.recordCall(record(2));
  events.emit('call-ended');
  store.recordCall(record(1));
  events.emit('call-ended');
  await until('two CDRs', () => rx.got.length === 2);
  assert.deepEqual(rx.got.map((r) => r.doc.call_id), ['1:c2', '1:c1']);
  for (const r of rx.got) {
    const v = verifyWebhook(String(r.headers['x-cellgate-signature']), r.body, SECRET, 300, Math.floor(Date.now() / 1000));
    assert.ok(v.ok, JSON.stringify(v));
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.headers['x-cellgate-delivery'], `cdr:${r.doc.call_id}`);
  }
  assert.ok(!verifyWebhook(String(rx.got[0]!.headers['x-cellgate-signature']), rx.got[0]!.body + ' ', SECRET, 300, Math.floor(Date.now() / 1000)).ok);
  await until('idle', () => push.state === 'idle');
  assert.equal(rx.got.length, 2);
});

test('a 500 is retried with back-off; a 422 (this document refused) is skipped', async (t) => {
  const store = CounterStore.open(tempDir(t));
  t.after(() => store.close());
  const rx = await receiver(t, [500, 503, 422]);
  const push = pusher(store, rx.url);
  push.start();
  t.after(() => push.stop());
  store.recordCall(record(1));
  store.recordCall(record(2));
  push.wake();
  await until('the retries', () => rx.answers.length === 0 && push.state === 'idle');
  // 500 and 503 on call 1, retried, then 422 on call 1 (skipped), call 2 accepted.
  assert.deepEqual(rx.got.map((r) => r.doc.call_id), ['1:c2']);
});

test('a second pusher over the same store sends what the first left, and nothing twice', async (t) => {
  const dir = tempDir(t);
  let store = CounterStore.open(dir);
  const rx = await receiver(t, []);
  const first = pusher(store, rx.url);
  first.start();
  store.recordCall(record(1));
  first.wake();
  await until('the first CDR', () => rx.got.length === 1 && first.state === 'idle');
  // The receiver goes down; two more calls end; the daemon stops with them unsent.
  rx.answers.push(...Array<number>(1000).fill(503));
  store.recordCall(record(2));
  store.recordCall(record(3));
  first.wake();
  await until('a failed attempt', () => first.state === 'backing-off');
  await first.stop();
  store.close();
  // After the restart the receiver is back.
  rx.answers.length = 0;
  store = CounterStore.open(dir);
  t.after(() => store.close());
  const second = pusher(store, rx.url);
  second.start();
  t.after(() => second.stop());
  await until('the rest', () => rx.got.length === 3);
  assert.deepEqual(rx.got.map((r) => r.doc.call_id), ['1:c1', '1:c2', '1:c3']);
  await until('idle', () => second.state === 'idle');
});

test('a receiver seen for the first time starts after the existing history; off means nothing is sent', async (t) => {
  const store = CounterStore.open(tempDir(t));
  t.after(() => store.close());
  store.recordCall(record(1));
  const rx = await receiver(t);
  let on = false;
  const push = createCdrPush({ store, config: () => (on ? { url: rx.url, secret: SECRET } : null), version: 't', log: silentLogger() });
  push.start();
  t.after(() => push.stop());
  await until('idle', () => push.state === 'idle');
  on = true;
  push.wake();
  await until('idle again', () => push.state === 'idle');
  store.recordCall(record(2));
  push.wake();
  await until('one CDR', () => rx.got.length === 1);
  assert.equal(rx.got[0]!.doc.call_id, '1:c2');
});

test('the pusher state machine refuses an illegal edge', () => {
  assert.equal(nextCdrPushState('stopped', 'start'), 'idle');
  assert.equal(nextCdrPushState('sending', 'failed'), 'backing-off');
  assert.throws(() => nextCdrPushState('idle', 'retry-due'));
});
