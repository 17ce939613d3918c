import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CredentialCache } from '../../src/web/credential-cache.js';
import { FailureLimiter } from '../../src/web/failure-limiter.js';
import { DEFAULT_SESSION_IDLE_MS, SessionStore } from '../../src/web/sessions.js';
import { Clock } from './harness.js';

test('SessionStore: random base64url tokens, idle expiry, end, endUser', () => {
  const clock = new Clock();
  const s = new SessionStore({ idleMs: 1000, now: clock.now });
  const { token: a, csrfToken: aCsrf } = s.create('admin', 'admin');
  const b = s.create('admin', 'admin').token;
  const c = s.create('ops', 'user').token;
  assert.match(a, /^[A-Za-z0-9_-]{43}$/);
  assert.match(aCsrf, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a, b);
  assert.notEqual(a, aCsrf, 'the CSRF token is not the session token');
  assert.equal(s.peek(a)?.csrfToken, aCsrf);
  assert.equal(s.size, 3);
  assert.equal(s.touch(a)?.user, 'admin');
  assert.equal(s.touch(c)?.role, 'user');
  assert.ok(s.touch(b));
  clock.advance(1000);
  assert.ok(s.touch(a), 'exactly the idle time is still alive');
  clock.advance(1001);
  assert.equal(s.touch(a), undefined);
  assert.equal(s.size, 0, 'all idle sessions gone');
  const d = s.create('admin', 'admin').token;
  const e = s.create('ops', 'user').token;
  assert.equal(s.endUser('admin'), 1);
  assert.equal(s.touch(d), undefined);
  assert.equal(s.end(e), true);
  assert.equal(s.end(e), false);
  assert.equal(s.touch(undefined), undefined);
  assert.equal(s.touch('short'), undefined);
  assert.equal(new SessionStore().idleMs, DEFAULT_SESSION_IDLE_MS);
});

test('SessionStore: bounded, least recently used goes first', () => {
  const s = new SessionStore({ maxSessions: 3 });
  const t1 = s.create('u1', 'admin').token;
  const t2 = s.create('u2', 'admin').token;
  const t3 = s.create('u3', 'admin').token;
  s.touch(t1);
  s.create('u4', 'admin');
  assert.equal(s.size, 3);
  assert.ok(s.touch(t1));
  assert.equal(s.touch(t2), undefined);
  assert.ok(s.touch(t3));
});

test('CredentialCache: remembers by header hash while used within the TTL, at most the maximum age; bounded', () => {
  const clock = new Clock();
  const c = new CredentialCache({ ttlMs: 60_000, maxAgeMs: 150_000, maxEntries: 2, now: clock.now });
  c.remember('Basic aaa', 'admin');
  assert.equal(c.get('Basic aaa'), 'admin');
  assert.equal(c.get('Basic aab'), undefined);
  clock.advance(59_999);
  assert.equal(c.get('Basic aaa'), 'admin', 'used just before the TTL: kept another TTL');
  clock.advance(59_999);
  assert.equal(c.get('Basic aaa'), 'admin');
  clock.advance(30_002); // 150 s after the check
  assert.equal(c.get('Basic aaa'), undefined, 'gone at the maximum age, however often it was used');
  c.remember('Basic bbb', 'admin');
  clock.advance(60_000);
  assert.equal(c.get('Basic bbb'), undefined, 'gone after the TTL without use');
  c.remember('h1', 'a');
  c.remember('h2', 'b');
  c.remember('h3', 'c');
  assert.equal(c.get('h1'), undefined);
  assert.equal(c.get('h3'), 'c');
  c.clear();
  assert.equal(c.get('h3'), undefined);
});

test('SessionStore.peek: the live session without renewing it', () => {
  const clock = new Clock();
  const s = new SessionStore({ idleMs: 1000, now: clock.now });
  const { token } = s.create('admin', 'admin');
  clock.advance(800);
  assert.equal(s.peek(token)?.user, 'admin');
  clock.advance(800);
  assert.equal(s.peek(token), undefined, 'peeking did not keep it alive');
  assert.equal(s.peek(undefined), undefined);
  assert.equal(s.peek('short'), undefined);
});

/** Starts an attempt that must be allowed. */
function begin(l: FailureLimiter, address: string) {
  const d = l.begin(address);
  assert.ok(d.allowed, `an attempt from ${address} is allowed`);
  return d.attempt;
}

test('FailureLimiter: sliding window per address, success clears', () => {
  const clock = new Clock();
  const l = new FailureLimiter({ max: 3, windowMs: 60_000, now: clock.now });
  for (let i = 0; i < 3; i++) {
    begin(l, '1.2.3.4').failed();
    clock.advance(10_000);
  }
  assert.deepEqual(l.begin('1.2.3.4'), { allowed: false, retryAfterSeconds: 30 });
  assert.deepEqual(l.check('5.6.7.8'), { allowed: true }, 'other addresses are unaffected');
  clock.advance(30_000);
  assert.deepEqual(l.check('1.2.3.4'), { allowed: true }, 'the oldest failure left the window');
  begin(l, '1.2.3.4').failed();
  assert.equal(l.check('1.2.3.4').allowed, false);
  clock.advance(10_000);
  begin(l, '1.2.3.4').succeeded();
  assert.deepEqual(l.check('1.2.3.4'), { allowed: true });
});

test('FailureLimiter: checks in flight hold places; only failures stay counted', () => {
  const l = new FailureLimiter({ max: 3 });
  const running = [begin(l, 'a'), begin(l, 'a'), begin(l, 'a')];
  assert.deepEqual(l.begin('a'), { allowed: false, retryAfterSeconds: 1 }, 'three checks running fill the limit');
  running[0]!.succeeded();
  running[1]!.abandoned();
  assert.equal(l.check('a').allowed, true, 'finished checks free their places');
  running[2]!.failed();
  running[2]!.succeeded(); // a second outcome is ignored
  begin(l, 'a').failed();
  begin(l, 'a').failed();
  assert.equal(l.check('a').allowed, false, 'three failures');
  const fresh = new FailureLimiter({ max: 2 });
  for (let i = 0; i < 10; i++) begin(fresh, 'b').succeeded();
  assert.equal(fresh.check('b').allowed, true, 'successes never count');
});

test('FailureLimiter: tracks a bounded number of addresses', () => {
  const l = new FailureLimiter({ max: 1, maxAddresses: 2 });
  begin(l, 'a').failed();
  begin(l, 'b').failed();
  const c = begin(l, 'c');
  c.failed();
  assert.equal(l.check('a').allowed, true, 'the oldest address was forgotten');
  assert.equal(l.check('b').allowed, false);
  assert.equal(l.check('c').allowed, false);
});
