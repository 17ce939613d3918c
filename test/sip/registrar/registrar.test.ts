/** RFC 3261 §10.3 step by step against the registrar, with REGISTERs parsed from bytes and a digest client answering the challenges. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DigestClient, parseDigestChallenge } from '../../../src/sip/auth/index.js';
import { DOMAIN, listed, PHONE, register, registerWithAuth, setup } from './registrar-fixtures.js';

test('step 1: a Request-URI for a domain we do not serve gets 404 before any challenge', () => {
  const { registrar } = setup();
  const response = registrar.handleRegister(register({ requestUri: 'sip:other.example.org' }), PHONE);
  assert.equal(response.statusCode, 404);
  assert.equal(response.headers.get('www-authenticate'), undefined);
});

test('step 2: a Require header gets 420 naming the unsupported option tags', () => {
  const { registrar } = setup();
  const response = registrar.handleRegister(register({ headers: [['Require', 'path, gruu']] }), PHONE);
  assert.equal(response.statusCode, 420);
  assert.equal(response.headers.get('unsupported'), 'path, gruu');
});

test('step 3: no credentials get 401 with SHA-256 and MD5 challenges on one nonce; the answer registers (200)', () => {
  const { registrar } = setup();
  const first = registrar.handleRegister(register(), PHONE);
  assert.equal(first.statusCode, 401);
  const challenges = first.headers.getAll('www-authenticate').map((v) => parseDigestChallenge(v));
  assert.deepEqual(challenges.map((c) => c.ok && c.value.algorithm), ['SHA-256', 'MD5']);
  assert.deepEqual(challenges.map((c) => c.ok && c.value.realm), [DOMAIN, DOMAIN]);
  assert.equal(registrar.bindingCount, 0, 'a 401 changes nothing');
  const ok = registerWithAuth(registrar, { password: 'kitchen-1' });
  assert.equal(ok.statusCode, 200);
  assert.deepEqual(listed(ok), ['sip:8001@192.168.1.20:5062 3600']);
});

test('step 3: an MD5-only HA1 secret and the prefix: extension 8 + 001 registers as 8001', () => {
  const { registrar } = setup({ algorithms: ['MD5'] });
  const ok = registerWithAuth(registrar, { user: '8001', password: 'kitchen-1' });
  assert.equal(ok.statusCode, 200);
  assert.equal(registrar.contactsFor('8001').length, 1);
  assert.equal(registerWithAuth(registrar, { user: '001', password: 'kitchen-1' }).statusCode, 401, 'the number without its prefix is no extension');
});

test('step 3: an expired nonce with the right password gets 401 stale=true', () => {
  const { registrar, clock } = setup({ nonceLifetimeMs: 1000 });
  const first = registrar.handleRegister(register(), PHONE);
  const client = new DigestClient({ credentials: { username: '8001', password: 'kitchen-1' } });
  const answer = client.answer(first.headers.getAll('www-authenticate'), { method: 'REGISTER', uri: `sip:${DOMAIN}` }, 401);
  assert.ok(answer.ok);
  clock.t += 5000;
  const response = registrar.handleRegister(register({ authorization: answer.value }), PHONE);
  assert.equal(response.statusCode, 401);
  assert.match(response.headers.get('www-authenticate') ?? '', /stale=true/);
});

test('steps 4 and 5: an extension may not register another AOR (403); a To in another domain gets 404', () => {
  const { registrar } = setup();
  assert.equal(registerWithAuth(registrar, { user: '8002', username: '8001', password: 'kitchen-1' }).statusCode, 403);
  assert.equal(registerWithAuth(registrar, { toHost: 'elsewhere.example', password: 'kitchen-1' }).statusCode, 404);
  assert.equal(registrar.bindingCount, 0);
});

test('step 6: * with Expires 0 removes every binding of the extension; * without Expires 0 is 400', () => {
  const { registrar } = setup();
  registerWithAuth(registrar, { cseq: 1, contacts: ['<sip:8001@192.168.1.20:5062>', '<sip:8001@192.168.1.21:5062>'], password: 'kitchen-1' });
  assert.equal(registrar.contactsFor('8001').length, 2);
  assert.equal(registerWithAuth(registrar, { cseq: 2, contacts: ['*'], expires: '30', password: 'kitchen-1' }).statusCode, 400);
  assert.equal(registerWithAuth(registrar, { cseq: 3, contacts: ['*', '<sip:8001@192.168.1.20>'], expires: '0', password: 'kitchen-1' }).statusCode, 400);
  const removed = registerWithAuth(registrar, { cseq: 4, contacts: ['*'], expires: '0', password: 'kitchen-1' });
  assert.equal(removed.statusCode, 200);
  assert.deepEqual(removed.headers.getAll('contact'), []);
  assert.equal(registrar.contactsFor('8001').length, 0);
});

test('step 6: no Contact is a query: 200 listing the current bindings, nothing changed', () => {
  const { registrar } = setup();
  registerWithAuth(registrar, { cseq: 1, password: 'kitchen-1' });
  const query = registerWithAuth(registrar, { cseq: 2, contacts: [], password: 'kitchen-1' });
  assert.equal(query.statusCode, 200);
  assert.deepEqual(listed(query), ['sip:8001@192.168.1.20:5062 3600']);
});

test('step 7: expiry from the Contact parameter, else Expires, else 3600; long ones are capped; expires=0 removes one', () => {
  const { registrar } = setup({ maxExpiresS: 1800, defaultExpiresS: 900 });
  const response = registerWithAuth(registrar, {
    cseq: 1,
    expires: '600',
    contacts: ['<sip:8001@10.0.0.1>;expires=120', '<sip:8001@10.0.0.2>', '<sip:8001@10.0.0.3>;expires=99999'],
    password: 'kitchen-1',
  });
  assert.deepEqual(listed(response), ['sip:8001@10.0.0.1 120', 'sip:8001@10.0.0.2 600', 'sip:8001@10.0.0.3 1800']);
  const defaulted = registerWithAuth(registrar, { cseq: 2, contacts: ['<sip:8001@10.0.0.4>'], password: 'kitchen-1' });
  assert.ok(listed(defaulted).includes('sip:8001@10.0.0.4 900'));
  const removed = registerWithAuth(registrar, { cseq: 3, contacts: ['<sip:8001@10.0.0.2>;expires=0'], password: 'kitchen-1' });
  assert.deepEqual(listed(removed), ['sip:8001@10.0.0.1 120', 'sip:8001@10.0.0.3 1800', 'sip:8001@10.0.0.4 900']);
});

test('step 7: an expiry below the minimum gets 423 with Min-Expires and changes nothing', () => {
  const { registrar } = setup({ minExpiresS: 300 });
  const response = registerWithAuth(registrar, { expires: '60', password: 'kitchen-1' });
  assert.equal(response.statusCode, 423);
  assert.equal(response.headers.get('min-expires'), '300');
  assert.equal(registrar.bindingCount, 0);
});

test('step 7: same Call-ID with an equal or lower CSeq is refused with 500; a new Call-ID replaces the binding', () => {
  const { registrar } = setup();
  assert.equal(registerWithAuth(registrar, { cseq: 5, expires: '600', password: 'kitchen-1' }).statusCode, 200);
  assert.equal(registerWithAuth(registrar, { cseq: 5, expires: '0', password: 'kitchen-1' }).statusCode, 500);
  assert.equal(registerWithAuth(registrar, { cseq: 4, expires: '0', password: 'kitchen-1' }).statusCode, 500);
  assert.equal(registrar.contactsFor('8001').length, 1, 'the out-of-order removal did not apply');
  const rebooted = registerWithAuth(registrar, { callId: 'after-reboot@phone', cseq: 1, expires: '900', password: 'kitchen-1' });
  assert.deepEqual(listed(rebooted), ['sip:8001@192.168.1.20:5062 900']);
  assert.equal(registerWithAuth(registrar, { cseq: 6, contacts: ['*'], expires: '0', password: 'kitchen-1' }).statusCode, 200);
});

test('step 8: the 200 carries a Date header in RFC 1123 form, and bindings expire on the clock', () => {
  const { registrar, clock } = setup();
  const ok = registerWithAuth(registrar, { expires: '120', password: 'kitchen-1' });
  assert.equal(ok.headers.get('date'), new Date(clock.t).toUTCString());
  assert.match(ok.headers.get('date')!, /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
  clock.t += 60_000;
  assert.equal(registrar.contactsFor('8001')[0]!.expiresInS, 60);
  clock.t += 60_000;
  assert.deepEqual(registrar.contactsFor('8001'), []);
  assert.equal(registrar.bindingCount, 0);
});

test('bindings keep the source address and transport; contactsForGroup gathers the group', () => {
  const { registrar } = setup();
  registerWithAuth(registrar, { user: '8001', password: 'kitchen-1' }, { ip: '203.0.113.5', port: 40000, transport: 'udp' });
  registerWithAuth(registrar, { user: '8002', password: 'bedroom-2' }, { ip: '203.0.113.6', port: 5061, transport: 'tls' });
  registerWithAuth(registrar, { user: '100', password: 'desk-100' });
  const home = registrar.contactsForGroup('home');
  assert.deepEqual(home.map((c) => `${c.user} ${c.source.ip}:${c.source.port}/${c.source.transport}`).sort(), ['8001 203.0.113.5:40000/udp', '8002 203.0.113.6:5061/tls']);
  assert.deepEqual(registrar.contactsForGroup('office').map((c) => c.user), ['100']);
  assert.deepEqual(registrar.contactsForGroup('nobody'), []);
});

test('per extension bound: a contact beyond maxContacts replaces the least recently refreshed one', () => {
  const { registrar, clock } = setup();
  for (const [i, host] of ['10.0.0.1', '10.0.0.2', '10.0.0.3'].entries()) {
    clock.t += 1000;
    assert.equal(registerWithAuth(registrar, { user: '8002', callId: `c${i}`, contacts: [`<sip:8002@${host}>`], password: 'bedroom-2' }).statusCode, 200);
  }
  assert.deepEqual(registrar.contactsFor('8002').map((c) => c.contactUri).sort(), ['sip:8002@10.0.0.2', 'sip:8002@10.0.0.3']);
});

test('total bound: when the table is full a new binding gets 503 with Retry-After; refreshing one still works', () => {
  const { registrar } = setup({ maxBindings: 1 });
  assert.equal(registerWithAuth(registrar, { user: '8001', password: 'kitchen-1' }).statusCode, 200);
  const full = registerWithAuth(registrar, { user: '100', password: 'desk-100' });
  assert.equal(full.statusCode, 503);
  assert.equal(full.headers.get('retry-after'), '60');
  assert.equal(registerWithAuth(registrar, { user: '8001', cseq: 9, password: 'kitchen-1' }).statusCode, 200);
});

test('bad Expires, bad contact expires and a non-REGISTER are answered, never thrown', () => {
  const { registrar } = setup();
  assert.equal(registerWithAuth(registrar, { expires: 'soon', skipParse: true, password: 'kitchen-1' }).statusCode, 400);
  assert.equal(registerWithAuth(registrar, { contacts: ['<sip:8001@10.0.0.1>;expires=-1'], skipParse: true, password: 'kitchen-1' }).statusCode, 400);
  const options = register();
  options.method = 'OPTIONS';
  assert.equal(registrar.handleRegister(options, PHONE).statusCode, 405);
});

test('§8.2.7: the answers before credentials are given without state; a REGISTER with credentials goes on to a transaction', () => {
  const { registrar } = setup();
  assert.equal(registrar.answerWithoutState(register(), PHONE)?.statusCode, 401);
  assert.equal(registrar.answerWithoutState(register({ requestUri: 'sip:other.example.org' }), PHONE)?.statusCode, 404);
  assert.equal(registrar.answerWithoutState(register({ headers: [['Require', 'path']] }), PHONE)?.statusCode, 420);
  const challenged = registrar.handleRegister(register(), PHONE);
  const client = new DigestClient({ credentials: { username: '8001', password: 'kitchen-1' } });
  const authorization = client.answer(challenged.headers.getAll('www-authenticate'), { method: 'REGISTER', uri: `sip:${DOMAIN}` }, 401);
  assert.ok(authorization.ok);
  const withCredentials = register({ authorization: authorization.value });
  assert.equal(registrar.answerWithoutState(withCredentials, PHONE), undefined, 'verification counts nonce uses: it needs the transaction');
  assert.equal(registrar.bindingCount, 0, 'nothing changed by asking');
});
