import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSdesCryptoLine, formatSdesCrypto, generateSrtpMasterKey, parseSdesCrypto } from '../../../src/media/srtp/sdes-crypto.js';
import { SrtpTransform } from '../../../src/media/srtp/srtp-transform.js';

test('a=crypto lines as user agents send them: a bare inline key, one with a 2^n lifetime, a value with a decimal lifetime and a WSH session parameter', () => {
  const plain = parseSdesCrypto('a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:9c1AHz27dZ9xPI91YNfSlI67/EMkjHHIHORiClQe');
  assert.ok(plain.ok);
  assert.equal(plain.crypto.tag, 1);
  assert.equal(Buffer.concat([plain.crypto.masterKey.key, plain.crypto.masterKey.salt]).toString('base64'), '9c1AHz27dZ9xPI91YNfSlI67/EMkjHHIHORiClQe');
  assert.equal(plain.crypto.masterKey.key.length, 16);
  assert.equal(plain.crypto.masterKey.salt.length, 14);
  assert.equal(plain.crypto.lifetime, null);
  const withLifetime = parseSdesCrypto('a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:zc409/eT1JuwUPQAswLkF878WJvn5Rpo+aLUt+SI|2^31\r\n');
  assert.ok(withLifetime.ok);
  assert.equal(withLifetime.crypto.lifetime, 2 ** 31);
  const valueOnly = parseSdesCrypto('3 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj|1048576 WSH=64');
  assert.ok(valueOnly.ok);
  assert.equal(valueOnly.crypto.tag, 3);
  assert.equal(valueOnly.crypto.lifetime, 1048576);
});

test('refused with a reason: MKI, other suites, several keys, bad base64, wrong length, processing session params', () => {
  const cases: [string, RegExp][] = [
    ['a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4', /MKI \(1:4\) is not supported/],
    ['a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:32', /MKI/],
    ['a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:ebHN/WPPcu2E+Jm4kdx9YK58jVFDKD4uRgwFu18k|2^31', /suite AES_CM_128_HMAC_SHA1_32 is not supported/],
    ['a=crypto:3 AES_256_CM_HMAC_SHA1_80 inline:ebHN/WPPcu2E+Jm4kdx9YK58jVFDKD4uRgwFu18k', /not supported/],
    ['a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4;inline:QUJjZGVmMTIzNDU2Nzg5QUJDREUwMTIzNDU2Nzg5|2^20|2:4', /several keys/],
    ['a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:not*base64!', /not base64/],
    ['a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:QUJjZGVmMTIzNDU2', /30 bytes .* not 12/],
    ['a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:9c1AHz27dZ9xPI91YNfSlI67/EMkjHHIHORiClQe|2^99', /lifetime/],
    ['a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:9c1AHz27dZ9xPI91YNfSlI67/EMkjHHIHORiClQe KDR=1', /KDR=1 is not supported/],
    ['a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:9c1AHz27dZ9xPI91YNfSlI67/EMkjHHIHORiClQe UNENCRYPTED_SRTP', /UNENCRYPTED_SRTP/],
    ['a=crypto:x AES_CM_128_HMAC_SHA1_80 inline:9c1AHz27dZ9xPI91YNfSlI67/EMkjHHIHORiClQe', /tag/],
    ['a=crypto:1 AES_CM_128_HMAC_SHA1_80', /tag, a suite and key/],
    ['a=crypto:1 AES_CM_128_HMAC_SHA1_80 uri:https://example.com/key', /inline:/],
  ];
  for (const [line, reason] of cases) {
    const r = parseSdesCrypto(line);
    assert.equal(r.ok, false, line);
    if (!r.ok) assert.match(r.reason, reason, line);
  }
  assert.equal(parseSdesCrypto(42 as never).ok, false);
});

test('a generated key builds a line that parses back to the same key, and the two ends of a call can talk with it', () => {
  const ours = generateSrtpMasterKey();
  const theirs = generateSrtpMasterKey();
  assert.notDeepEqual(ours.key, theirs.key);
  const line = buildSdesCryptoLine(1, ours);
  assert.match(line, /^a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:[A-Za-z0-9+/]{40}$/);
  const parsed = parseSdesCrypto(line);
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.crypto.masterKey, ours);
  const peerView = parseSdesCrypto(buildSdesCryptoLine(1, theirs));
  assert.ok(peerView.ok);
  const us = new SrtpTransform({ local: ours, remote: peerView.crypto.masterKey });
  const them = new SrtpTransform({ local: theirs, remote: parsed.crypto.masterKey });
  const packet = Buffer.concat([Buffer.from('8008000100000000deadbeef', 'hex'), Buffer.alloc(160, 0xd5)]);
  assert.deepEqual(them.unprotectRtp(us.protectRtp(packet)), packet);
  assert.throws(() => formatSdesCrypto(-1, ours), /tag/);
});
