/**
 * Per-account lock-out: after N failed passwords for one account within the window, that account's
 * logins (session and Basic) are refused with 429 and Retry-After, even with the right password and
 * whatever the address, until the window has passed. Other accounts are unaffected; logs never carry
 * a password.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FailureLimiter, beginLogin } from '../../src/web/failure-limiter.js';
import { ADMIN_PASSWORD, basic, json, startApp } from './harness.js';

const login = (base: string, user: string, password: string) =>
  fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, password }) });

test('an account is locked after N failures in the window: 429 with Retry-After, also for the right password and over Basic', async (t) => {
  // A generous per-address limit, so only the per-account lock-out can refuse.
  const h = await startApp({ loginLimit: { max: 1000, windowMs: 60_000 }, accountLockout: { max: 3, windowMs: 15 * 60_000 } });
  t.after(() => h.close());
  for (let i = 0; i < 3; i++) assert.equal((await login(h.base, 'admin', `wrong guess ${i}`)).status, 401);

  const locked = await login(h.base, 'admin', ADMIN_PASSWORD);
  assert.equal(locked.status, 429);
  assert.match((await json(locked)).error, /account is locked/);
  const retry = Number(locked.headers.get('retry-after'));
  assert.ok(retry > 0 && retry <= 15 * 60, `Retry-After ${retry}`);
  const viaBasic = await fetch(`${h.base}/api/lines`, { headers: { authorization: basic('admin', ADMIN_PASSWORD) } });
  assert.equal(viaBasic.status, 429);
  assert.ok(viaBasic.headers.get('retry-after'));

  // Another account logs in as usual.
  assert.equal((await login(h.base, 'viewer', 'viewer-password')).status, 200);

  const all = h.logs.join('');
  assert.match(all, /account locked after too many failed passwords/);
  for (const pw of [ADMIN_PASSWORD, 'wrong guess 0', 'wrong guess 2']) assert.ok(!all.includes(pw), `the log carries a password: ${pw}`);

  h.clock.advance(15 * 60_000 + 1);
  assert.equal((await login(h.base, 'admin', ADMIN_PASSWORD)).status, 200);
});

test('the default lock-out is 10 failures in 15 minutes', async (t) => {
  const h = await startApp({ loginLimit: { max: 1000, windowMs: 60_000 } });
  t.after(() => h.close());
  for (let i = 0; i < 10; i++) assert.equal((await login(h.base, 'viewer', `bad ${i}`)).status, 401);
  assert.equal((await login(h.base, 'viewer', 'viewer-password')).status, 429);
  h.clock.advance(14 * 60_000);
  assert.equal((await login(h.base, 'viewer', 'viewer-password')).status, 429);
  h.clock.advance(60_000 + 1);
  assert.equal((await login(h.base, 'viewer', 'viewer-password')).status, 200);
});

test('beginLogin counts one attempt against both the address and the account; a refusal by the account starts none', () => {
  const byAddress = new FailureLimiter({ max: 5, windowMs: 60_000 });
  const byAccount = new FailureLimiter({ max: 2, windowMs: 60_000 });
  for (const address of ['10.0.0.1', '10.0.0.2']) {
    const d = beginLogin(byAddress, byAccount, address, 'admin');
    assert.ok(d.allowed);
    d.attempt.failed();
  }
  const refused = beginLogin(byAddress, byAccount, '10.0.0.3', 'admin');
  assert.equal(refused.allowed, false);
  assert.equal(!refused.allowed && refused.by, 'account');
  assert.equal(byAddress.check('10.0.0.3').allowed, true);
  const other = beginLogin(byAddress, byAccount, '10.0.0.3', 'viewer');
  assert.ok(other.allowed);
  other.attempt.succeeded();
});
