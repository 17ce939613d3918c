/**
 * GET /api/events through the real web app (auth gate, router, Koa) on a real socket, fed by fake
 * event buses: the opening frames per role, coalesced line events, call and SMS events, the end of a
 * stream on logout and on close, the per-user limit, a client that stops reading, and no listener
 * left behind after 100 connect/disconnect cycles.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { request } from 'node:http';
import { PassThrough } from 'node:stream';
import { createBrotliDecompress, createGunzip } from 'node:zlib';
import type { CallView } from '../../src/call/call-view.js';
import type { CallEvents, LineEvents, SmsEvents } from '../../src/events.js';
import type { Call } from '../../src/call/call.js';
import { eventStreams, type EventStreams } from '../../src/web/event-stream-routes.js';
import { LiveEventHub } from '../../src/web/live-event-hub.js';
import { SessionStore } from '../../src/web/sessions.js';
import { ADMIN_PASSWORD, FakeAuth, basic, lineStatus, loginSession, startApp, type Harness } from './harness.js';
import { SseReader } from './sse-reader.js';

class FakeLine extends EventEmitter<LineEvents> {
  constructor(readonly id: number) {
    super();
  }
}

interface Rig {
  h: Harness;
  streams: EventStreams;
  lines: FakeLine[];
  calls: EventEmitter<CallEvents>;
  sms: EventEmitter<SmsEvents>;
  callViews: Map<string, CallView>;
  listenerCount(): number;
}

async function rig(opts: { maxQueuedBytes?: number; lineMinIntervalMs?: number } = {}): Promise<Rig> {
  const lines = [new FakeLine(1), new FakeLine(2)];
  const calls = new EventEmitter<CallEvents>();
  const sms = new EventEmitter<SmsEvents>();
  const callViews = new Map<string, CallView>();
  const sessions = new SessionStore();
  let registryRef: Harness['registry'] | null = null;
  const hub = new LiveEventHub(
    { lines: () => lines, lineStatus: (id) => registryRef!.get(id), calls, callView: (id) => callViews.get(id), sms },
    opts.lineMinIntervalMs !== undefined ? { lineMinIntervalMs: opts.lineMinIntervalMs } : {},
  );
  const auth = new FakeAuth();
  auth.users.set('texter', { password: 'texter-password', role: 'sms' });
  const streams = eventStreams({ hub, sessions, auth, checkMs: 50, ...(opts.maxQueuedBytes ? { maxQueuedBytes: opts.maxQueuedBytes } : {}) });
  const h = await startApp({ sessions, auth, extraRoutes: () => streams.routes });
  h.auth = auth;
  registryRef = h.registry;
  const listenerCount = () =>
    lines.reduce((n, l) => n + l.listenerCount('status'), 0) +
    (['call-started', 'call-changed', 'call-ended'] as const).reduce((n, e) => n + calls.listenerCount(e), 0) +
    (['sms-received', 'sms-accepted', 'sms-sent', 'sms-final'] as const).reduce((n, e) => n + sms.listenerCount(e), 0);
  return { h, streams, lines, calls, sms, callViews, listenerCount };
}

async function open(r: Rig, headers: Record<string, string>, signal?: AbortSignal): Promise<{ res: Response; reader: SseReader }> {
  const res = await fetch(`${r.h.base}/api/events`, { headers, ...(signal ? { signal } : {}) });
  assert.equal(res.status, 200, await (res.status === 200 ? Promise.resolve('') : res.text()));
  return { res, reader: new SseReader(res.body!) };
}

const ADMIN = { authorization: basic('admin', ADMIN_PASSWORD) };
const TEXTER = { authorization: basic('texter', 'texter-password') };

async function until(pred: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((x) => setTimeout(x, 10));
  }
}

test('anonymous gets 401; the response of an allowed caller is an unbuffered event stream', async () => {
  const r = await rig();
  try {
    const anon = await fetch(`${r.h.base}/api/events`);
    assert.equal(anon.status, 401);
    const ac = new AbortController();
    const { res, reader } = await open(r, ADMIN, ac.signal);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal(res.headers.get('x-accel-buffering'), 'no');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    // fetch asks for gzip/brotli: the stream comes compressed, and its events still arrive one by one
    assert.match(res.headers.get('content-encoding') ?? '', /^(gzip|br)$/);
    await reader.until((e) => e.length >= 2, 2000, 'hello and lines');
    assert.equal(reader.retry, 2000);
    ac.abort();
    const head = await fetch(`${r.h.base}/api/events`, { method: 'HEAD', headers: ADMIN });
    assert.equal(head.status, 200);
    assert.match(head.headers.get('content-type') ?? '', /^text\/event-stream/);
    await until(() => r.streams.size === 0, 2000, 'HEAD opens no stream');
  } finally {
    await r.h.close();
  }
});

test('compression follows Accept-Encoding, and every write is flushed: the opening frames decode before the stream ends', async () => {
  const r = await rig();
  try {
    // Raw requests, so the bytes on the wire are seen as sent.
    const raw = (acceptEncoding: string) =>
      new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: r.h.port, path: '/api/events', headers: { ...ADMIN, 'accept-encoding': acceptEncoding }, agent: false }, resolve);
        req.on('error', reject);
        req.end();
      });
    for (const [accept, coding] of [['identity', null], ['gzip', 'gzip'], ['br, gzip', 'br']] as const) {
      const res = await raw(accept);
      assert.equal(res.headers['content-encoding'], coding ?? undefined, `Accept-Encoding: ${accept}`);
      assert.equal(res.headers['vary'], 'Accept-Encoding');
      const decoded = coding === 'br' ? createBrotliDecompress() : coding === 'gzip' ? createGunzip() : new PassThrough();
      let text = '';
      decoded.on('data', (b: Buffer) => (text += b.toString('utf8')));
      decoded.on('error', () => undefined); // the stream is cut below, mid-way
      res.pipe(decoded);
      await until(() => text.includes('event: lines'), 2000, `hello and lines decoded (${accept})`);
      assert.match(text, /^retry: 2000\n\nevent: hello\n/);
      res.destroy();
    }
    await until(() => r.streams.size === 0, 2000, 'the streams end');
  } finally {
    await r.h.close();
  }
});

test('admin: hello, the lines snapshot, then coalesced line events, call and sms events', async () => {
  const r = await rig();
  try {
    const ac = new AbortController();
    const { reader } = await open(r, ADMIN, ac.signal);
    await reader.until((e) => e.length >= 2, 2000, 'hello and lines');
    assert.deepEqual(reader.events[0], { event: 'hello', data: JSON.stringify({ user: 'admin', role: 'admin' }) });
    assert.equal(reader.events[1]!.event, 'lines');
    assert.deepEqual(JSON.parse(reader.events[1]!.data), { lines: r.h.registry.list() });

    // a burst of 40 status changes on line 1 within ~200 ms: the first at once, then the newest
    const burstStart = performance.now();
    for (let i = 0; i < 40; i++) {
      r.h.registry.lines[0] = lineStatus(1, { signal: i % 32 });
      r.lines[0]!.emit('status');
      await new Promise((x) => setTimeout(x, 5));
    }
    await reader.until((e) => e.some((x) => x.event === 'line' && JSON.parse(x.data).signal === 39 % 32), 2000, 'the newest line status');
    const lineEvents = reader.events.filter((e) => e.event === 'line');
    // One at once, then at most one per 250 ms while the burst lasts (longer on a loaded machine), and the last.
    const allowed = 2 + Math.ceil((performance.now() - burstStart) / 250);
    assert.ok(lineEvents.length <= allowed && lineEvents.length < 40, `coalesced to ${lineEvents.length} events (at most ${allowed})`);
    assert.deepEqual(JSON.parse(lineEvents.at(-1)!.data), r.h.registry.get(1));

    const view = { id: 'c1', direction: 'out', line: 1, state: 'DIALING' } as unknown as CallView;
    r.callViews.set('c1', view);
    r.calls.emit('call-started', { id: 'c1' } as Call);
    r.sms.emit('sms-accepted', { id: 'm1', client: 'api:admin' });
    r.sms.emit('sms-received', { id: 'm2', line: 1, from: '+8613900000000' });
    r.sms.emit('sms-final', { id: 'm1', state: 'delivered' });
    await reader.until((e) => e.filter((x) => x.event === 'sms').length === 3, 2000, 'three sms events');
    assert.deepEqual(JSON.parse(reader.events.find((e) => e.event === 'call')!.data), view);
    assert.deepEqual(
      reader.events.filter((e) => e.event === 'sms').map((e) => JSON.parse(e.data)),
      [
        { id: 'm1', direction: 'out', status: 'queued' },
        { id: 'm2', direction: 'in', status: 'received' },
        { id: 'm1', direction: 'out', status: 'delivered' },
      ],
    );
    ac.abort();
  } finally {
    await r.h.close();
  }
});

test('the sms role gets hello and sms events only: no lines, line or call events', async () => {
  const r = await rig();
  try {
    const ac = new AbortController();
    const { reader } = await open(r, TEXTER, ac.signal);
    await reader.until((e) => e.length >= 1, 2000, 'hello');
    r.lines[0]!.emit('status');
    r.callViews.set('c1', { id: 'c1' } as CallView);
    r.calls.emit('call-started', { id: 'c1' } as Call);
    r.sms.emit('sms-sent', { id: 'm9' });
    await reader.until((e) => e.some((x) => x.event === 'sms'), 2000, 'the sms event');
    assert.deepEqual(
      reader.events.map((e) => e.event),
      ['hello', 'sms'],
    );
    assert.deepEqual(JSON.parse(reader.events[0]!.data), { user: 'texter', role: 'sms' });
    ac.abort();
  } finally {
    await r.h.close();
  }
});

test('logout ends a session-cookie stream; closeAll (daemon stop) ends the others', async () => {
  const r = await rig();
  try {
    const { cookie, csrfToken } = await loginSession(r.h.base);
    const bySession = await open(r, { cookie });
    const byBasic = await open(r, ADMIN);
    await bySession.reader.until((e) => e.length >= 2, 2000, 'hello and lines');
    const out = await fetch(`${r.h.base}/api/logout`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrfToken } });
    assert.equal(out.status, 200);
    await bySession.reader.closed(2000);
    assert.equal(bySession.reader.ended, true, 'the stream ended after logout');
    assert.equal(byBasic.reader.ended, false);
    r.streams.closeAll();
    await byBasic.reader.closed(2000);
    assert.equal(byBasic.reader.ended, true);
    assert.equal(r.streams.size, 0);
    assert.equal(r.listenerCount(), 0);
  } finally {
    await r.h.close();
  }
});

test('a removed account loses its stream (role check on the timer)', async () => {
  const r = await rig();
  try {
    const s = await open(r, TEXTER);
    await s.reader.until((e) => e.length >= 1, 2000, 'hello');
    r.h.auth.users.delete('texter');
    await s.reader.closed(2000);
    assert.equal(s.reader.ended, true);
  } finally {
    await r.h.close();
  }
});

test('at most 32 streams per user: the 33rd gets 429; another user is not affected', async () => {
  const r = await rig();
  const ac = new AbortController();
  try {
    for (let i = 0; i < 32; i++) await open(r, ADMIN, ac.signal);
    const over = await fetch(`${r.h.base}/api/events`, { headers: ADMIN });
    assert.equal(over.status, 429);
    await open(r, TEXTER, ac.signal);
    assert.equal(r.streams.size, 33);
  } finally {
    ac.abort();
    await r.h.close();
  }
});

test('100 connect/disconnect cycles leave no listener on the event buses and no stream open', async () => {
  const r = await rig();
  try {
    const before = r.listenerCount();
    assert.equal(before, 0);
    for (let i = 0; i < 100; i++) {
      const ac = new AbortController();
      const { reader } = await open(r, i % 2 ? ADMIN : TEXTER, ac.signal);
      await reader.until((e) => e.length >= 1, 2000, 'hello');
      assert.ok(r.listenerCount() > 0, 'listening while a stream is open');
      r.lines[0]!.emit('status'); // leaves a coalescer timer behind if any
      ac.abort();
      await until(() => r.streams.size === 0, 2000, `stream ${i} closed on the server`);
    }
    assert.equal(r.listenerCount(), before);
  } finally {
    await r.h.close();
  }
});

test('a client that stops reading is dropped once its queue is full, and the others go on', async () => {
  const r = await rig({ maxQueuedBytes: 64 * 1024, lineMinIntervalMs: 0 });
  try {
    const ac = new AbortController();
    const healthy = await open(r, ADMIN, ac.signal);
    // A raw client that reads the headers, then never reads again.
    const stalled = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: r.h.port, path: '/api/events', headers: ADMIN, agent: false }, resolve);
      req.on('error', reject);
      req.end();
    });
    assert.equal(stalled.statusCode, 200);
    stalled.pause();
    stalled.socket.pause();
    await until(() => r.streams.size === 2, 2000, 'both open');
    // One 16 KiB event per turn of the event loop: the reading client keeps up, the stalled one cannot.
    const big = 'x'.repeat(16 * 1024);
    for (let i = 0; i < 20_000 && r.streams.size === 2; i++) {
      r.h.registry.lines[0] = lineStatus(1, { name: `${big}${i}` });
      r.lines[0]!.emit('status');
      await new Promise((x) => setImmediate(x));
    }
    await until(() => r.streams.size < 2, 5000, 'the stalled client dropped');
    assert.equal(r.streams.size, 1);
    assert.equal(healthy.reader.ended, false, 'the reading client stays');
    r.lines[0]!.emit('status');
    await healthy.reader.until((e) => e.filter((x) => x.event === 'line').length > 0, 5000, 'line events still reach the reading client');
    stalled.destroy();
    ac.abort();
  } finally {
    await r.h.close();
  }
});

test('a line that starts after the stream opened is followed (the API listens before the lines start)', async () => {
  const r = await rig();
  try {
    const late = r.lines.splice(1, 1)[0]!;
    const ac = new AbortController();
    const { reader } = await open(r, ADMIN, ac.signal);
    await reader.until((e) => e.length >= 2, 2000, 'hello and lines');
    r.lines.push(late);
    await until(() => late.listenerCount('status') === 1, 2000, 'the late line followed');
    late.emit('status');
    await reader.until((e) => e.some((x) => x.event === 'line' && JSON.parse(x.data).id === 2), 2000, 'the late line event');
    ac.abort();
    await until(() => r.streams.size === 0, 2000, 'stream closed');
    assert.equal(r.listenerCount(), 0);
  } finally {
    await r.h.close();
  }
});
