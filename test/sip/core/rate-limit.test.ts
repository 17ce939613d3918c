/** The per-source rate limit: the bucket maths on a fake clock, and a UDP flood from one address while another is served. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SourceRateLimiter } from '../../../src/sip/core/index.js';
import { waitUntil } from '../../helpers/sip-peer-sockets.js';
import { requestText, sipPeer, startEndpoint } from './core-fixtures.js';

test('token bucket: the burst passes, then one request per 1/rate second; Retry-After rounds up', () => {
  let now = 0;
  const limiter = new SourceRateLimiter({ ratePerSecond: 2, burst: 3 }, () => now);
  assert.deepEqual([1, 2, 3].map(() => limiter.take('192.0.2.1').allowed), [true, true, true]);
  assert.deepEqual(limiter.take('192.0.2.1'), { allowed: false, retryAfterSeconds: 1 });
  assert.equal(limiter.take('192.0.2.2').allowed, true, 'another address has its own bucket');
  now = 500;
  assert.equal(limiter.take('192.0.2.1').allowed, true, 'half a second at 2/s refills one token');
  assert.equal(limiter.take('192.0.2.1').allowed, false);
  now = 100_000;
  assert.deepEqual([1, 2, 3, 4].map(() => limiter.take('192.0.2.1').allowed), [true, true, true, false], 'the refill is capped at the burst');
});

test('token bucket: the table is bounded and forgets the address seen longest ago', () => {
  const limiter = new SourceRateLimiter({ ratePerSecond: 1, burst: 1, maxSources: 2 }, () => 0);
  assert.equal(limiter.take('a').allowed, true);
  assert.equal(limiter.take('b').allowed, true);
  assert.equal(limiter.take('a').allowed, false);
  assert.equal(limiter.take('c').allowed, true, 'c evicts b, the least recently seen');
  assert.equal(limiter.trackedSources, 2);
  assert.equal(limiter.take('a').allowed, false, 'a was kept');
  assert.throws(() => new SourceRateLimiter({ burst: 0 }), RangeError);
  assert.throws(() => new SourceRateLimiter({ ratePerSecond: Number.NaN }), RangeError);
});

test('a flood of new requests from one address is dropped silently while another address is served', async () => {
  const core = await startEndpoint({ rateLimit: { ratePerSecond: 1, burst: 5 } });
  const flooder = await sipPeer('127.0.0.1');
  const other = await sipPeer('127.0.0.2');
  try {
    for (let i = 0; i < 50; i++) await flooder.send(requestText({ method: 'OPTIONS', peer: flooder, branch: `z9hG4bKf${i}`, callId: `f${i}` }), core.udpPort);
    await other.send(requestText({ method: 'OPTIONS', peer: other, branch: 'z9hG4bKother', callId: 'other' }), core.udpPort);
    await other.response(200, 'OPTIONS');
    await new Promise((r) => setTimeout(r, 200));
    const answered = flooder.responses(200).length;
    assert.ok(answered >= 5 && answered <= 6, `the burst (5, maybe one refilled) is answered, the rest dropped: ${answered}`);
    assert.equal(flooder.messages.length, answered, 'nothing else came back (dropped silently)');
    assert.ok(core.endpoint.transactionCounts.server <= 7, 'dropped requests made no server transactions');
  } finally {
    await flooder.close();
    await other.close();
    await core.close();
  }
});

test('with rejectOverLimit, a request over the limit gets 503 with Retry-After', async () => {
  const core = await startEndpoint({ rateLimit: { ratePerSecond: 1, burst: 1, rejectOverLimit: true } });
  const peer = await sipPeer();
  try {
    await peer.send(requestText({ method: 'OPTIONS', peer, branch: 'z9hG4bKq1', callId: 'q1' }), core.udpPort);
    await peer.response(200, 'OPTIONS');
    await peer.send(requestText({ method: 'OPTIONS', peer, branch: 'z9hG4bKq2', callId: 'q2' }), core.udpPort);
    const busy = await peer.response(503, 'OPTIONS');
    assert.equal(busy.headers.get('retry-after'), '1');
    await waitUntil(() => peer.messages.length === 2, 1000, 'two answers');
  } finally {
    await peer.close();
    await core.close();
  }
});
