/** The digest client's choices and its state machine, without a server. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DigestClient } from '../../../src/sip/auth/digest-client.js';
import type { DigestAnswer } from '../../../src/sip/auth/digest-client-options.js';
import { IllegalDigestClientTransition, nextDigestClientState, type DigestClientEvent, type DigestClientState } from '../../../src/sip/auth/digest-client-state.js';
import { parseDigestCredentials } from '../../../src/sip/auth/digest-credentials.js';

const request = { method: 'REGISTER', uri: 'sip:example.com' };
const alice = () => new DigestClient({ credentials: { username: 'alice', password: 'pw' }, makeCnonce: () => 'c0ffee' });
const reason = (a: DigestAnswer) => (a.ok ? `ok:${a.algorithm}` : a.reason);

test('every edge of the state diagram, and a throw on each missing one', () => {
  const legal: Record<DigestClientState, Partial<Record<DigestClientEvent, DigestClientState>>> = {
    unchallenged: { answer: 'answered' },
    answered: { 'answer-stale': 'answered', accept: 'accepted', reject: 'rejected' },
    accepted: { answer: 'answered', 'answer-stale': 'answered', accept: 'accepted', reject: 'rejected' },
    rejected: {},
  };
  const events: DigestClientEvent[] = ['answer', 'answer-stale', 'accept', 'reject'];
  for (const [from, edges] of Object.entries(legal) as [DigestClientState, Partial<Record<DigestClientEvent, DigestClientState>>][]) {
    for (const event of events) {
      const to = edges[event];
      if (to) assert.equal(nextDigestClientState(from, event), to, `${from} ${event}`);
      else assert.throws(() => nextDigestClientState(from, event), IllegalDigestClientTransition, `${from} ${event}`);
    }
  }
  // accepted() with nothing sent is a caller bug, not bad input.
  assert.throws(() => alice().accepted(), IllegalDigestClientTransition);
});

test('the strongest supported algorithm wins, whatever the order; unknown algorithms and schemes are skipped', () => {
  const offers = [
    'Basic realm="r"',
    'Digest realm="r", nonce="n1", algorithm=MD5, qop="auth"',
    'Digest realm="r", nonce="n2", algorithm=SHA-999, qop="auth"',
    'Digest realm="r", nonce="n3", algorithm=sha-256, qop="auth"',
  ];
  const answer = alice().answer(offers, request, 401);
  assert.equal(reason(answer), 'ok:SHA-256');
  assert.ok(answer.ok && answer.nonce === 'n3');
  // The algorithm is echoed as the server wrote it.
  assert.match(answer.ok ? answer.value : '', /algorithm=sha-256/);
  assert.equal(reason(alice().answer(['Digest realm="r", nonce="n", algorithm=SHA-512-256-sess, qop="auth"'], request, 401)), 'ok:SHA-512-256-sess');
});

test('no usable challenge: nothing, garbage, only auth-int when refused, a foreign realm, an HA1 for another algorithm', () => {
  assert.equal(reason(alice().answer([], request, 401)), 'no-usable-challenge');
  assert.equal(reason(alice().answer(['garbage'], request, 401)), 'no-usable-challenge');
  assert.equal(reason(alice().answer(null as unknown as string[], request, 401)), 'no-usable-challenge');
  const noAuthInt = new DigestClient({ credentials: { username: 'a', password: 'p' }, allowAuthInt: false });
  assert.equal(reason(noAuthInt.answer(['Digest realm="r", nonce="n", qop="auth-int"'], request, 401)), 'no-usable-challenge');
  const realmBound = new DigestClient({ credentials: { username: 'a', password: 'p', realm: 'mine' } });
  assert.equal(reason(realmBound.answer(['Digest realm="theirs", nonce="n", qop="auth"'], request, 401)), 'no-usable-challenge');
  const md5Only = new DigestClient({ credentials: { username: 'a', ha1: { MD5: '0'.repeat(32) }, realm: 'r' } });
  assert.equal(reason(md5Only.answer(['Digest realm="r", nonce="n", algorithm=SHA-256, qop="auth"'], request, 401)), 'no-usable-challenge');
  assert.equal(md5Only.state, 'unchallenged');
});

test('a challenge without qop gets the RFC 2069 answer: no qop, nc or cnonce', () => {
  const answer = alice().answer(['Digest realm="r", nonce="n"'], request, 401);
  assert.ok(answer.ok);
  const sent = parseDigestCredentials(answer.ok ? answer.value : '');
  assert.ok(sent.ok && sent.value.qop === undefined && sent.value.nc === undefined && sent.value.cnonce === undefined);
});

test('stale=true is answered without the user, but not forever', () => {
  const client = new DigestClient({ credentials: { username: 'a', password: 'p' }, maxStaleRetries: 2 });
  assert.equal(reason(client.answer(['Digest realm="r", nonce="n0", qop="auth"'], request, 401)), 'ok:MD5');
  assert.equal(reason(client.answer(['Digest realm="r", nonce="n1", qop="auth", stale=true'], request, 401)), 'ok:MD5');
  assert.equal(reason(client.answer(['Digest realm="r", nonce="n2", qop="auth", stale=true'], request, 401)), 'ok:MD5');
  assert.equal(reason(client.answer(['Digest realm="r", nonce="n3", qop="auth", stale=true'], request, 401)), 'stale-loop');
  assert.equal(client.state, 'rejected');
});

test('a request that cannot be written is refused, and authorize() needs an answered challenge', () => {
  const client = alice();
  assert.equal(reason(client.authorize(request)), 'nothing-cached');
  assert.equal(reason(client.answer(['Digest realm="r", nonce="n", qop="auth"'], { method: 'REG ISTER', uri: 'sip:x' }, 401)), 'bad-request');
  assert.equal(reason(client.answer(['Digest realm="r", nonce="n", qop="auth"'], { method: 'REGISTER', uri: 'sip:x\r\nVia: evil' }, 401)), 'bad-request');
  assert.equal(client.state, 'unchallenged');
  assert.equal(reason(client.answer(['Digest realm="r", nonce="n", qop="auth"'], request, 401)), 'ok:MD5');
  assert.equal(reason(client.authorize({ method: 'REGISTER', uri: '' })), 'bad-request');
  const next = client.authorize(request);
  assert.ok(next.ok && next.nc === 2);
});

test('configuration without a secret, HA1 without realm, or a username with CR/LF is refused at construction', () => {
  assert.throws(() => new DigestClient({ credentials: { username: 'a' } }), RangeError);
  assert.throws(() => new DigestClient({ credentials: { username: 'a', ha1: { MD5: 'ab' } } }), RangeError);
  assert.throws(() => new DigestClient({ credentials: { username: 'a\r\n', password: 'p' } }), RangeError);
});

test('the index exposes client and server together', async () => {
  const auth = await import('../../../src/sip/auth/index.js');
  const server = new auth.DigestServer({ realm: 'r', secret: Buffer.alloc(32, 9) });
  const client = new auth.DigestClient({ credentials: { username: 'u', password: 'p' } });
  const answer = client.answer(server.challenge().values, request, 401);
  assert.ok(answer.ok);
  if (answer.ok) assert.equal(server.verify({ credentials: answer.value, method: request.method, requestUri: request.uri }, () => ({ password: 'p' })).verdict, 'ok');
});
