/**
 * Published examples reproduced exactly: RFC 7616 §3.9.1 (MD5 and SHA-256, qop=auth) and RFC 2617
 * §3.5 (MD5, qop=auth). Both through the hash function and through the client, which must write the
 * same response into its header when given the example's cnonce.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeDigestResponse, computeHa1 } from '../../../src/sip/auth/digest-algorithm.js';
import { DigestClient } from '../../../src/sip/auth/digest-client.js';
import { parseDigestCredentials } from '../../../src/sip/auth/digest-credentials.js';

const rfc7616 = {
  username: 'Mufasa',
  password: 'Circle of Life',
  realm: 'http-auth@example.org',
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
  opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  uri: '/dir/index.html',
  method: 'GET',
  md5: '8ca523f5e9506fed4657c9700eebdbec',
  sha256: '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
};

const rfc2617 = {
  username: 'Mufasa',
  password: 'Circle Of Life',
  realm: 'testrealm@host.com',
  nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
  opaque: '5ccc069c403ebaf9f0171e9517f40e41',
  cnonce: '0a4f113b',
  uri: '/dir/index.html',
  method: 'GET',
  response: '6629fae49393a05397450978507c4ef1',
};

test('RFC 7616 §3.9.1: MD5 and SHA-256 responses', () => {
  const v = rfc7616;
  for (const [algorithm, expected] of [
    ['MD5', v.md5],
    ['SHA-256', v.sha256],
  ] as const) {
    const ha1 = computeHa1(algorithm, v.username, v.realm, v.password);
    const response = computeDigestResponse({ algorithm, ha1, nonce: v.nonce, method: v.method, uri: v.uri, qop: 'auth', nc: '00000001', cnonce: v.cnonce });
    assert.equal(response, expected, algorithm);
  }
});

test('RFC 2617 §3.5: MD5 response', () => {
  const v = rfc2617;
  const ha1 = computeHa1('MD5', v.username, v.realm, v.password);
  assert.equal(computeDigestResponse({ algorithm: 'MD5', ha1, nonce: v.nonce, method: v.method, uri: v.uri, qop: 'auth', nc: '00000001', cnonce: v.cnonce }), v.response);
});

test('RFC 7616 §3.9.1 through the client: the example challenges (SHA-256 first, then MD5) give the SHA-256 example', () => {
  const v = rfc7616;
  const challenges = [
    `Digest\r\n realm="${v.realm}",\r\n qop="auth, auth-int",\r\n algorithm=SHA-256,\r\n nonce="${v.nonce}",\r\n opaque="${v.opaque}"`,
    `Digest realm="${v.realm}", qop="auth, auth-int", algorithm=MD5, nonce="${v.nonce}", opaque="${v.opaque}"`,
  ];
  const client = new DigestClient({ credentials: { username: v.username, password: v.password }, makeCnonce: () => v.cnonce });
  const answer = client.answer(challenges, { method: v.method, uri: v.uri }, 401);
  assert.equal(answer.ok, true);
  if (!answer.ok) return;
  assert.equal(answer.header, 'Authorization');
  const sent = parseDigestCredentials(answer.value);
  assert.ok(sent.ok);
  assert.deepEqual(
    { ...sent.value },
    { username: v.username, realm: v.realm, nonce: v.nonce, uri: v.uri, response: v.sha256, algorithm: 'SHA-256', cnonce: v.cnonce, opaque: v.opaque, qop: 'auth', nc: '00000001', userhash: false },
  );
});

test('RFC 2617 §3.5 through the client, from a precomputed HA1 (MD5 when that is all that is offered)', () => {
  const v = rfc2617;
  const ha1 = computeHa1('MD5', v.username, v.realm, v.password);
  const client = new DigestClient({ credentials: { username: v.username, ha1: { MD5: ha1 }, realm: v.realm }, makeCnonce: () => v.cnonce });
  const answer = client.answer([`Digest realm="${v.realm}", qop="auth,auth-int", nonce="${v.nonce}", opaque="${v.opaque}"`], { method: v.method, uri: v.uri }, 407);
  assert.ok(answer.ok);
  if (!answer.ok) return;
  assert.equal(answer.header, 'Proxy-Authorization');
  assert.equal(answer.algorithm, 'MD5');
  const sent = parseDigestCredentials(answer.value);
  assert.ok(sent.ok && sent.value.response === v.response);
});
