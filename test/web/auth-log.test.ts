/**
 * Failed attempts are logged with the user name only when it names an account: an unknown "name" may
 * be a password typed into the user field.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fingerprint, userForLog } from '../../src/web/user-for-log.js';
import { ADMIN_PASSWORD, basic, startApp, type Harness } from './harness.js';

const TYPED_PASSWORD = 'Tr0ub4dor&3-in-the-user-field';

/** The JSON log records with this message. */
function records(h: Harness, msg: string): Record<string, unknown>[] {
  return h.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((r) => r['msg'] === msg);
}

function tryBasic(h: Harness, user: string, password: string): Promise<Response> {
  return fetch(`${h.base}/api/lines`, { headers: { authorization: basic(user, password) } }).then(async (r) => (await r.text(), r));
}

function tryLogin(h: Harness, user: string, password: string): Promise<Response> {
  return fetch(`${h.base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, password }) }).then(async (r) => (await r.text(), r));
}

test('userForLog: known names as such, unknown ones as a stable 8-hex fingerprint', () => {
  assert.deepEqual(userForLog('admin', true), { user: 'admin' });
  const a = userForLog(TYPED_PASSWORD, false);
  assert.equal(a.user, '(unknown)');
  assert.match(a.userFingerprint ?? '', /^[0-9a-f]{8}$/);
  assert.equal(a.userFingerprint, fingerprint(TYPED_PASSWORD), 'the same name gives the same fingerprint');
  assert.notEqual(fingerprint('other'), a.userFingerprint);
  assert.deepEqual(userForLog('bad\nname', true), { user: 'bad?name' }, 'no control characters in the log');
});

for (const [via, attempt, failedMsg, refusedMsg] of [
  ['Basic', tryBasic, 'authentication failed', 'authentication refused: too many failed attempts'],
  ['login', tryLogin, 'login failed', 'login refused: too many failed attempts'],
] as const) {
  test(`a failed ${via} attempt logs an unknown user name only as a fingerprint, a known one by name`, async () => {
    const h = await startApp({ loginLimit: { max: 3, windowMs: 60_000 } });
    try {
      assert.equal((await attempt(h, TYPED_PASSWORD, 'x')).status, 401);
      assert.equal((await attempt(h, TYPED_PASSWORD, 'y')).status, 401);
      assert.equal((await attempt(h, 'admin', 'wrong-password')).status, 401);
      assert.equal((await attempt(h, TYPED_PASSWORD, 'z')).status, 429);

      const failed = records(h, failedMsg);
      assert.equal(failed.length, 3);
      assert.equal(failed[0]!['user'], '(unknown)');
      assert.match(String(failed[0]!['userFingerprint']), /^[0-9a-f]{8}$/);
      assert.equal(failed[1]!['userFingerprint'], failed[0]!['userFingerprint'], 'repeated attempts can be correlated');
      assert.equal(failed[2]!['user'], 'admin');
      assert.equal(failed[2]!['userFingerprint'], undefined);
      if (via === 'login') {
        const refused = records(h, refusedMsg);
        assert.equal(refused.length, 1);
        assert.equal(refused[0]!['user'], '(unknown)');
      }
      const all = h.logs.join('');
      assert.ok(!all.includes(TYPED_PASSWORD), 'the unknown name is nowhere in the log');
      assert.ok(!all.includes('wrong-password'));
    } finally {
      await h.close();
    }
  });
}

test('a successful login still logs the user name', async () => {
  const h = await startApp();
  try {
    assert.equal((await tryLogin(h, 'admin', ADMIN_PASSWORD)).status, 200);
    assert.equal(records(h, 'login')[0]!['user'], 'admin');
  } finally {
    await h.close();
  }
});
