/** No extension enumeration, and the per-source lockout that stops password guessing. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DigestClient } from '../../../src/sip/auth/index.js';
import { serializeSipMessage, type SipResponse } from '../../../src/sip/message/index.js';
import { DOMAIN, PHONE, register, registerWithAuth, setup, type RegisterSpec } from './registrar-fixtures.js';
import type { Registrar, RegisterSource } from '../../../src/sip/registrar/index.js';

/** One guess: fetch a challenge, answer it as `username` with `password`, return the answer to that. */
function guess(registrar: Registrar, username: string, password: string, source: RegisterSource = PHONE, callId = 'guess@attacker'): SipResponse {
  const first = registrar.handleRegister(register({ user: username, callId }), source);
  if (first.statusCode !== 401) return first;
  const client = new DigestClient({ credentials: { username, password } });
  const answer = client.answer(first.headers.getAll('www-authenticate'), { method: 'REGISTER', uri: `sip:${DOMAIN}` }, 401);
  assert.ok(answer.ok);
  return registrar.handleRegister(register({ user: username, callId, authorization: answer.ok ? answer.value : '' }), source);
}

/** The response bytes with what differs per request masked: nonce, To tag, the request's Via branch and the user asked for. */
function masked(response: SipResponse): string {
  return serializeSipMessage(response)
    .toString('latin1')
    .replace(/nonce="[^"]*"/g, 'nonce="N"')
    .replace(/;tag=[^\r\n;]*/g, ';tag=T')
    .replace(/branch=[^;\r\n]*/g, 'branch=B')
    .replace(/sip:(8001|8999)@/g, 'sip:USER@');
}

test('an unknown user and a known user with a wrong password get byte-identical 401s apart from nonce and tag', () => {
  const { registrar } = setup({ lockout: { maxFailures: 100 } });
  const known = guess(registrar, '8001', 'wrong-password');
  const unknown = guess(registrar, '8999', 'wrong-password');
  assert.equal(known.statusCode, 401);
  assert.equal(unknown.statusCode, 401);
  assert.deepEqual(known.headers.all().map((f) => f.name), unknown.headers.all().map((f) => f.name));
  assert.equal(masked(known), masked(unknown));
  // The nonce is fresh each time: the challenge cannot be replayed to tell the cases apart.
  assert.notEqual(known.headers.get('www-authenticate'), unknown.headers.get('www-authenticate'));
  // And the first (unauthenticated) answer is the same for both as well.
  assert.equal(masked(registrar.handleRegister(register({ user: '8001' }), PHONE)), masked(registrar.handleRegister(register({ user: '8999' }), PHONE)));
});

test('the source is locked out after maxFailures wrong answers: 403 with no challenge, whatever the user', () => {
  const { registrar } = setup({ lockout: { maxFailures: 3 } });
  for (let i = 0; i < 3; i++) assert.equal(guess(registrar, i % 2 ? '8999' : '8001', `guess-${i}`).statusCode, 401);
  const locked = registrar.handleRegister(register(), PHONE);
  assert.equal(locked.statusCode, 403);
  assert.equal(locked.headers.get('www-authenticate'), undefined);
  assert.equal(guess(registrar, '8001', 'kitchen-1').statusCode, 403, 'even the right password is refused while locked');
  const other: RegisterSource = { ip: '192.0.2.99', port: 5060, transport: 'udp' };
  assert.equal(guess(registrar, '8001', 'kitchen-1', other).statusCode, 200, 'another source is not affected');
});

test('a guesser changing its port is still one source; the lock lifts after lockMs', () => {
  const { registrar, clock } = setup({ lockout: { maxFailures: 2, lockMs: 60_000 } });
  guess(registrar, '8001', 'a', { ...PHONE, port: 1111 });
  guess(registrar, '8001', 'b', { ...PHONE, port: 2222 });
  assert.equal(registrar.handleRegister(register(), { ...PHONE, port: 3333 }).statusCode, 403);
  clock.t += 59_999;
  assert.equal(registrar.handleRegister(register(), PHONE).statusCode, 403);
  clock.t += 1;
  assert.equal(guess(registrar, '8001', 'kitchen-1').statusCode, 200);
});

test('failures spread wider than the window do not lock', () => {
  const { registrar, clock } = setup({ lockout: { maxFailures: 3, windowMs: 60_000 } });
  for (let i = 0; i < 10; i++) {
    assert.equal(guess(registrar, '8001', `typo-${i}`).statusCode, 401);
    clock.t += 31_000;
  }
  assert.equal(guess(registrar, '8001', 'kitchen-1').statusCode, 200);
});

test('with the defaults a dictionary attack is locked out well before 20 tries, malformed answers counted too', () => {
  const { registrar } = setup();
  let tries = 0;
  while (tries < 20 && registrar.handleRegister(register(), PHONE).statusCode === 401) {
    tries++;
    guess(registrar, tries % 3 === 0 ? '8001' : `${8000 + tries}`, `password${tries}`);
  }
  assert.ok(tries < 20, `locked after ${tries} tries`);
  const { registrar: second } = setup();
  for (let i = 0; i < 5; i++) assert.equal(second.handleRegister(register({ authorization: 'Digest username=' }), PHONE).statusCode, 400);
  assert.equal(second.handleRegister(register(), PHONE).statusCode, 403);
});

test('a missing Authorization (the first REGISTER of every phone) never counts as a failure', () => {
  const { registrar } = setup({ lockout: { maxFailures: 2 } });
  for (let i = 0; i < 50; i++) assert.equal(registrar.handleRegister(register(), PHONE).statusCode, 401);
  assert.equal(guess(registrar, '8001', 'kitchen-1').statusCode, 200);
});

test('with credentials for two realms, the ones for our realm are checked', () => {
  const { registrar } = setup();
  const first = registrar.handleRegister(register(), PHONE);
  const client = new DigestClient({ credentials: { username: '8001', password: 'kitchen-1' } });
  const answer = client.answer(first.headers.getAll('www-authenticate'), { method: 'REGISTER', uri: `sip:${DOMAIN}` }, 401);
  assert.ok(answer.ok);
  const foreign = 'Digest username="x", realm="provider.example", nonce="abc", uri="sip:provider.example", response="00", algorithm=MD5';
  const response = registrar.handleRegister(register({ headers: [['Authorization', foreign], ['Authorization', answer.ok ? answer.value : '']] }), PHONE);
  assert.equal(response.statusCode, 200);
});

test('odd REGISTERs are answered, never thrown', () => {
  const { registrar } = setup({ lockout: { maxFailures: 1000 } });
  const odd: RegisterSpec[] = [
    { contacts: ['garbage'], skipParse: true },
    { contacts: ['<mailto:a@b>'], skipParse: true },
    { expires: '1'.repeat(40), skipParse: true },
    { authorization: 'Digest', skipParse: true },
    { authorization: 'Basic dXNlcjpwYXNz', skipParse: true },
    { authorization: `Digest username="${'a'.repeat(5000)}"`, skipParse: true },
    { requestUri: 'tel:+4912345', skipParse: true },
    { headers: [['Expires', '10'], ['Expires', '20']], skipParse: true },
  ];
  for (const spec of odd) {
    // Authenticated where possible, so the contact and expiry readers see the odd values too.
    const response = spec.authorization === undefined ? registerWithAuth(registrar, { ...spec, password: 'kitchen-1' }) : registrar.handleRegister(register(spec), PHONE);
    assert.ok(response.statusCode >= 400 && response.statusCode < 600, `${JSON.stringify(spec).slice(0, 80)} → ${response.statusCode}`);
  }
});
