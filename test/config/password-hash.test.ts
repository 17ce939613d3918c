import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { hashPassword, verifyPassword } from '../../src/config/password-hash.js';

test('hashes verify, wrong passwords and malformed hashes do not', async () => {
  const h = await hashPassword('correct horse');
  assert.equal(await verifyPassword('correct horse', h), true);
  assert.equal(await verifyPassword('wrong horse', h), false);
  assert.equal(await verifyPassword('correct horse', 'scrypt$1$1$1$x$y'), false);
});

/** Replaces crypto.scrypt (as password-hash.ts sees it) for one test; `around` wraps each call. */
function patchScrypt(t: { after(fn: () => void): void }, around: (args: unknown[], done: (err: Error | null, key?: Buffer) => void, original: (...a: unknown[]) => void) => void): void {
  const original = crypto.scrypt;
  (crypto as { scrypt: unknown }).scrypt = (...args: unknown[]) => {
    const cb = args.pop() as (err: Error | null, key?: Buffer) => void;
    around(args, cb, original as (...a: unknown[]) => void);
  };
  // The named import in password-hash.ts follows the builtin's export once synced.
  syncBuiltinESMExports();
  t.after(() => {
    crypto.scrypt = original;
    syncBuiltinESMExports();
  });
}

test('scrypt derivations run one at a time: 16 MB each, not 16 MB per libuv pool thread', async (t) => {
  let running = 0;
  let most = 0;
  patchScrypt(t, (args, done, original) => {
    running++;
    most = Math.max(most, running);
    original(...args, (err: Error | null, key: Buffer) => {
      running--;
      done(err, key);
    });
  });
  const h = await hashPassword('pw');
  most = 0;
  const results = await Promise.all([verifyPassword('pw', h), verifyPassword('no', h), hashPassword('x'), verifyPassword('pw', h)]);
  assert.deepEqual([results[0], results[1], results[3]], [true, false, true]);
  assert.equal(most, 1, `at most one derivation at a time (saw ${most})`);
});

test('a failed derivation does not stop the ones queued behind it', async (t) => {
  const h = await hashPassword('pw');
  let calls = 0;
  patchScrypt(t, (args, done, original) => {
    if (calls++ === 0) setImmediate(() => done(new Error('scrypt failed')));
    else original(...args, done);
  });
  const [bad, good] = await Promise.allSettled([verifyPassword('pw', h), verifyPassword('pw', h)]);
  assert.equal(bad.status, 'rejected');
  assert.equal(good.status === 'fulfilled' && good.value, true);
});
