import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { once, service, ServiceRunner, ServiceStartError, type Service } from '../../src/system/service.js';
import { createLogger } from '../../src/util/log.js';

/** A logger whose records are kept (JSON lines). */
function capturedLog() {
  const records: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n').filter(Boolean)) records.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  return { log: createLogger({ level: 'info', destination }), records };
}

/** Services that note their starts and stops in `trace`; `failStart`/`failStop` name the ones that throw. */
function traced(trace: string[], names: string[], opts: { failStart?: string; failStop?: string[] } = {}): Service[] {
  return names.map((name) =>
    service(
      name,
      async () => {
        await new Promise((r) => setImmediate(r));
        if (name === opts.failStart) throw new Error(`${name} cannot start`);
        trace.push(`start ${name}`);
      },
      () => {
        trace.push(`stop ${name}`);
        if (opts.failStop?.includes(name)) throw new Error(`${name} cannot stop`);
      },
    ),
  );
}

test('services start in list order and stop in reverse', async () => {
  const trace: string[] = [];
  const runner = new ServiceRunner(capturedLog().log);
  await runner.start(...traced(trace, ['a', 'b']));
  await runner.start(...traced(trace, ['c']));
  assert.deepEqual(runner.running(), ['a', 'b', 'c']);
  await runner.stop();
  assert.deepEqual(trace, ['start a', 'start b', 'start c', 'stop c', 'stop b', 'stop a']);
  assert.deepEqual(runner.running(), []);
  await runner.stop();
  assert.equal(trace.length, 6, 'a second stop stops nothing again');
});

test('a failed start stops the services already started, in reverse, and names the one that failed', async () => {
  const trace: string[] = [];
  const runner = new ServiceRunner(capturedLog().log);
  await runner.start(...traced(trace, ['a']));
  const err = await runner.start(...traced(trace, ['b', 'c', 'd'], { failStart: 'c' })).then(
    () => assert.fail('the start must fail'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ServiceStartError);
  assert.equal(err.service, 'c');
  assert.equal(err.message, 'c cannot start', 'the message is the service’s own');
  assert.ok(err.cause instanceof Error);
  // c never started, so it is not stopped; d was never reached.
  assert.deepEqual(trace, ['start a', 'start b', 'stop b', 'stop a']);
  assert.deepEqual(runner.running(), []);
});

test('a stop that fails is logged and the other services still stop', async () => {
  const trace: string[] = [];
  const { log, records } = capturedLog();
  const runner = new ServiceRunner(log);
  await runner.start(...traced(trace, ['a', 'b', 'c'], { failStop: ['b', 'c'] }));
  await runner.stop();
  assert.deepEqual(trace, ['start a', 'start b', 'start c', 'stop c', 'stop b', 'stop a']);
  const errors = records.filter((r) => r.level === 50);
  assert.deepEqual(
    errors.map((r) => [r.service, r.msg]),
    [
      ['c', 'stopping c failed'],
      ['b', 'stopping b failed'],
    ],
  );
});

test('a failed start still stops everything when a stop fails on the way', async () => {
  const trace: string[] = [];
  const runner = new ServiceRunner(capturedLog().log);
  await assert.rejects(runner.start(...traced(trace, ['a', 'b', 'c'], { failStart: 'c', failStop: ['b'] })), { service: 'c' });
  assert.deepEqual(trace, ['start a', 'start b', 'stop b', 'stop a']);
});

test('open: a resource kept open as a service is closed in its place in the reverse order', async () => {
  const trace: string[] = [];
  const runner = new ServiceRunner(capturedLog().log);
  const db = await runner.open('db', () => ({ name: 'db' }), (r) => void trace.push(`close ${r.name}`));
  assert.deepEqual(db, { name: 'db' });
  await runner.start(...traced(trace, ['api']));
  await assert.rejects(runner.open('broken', () => {
    throw new Error('no such file');
  }, () => assert.fail('a resource that did not open is not closed')), { service: 'broken', message: 'no such file' });
  assert.deepEqual(trace, ['start api', 'stop api', 'close db']);
});

test('once: a stop shared by two services runs once', async () => {
  let stops = 0;
  const stop = once(() => {
    stops++;
  });
  const runner = new ServiceRunner(capturedLog().log);
  await runner.start(service('early', () => undefined, stop), service('late', () => undefined, stop));
  await runner.stop();
  assert.equal(stops, 1);
});
