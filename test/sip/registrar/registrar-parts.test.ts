/** The registrar's parts on their own: extension checks, the binding table, the lockout table and its state machine. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeHa1 } from '../../../src/sip/auth/index.js';
import {
  BindingTable,
  checkExtensions,
  contactKey,
  IllegalSourceLockoutTransition,
  nextSourceLockoutState,
  parseDeltaSeconds,
  Registrar,
  SourceLockout,
  type Binding,
} from '../../../src/sip/registrar/index.js';
import { DOMAIN, registerWithAuth } from './registrar-fixtures.js';

test('checkExtensions fills defaults, joins prefix and number, and lists every problem', () => {
  const good = checkExtensions([{ number: '001', prefix: '8', secret: { password: 'x' } }]);
  assert.deepEqual(good, { ok: true, extensions: [{ user: '8001', group: 'default', secret: { password: 'x' }, maxContacts: 5 }] });
  const bad = checkExtensions([
    { number: '001', prefix: '8', secret: { password: 'x' } },
    { number: '8001', secret: { password: 'y' } },
    { number: 'a b', secret: { password: '' } },
    { number: '3', group: 'bad group', maxContacts: 0, secret: { ha1: { MD5: 'xyz' } } },
    { number: '4', prefix: 'p', secret: { ha1: { SHA1: 'aa' } as never } },
  ]);
  assert.equal(bad.ok, false);
  const problems = bad.ok ? [] : bad.problems;
  for (const expected of [/extension 2: extension 8001 is defined twice/, /extension 3: number/, /extension 3: password/, /extension 4: group/, /extension 4: maxContacts/, /extension 4: ha1 for MD5/, /extension 5: prefix/, /extension 5: ha1 algorithm SHA1/]) {
    assert.ok(problems.some((p) => expected.test(p)), `${expected} in ${problems.join(' | ')}`);
  }
  assert.deepEqual(checkExtensions('nope' as never), { ok: false, problems: ['extensions must be a list'] });
});

test('an extension whose secret is stored as HA1 registers', () => {
  const clock = { t: 1_800_000_000_000 };
  const ha1 = { MD5: computeHa1('MD5', '8001', DOMAIN, 'kitchen-1'), 'SHA-256': computeHa1('SHA-256', '8001', DOMAIN, 'kitchen-1') };
  const registrar = new Registrar({ domains: [DOMAIN], nonceSecret: Buffer.alloc(32, 1), version: 't', now: () => clock.t, extensions: [{ number: '8001', secret: { ha1 } }] });
  assert.equal(registerWithAuth(registrar, { password: 'kitchen-1' }).statusCode, 200);
});

test('the Registrar refuses an unusable configuration with every problem listed', () => {
  assert.throws(
    () => new Registrar({ domains: [], nonceSecret: Buffer.alloc(32), version: 't', extensions: [{ number: '', secret: { password: 'x' } }], minExpiresS: 100, maxExpiresS: 50 }),
    (error: unknown) => error instanceof RangeError && /domain/.test(error.message) && /number/.test(error.message) && /expiries/.test(error.message),
  );
  assert.throws(() => new Registrar({ domains: [DOMAIN], nonceSecret: Buffer.alloc(8), version: 't', extensions: [] }), RangeError);
});

test('contactKey compares scheme and host case-insensitively, user case-sensitively', () => {
  assert.equal(contactKey('SIP:alice@Phone.Example:5060;transport=udp'), contactKey('sip:alice@phone.example:5060;transport=udp'));
  assert.notEqual(contactKey('sip:Alice@phone.example'), contactKey('sip:alice@phone.example'));
  assert.equal(parseDeltaSeconds('99999999999999'), 2 ** 32 - 1);
  assert.equal(parseDeltaSeconds('-1'), undefined);
});

const binding = (user: string, host: string, at: number, expiresAt = at + 60_000): Binding => ({
  user, group: 'g', contactUri: `sip:${user}@${host}`, key: contactKey(`sip:${user}@${host}`), q: undefined, callId: 'c', cseq: 1,
  expiresAt, updatedAt: at, source: { ip: host, port: 5060, transport: 'udp' },
});

test('BindingTable: per-extension eviction of the least recently updated, total count, expiry on access', () => {
  const table = new BindingTable(3);
  assert.deepEqual(table.put(binding('a', '1', 10), 2), []);
  assert.deepEqual(table.put(binding('a', '2', 20), 2), []);
  assert.deepEqual(table.put(binding('a', '3', 30), 2).map((b) => b.contactUri), ['sip:a@1']);
  assert.equal(table.size, 2);
  table.put(binding('b', '1', 40, 100), 2);
  assert.equal(table.hasRoomFor(1, 50), false);
  assert.equal(table.hasRoomFor(1, 100), true, 'the expired binding of b made room');
  assert.equal(table.size, 2);
  assert.equal(table.remove('a', contactKey('sip:a@2')), true);
  assert.equal(table.remove('a', contactKey('sip:a@2')), false);
  assert.deepEqual(table.bindingsOf('a', 60).map((b) => b.contactUri), ['sip:a@3']);
  assert.throws(() => new BindingTable(0), RangeError);
});

test('SourceLockout: bounded, forgetting unlocked sources before locked ones', () => {
  const lockout = new SourceLockout({ maxFailures: 1, maxSources: 2 });
  assert.equal(lockout.recordFailure('10.0.0.1', 0), true);
  assert.equal(lockout.recordFailure('10.0.0.2', 0), true);
  assert.equal(lockout.size, 2);
  const counting = new SourceLockout({ maxFailures: 3, maxSources: 2 });
  counting.recordFailure('locked', 0);
  counting.recordFailure('locked', 0);
  counting.recordFailure('locked', 0);
  counting.recordFailure('x', 0);
  counting.recordFailure('y', 0);
  assert.equal(counting.size, 2);
  assert.equal(counting.isLocked('locked', 1), true, 'the locked source was kept; x was forgotten');
  for (let i = 0; i < 1000; i++) counting.recordFailure(`10.1.${i >> 8}.${i & 255}`, i);
  assert.equal(counting.size, 2);
  assert.throws(() => new SourceLockout({ maxFailures: 0 }), RangeError);
});

test('the lockout state table has exactly the documented edges', () => {
  assert.equal(nextSourceLockoutState('counting', 'failure'), 'counting');
  assert.equal(nextSourceLockoutState('counting', 'limit-reached'), 'locked');
  assert.equal(nextSourceLockoutState('counting', 'window-passed'), 'counting');
  assert.equal(nextSourceLockoutState('locked', 'lock-expired'), 'counting');
  for (const event of ['failure', 'limit-reached', 'window-passed'] as const) assert.throws(() => nextSourceLockoutState('locked', event), IllegalSourceLockoutTransition);
  assert.throws(() => nextSourceLockoutState('counting', 'lock-expired'), IllegalSourceLockoutTransition);
});
