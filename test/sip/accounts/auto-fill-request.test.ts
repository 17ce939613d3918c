/** The auto-fill request (manual §4.3): line 1's account in the configuration's shape → lines 1..N, or the problems. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sipSchema } from '../../../src/config/schema-sip.js';
import { autoFillFromRequest } from '../../../src/sip/accounts/auto-fill-request.js';

const line1 = { authId: '8001', password: 'pa55-secret', phoneNumber: '5550001', displayName: 'Line 1', registrar: 'pbx.example.com', backupRegistrar: 'pbx2.example.com:5070', expiresSec: 600 };

test('lines 1..count count up auth ID, phone number and display name; servers, password and expiry are copied', () => {
  const verdict = autoFillFromRequest({ account: line1, count: 3 }, 8);
  assert.ok(verdict.ok);
  assert.deepEqual(verdict.lines.map((l) => [l.line, l.authId, l.phoneNumber, l.displayName]), [
    [1, '8001', '5550001', 'Line 1'],
    [2, '8002', '5550002', 'Line 2'],
    [3, '8003', '5550003', 'Line 3'],
  ]);
  for (const l of verdict.lines) {
    assert.equal(l.password, 'pa55-secret');
    assert.equal(l.registrar, 'pbx.example.com');
    assert.equal(l.backupRegistrar, 'pbx2.example.com:5070');
    assert.equal(l.transport, 'udp');
    assert.equal(l.expiresSec, 600);
  }
  // What comes back is a valid sip.registration section as it stands.
  const parsed = sipSchema.safeParse({ registration: { mode: 'per-line', lines: verdict.lines } });
  assert.ok(parsed.success, JSON.stringify(parsed.error?.issues));
});

test('count defaults to the device\'s lines; without a password the lines have none', () => {
  const { password: _, ...noPassword } = line1;
  const verdict = autoFillFromRequest({ account: noPassword }, 4);
  assert.ok(verdict.ok);
  assert.equal(verdict.lines.length, 4);
  assert.ok(verdict.lines.every((l) => !('password' in l)));
});

test('bad input: every problem named, nothing thrown', () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{}, /account: expected/],
    [{ account: [] }, /account: expected/],
    [{ account: { ...line1, authId: 'gateway' } }, /auth ID "gateway" has no number/],
    [{ account: { ...line1, registrar: 'pbx.example.com:99999' } }, /registrar "pbx.example.com:99999" is not host\[:port\]/],
    [{ account: { ...line1, transport: 'sctp', expiresSec: 5 } }, /transport.*expiresSec/],
    [{ account: { ...line1, extra: 1 } }, /account.extra: unknown field/],
    [{ account: line1, count: 0 }, /count: expected a whole number from 1 to 64/],
    [{ account: { ...line1, registrar: 7 } }, /account.registrar: expected a non-empty text/],
  ];
  for (const [body, problem] of cases) {
    const verdict = autoFillFromRequest(body, 4);
    assert.equal(verdict.ok, false, JSON.stringify(body));
    assert.match(verdict.ok ? '' : verdict.problems.join('; '), problem);
  }
});
