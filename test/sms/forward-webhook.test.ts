import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeliveryWorker, PermanentDeliveryError } from '../../src/sms/delivery-worker.js';
import { verifyWebhook } from '../../src/sms/forward-format.js';
import { createWebhookForwarder, parseRetryAfter, WebhookRetryError, type WebhookSettings } from '../../src/sms/forwarders/webhook.js';
import type { MessageStore } from '../../src/store/message-store.js';
import { silentLogger } from '../../src/util/log.js';
import { FakeClock, openStore, receive } from './forward-harness.js';

interface Hit {
  headers: http.IncomingHttpHeaders;
  body: string;
  method: string;
}

/** A local HTTP server answering with the next reply of `replies` (the last one repeats). */
async function server(t: TestContext, replies: Array<{ status: number; body?: string; headers?: Record<string, string> } | 'hang'>): Promise<{ url: string; hits: Hit[] }> {
  const hits: Hit[] = [];
  const srv = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), method: req.method ?? '' });
      const r = replies[Math.min(hits.length - 1, replies.length - 1)]!;
      if (r === 'hang') return;
      res.writeHead(r.status, r.headers ?? {});
      res.end(r.body ?? '');
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => {
    srv.closeAllConnections();
    srv.close();
  });
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/sms`, hits };
}

async function waitFor(cond: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

function setup(t: TestContext, url: string, settings: WebhookSettings | undefined, clock = new FakeClock()) {
  const { store } = openStore(t, clock.now);
  const m = receive(store, { line: '1', slot: 'A', sender: '+8613670128297', recipient: '+8613800000001', text: '你好，世界 🌏' }, [{ kind: 'webhook', target: url, payload: null }]);
  const handler = createWebhookForwarder({
    getInbound: (ref) => store.getInbound(ref),
    lookup: (u) => (u === url ? settings : undefined),
    version: '1.2.3',
    log: silentLogger(),
    now: () => Date.now(),
  });
  return { store, m, handler, clock, job: store.deliveriesOf(m.id)[0]! };
}

function runWorker(store: MessageStore, clock: FakeClock, handler: ReturnType<typeof createWebhookForwarder>): DeliveryWorker {
  const w = new DeliveryWorker({ kind: 'webhook', store, handler, retry: { retryBaseSec: 10, retryMaxSec: 60, giveUpHours: 1 }, log: silentLogger(), now: clock.now, setTimer: clock.setTimer, random: () => 0.5 });
  w.start();
  return w;
}

test('webhook: signed JSON POST with the delivery id and user agent; the signature verifies', async (t) => {
  const srv = await server(t, [{ status: 204 }]);
  const secret = 'a-shared-secret-123';
  const { handler, job, m } = setup(t, srv.url, { secret });
  await handler(job, new AbortController().signal);
  assert.equal(srv.hits.length, 1);
  const h = srv.hits[0]!;
  assert.equal(h.method, 'POST');
  assert.equal(h.headers['content-type'], 'application/json');
  assert.equal(h.headers['user-agent'], 'cellgate/1.2.3');
  assert.equal(h.headers['x-cellgate-delivery'], job.id);
  const sig = h.headers['x-cellgate-signature'] as string;
  assert.match(sig, /^t=\d+,v1=[0-9a-f]{64}$/);
  assert.deepEqual(verifyWebhook(sig, h.body, secret, 300, Math.floor(Date.now() / 1000)).ok, true);
  assert.equal(verifyWebhook(sig, h.body, 'another-secret', 300, Math.floor(Date.now() / 1000)).ok, false);
  assert.equal(verifyWebhook(sig, h.body.replace('你好', '您好'), secret, 300, Math.floor(Date.now() / 1000)).ok, false);
  const p = JSON.parse(h.body) as Record<string, unknown>;
  assert.equal(p.event, 'sms.received');
  assert.equal(p.id, m.id);
  assert.equal(p.line, 1);
  assert.equal(p.slot, 1);
  assert.equal(p.from, '+8613670128297');
  assert.equal(p.to, '+8613800000001');
  assert.equal(p.text, '你好，世界 🌏');
  assert.equal(p.partial, false);
});

test('webhook: posts without the global fetch (its WebAssembly HTTP parser costs native memory; decision 0018)', async (t) => {
  const srv = await server(t, [{ status: 200 }]);
  const original = globalThis.fetch;
  globalThis.fetch = () => Promise.reject(new Error('the global fetch was used'));
  t.after(() => {
    globalThis.fetch = original;
  });
  const { handler, job } = setup(t, srv.url, {});
  await handler(job, new AbortController().signal);
  assert.equal(srv.hits.length, 1);
});

test('webhook: a long error answer is cut in the error; the answer is not held whole', async (t) => {
  const srv = await server(t, [{ status: 400, body: 'x'.repeat(100_000) }]);
  const { handler, job } = setup(t, srv.url, {});
  await assert.rejects(handler(job, new AbortController().signal), (e: Error) => e instanceof PermanentDeliveryError && e.message.length < 400 && /HTTP 400: x+/.test(e.message));
});

test('webhook: without a secret there is no signature header', async (t) => {
  const srv = await server(t, [{ status: 200 }]);
  const { handler, job } = setup(t, srv.url, {});
  await handler(job, new AbortController().signal);
  assert.equal(srv.hits[0]!.headers['x-cellgate-signature'], undefined);
  assert.equal(srv.hits[0]!.headers['x-cellgate-delivery'], job.id);
});

test('webhook: 500 then 200 → delivered once, after one retry, with the same delivery id', async (t) => {
  const srv = await server(t, [{ status: 500, body: 'database down' }, { status: 200 }]);
  const { store, handler, clock, job } = setup(t, srv.url, { secret: 'a-shared-secret-123' });
  const w = runWorker(store, clock, handler);
  t.after(() => w.stop());
  await waitFor(() => store.getDelivery(job.id)!.attempts === 1);
  let d = store.getDelivery(job.id)!;
  assert.equal(d.status, 'pending');
  assert.match(d.lastError!, /HTTP 500: database down/);
  assert.equal(d.nextAt - clock.now(), 10_000);
  await clock.advance(10_000);
  await waitFor(() => store.getDelivery(job.id)!.status === 'done');
  d = store.getDelivery(job.id)!;
  assert.equal(d.attempts, 2);
  assert.equal(srv.hits.length, 2);
  assert.equal(srv.hits.filter((h) => h.headers['x-cellgate-delivery'] === job.id).length, 2);
  await clock.advance(3_600_000);
  assert.equal(srv.hits.length, 2, 'nothing sent after it was delivered');
});

test('webhook: 400 fails the job for good (no retry)', async (t) => {
  const srv = await server(t, [{ status: 400, body: '{"error":"unknown line"}' }]);
  const { store, handler, clock, job } = setup(t, srv.url, {});
  const w = runWorker(store, clock, handler);
  t.after(() => w.stop());
  await waitFor(() => store.getDelivery(job.id)!.status !== 'pending');
  const d = store.getDelivery(job.id)!;
  assert.equal(d.status, 'failed');
  assert.equal(d.attempts, 1);
  assert.match(d.lastError!, /HTTP 400: \{"error":"unknown line"\}/);
  await clock.advance(3_600_000);
  assert.equal(srv.hits.length, 1);
});

test('webhook: 408, 429 (with Retry-After) and 503 are retried; 404 and a redirect are not', async (t) => {
  for (const status of [408, 429, 503]) {
    const srv = await server(t, [{ status, headers: status === 429 ? { 'Retry-After': '30' } : {} }]);
    const { handler, job } = setup(t, srv.url, {});
    await assert.rejects(handler(job, new AbortController().signal), (e: unknown) => {
      assert.ok(e instanceof WebhookRetryError && !(e instanceof PermanentDeliveryError), `${status}`);
      assert.equal(e.status, status);
      if (status === 429) assert.equal(e.retryAfterMs, 30_000);
      return true;
    });
  }
  for (const status of [404, 302]) {
    const srv = await server(t, [{ status, headers: status === 302 ? { Location: 'http://127.0.0.1:1/elsewhere' } : {} }]);
    const { handler, job } = setup(t, srv.url, {});
    await assert.rejects(handler(job, new AbortController().signal), (e: unknown) => e instanceof PermanentDeliveryError && e.message.includes(`HTTP ${status}`));
    assert.equal(srv.hits.length, 1, 'a redirect is not followed');
  }
});

test('webhook: a server that does not answer in time → retried', async (t) => {
  const srv = await server(t, ['hang']);
  const { store, handler, clock, job } = setup(t, srv.url, { timeoutSec: 1 });
  const w = runWorker(store, clock, handler);
  t.after(() => w.stop());
  await waitFor(() => store.getDelivery(job.id)!.attempts === 1, 5_000);
  const d = store.getDelivery(job.id)!;
  assert.equal(d.status, 'pending');
  assert.match(d.lastError!, /timed out/);
});

test('webhook: connection refused → retried; a URL no rule has any more → failed for good', async (t) => {
  const srv = await server(t, [{ status: 200 }]);
  // A port nobody listens on: one just released.
  const tmp = http.createServer();
  await new Promise<void>((r) => tmp.listen(0, '127.0.0.1', r));
  const port = (tmp.address() as AddressInfo).port;
  await new Promise<void>((r) => tmp.close(() => r()));
  const dead = `http://127.0.0.1:${port}/sms`;
  const a = setup(t, dead, {});
  await assert.rejects(a.handler(a.job, new AbortController().signal), (e: unknown) => e instanceof WebhookRetryError && /ECONNREFUSED/.test(e.message));
  const b = setup(t, srv.url, undefined);
  await assert.rejects(b.handler(b.job, new AbortController().signal), (e: unknown) => e instanceof PermanentDeliveryError && /no forwarding rule/.test(e.message));
  assert.equal(srv.hits.length, 0);
});

test('parseRetryAfter: seconds or an HTTP date', () => {
  const now = Date.UTC(2024, 0, 1, 0, 0, 0);
  assert.equal(parseRetryAfter('120', now), 120_000);
  assert.equal(parseRetryAfter('Mon, 01 Jan 2024 00:01:00 GMT', now), 60_000);
  assert.equal(parseRetryAfter('soon', now), undefined);
  assert.equal(parseRetryAfter(null, now), undefined);
});
