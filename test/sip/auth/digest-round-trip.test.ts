/** Client ↔ server: algorithms, stale nonces, nc replay, wrong uri/realm, tampered and expired nonces, enumeration. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeHa1 } from '../../../src/sip/auth/digest-algorithm.js';
import { DigestClient } from '../../../src/sip/auth/digest-client.js';
import type { DigestAnswer, DigestRequest } from '../../../src/sip/auth/digest-client-options.js';
import { DigestServer } from '../../../src/sip/auth/digest-server.js';
import type { DigestServerOptions, StoredDigestSecret } from '../../../src/sip/auth/digest-server-options.js';

const realm = 'gw.example.net';
const register: DigestRequest = { method: 'REGISTER', uri: 'sip:gw.example.net' };
const users = new Map<string, StoredDigestSecret>([
  ['alice', { password: 'wonderland' }],
  ['bob', { ha1: { MD5: computeHa1('MD5', 'bob', realm, 'builder'), 'SHA-256': computeHa1('SHA-256', 'bob', realm, 'builder') } }],
  ['carol', { ha1: { MD5: computeHa1('MD5', 'carol', realm, 'md5only') } }],
]);
const lookup = (u: string) => users.get(u);

function setup(options: Partial<DigestServerOptions> = {}) {
  const clock = { t: 1_700_000_000_000 };
  const server = new DigestServer({ realm, secret: Buffer.alloc(32, 7), now: () => clock.t, ...options });
  return { clock, server };
}

function value(answer: DigestAnswer): string {
  assert.ok(answer.ok, JSON.stringify(answer));
  return answer.ok ? answer.value : '';
}

const verifyWith = (server: DigestServer, credentials: string, request: DigestRequest = register) =>
  server.verify({ credentials, method: request.method, requestUri: request.uri, body: request.body }, lookup);

test('the server offers SHA-256 then MD5 on one nonce; the client answers SHA-256; the server accepts', () => {
  const { server } = setup();
  const challenge = server.challenge();
  assert.equal(challenge.header, 'WWW-Authenticate');
  assert.equal(challenge.values.length, 2);
  assert.match(challenge.values[0]!, /algorithm=SHA-256/);
  assert.match(challenge.values[1]!, /algorithm=MD5/);
  const client = new DigestClient({ credentials: { username: 'alice', password: 'wonderland' } });
  const answer = client.answer(challenge.values, register, 401);
  assert.ok(answer.ok && answer.algorithm === 'SHA-256' && answer.nc === 1);
  assert.deepEqual(verifyWith(server, value(answer)), { verdict: 'ok', username: 'alice', algorithm: 'SHA-256' });
  client.accepted();
  assert.equal(client.state, 'accepted');
});

test('stored HA1 per algorithm; a user with only an MD5 HA1 can log in over MD5, not over SHA-256', () => {
  const { server } = setup();
  const bob = new DigestClient({ credentials: { username: 'bob', password: 'builder' } });
  assert.equal(verifyWith(server, value(bob.answer(server.challenge().values, register, 401))).verdict, 'ok');
  const carolSha = new DigestClient({ credentials: { username: 'carol', password: 'md5only' } });
  assert.deepEqual(verifyWith(server, value(carolSha.answer(server.challenge().values, register, 401))), { verdict: 'wrong', reason: 'credentials' });
  const carolMd5 = new DigestClient({ credentials: { username: 'carol', password: 'md5only' } });
  const md5Only = setup({ algorithms: ['MD5'] }).server;
  assert.deepEqual(verifyWith(md5Only, value(carolMd5.answer(md5Only.challenge().values, register, 401))), { verdict: 'ok', username: 'carol', algorithm: 'MD5' });
});

test('SHA-512-256 and auth-int round trip when the server offers them', () => {
  const { server } = setup({ algorithms: ['SHA-512-256', 'MD5'], qop: ['auth-int'] });
  const client = new DigestClient({ credentials: { username: 'alice', password: 'wonderland' } });
  const message: DigestRequest = { method: 'MESSAGE', uri: 'sip:gw.example.net', body: Buffer.from('héllo', 'utf8') };
  const answer = client.answer(server.challenge().values, message, 401);
  assert.ok(answer.ok && answer.algorithm === 'SHA-512-256');
  assert.match(value(answer), /qop=auth-int/);
  assert.equal(verifyWith(server, value(answer), message).verdict, 'ok');
  // A different body under the same credentials does not pass.
  const { server: again } = setup({ algorithms: ['SHA-512-256'], qop: ['auth-int'] });
  const signed = value(new DigestClient({ credentials: { username: 'alice', password: 'wonderland' } }).answer(again.challenge().values, message, 401));
  assert.deepEqual(verifyWith(again, signed, { ...message, body: Buffer.from('hello') }), { verdict: 'wrong', reason: 'credentials' });
});

test('an expired nonce with the right password → stale; the client retries without asking and gets in', () => {
  const { server, clock } = setup({ nonceLifetimeMs: 60_000 });
  const client = new DigestClient({ credentials: { username: 'alice', password: 'wonderland' } });
  const first = value(client.answer(server.challenge().values, register, 401));
  clock.t += 60_001;
  assert.deepEqual(verifyWith(server, first), { verdict: 'stale' });
  const retry = server.challenge({ stale: true });
  assert.match(retry.values[0]!, /stale=true/);
  const second = client.answer(retry.values, register, 401);
  assert.ok(second.ok);
  assert.equal(verifyWith(server, value(second)).verdict, 'ok');
});

test('default nonce lifetime is five minutes', () => {
  const { server, clock } = setup();
  const creds = value(new DigestClient({ credentials: { username: 'alice', password: 'wonderland' } }).answer(server.challenge().values, register, 401));
  clock.t += 5 * 60_000;
  const fresh = value(new DigestClient({ credentials: { username: 'alice', password: 'wonderland' } }).answer(server.challenge().values, register, 401));
  assert.equal(verifyWith(server, creds).verdict, 'ok');
  clock.t += 5 * 60_000 + 1;
  assert.equal(verifyWith(server, fresh).verdict, 'stale');
});

test('an expired nonce with a wrong password is wrong, not stale', () => {
  const { server, clock } = setup();
  const creds = value(new DigestClient({ credentials: { username: 'alice', password: 'nope' } }).answer(server.challenge().values, register, 401));
  clock.t += 6 * 60_000;
  assert.deepEqual(verifyWith(server, creds), { verdict: 'wrong', reason: 'credentials' });
});

test('wrong password: the client reports it on the next challenge instead of answering again', () => {
  const { server } = setup();
  const client = new DigestClient({ credentials: { username: 'alice', password: 'nope' } });
  const creds = value(client.answer(server.challenge().values, register, 401));
  assert.equal(verifyWith(server, creds).verdict, 'wrong');
  const again = client.answer(server.challenge().values, register, 401);
  assert.deepEqual(again.ok ? 'answered' : again.reason, 'wrong-credentials');
  assert.equal(client.state, 'rejected');
  const third = client.answer(server.challenge({ stale: true }).values, register, 401);
  assert.equal(third.ok, false);
});

test('nc counts per nonce: a cached nonce signs later requests with nc 2, 3; replayed or decreasing nc is refused', () => {
  const { server } = setup();
  const client = new DigestClient({ credentials: { username: 'alice', password: 'wonderland' } });
  const first = value(client.answer(server.challenge().values, register, 401));
  assert.equal(verifyWith(server, first).verdict, 'ok');
  client.accepted();
  const second = client.authorize(register);
  const third = client.authorize(register);
  assert.ok(second.ok && second.nc === 2 && third.ok && third.nc === 3);
  assert.match(value(third), /nc=00000003/);
  assert.equal(verifyWith(server, value(third)).verdict, 'ok');
  // nc 2 after nc 3: decreasing; nc 3 again: replay.
  assert.deepEqual(verifyWith(server, value(second)), { verdict: 'wrong', reason: 'nc-replay' });
  assert.deepEqual(verifyWith(server, value(third)), { verdict: 'wrong', reason: 'nc-replay' });
  assert.deepEqual(verifyWith(server, first), { verdict: 'wrong', reason: 'nc-replay' });
});

test('a new challenge after acceptance is answered with nc 1; the same nonce challenged again without stale is refused', () => {
  const { server } = setup();
  const client = new DigestClient({ credentials: { username: 'alice', password: 'wonderland' } });
  const challenge = server.challenge().values;
  client.answer(challenge, register, 401);
  client.accepted();
  const renewed = client.answer(server.challenge().values, register, 401);
  assert.ok(renewed.ok && renewed.nc === 1);
  client.accepted();
  const sameNonce = client.answer([challenge[0]!.replace(/nonce="[^"]*"/, `nonce="${renewed.ok ? renewed.nonce : ''}"`)], register, 401);
  assert.deepEqual(sameNonce.ok ? 'answered' : sameNonce.reason, 'wrong-credentials');
});

test('the digest-uri must be the Request-URI; the realm must be ours', () => {
  const { server } = setup();
  const client = new DigestClient({ credentials: { username: 'alice', password: 'wonderland' } });
  const creds = value(client.answer(server.challenge().values, register, 401));
  assert.deepEqual(server.verify({ credentials: creds, method: 'REGISTER', requestUri: 'sip:other.example.net' }, lookup), { verdict: 'wrong', reason: 'uri' });
  const otherRealm = new DigestServer({ realm: 'other', secret: Buffer.alloc(32, 7) });
  assert.deepEqual(verifyWith(otherRealm, creds), { verdict: 'wrong', reason: 'realm' });
  // Same realm string but a different server secret: the nonce is not ours.
  const otherSecret = new DigestServer({ realm, secret: Buffer.alloc(32, 8) });
  assert.deepEqual(verifyWith(otherSecret, creds), { verdict: 'wrong', reason: 'nonce' });
});

test('a tampered nonce (time stamp moved, or a byte flipped) fails the HMAC', () => {
  const { server } = setup();
  const challenge = server.challenge().values[0]!;
  const nonce = /nonce="([^"]*)"/.exec(challenge)![1]!;
  const bytes = Buffer.from(nonce, 'base64url');
  for (const index of [0, 7, 10, bytes.length - 1]) {
    const tampered = Buffer.from(bytes);
    tampered[index]! ^= 1;
    const forged = challenge.replace(nonce, tampered.toString('base64url'));
    const creds = value(new DigestClient({ credentials: { username: 'alice', password: 'wonderland' } }).answer([forged], register, 401));
    assert.deepEqual(verifyWith(server, creds), { verdict: 'wrong', reason: 'nonce' }, `byte ${index}`);
  }
  const shortNonce = value(new DigestClient({ credentials: { username: 'alice', password: 'wonderland' } }).answer([challenge.replace(nonce, 'abc')], register, 401));
  assert.deepEqual(verifyWith(server, shortNonce), { verdict: 'wrong', reason: 'nonce' });
});

test('unknown user and wrong password get the same verdict, and the challenges look alike', () => {
  const { server } = setup();
  const stranger = value(new DigestClient({ credentials: { username: 'mallory', password: 'x' } }).answer(server.challenge().values, register, 401));
  const wrongPassword = value(new DigestClient({ credentials: { username: 'alice', password: 'x' } }).answer(server.challenge().values, register, 401));
  assert.deepEqual(verifyWith(server, stranger), verifyWith(server, wrongPassword));
  const strip = (v: string) => v.replace(/nonce="[^"]*"/, 'nonce=""');
  assert.deepEqual(server.challenge().values.map(strip), server.challenge().values.map(strip));
  // A lookup for the unknown user was made, and the same hash work was done (the dummy secret): the
  // lookup is called exactly once either way.
  let calls = 0;
  server.verify({ credentials: stranger, method: 'REGISTER', requestUri: register.uri }, (u) => (calls++, users.get(u)));
  assert.equal(calls, 1);
});

test('verdicts for requests the server does not offer: other algorithm, other qop, no qop, malformed header', () => {
  const { server } = setup({ algorithms: ['SHA-256'] });
  const md5Server = setup({ algorithms: ['MD5'] }).server;
  const client = new DigestClient({ credentials: { username: 'alice', password: 'wonderland' } });
  const md5Creds = value(client.answer(md5Server.challenge().values, register, 401));
  assert.deepEqual(verifyWith(server, md5Creds), { verdict: 'wrong', reason: 'algorithm' });
  const noQop = md5Creds.replace(/, qop=auth/, '').replace(/, nc=\w+/, '');
  assert.deepEqual(verifyWith(md5Server, noQop), { verdict: 'wrong', reason: 'qop' });
  assert.deepEqual(verifyWith(md5Server, md5Creds.replace('qop=auth', 'qop=auth-int')), { verdict: 'wrong', reason: 'qop' });
  assert.equal(verifyWith(server, 'Digest username=').verdict, 'malformed');
  assert.equal(verifyWith(server, 'x'.repeat(10_000)).verdict, 'malformed');
});

test('the nc state stays bounded and a forgotten nonce is answered stale, never accepted twice', () => {
  const { server, clock } = setup({ maxTrackedNonces: 2 });
  const signed: string[] = [];
  for (let i = 0; i < 3; i++) {
    clock.t += 1000;
    signed.push(value(new DigestClient({ credentials: { username: 'alice', password: 'wonderland' } }).answer(server.challenge().values, register, 401)));
  }
  assert.equal(verifyWith(server, signed[0]!).verdict, 'ok');
  assert.equal(verifyWith(server, signed[1]!).verdict, 'ok');
  assert.equal(verifyWith(server, signed[2]!).verdict, 'ok'); // evicts the first nonce
  assert.deepEqual(verifyWith(server, signed[0]!), { verdict: 'stale' });
  assert.deepEqual(verifyWith(server, signed[2]!), { verdict: 'wrong', reason: 'nc-replay' });
});

test('a proxy challenge (407) is answered in Proxy-Authorization', () => {
  const { server } = setup();
  const challenge = server.challenge({ proxy: true });
  assert.equal(challenge.header, 'Proxy-Authenticate');
  const answer = new DigestClient({ credentials: { username: 'alice', password: 'wonderland' } }).answer(challenge.values, { method: 'INVITE', uri: 'sip:+4915112345678@gw.example.net' }, 407);
  assert.ok(answer.ok && answer.header === 'Proxy-Authorization');
});

test('a non-ASCII username travels as UTF-8 bytes in wire form and is hashed as UTF-8 on both sides', () => {
  const { server } = setup();
  const client = new DigestClient({ credentials: { username: 'jürgen', password: 'straße' } });
  const answer = value(client.answer(server.challenge().values, register, 401));
  assert.ok(answer.includes(Buffer.from('username="jürgen"', 'utf8').toString('latin1')));
  const verdict = server.verify({ credentials: answer, method: 'REGISTER', requestUri: register.uri }, (u) => (u === 'jürgen' ? { password: 'straße' } : undefined));
  assert.deepEqual(verdict, { verdict: 'ok', username: 'jürgen', algorithm: 'SHA-256' });
});
