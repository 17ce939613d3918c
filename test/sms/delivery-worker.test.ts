import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { MessageStore, type Delivery, type InboundMessage } from '../../src/store/message-store.js';
import {
  backoffMs,
  DeliveryWorker,
  PermanentDeliveryError,
  type DeliveryHandler,
  type DeliveryStore,
  type DeliveryWorkerOptions,
} from '../../src/sms/delivery-worker.js';
import { silentLogger } from '../../src/util/log.js';
import { deferred, FakeClock, openStore, receive, settle } from './forward-harness.js';

const retry = { retryBaseSec: 10, retryMaxSec: 60, giveUpHours: 72 };

function worker(store: DeliveryStore, clock: FakeClock, handler: DeliveryHandler, over: Partial<DeliveryWorkerOptions> = {}): DeliveryWorker {
  return new DeliveryWorker({
    kind: 'test',
    store,
    handler,
    retry,
    log: silentLogger(),
    now: clock.now,
    setTimer: clock.setTimer,
    random: () => 0.5,
    ...over,
  });
}

function jobs(n: number, kind = 'test'): Array<{ kind: string; target: string; payload: null }> {
  return Array.from({ length: n }, (_, i) => ({ kind, target: `t${i}`, payload: null }));
}

/** A fake clock, a store in a temporary directory, and one received SMS `m` with `n` jobs of kind 'test' (targets t0, t1, …). */
function setup(t: TestContext, n: number): { clock: FakeClock; store: MessageStore; dir: string; m: InboundMessage } {
  const clock = new FakeClock();
  const { store, dir } = openStore(t, clock.now);
  return { clock, store, dir, m: receive(store, {}, jobs(n)) };
}

/** `store` as the worker sees it, with the methods in `over` replaced (to count calls or to fail). */
function storeWith(store: MessageStore, over: Partial<DeliveryStore>): DeliveryStore {
  return {
    due: (k, l, n) => store.due(k, l, n),
    nextDue: (k) => store.nextDue(k),
    completeDelivery: (id) => store.completeDelivery(id),
    failDelivery: (id, e, n) => store.failDelivery(id, e, n),
    ...over,
  };
}

test('backoffMs: base·2^attempts, ±20 % jitter, capped at the maximum', () => {
  const r = { retryBaseSec: 10, retryMaxSec: 300 };
  assert.deepEqual([0, 1, 2, 3, 4, 5, 10].map((a) => backoffMs(a, r, () => 0.5)), [10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
  assert.equal(backoffMs(0, r, () => 0), 8_000);
  assert.equal(Math.round(backoffMs(0, r, () => 0.999999) / 10), 1_200);
  // Jitter never lifts a delay above the maximum.
  assert.equal(backoffMs(10, r, () => 0.999999), 300_000);
  assert.ok(backoffMs(10, r, () => 0) >= 240_000);
  for (let a = 0; a < 50; a++) {
    const d = backoffMs(a, r);
    assert.ok(d >= 8_000 && d <= 300_000, `attempt ${a}: ${d}`);
  }
});

test('runs every due job once, never more than `concurrency` at a time, and marks them done', async (t) => {
  const { clock, store, m } = setup(t, 10);
  const gates = new Map<string, ReturnType<typeof deferred<void>>>();
  const calls: string[] = [];
  let running = 0;
  let peak = 0;
  const w = worker(store, clock, async (d) => {
    calls.push(d.id);
    running++;
    peak = Math.max(peak, running);
    const g = deferred();
    gates.set(d.id, g);
    await g.promise;
    running--;
  }, { concurrency: 3 });
  w.start();
  await settle();
  assert.equal(calls.length, 3);
  assert.equal(w.stats().inFlight, 3);
  // Timers and notifications while all slots are busy do not start the same jobs again.
  w.notify();
  await clock.advance(120_000 - 1);
  assert.equal(calls.length, 3);
  while (calls.length < 10 || running > 0) {
    const open = [...gates.entries()].find(([id]) => store.getDelivery(id)!.status === 'pending');
    assert.ok(open, 'a job is waiting');
    gates.delete(open[0]);
    open[1].resolve();
    await settle();
  }
  assert.equal(peak, 3);
  assert.equal(new Set(calls).size, 10, 'every job ran exactly once');
  assert.equal(calls.length, 10);
  assert.ok(store.deliveriesOf(m.id).every((d) => d.status === 'done' && d.attempts === 1));
  assert.equal(w.stats().done, 10);
  await w.stop();
});

test('a failing job is retried on the back-off schedule and done when it finally works', async (t) => {
  const { clock, store, m } = setup(t, 1);
  const t0 = clock.now();
  const at: number[] = [];
  const w = worker(store, clock, async () => {
    at.push(clock.now() - t0);
    if (at.length < 6) throw new Error('connection refused');
  });
  w.start();
  for (let i = 0; i < 10 && at.length < 6; i++) await clock.step();
  // 10 s, 20 s, 40 s, then the 60 s cap.
  assert.deepEqual(at, [0, 10_000, 30_000, 70_000, 130_000, 190_000]);
  const d = store.deliveriesOf(m.id)[0]!;
  assert.equal(d.status, 'done');
  assert.equal(d.attempts, 6);
  assert.equal(d.lastError, null);
  assert.deepEqual({ done: w.stats().done, retried: w.stats().retried }, { done: 1, retried: 5 });
  await w.stop();
});

test('the retry time and error are stored after each failed attempt', async (t) => {
  const { clock, store, m } = setup(t, 1);
  const w = worker(store, clock, async () => {
    throw new Error('HTTP 503');
  }, { random: () => 0 });
  w.start();
  await settle();
  let d = store.deliveriesOf(m.id)[0]!;
  assert.equal(d.status, 'pending');
  assert.equal(d.attempts, 1);
  assert.equal(d.lastError, 'HTTP 503');
  assert.equal(d.nextAt - clock.now(), 8_000, '10 s minus 20 % jitter');
  // The worker sleeps until then: one timer, at that time.
  assert.equal(clock.nextAt(), d.nextAt);
  await clock.advance(8_000);
  d = store.deliveriesOf(m.id)[0]!;
  assert.equal(d.attempts, 2);
  assert.equal(d.nextAt - clock.now(), 16_000);
  await w.stop();
});

test('a job is given up after giveUpHours: the last attempt is at the deadline, then it fails for good', async (t) => {
  const { clock, store, m } = setup(t, 1);
  const t0 = clock.now();
  const at: number[] = [];
  const w = worker(store, clock, async () => {
    at.push(clock.now() - t0);
    throw new Error('mail server down');
  }, { retry: { retryBaseSec: 600, retryMaxSec: 1800, giveUpHours: 1 } });
  w.start();
  for (let i = 0; i < 20; i++) if (!(await clock.step())) break;
  await clock.advance(3_600_000);
  // 0, +10 min, +20 min (=30), then capped by the deadline at 60 min.
  assert.deepEqual(at, [0, 600_000, 1_800_000, 3_600_000]);
  const d = store.deliveriesOf(m.id)[0]!;
  assert.equal(d.status, 'failed');
  assert.equal(d.attempts, 4);
  assert.match(d.lastError!, /mail server down \(given up after 1 h\)/);
  assert.equal(w.stats().failed, 1);
  await w.stop();
});

test('a permanent error fails the job at once; the `permanent` predicate adds more such errors', async (t) => {
  const { clock, store, m } = setup(t, 3);
  const w = worker(store, clock, async (d) => {
    if (d.target === 't0') throw new PermanentDeliveryError('HTTP 400 bad request');
    if (d.target === 't1') throw Object.assign(new Error('550 no such user'), { code: 550 });
    // A library's own `permanent` flag is not ours: retried.
    throw Object.assign(new Error('530 must issue STARTTLS first'), { permanent: true });
  }, { permanent: (e) => (e as { code?: unknown }).code === 550 });
  w.start();
  await settle();
  const [a, b, c] = store.deliveriesOf(m.id);
  assert.deepEqual([a!.status, a!.attempts, a!.lastError], ['failed', 1, 'HTTP 400 bad request']);
  assert.deepEqual([b!.status, b!.attempts], ['failed', 1]);
  assert.deepEqual([c!.status, c!.attempts], ['pending', 1]);
  await w.stop();
});

test('a handler that throws synchronously, rejects with nothing, or hangs does not stop the worker', async (t) => {
  const { clock, store, m } = setup(t, 4);
  let aborted: unknown = null;
  const ok: string[] = [];
  const handler = ((d: Delivery, signal: AbortSignal) => {
    if (d.target === 't0') throw new Error('sync boom');
    // eslint-disable-next-line prefer-promise-reject-errors
    if (d.target === 't1') return Promise.reject(undefined);
    if (d.target === 't2') {
      signal.addEventListener('abort', () => (aborted = signal.reason));
      return new Promise<void>(() => {});
    }
    ok.push(d.target);
    return Promise.resolve();
  }) as DeliveryHandler;
  const w = worker(store, clock, handler, { concurrency: 4, jobTimeoutMs: 30_000 });
  w.start();
  await settle();
  let [a, b, c, d] = store.deliveriesOf(m.id);
  assert.equal(a!.lastError, 'sync boom');
  assert.equal(a!.status, 'pending');
  assert.match(b!.lastError!, /rejected without a reason/);
  assert.equal(c!.attempts, 0, 'still running');
  assert.equal(d!.status, 'done');
  await clock.advance(30_000);
  [a, b, c, d] = store.deliveriesOf(m.id);
  assert.match(c!.lastError!, /no outcome within 30 s/);
  assert.equal(c!.status, 'pending');
  assert.ok(aborted instanceof Error, 'the hung handler was told to abort');
  assert.equal(w.stats().timeouts, 1);
  assert.equal(w.stats().inFlight, 0, 'the timed-out job freed its slot');
  assert.deepEqual(ok, ['t3']);
  await w.stop();
});

test('stop() waits for the jobs in flight and starts no new ones', async (t) => {
  const { clock, store, m } = setup(t, 3);
  const gate = deferred();
  const started: string[] = [];
  const w = worker(store, clock, async (d) => {
    started.push(d.target);
    await gate.promise;
  }, { concurrency: 1 });
  w.start();
  await settle();
  assert.deepEqual(started, ['t0']);
  let stopped = false;
  const stopping = w.stop().then(() => (stopped = true));
  await settle();
  assert.equal(stopped, false, 'stop() waits for the job in flight');
  gate.resolve();
  await stopping;
  assert.equal(stopped, true);
  await clock.advance(600_000);
  assert.deepEqual(started, ['t0'], 'nothing started after stop()');
  assert.deepEqual(store.deliveriesOf(m.id).map((d) => d.status), ['done', 'pending', 'pending']);
  assert.equal(clock.active(), 0, 'no timer left behind');
  assert.equal(w.stats().running, false);
});

test('after a restart the pending jobs are picked up again (at-least-once)', async (t) => {
  const { clock, store, dir, m } = setup(t, 2);
  const seen: string[] = [];
  const w1 = worker(store, clock, async (d) => {
    seen.push(`w1:${d.target}`);
    if (d.target === 't1') await new Promise<void>(() => {}); // "killed" while sending
  }, { concurrency: 2 });
  w1.start();
  await settle();
  assert.deepEqual(store.deliveriesOf(m.id).map((d) => d.status), ['done', 'pending']);
  // A crash: the process goes away without recording t1's outcome.
  store.close();

  const store2 = MessageStore.open(dir, { now: clock.now });
  t.after(() => store2.close());
  const w2 = worker(store2, clock, async (d) => {
    seen.push(`w2:${d.target}`);
  });
  w2.start();
  await settle();
  assert.deepEqual(seen, ['w1:t0', 'w1:t1', 'w2:t1'], 't1 ran again after the restart, t0 did not');
  assert.deepEqual(store2.deliveriesOf(m.id).map((d) => [d.status, d.attempts]), [['done', 1], ['done', 1]]);
  await w2.stop();
});

test('notify() picks new jobs at once; an idle worker sleeps (no polling loop)', async (t) => {
  const clock = new FakeClock();
  const { store } = openStore(t, clock.now);
  let dueCalls = 0;
  const counting = storeWith(store, { due: (k, l, n) => (dueCalls++, store.due(k, l, n)) });
  const done: string[] = [];
  const w = worker(counting, clock, async (d) => void done.push(d.target), { maxSleepMs: 60_000 });
  w.start();
  await settle(20);
  assert.equal(dueCalls, 1);
  assert.equal(clock.active(), 1, 'one wake-up timer while idle');
  assert.equal(clock.nextAt(), clock.now() + 60_000);
  // An hour of idleness: one look a minute.
  await clock.advance(3_600_000);
  assert.equal(dueCalls, 61);
  receive(store, {}, jobs(2));
  w.notify();
  w.notify();
  await settle();
  assert.deepEqual(done, ['t0', 't1']);
  // A job for later: the worker sleeps until then.
  receive(store, {}, [{ kind: 'test', target: 'later', payload: null, nextAt: clock.now() + 5_000 }]);
  w.notify();
  await settle();
  assert.equal(clock.nextAt(), clock.now() + 5_000);
  await clock.advance(5_000);
  assert.deepEqual(done, ['t0', 't1', 'later']);
  // Jobs of other kinds are not this worker's.
  receive(store, {}, jobs(1, 'other'));
  w.notify();
  await settle();
  assert.deepEqual(done, ['t0', 't1', 'later']);
  await w.stop();
});

test('a store that fails to read or write does not crash the worker; it tries again later', async (t) => {
  const { clock, store, m } = setup(t, 1);
  let broken = true;
  const flaky = storeWith(store, {
    due: (k, l, n) => {
      if (broken) throw new Error('SQLITE_BUSY');
      return store.due(k, l, n);
    },
  });
  let runs = 0;
  const w = worker(flaky, clock, async () => void runs++);
  w.start();
  await settle();
  assert.equal(runs, 0);
  assert.match(w.stats().lastError!, /SQLITE_BUSY/);
  broken = false;
  await clock.advance(5_000);
  assert.equal(runs, 1);
  assert.equal(store.deliveriesOf(m.id)[0]!.status, 'done');
  await w.stop();
});

test('an outcome that cannot be recorded holds the job back instead of rerunning it at once', async (t) => {
  const { clock, store, m } = setup(t, 1);
  let failWrites = true;
  const flaky = storeWith(store, {
    completeDelivery: (id) => {
      if (failWrites) throw new Error('disk I/O error');
      return store.completeDelivery(id);
    },
  });
  let runs = 0;
  const w = worker(flaky, clock, async () => void runs++);
  w.start();
  await settle(20);
  assert.equal(runs, 1, 'not rerun in a loop');
  failWrites = false;
  await clock.advance(10_000);
  assert.equal(runs, 2, 'rerun once the hold ended (at-least-once)');
  assert.equal(store.deliveriesOf(m.id)[0]!.status, 'done');
  await w.stop();
});

test('a Retry-After longer than the back-off is honoured, up to retryMaxSec', async (t) => {
  const { clock, store, m } = setup(t, 2);
  const w = worker(store, clock, async (d) => {
    throw Object.assign(new Error('HTTP 429'), { retryAfterMs: d.target === 't0' ? 45_000 : 3_600_000 });
  });
  w.start();
  await settle();
  const [a, b] = store.deliveriesOf(m.id);
  assert.equal(a!.nextAt - clock.now(), 45_000);
  assert.equal(b!.nextAt - clock.now(), 60_000);
  await w.stop();
});
