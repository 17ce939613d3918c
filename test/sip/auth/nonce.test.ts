/** The stateless nonce and the bounded nc tracker on their own. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { DigestNonceMint } from '../../../src/sip/auth/digest-nonce.js';
import { NonceCountTracker } from '../../../src/sip/auth/nonce-count-tracker.js';
import { DigestServer } from '../../../src/sip/auth/digest-server.js';

test('a nonce carries its issue time, is bound to secret and realm, and ages', () => {
  const secret = Buffer.alloc(32, 1);
  const mint = new DigestNonceMint(secret, 'r', 1000);
  const nonce = mint.issue(5_000);
  assert.match(nonce, /^[A-Za-z0-9_-]{48}$/);
  assert.notEqual(mint.issue(5_000), nonce, 'random part');
  assert.deepEqual(mint.check(nonce, 5_500), { valid: true, issuedAt: 5_000, expired: false });
  assert.deepEqual(mint.check(nonce, 6_001), { valid: true, issuedAt: 5_000, expired: true });
  assert.deepEqual(mint.check(nonce, 2_000), { valid: false }, 'from the future');
  assert.deepEqual(new DigestNonceMint(secret, 'other', 1000).check(nonce, 5_500), { valid: false });
  assert.deepEqual(new DigestNonceMint(Buffer.alloc(32, 2), 'r', 1000).check(nonce, 5_500), { valid: false });
  for (const bad of ['', 'x', `${nonce}A`, nonce.replace(/^./, '*'), '='.repeat(48)]) assert.deepEqual(mint.check(bad, 5_500), { valid: false }, bad);
});

test('the nonce MAC is HMAC-SHA-256 over label, realm and the stamped random part, for short and long secrets', () => {
  for (const secret of [Buffer.alloc(32, 7), Buffer.from('a'.repeat(100)), Buffer.alloc(64, 9)]) {
    for (const realm of ['r', 'cellgate.bench', 'réalm']) {
      const mint = new DigestNonceMint(secret, realm, 1000);
      for (let i = 0; i < 3; i++) {
        const bytes = Buffer.from(mint.issue(1_700_000_000_000 + i), 'base64url');
        const hmac = createHmac('sha256', secret).update('cellgate-sip-digest-nonce\0').update(realm, 'utf8').update('\0').update(bytes.subarray(0, 20)).digest();
        assert.deepEqual(bytes.subarray(20), hmac.subarray(0, 16), `${realm}, ${secret.length}-byte secret`);
      }
    }
  }
});

test('nc tracker: rising nc accepted, equal or lower refused, capacity holds, forgotten nonces never pass', () => {
  const tracker = new NonceCountTracker(3);
  assert.equal(tracker.use('a', 1, 1), 'accepted');
  assert.equal(tracker.use('a', 1, 1), 'replayed');
  assert.equal(tracker.use('a', 1, 5), 'accepted');
  assert.equal(tracker.use('a', 1, 4), 'replayed');
  for (let i = 0; i < 100; i++) tracker.use(`n${i}`, 10 + i, 1);
  assert.equal(tracker.size, 3);
  assert.equal(tracker.use('a', 1, 6), 'forgotten');
  assert.equal(tracker.use('n50', 60, 2), 'forgotten');
  assert.equal(tracker.use('n99', 109, 2), 'accepted', 'still tracked');
  assert.equal(tracker.use('fresh', 500, 1), 'accepted', 'issued after the forgotten ones');
  assert.throws(() => new NonceCountTracker(0), RangeError);
});

test('server configuration that cannot work is refused at construction', () => {
  assert.throws(() => new DigestServer({ realm: 'r', secret: Buffer.alloc(16) }), RangeError);
  assert.throws(() => new DigestServer({ realm: 'r\n', secret: Buffer.alloc(32) }), RangeError);
  assert.throws(() => new DigestServer({ realm: '', secret: Buffer.alloc(32) }), RangeError);
  assert.throws(() => new DigestServer({ realm: 'r', secret: Buffer.alloc(32), nonceLifetimeMs: 0 }), RangeError);
  assert.throws(() => new DigestServer({ realm: 'r', secret: Buffer.alloc(32), algorithms: [] }), RangeError);
});
