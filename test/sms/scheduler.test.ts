/** SmsScheduler with fake lines: line choice, send interval, retries, unknown outcomes, throughput. */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { MessageStore, type NewOutbound, type OutboundMessage } from '../../src/store/message-store.js';
import { SmsScheduler, type SchedulerOptions, type SendingLine } from '../../src/sms/scheduler.js';
import { SmsSendError } from '../../src/sms/send-text.js';
import type { LineStatus } from '../../src/line/types.js';
import type { SmsConfig } from '../../src/config/schema-messaging.js';
import { silentLogger } from '../../src/util/log.js';
import { smsConfig as defaultSmsConfig } from '../helpers/sms-config.js';
import { tempDir } from '../store/temp-dir.js';

/** The schema's `sms` defaults, but without status reports and with failed messages retried at once. */
function smsConfig(over: Partial<SmsConfig> = {}): SmsConfig {
  return defaultSmsConfig({ statusReports: false, retryDelaySec: 0, ...over });
}

type SendOpts = Parameters<SendingLine['sendSms']>[2];
/** What one sendSms call does: resolve with references, or reject with an error. */
type Script = (call: SendCall) => { refs: number[] } | { error: unknown };

interface SendCall {
  line: number;
  to: string;
  text: string;
  opts: SendOpts;
  start: number;
  end: number | null;
}

const ok: Script = () => ({ refs: [1] });

/** A line as the scheduler sees it: status(), sendSms() with programmable latency and outcomes, 'lifecycle' events. */
class FakeLine extends EventEmitter implements SendingLine {
  lifecycle: LineStatus['lifecycle'] = 'registered';
  health: LineStatus['health'] = 'ok';
  enabled = true;
  slot: LineStatus['slot'] = 'A';
  latencyMs = 0;
  script: Script = ok;
  calls: SendCall[] = [];
  active = 0;
  maxActive = 0;
  busyMs = 0;

  constructor(
    readonly id: number,
    private readonly log: SendCall[],
  ) {
    super();
  }

  status(): LineStatus {
    return { id: this.id, lifecycle: this.lifecycle, health: this.health, enabled: this.enabled, slot: this.slot, sim: { state: 'READY', iccid: `8986${this.id}`, imsi: null, number: null } } as unknown as LineStatus;
  }

  async sendSms(to: string, text: string, opts?: SendOpts): Promise<{ parts: number; references: number[] }> {
    const call: SendCall = { line: this.id, to, text, opts, start: performance.now(), end: null };
    this.calls.push(call);
    this.log.push(call);
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
      const r = this.script(call);
      if ('error' in r) throw r.error;
      return { parts: r.refs.length, references: r.refs };
    } finally {
      this.active--;
      call.end = performance.now();
      this.busyMs += call.end - call.start;
    }
  }

  up(): void {
    this.lifecycle = 'registered';
    this.emit('lifecycle', 'registered');
  }
}

interface Harness {
  store: MessageStore;
  lines: FakeLine[];
  calls: SendCall[];
  cfg: SmsConfig;
  scheduler: SmsScheduler;
  refusing: Set<number>;
  enqueue(m?: Partial<NewOutbound>): Promise<OutboundMessage>;
  get(id: string): OutboundMessage;
}

function setup(t: TestContext, n: number, cfgOver: Partial<SmsConfig> = {}, opts: { start?: boolean; store?: MessageStore; onFinal?: (m: OutboundMessage) => [] } = {}): Harness {
  const store = opts.store ?? MessageStore.openFile(path.join(tempDir(t), 'cellgate.db'), opts.onFinal ? { onFinal: opts.onFinal } : {});
  const calls: SendCall[] = [];
  const lines = Array.from({ length: n }, (_, i) => new FakeLine(i + 1, calls));
  const refusing = new Set<number>();
  const h: Harness = {
    store,
    lines,
    calls,
    cfg: smsConfig(cfgOver),
    refusing,
    scheduler: undefined as unknown as SmsScheduler,
    enqueue: async (m = {}) => {
      const r = await store.enqueue({ origin: 'api', recipient: '+8613800138000', number: '+8613800138000', text: 'hello', parts: 1, ...m });
      h.scheduler.wake();
      return r;
    },
    get: (id) => store.getOutbound(id)!,
  };
  const o: SchedulerOptions = {
    store,
    lines: () => h.lines,
    maySend: (id) => (refusing.has(id) ? { ok: false, reason: 'limit reached' } : { ok: true }),
    config: () => h.cfg,
    log: silentLogger(),
  };
  h.scheduler = new SmsScheduler(o);
  t.after(async () => {
    await h.scheduler.stop();
    store.close();
  });
  if (opts.start !== false) h.scheduler.start();
  return h;
}

async function waitFor(what: string, pred: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const final = new Set(['sent', 'delivered', 'failed', 'expired', 'unknown']);
async function settled(h: Harness, ids: string[], timeoutMs = 3000): Promise<void> {
  await waitFor(`${ids.length} messages to settle`, () => ids.every((id) => final.has(h.get(id).status)), timeoutMs);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('round robin: consecutive messages go to the line used longest ago', async (t) => {
  const h = setup(t, 3);
  const order: string[] = [];
  for (let i = 0; i < 7; i++) {
    const m = await h.enqueue({ id: `m${i}` });
    await settled(h, [m.id]);
    order.push(h.get(m.id).line!);
  }
  assert.deepEqual(order, ['1', '2', '3', '1', '2', '3', '1']);
  // A batch spreads over all lines too.
  const ids = await Promise.all(Array.from({ length: 6 }, (_, i) => h.enqueue({ id: `b${i}` }).then((m) => m.id)));
  await settled(h, ids);
  const per = [1, 2, 3].map((l) => ids.filter((id) => h.get(id).line === String(l)).length);
  assert.deepEqual(per, [2, 2, 2]);
  const m = h.get('m0');
  assert.equal(m.status, 'sent');
  assert.equal(m.slot, 'A');
  assert.equal(m.iccid, '89861');
  assert.equal(m.attempts, 1);
  assert.ok(h.scheduler.stats.sent >= 13);
});

test('a message goes only to the lines it allows, even while they are busy', async (t) => {
  const h = setup(t, 3);
  for (const l of h.lines) l.latencyMs = 30;
  const ids = await Promise.all([0, 1, 2, 3].map((i) => h.enqueue({ id: `m${i}`, lines: [2] }).then((m) => m.id)));
  await settled(h, ids);
  assert.deepEqual(
    h.calls.map((c) => c.line),
    [2, 2, 2, 2],
  );
  assert.equal(h.lines[1]!.maxActive, 1, 'one send at a time on a line');
  const both = await h.enqueue({ id: 'x', lines: [1, 3] });
  await settled(h, [both.id]);
  assert.ok(['1', '3'].includes(h.get('x').line!));
});

test('lines that are not registered, not healthy or disabled get nothing', async (t) => {
  const h = setup(t, 4);
  h.lines[0]!.lifecycle = 'sim-ready';
  h.lines[1]!.health = 'unresponsive';
  h.lines[2]!.enabled = false;
  const ids = await Promise.all([0, 1, 2].map((i) => h.enqueue({ id: `m${i}` }).then((m) => m.id)));
  await settled(h, ids);
  assert.deepEqual(new Set(h.calls.map((c) => c.line)), new Set([4]));
});

test('per-line minimum send interval (§4.10) is respected', async (t) => {
  const h = setup(t, 2, { sendIntervalSec: 0.2 });
  for (const l of h.lines) l.latencyMs = 10;
  const ids = await Promise.all(Array.from({ length: 6 }, (_, i) => h.enqueue({ id: `m${i}` }).then((m) => m.id)));
  await settled(h, ids, 4000);
  for (const l of h.lines) {
    assert.equal(l.calls.length, 3);
    for (let i = 1; i < l.calls.length; i++) {
      const gap = l.calls[i]!.start - l.calls[i - 1]!.end!;
      assert.ok(gap >= 195, `line ${l.id}: only ${gap.toFixed(1)} ms between two SMS`);
      assert.ok(gap < 600, `line ${l.id}: ${gap.toFixed(1)} ms between two SMS, far more than the interval`);
    }
  }
});

test('a line the SIM policy refuses is skipped; a refusing policy that lifts is noticed without any event', async (t) => {
  const h = setup(t, 2);
  h.refusing.add(1);
  const ids = await Promise.all([0, 1, 2].map((i) => h.enqueue({ id: `m${i}` }).then((m) => m.id)));
  await settled(h, ids);
  assert.deepEqual(new Set(h.calls.map((c) => c.line)), new Set([2]));
  h.refusing.add(2);
  const waiting = await h.enqueue({ id: 'w' });
  await sleep(50);
  assert.equal(h.get(waiting.id).status, 'queued');
  // The policy lets line 1 send again (a new day); no event tells the scheduler.
  h.refusing.delete(1);
  await settled(h, [waiting.id], 4000);
  assert.equal(h.get(waiting.id).line, '1');
});

test('a definite failure is retried on another line', async (t) => {
  const h = setup(t, 2);
  h.lines[0]!.script = () => ({ error: new SmsSendError('+CMS ERROR: 500', 0, true) });
  const m = await h.enqueue({ id: 'm', lines: null });
  await settled(h, [m.id]);
  const r = h.get('m');
  assert.equal(r.status, 'sent');
  assert.equal(r.line, '2');
  assert.equal(r.attempts, 2);
  assert.deepEqual(r.tried, ['1']);
  assert.deepEqual(h.calls.map((c) => c.line), [1, 2]);
  assert.equal(h.scheduler.stats.requeued, 1);
});

test('a line the SIM policy refuses does not count as an untried line: the retry goes back to the line that failed', async (t) => {
  const h = setup(t, 2);
  // Line 2's SIM has used up its SMS limit (it may stay so for days); line 1 refuses once.
  h.refusing.add(2);
  let first = true;
  h.lines[0]!.script = () => {
    if (!first) return { refs: [7] };
    first = false;
    return { error: new SmsSendError('+CMS ERROR: 500', 0, true) };
  };
  const m = await h.enqueue({ id: 'm' });
  await settled(h, [m.id]);
  const r = h.get('m');
  assert.equal(r.status, 'sent');
  assert.equal(r.line, '1');
  assert.equal(r.attempts, 2);
  assert.deepEqual(h.calls.map((c) => c.line), [1, 1]);
});

test('definite failures everywhere: failed with the reason after maxAttempts', async (t) => {
  const h = setup(t, 2, { maxAttempts: 3 });
  for (const l of h.lines) l.script = () => ({ error: new SmsSendError(`+CMS ERROR: 38 on ${l.id}`, 0, true) });
  let finals = 0;
  h.scheduler.on('final', () => finals++);
  const m = await h.enqueue({ id: 'm' });
  await settled(h, [m.id]);
  const r = h.get('m');
  assert.equal(r.status, 'failed');
  assert.match(r.reason!, /\+CMS ERROR: 38/);
  assert.match(r.reason!, /after 3 attempts/);
  assert.equal(r.attempts, 3);
  assert.equal(h.calls.length, 3);
  assert.deepEqual(h.calls.slice(0, 2).map((c) => c.line).sort(), [1, 2], 'the second attempt is on the other line');
  assert.deepEqual([...r.tried].sort(), ['1', '2']);
  assert.equal(finals, 1);
  assert.equal(h.scheduler.stats.failed, 1);
});

test('retryDelaySec delays the retry', async (t) => {
  const h = setup(t, 2, { retryDelaySec: 0.15 as number });
  h.lines[0]!.script = () => ({ error: new SmsSendError('+CMS ERROR: 500', 0, true) });
  const m = await h.enqueue({ id: 'm' });
  await settled(h, [m.id]);
  const gap = h.calls[1]!.start - h.calls[0]!.end!;
  assert.ok(gap >= 140, `retried after ${gap.toFixed(1)} ms`);
});

test('an unknown outcome (modem hung after AT+CMGS) is marked unknown and not resent', async (t) => {
  const h = setup(t, 2);
  h.lines[0]!.script = () => ({ error: new SmsSendError('AT+CMGS timed out', 0, false) });
  h.lines[0]!.latencyMs = 5;
  const m = await h.enqueue({ id: 'm', lines: [1] });
  await settled(h, [m.id]);
  await sleep(30);
  const r = h.get('m');
  assert.equal(r.status, 'unknown');
  assert.match(r.reason!, /timed out/);
  assert.match(r.reason!, /not resent/);
  assert.equal(h.calls.length, 1);
  assert.equal(h.scheduler.stats.unknown, 1);
  // Anything thrown (not an Error) is an unknown outcome too.
  h.lines[0]!.script = () => ({ error: 'port gone' });
  const n = await h.enqueue({ id: 'n', lines: [1] });
  await settled(h, [n.id]);
  assert.equal(h.get('n').status, 'unknown');
  assert.match(h.get('n').reason!, /port gone/);
});

test('with resendUnknown an unknown outcome is resent, at most maxAttempts times in all', async (t) => {
  const h = setup(t, 2, { resendUnknown: true, maxAttempts: 3 });
  let n1 = 0;
  let n2 = 0;
  h.lines[0]!.script = () => (++n1 === 1 ? { error: new SmsSendError('AT+CMGS timed out', 0, false) } : { refs: [3] });
  h.lines[1]!.script = () => (++n2 === 1 ? { error: new SmsSendError('port closed', 0, false) } : { refs: [4] });
  const m = await h.enqueue({ id: 'm' });
  await settled(h, [m.id]);
  assert.equal(h.get('m').status, 'sent');
  assert.equal(h.get('m').attempts, 3);
  assert.deepEqual(h.calls.map((c) => c.line), [1, 2, 1]);
  assert.match(h.get('m').reason ?? '', /^$/, 'the reason of a failed attempt is cleared once sent');
  // Every line times out: it stops after maxAttempts, unknown.
  for (const l of h.lines) l.script = () => ({ error: new SmsSendError('AT+CMGS timed out', 0, false) });
  const x = await h.enqueue({ id: 'x' });
  await settled(h, [x.id]);
  await sleep(30);
  assert.equal(h.get('x').status, 'unknown');
  assert.equal(h.get('x').attempts, 3);
  assert.match(h.get('x').reason!, /after 3 attempts/);
  assert.equal(h.calls.length, 6);
});

test('a long message of which some parts went out is failed, not resent', async (t) => {
  const h = setup(t, 2, { resendUnknown: true });
  h.lines[0]!.script = () => ({ error: new SmsSendError('+CMS ERROR: 500', 2, false) });
  const m = await h.enqueue({ id: 'm', parts: 3, text: 'x'.repeat(400), lines: [1] });
  await settled(h, [m.id]);
  await sleep(30);
  const r = h.get('m');
  assert.equal(r.status, 'failed');
  assert.match(r.reason!, /2 of 3 parts had gone out/);
  assert.equal(h.calls.length, 1);
});

test('start recovers messages a crash left in sending: unknown, or resent when configured', async (t) => {
  const file = path.join(tempDir(t), 'cellgate.db');
  const s1 = MessageStore.openFile(file);
  await s1.enqueueMany([
    { id: 'a', origin: 'api', recipient: '1', number: '1', text: 't', parts: 1 },
    { id: 'b', origin: 'api', recipient: '1', number: '1', text: 't', parts: 1 },
  ]);
  s1.markSending('a', '1', 'A', null);
  s1.close();

  const store = MessageStore.openFile(file);
  const h = setup(t, 1, {}, { store });
  await settled(h, ['a', 'b']);
  assert.equal(h.get('a').status, 'unknown');
  assert.equal(h.get('b').status, 'sent');
  assert.deepEqual(h.calls.map((c) => c.to), ['1']);

  await h.scheduler.stop();
  await h.store.enqueue({ id: 'c', origin: 'api', recipient: '2', number: '2', text: 't', parts: 1 });
  h.store.markSending('c', '1', 'A', null);
  h.cfg = smsConfig({ resendUnknown: true });
  h.scheduler.start();
  await settled(h, ['c']);
  assert.equal(h.get('c').status, 'sent');
});

test('validity: queued messages expire; what is left of the validity goes to the network', async (t) => {
  const h = setup(t, 1);
  h.lines[0]!.lifecycle = 'probe';
  const now = Date.now();
  const e = await h.enqueue({ id: 'e', expiresAt: now + 40 });
  const v = await h.enqueue({ id: 'v', expiresAt: now + 10 * 60_000 + 30_000 });
  await sleep(60);
  h.scheduler.wake();
  await waitFor('expiry', () => h.get('e').status === 'expired');
  assert.match(h.get('e').reason!, /validity/);
  assert.equal(h.scheduler.stats.expired, 1);
  h.lines[0]!.up();
  await settled(h, [v.id]);
  assert.equal(h.calls.length, 1);
  assert.equal(h.calls[0]!.opts?.validityMinutes, 11);
  assert.equal(e.id, 'e');
});

test('SMSC and status report options follow the configuration', async (t) => {
  const h = setup(t, 1, { useSimSmsc: false, smsc: '+8613800100500', statusReports: true });
  const m = await h.enqueue({ id: 'm' });
  await settled(h, [m.id]);
  assert.deepEqual(h.calls[0]!.opts, { smsc: '+8613800100500', requestStatusReport: true });
  h.cfg = smsConfig({ useSimSmsc: true, smsc: '+8613800100500' });
  const n = await h.enqueue({ id: 'n' });
  await settled(h, [n.id]);
  assert.deepEqual(h.calls[1]!.opts, {});
});

test('the references of the parts are recorded for status reports', async (t) => {
  const h = setup(t, 1);
  h.lines[0]!.script = () => ({ refs: [17, 18] });
  const sentEvents: string[] = [];
  h.scheduler.on('sent', (id: string) => sentEvents.push(id));
  const m = await h.enqueue({ id: 'm', parts: 2, text: 'x'.repeat(200) });
  await settled(h, [m.id]);
  await waitFor('sent event', () => sentEvents.length === 1);
  assert.deepEqual(sentEvents, ['m']);
  h.store.applyStatusReport({ line: '1', ref: 17, status: 0, outcome: 'delivered', at: Date.now() });
  const r = h.store.applyStatusReport({ line: '1', ref: 18, status: 0, outcome: 'delivered', at: Date.now() });
  assert.equal(r!.message.status, 'delivered');
});

test('a line coming up wakes the queue at once', async (t) => {
  const h = setup(t, 2);
  for (const l of h.lines) l.lifecycle = 'enable';
  const m = await h.enqueue({ id: 'm' });
  await sleep(30);
  assert.equal(h.get('m').status, 'queued');
  const t0 = performance.now();
  h.lines[1]!.up();
  await settled(h, [m.id], 1000);
  assert.ok(performance.now() - t0 < 500, 'not left for the periodic look');
  assert.equal(h.get('m').line, '2');
});

test('a store that refuses one outcome does not stall the others', async (t) => {
  let broken = true;
  const h = setup(t, 2, {}, {
    onFinal: (m) => {
      if (broken && m.id === 'bad') throw new Error('receipt hook broke');
      return [];
    },
  });
  h.lines[0]!.script = (c) => (c.text === 'bad' ? { error: new SmsSendError('+CMS ERROR: 500', 2, false) } : { refs: [1] });
  const bad = await h.enqueue({ id: 'bad', text: 'bad', lines: [1] });
  await waitFor('the bad send', () => h.calls.length === 1);
  const good = await Promise.all([0, 1, 2].map((i) => h.enqueue({ id: `g${i}` }).then((m) => m.id)));
  await settled(h, good);
  await sleep(20);
  assert.equal(h.get(bad.id).status, 'sending', 'its outcome could not be recorded; start-up recovery decides');
  broken = false;
});

/**
 * Runs `lines` fake lines sending for `latencyMs` each over a queue that never runs dry, and measures
 * over the steady state (from start() until `rounds` sends per line are recorded, the queue still
 * holding more): the throughput, the share of line time spent inside sendSms, and how many lines were
 * sending at once.
 */
async function measureThroughput(t: TestContext, lines: number, latencyMs: number, rounds: number): Promise<{ rate: number; ideal: number; busy: number; maxConcurrent: number; perLine: number[]; medianGapMs: number }> {
  const h = setup(t, lines, {}, { start: false });
  for (const l of h.lines) l.latencyMs = latencyMs;
  const n = lines * (rounds + 10);
  await h.store.enqueueMany(Array.from({ length: n }, (_, i) => ({ id: `m${i}`, origin: 'api' as const, recipient: '1', number: '1', text: 't', parts: 1 })));
  const target = lines * rounds;
  const t0 = performance.now();
  h.scheduler.start();
  await waitFor(`${target} sends`, () => h.scheduler.stats.sent >= target, 20 * rounds * latencyMs);
  const t1 = performance.now();
  const sent = h.scheduler.stats.sent;
  await h.scheduler.stop();
  const window = t1 - t0;
  const inWindow = h.calls.reduce((a, c) => a + Math.max(0, Math.min(c.end ?? t1, t1) - Math.max(c.start, t0)), 0);
  // Most lines sending at the same moment: sweep over the start/end events.
  const events = h.calls.flatMap((c) => [
    [c.start, 1],
    [c.end!, -1],
  ]) as Array<[number, number]>;
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cur = 0;
  let maxConcurrent = 0;
  for (const [, d] of events) maxConcurrent = Math.max(maxConcurrent, (cur += d));
  const gaps = h.lines.flatMap((l) => l.calls.slice(1).map((c, i) => c.start - l.calls[i]!.end!)).sort((a, b) => a - b);
  return {
    rate: (sent / window) * 1000,
    ideal: (lines / latencyMs) * 1000,
    busy: inWindow / (lines * window),
    maxConcurrent,
    perLine: h.lines.map((l) => l.calls.length),
    medianGapMs: gaps[gaps.length >> 1] ?? 0,
  };
}

function describe(r: Awaited<ReturnType<typeof measureThroughput>>): string {
  return `${r.rate.toFixed(1)} SMS/s of ${r.ideal.toFixed(0)}/s ideal (${((r.rate / r.ideal) * 100).toFixed(1)} %); lines busy ${(r.busy * 100).toFixed(1)} %; median idle between two sends of a line ${r.medianGapMs.toFixed(2)} ms; at most ${r.maxConcurrent} sending at once; per line ${r.perLine.join(',')}`;
}

test('eight lines with 50 ms sends are all kept busy', async (t) => {
  // Every pass of the scheduler commits the `sending` marks durably (fsync) before AT+CMGS, and all
  // eight lines wait for that commit: on this machine's disk that costs 1–5 ms per 50 ms round, so the
  // rate is compared with a margin for it; the 200 ms test below checks the 95 % figure.
  const good = (x: Awaited<ReturnType<typeof measureThroughput>>) => x.busy >= 0.85 && x.rate >= 0.8 * x.ideal;
  let r = await measureThroughput(t, 8, 50, 30);
  t.diagnostic(describe(r));
  if (!good(r)) {
    // One retry: a timing check on a machine shared with other test files.
    r = await measureThroughput(t, 8, 50, 30);
    t.diagnostic(`again: ${describe(r)}`);
  }
  assert.equal(r.maxConcurrent, 8, 'all eight lines sending at the same time');
  assert.ok(r.busy >= 0.85, `lines busy only ${(r.busy * 100).toFixed(1)} % of the time`);
  assert.ok(r.rate >= 0.8 * r.ideal, `${r.rate.toFixed(1)} SMS/s`);
  assert.ok(Math.max(...r.perLine) - Math.min(...r.perLine) <= 2, `uneven: ${r.perLine.join(',')}`);
});

test('eight lines with 200 ms sends: throughput at least 95 % of 8/0.2 s', async (t) => {
  let r = await measureThroughput(t, 8, 200, 10);
  t.diagnostic(describe(r));
  if (r.rate < 0.95 * r.ideal) {
    r = await measureThroughput(t, 8, 200, 10);
    t.diagnostic(`again: ${describe(r)}`);
  }
  assert.ok(r.rate >= 0.95 * r.ideal, describe(r));
});

test('stop() waits for the sends in flight and records their outcome', async (t) => {
  const h = setup(t, 2);
  for (const l of h.lines) l.latencyMs = 150;
  await Promise.all([0, 1, 2].map((i) => h.enqueue({ id: `m${i}` })));
  await waitFor('two sends in flight', () => h.calls.length === 2);
  const t0 = performance.now();
  await h.scheduler.stop();
  assert.ok(performance.now() - t0 >= 100, 'stop returned before the sends ended');
  assert.deepEqual(['m0', 'm1', 'm2'].map((id) => h.get(id).status), ['sent', 'sent', 'queued']);
  await sleep(200);
  assert.equal(h.calls.length, 2, 'nothing new after stop');
  h.store.close();
  // Closing the store right after stop() leaves nothing behind that writes to it.
  await sleep(20);
});
