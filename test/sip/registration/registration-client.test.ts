import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../../../src/util/log.js';
import { RegistrationClient, type RegistrationAccount, type RegistrationClientOptions, type RegistrationStatus } from '../../../src/sip/registration/index.js';
import { account, contactOf, FakeRegistrar, respond, server } from './fake-registrar.js';

function makeClient(registrar: FakeRegistrar, overrides: Partial<RegistrationAccount> = {}, options: Partial<RegistrationClientOptions> = {}) {
  const statuses: RegistrationStatus[] = [];
  const client = new RegistrationClient({
    id: 'device',
    account: account(overrides),
    local: { host: '192.0.2.10', port: 5060 },
    send: registrar.send,
    scheduler: registrar.clock,
    now: () => registrar.clock.now,
    version: 'test',
    onStatus: (s) => statuses.push(s),
    ...options,
  });
  return { client, statuses };
}

const cseqOf = (r: FakeRegistrar) => r.sent.map((s) => s.request.cseq?.seq);

test('401 challenge then 200: registered, one Call-ID, CSeq up by one, REGISTER fields of RFC 3261 §10.2', async () => {
  const registrar = new FakeRegistrar();
  const { client, statuses } = makeClient(registrar);
  client.start();
  assert.equal(client.state, 'registering');
  await registrar.settle();
  assert.equal(client.state, 'registered');
  assert.equal(registrar.sent.length, 2);
  const [first, second] = registrar.sent.map((s) => s.request);
  assert.equal(first!.uri, 'sip:pbx.example.com');
  assert.equal(first!.from?.uri, 'sip:8001@pbx.example.com');
  assert.equal(first!.to?.uri, 'sip:8001@pbx.example.com');
  assert.equal(first!.to?.tag, undefined);
  assert.ok(first!.from?.tag);
  assert.equal(first!.headers.get('authorization'), undefined);
  assert.deepEqual(contactOf(first!), { uri: 'sip:8001@192.0.2.10', expires: 3600 });
  assert.equal(second!.callId, first!.callId);
  assert.equal(second!.from?.tag, first!.from?.tag);
  assert.deepEqual(cseqOf(registrar), [1, 2]);
  assert.match(second!.headers.get('authorization') ?? '', /^Digest username="8001"/);
  assert.equal(registrar.sent[0]!.nextHop.host, 'pbx.example.com');
  const status = client.status;
  assert.equal(status.grantedSeconds, 3600);
  assert.equal(status.expiresAt, 3_600_000);
  assert.equal(status.registrar, 'pbx.example.com');
  assert.equal(status.usingBackup, false);
  assert.equal(status.lastError, undefined);
  assert.deepEqual(statuses.map((s) => s.state), ['registering', 'registering', 'registered']);
  assert.ok(!JSON.stringify(statuses).includes('pa55-secret'), 'no password in any status');
});

test('refresh at max(expires - margin, expires / 2) on the same Call-ID, reusing the nonce', async () => {
  const registrar = new FakeRegistrar();
  const { client } = makeClient(registrar, { expiresSeconds: 120 });
  client.start();
  await registrar.settle();
  assert.equal(registrar.sent.length, 2);
  await registrar.advance(89_000);
  assert.equal(registrar.sent.length, 2, 'nothing before 120 - 30 = 90 s');
  await registrar.advance(1_000);
  assert.equal(registrar.sent.length, 3);
  assert.equal(registrar.sent[2]!.at, 90_000);
  assert.match(registrar.sent[2]!.request.headers.get('authorization') ?? '', /nc=00000002/, 'the accepted nonce is reused, nc 2');
  assert.equal(client.state, 'registered');
  assert.deepEqual(cseqOf(registrar), [1, 2, 3]);
  assert.equal(new Set(registrar.sent.map((s) => s.request.callId)).size, 1);
  // 40 s asked: the margin would refresh at 10 s, but half the time (20 s) is the earliest.
  const short = new FakeRegistrar();
  const other = makeClient(short, { expiresSeconds: 40 }).client;
  other.start();
  await short.settle();
  await short.advance(25_000);
  assert.deepEqual(short.sent.map((s) => s.at), [0, 0, 20_000]);
});

test('a refresh the registrar challenges anew (nonce expired) is answered and stays registered', async () => {
  const registrar = new FakeRegistrar();
  const { client } = makeClient(registrar, { expiresSeconds: 3600 });
  client.start();
  await registrar.settle();
  await registrar.advance(3_570_000, 10_000);
  assert.equal(client.state, 'registered');
  // The nonce outlived the server's 5-minute lifetime: stale 401, answered, 200.
  assert.deepEqual(registrar.sent.map((s) => s.at), [0, 0, 3_570_000, 3_570_000]);
  assert.deepEqual(cseqOf(registrar), [1, 2, 3, 4]);
});

test('a granted expiry shorter than asked sets the refresh time (Contact expires first, then Expires)', async () => {
  const registrar = new FakeRegistrar();
  registrar.answer = (request) => registrar.challengeThenOk(request, 600);
  const { client } = makeClient(registrar);
  client.start();
  await registrar.settle();
  assert.equal(client.status.grantedSeconds, 600);
  assert.equal(client.status.expiresAt, 600_000);
  await registrar.advance(570_000, 10_000);
  // The refresh at 570 s carries the old nonce, past the server's 5-minute lifetime: stale, answered.
  assert.deepEqual(registrar.sent.map((s) => s.at), [0, 0, 570_000, 570_000]);
  assert.equal(client.state, 'registered');

  const plain = new FakeRegistrar();
  plain.answer = (request) => respond(request, 200, 'OK', [['Contact', '<sip:someone-else@198.51.100.1>;expires=9'], ['Expires', '300']]);
  const second = makeClient(plain).client;
  second.start();
  await plain.settle();
  assert.equal(second.status.grantedSeconds, 300, 'no Contact of ours: the Expires header');
});

test('423 Interval Too Brief: asks again with Min-Expires; without one it fails', async () => {
  const registrar = new FakeRegistrar();
  registrar.answer = (request) => (contactOf(request).expires < 7200 ? respond(request, 423, 'Interval Too Brief', [['Min-Expires', '7200']]) : registrar.ok(request));
  const { client } = makeClient(registrar, { expiresSeconds: 60 });
  client.start();
  await registrar.settle();
  assert.equal(client.state, 'registered');
  assert.deepEqual(registrar.sent.map((s) => contactOf(s.request).expires), [60, 7200]);
  assert.deepEqual(cseqOf(registrar), [1, 2]);
  assert.equal(client.status.grantedSeconds, 7200);
  // Refreshes keep the raised expiry.
  await registrar.advance(7_170_000, 30_000);
  assert.equal(contactOf(registrar.sent[2]!.request).expires, 7200);

  const broken = new FakeRegistrar();
  broken.answer = (request) => respond(request, 423, 'Interval Too Brief');
  const other = makeClient(broken).client;
  other.start();
  await broken.settle();
  assert.equal(other.state, 'waiting-retry');
  assert.equal(other.status.lastError?.statusCode, 423);
  assert.equal(broken.sent.length, 1);
});

test('wrong password: waiting-retry with the status, back-off doubling, no retry storm, no password in status', async () => {
  const registrar = new FakeRegistrar();
  registrar.password = 'the-real-one';
  const { client, statuses } = makeClient(registrar);
  client.start();
  await registrar.settle();
  assert.equal(client.state, 'waiting-retry');
  assert.equal(client.status.lastError?.statusCode, 401);
  assert.match(client.status.lastError?.reason ?? '', /wrong-credentials/);
  assert.equal(client.status.retryAt, 30_000);
  assert.equal(registrar.sent.length, 2, 'one answer to the challenge, then stop');
  await registrar.advance(3_600_000, 5_000);
  const roundStarts = registrar.sent.filter((s) => !s.request.headers.has('authorization')).map((s) => s.at);
  assert.deepEqual(roundStarts, [0, 30_000, 90_000, 210_000, 450_000, 930_000, 1_890_000]);
  assert.ok(registrar.sent.length <= 14, `${registrar.sent.length} requests in an hour`);
  assert.ok(!JSON.stringify(statuses).includes('pa55-secret'));
  // The password fixed at the registrar: the next round gets through.
  registrar.password = 'pa55-secret';
  await registrar.advance(1_920_000, 10_000);
  assert.equal(client.state, 'registered');
  assert.equal(client.status.lastError?.statusCode, 401, 'the last error stays visible');
});

test('primary times out: the backup registrar is used, and the primary again at a refresh later', async () => {
  const registrar = new FakeRegistrar();
  let primaryUp = false;
  registrar.answer = (request, hop) => (hop.host === 'pbx.example.com' && !primaryUp ? { kind: 'timeout' } : registrar.challengeThenOk(request));
  const { client } = makeClient(registrar, { backupRegistrar: server('backup.example.com', 5070), expiresSeconds: 600 });
  client.start();
  await registrar.settle();
  assert.equal(client.state, 'registered');
  assert.equal(client.status.usingBackup, true);
  assert.equal(client.status.registrar, 'backup.example.com:5070');
  assert.equal(client.status.lastError?.statusCode, 408);
  const [primary, backup] = registrar.sent.map((s) => s.request);
  assert.equal(backup!.uri, 'sip:backup.example.com:5070');
  assert.equal(backup!.to?.uri, 'sip:8001@backup.example.com:5070');
  assert.notEqual(backup!.callId, primary!.callId, 'a binding per registrar');
  assert.equal(backup!.cseq?.seq, 1);
  primaryUp = true;
  await registrar.advance(570_000, 10_000);
  assert.equal(client.status.usingBackup, false, 'at the refresh (570 s > 5 min since the failure) the primary is tried again');
  assert.equal(client.state, 'registered');
  const back = registrar.sent.filter((s) => s.nextHop.host === 'pbx.example.com').map((s) => s.request);
  assert.equal(back.at(-1)!.callId, primary!.callId, 'the primary binding keeps its Call-ID');
  assert.equal(back.at(-1)!.cseq?.seq, 3);
});

test('5xx and transport errors also fail over; both down: back-off, and each round starts at the primary', async () => {
  const registrar = new FakeRegistrar();
  registrar.answer = (request, hop) => (hop.host === 'pbx.example.com' ? respond(request, 503, 'Service Unavailable') : { kind: 'transport-error', detail: 'ECONNREFUSED' });
  const { client } = makeClient(registrar, { backupRegistrar: server('backup.example.com') }, { retryInitialMs: 10_000 });
  client.start();
  await registrar.settle();
  assert.equal(client.state, 'waiting-retry');
  assert.equal(client.status.lastError?.statusCode, 503);
  assert.match(client.status.lastError?.reason ?? '', /ECONNREFUSED/);
  assert.deepEqual(registrar.sent.map((s) => s.nextHop.host), ['pbx.example.com', 'backup.example.com']);
  await registrar.advance(10_000);
  assert.deepEqual(registrar.sent.slice(2).map((s) => [s.at, s.nextHop.host]), [[10_000, 'pbx.example.com'], [10_000, 'backup.example.com']]);
  // A send that throws or rejects counts as a transport error too.
  const throwing = new FakeRegistrar();
  const other = makeClient(throwing, {}, { send: () => Promise.reject(new Error('no route')) }).client;
  other.start();
  await throwing.settle();
  assert.equal(other.state, 'waiting-retry');
  assert.equal(other.status.lastError?.statusCode, 503);
});

test('a 403 from the registrar is a refusal, not a reason to fail over', async () => {
  const registrar = new FakeRegistrar();
  registrar.answer = (request) => respond(request, 403, 'Forbidden');
  const { client } = makeClient(registrar, { backupRegistrar: server('backup.example.com') });
  client.start();
  await registrar.settle();
  assert.equal(client.state, 'waiting-retry');
  assert.deepEqual(client.status.lastError && [client.status.lastError.statusCode, client.status.lastError.reason], [403, 'Forbidden']);
  assert.equal(registrar.sent.length, 1);
});

test('outbound proxy: sent to the proxy with a loose Route, Request-URI stays the registrar', async () => {
  const registrar = new FakeRegistrar();
  const { client } = makeClient(registrar, { outboundProxy: server('proxy.example.net', 5070) });
  client.start();
  await registrar.settle();
  assert.equal(client.state, 'registered');
  for (const { request, nextHop } of registrar.sent) {
    assert.deepEqual(nextHop, server('proxy.example.net', 5070));
    assert.equal(request.uri, 'sip:pbx.example.com');
    assert.equal(request.headers.get('route'), '<sip:proxy.example.net:5070;lr>');
  }
});

test('a 407 from the outbound proxy and a 401 from the registrar are both answered', async () => {
  const registrar = new FakeRegistrar();
  const proxy = new FakeRegistrar();
  registrar.answer = (request) => {
    const credentials = request.headers.get('proxy-authorization');
    const verdict = credentials && proxy.digest.verify({ credentials, method: 'REGISTER', requestUri: request.uri }, () => ({ password: 'pa55-secret' }));
    if (!verdict || verdict.verdict !== 'ok') {
      const c = proxy.digest.challenge({ proxy: true });
      return respond(request, 407, 'Proxy Authentication Required', c.values.map((v) => [c.header, v]));
    }
    return registrar.challengeThenOk(request);
  };
  const { client } = makeClient(registrar, { outboundProxy: server('proxy.example.net') });
  client.start();
  await registrar.settle();
  assert.equal(client.state, 'registered');
  assert.deepEqual(registrar.sent.map((s) => [s.request.headers.has('proxy-authorization'), s.request.headers.has('authorization')]), [[false, false], [true, false], [true, true]]);
});

test('stop: REGISTER with expires 0 on the same Call-ID, then unregistered', async () => {
  const registrar = new FakeRegistrar();
  const { client } = makeClient(registrar);
  client.start();
  await registrar.settle();
  const stopped = client.stop();
  assert.equal(client.state, 'unregistering');
  assert.equal(client.stop(), stopped, 'one stop at a time');
  await stopped;
  assert.equal(client.state, 'unregistered');
  const last = registrar.sent.at(-1)!.request;
  assert.equal(contactOf(last).expires, 0);
  assert.equal(last.headers.get('expires'), '0');
  assert.equal(last.callId, registrar.sent[0]!.request.callId);
  assert.equal(last.cseq?.seq, 3);
  assert.equal(client.status.expiresAt, undefined);
  assert.equal(registrar.clock.pending, 0, 'no refresh left');
  // Unregister challenged with a fresh nonce: answered.
  registrar.answer = (request) => (request.headers.get('authorization')?.includes('nc=00000001') ? registrar.ok(request) : respond(request, 401, 'Unauthorized', registrar.digest.challenge().values.map((v) => ['WWW-Authenticate', v])));
  const again = makeClient(registrar).client;
  again.start();
  await registrar.settle();
  await again.stop();
  assert.equal(again.state, 'unregistered');
  // No answer at all to the unregister: still unregistered once the transaction gives up.
  const silent = new FakeRegistrar();
  const third = makeClient(silent).client;
  third.start();
  await silent.settle();
  silent.answer = () => ({ kind: 'timeout' });
  await third.stop();
  assert.equal(third.state, 'unregistered');
  assert.equal(third.status.lastError?.statusCode, 408);
});

test('stop without a binding sends nothing; stop while a REGISTER is out removes what it may create', async () => {
  const registrar = new FakeRegistrar();
  registrar.answer = (request) => respond(request, 403, 'Forbidden');
  const { client } = makeClient(registrar);
  client.start();
  await registrar.settle();
  assert.equal(client.state, 'waiting-retry');
  await client.stop();
  assert.equal(client.state, 'unregistered');
  assert.equal(registrar.sent.length, 1);
  assert.equal(registrar.clock.pending, 0, 'the retry is cancelled');

  const slow = new FakeRegistrar();
  slow.answer = (request) => (contactOf(request).expires === 0 ? slow.ok(request) : 'never');
  const second = makeClient(slow).client;
  second.start();
  await second.stop();
  assert.deepEqual(slow.sent.map((s) => contactOf(s.request).expires), [3600, 0]);
  assert.equal(second.state, 'unregistered');
  second.start();
  assert.equal(second.state, 'registering', 'can start again');
});

test('start twice throws; bad settings throw RangeError', () => {
  const registrar = new FakeRegistrar();
  const { client } = makeClient(registrar);
  client.start();
  assert.throws(() => client.start(), { name: 'IllegalRegistrationTransition' });
  assert.throws(() => makeClient(registrar, { expiresSeconds: 0 }), RangeError);
  assert.throws(() => makeClient(registrar, { authId: '' }), RangeError);
});

test('a huge granted expiry is refreshed within what a timer can hold, not at once', async () => {
  const registrar = new FakeRegistrar();
  registrar.answer = (request) => respond(request, 200, 'OK', [['Expires', '4000000000']]);
  const { client } = makeClient(registrar);
  client.start();
  await registrar.settle();
  assert.equal(client.status.grantedSeconds, 4_000_000_000);
  await registrar.advance(2_147_483_646, 1_000_000_000);
  assert.equal(registrar.sent.length, 1);
  await registrar.advance(1);
  assert.equal(registrar.sent.length, 2);
});

test('logs say what happened and never carry the password', async () => {
  const lines: string[] = [];
  const destination = new Writable({ write: (chunk: Buffer, _encoding, done) => { lines.push(chunk.toString('utf8')); done(); } });
  const log = createLogger({ level: 'debug', destination });
  const registrar = new FakeRegistrar();
  registrar.password = 'something-else';
  registrar.answer = (request, hop) => (hop.host === 'pbx.example.com' ? { kind: 'timeout' } : registrar.challengeThenOk(request));
  const { client } = makeClient(registrar, { backupRegistrar: server('backup.example.com') }, { log });
  client.start();
  await registrar.settle();
  registrar.password = 'pa55-secret';
  await registrar.advance(30_000);
  await client.stop();
  await new Promise((resolve) => setImmediate(resolve));
  const text = lines.join('');
  assert.match(text, /trying the other registrar/);
  assert.match(text, /SIP registration failed/);
  assert.match(text, /"to":"registered"/);
  assert.ok(!text.includes('pa55-secret'), 'no password in logs');
});

test('on the backup: refreshes stay there before the recheck time; the backup failing too means back-off', async () => {
  const registrar = new FakeRegistrar();
  let backupUp = true;
  registrar.answer = (request, hop) => (hop.host === 'backup.example.com' && backupUp ? registrar.challengeThenOk(request) : { kind: 'timeout' });
  const { client } = makeClient(registrar, { backupRegistrar: server('backup.example.com'), expiresSeconds: 120 });
  client.start();
  await registrar.settle();
  assert.equal(client.status.usingBackup, true);
  await registrar.advance(90_000);
  assert.deepEqual(registrar.sent.map((s) => [s.at, s.nextHop.host]).slice(3), [[90_000, 'backup.example.com']], 'the refresh at 90 s (< 5 min) stays on the backup');
  assert.equal(client.state, 'registered');
  backupUp = false;
  await registrar.advance(90_000);
  assert.deepEqual(registrar.sent.map((s) => [s.at, s.nextHop.host]).slice(4), [[180_000, 'backup.example.com'], [180_000, 'pbx.example.com']]);
  assert.equal(client.state, 'waiting-retry');
  assert.equal(client.status.lastError?.statusCode, 408);
  await registrar.advance(30_000);
  assert.deepEqual(registrar.sent.slice(6).map((s) => [s.at, s.nextHop.host]), [[210_000, 'pbx.example.com'], [210_000, 'backup.example.com']]);
});
