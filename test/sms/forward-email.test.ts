/**
 * E-mail forwarding against a real SMTP server (smtp-server from npm) on loopback: STARTTLS with a
 * certificate made here by openssl, implicit TLS, a server without STARTTLS, a server that is down.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import net, { type AddressInfo } from 'node:net';
import type { SMTPServerOptions } from 'smtp-server';
import type { MailConfig } from '../../src/config/schema-messaging.js';
import { DeliveryWorker, PermanentDeliveryError } from '../../src/sms/delivery-worker.js';
import { createMailForwarder, isLoopbackHost, isPermanentMailError, MailConfigError, mailConfigProblem, type MailForwarder } from '../../src/sms/forwarders/email.js';
import type { MessageStore } from '../../src/store/message-store.js';
import { silentLogger } from '../../src/util/log.js';
import { decodeMail, makeCert as makeCertIn, startSmtp, type SmtpPeer, type TlsFiles } from '../helpers/smtp-peer.js';
import { tempDir } from '../store/temp-dir.js';
import { FakeClock, openStore, receive } from './forward-harness.js';

const USER = 'relay-user';
const PASSWORD = 'relay-pa55';

/** A self-signed certificate for 127.0.0.1 / localhost, made with openssl for this test, removed after it. */
const makeCert = (t: TestContext): TlsFiles => makeCertIn(tempDir(t));

/**
 * The SMTP server of one test, closed after it: STARTTLS offered, not required (so the test sees what the
 * client does); RCPT TO nobody@… is refused for good (550), later@… for now (451).
 */
async function smtp(t: TestContext, tls: TlsFiles, opts: Partial<SMTPServerOptions> & { port?: number } = {}): Promise<SmtpPeer> {
  const { port, ...server } = opts;
  const s = await startSmtp({
    tls,
    user: USER,
    password: PASSWORD,
    port,
    server: {
      onRcptTo(address, _session, cb) {
        if (address.address.startsWith('nobody@')) return cb(Object.assign(new Error('No such mailbox'), { responseCode: 550 }));
        if (address.address.startsWith('later@')) return cb(Object.assign(new Error('Mailbox busy, try later'), { responseCode: 451 }));
        cb();
      },
      ...server,
    },
  });
  t.after(() => s.close());
  return s;
}

function mailConfig(port: number, over: Partial<MailConfig> = {}): MailConfig {
  return {
    host: '127.0.0.1',
    port,
    security: 'starttls',
    user: USER,
    password: PASSWORD,
    from: 'gateway@example.com',
    rejectUnauthorized: true,
    caFile: null,
    ...over,
  };
}

function forwarder(t: TestContext, store: MessageStore, cfg: MailConfig): MailForwarder {
  const f = createMailForwarder(cfg, silentLogger(), { getInbound: (ref) => store.getInbound(ref), timeouts: { connectionMs: 3_000, greetingMs: 3_000, socketMs: 5_000 } });
  t.after(() => f.close());
  return f;
}

function worker(store: MessageStore, clock: FakeClock, f: MailForwarder): DeliveryWorker {
  const w = new DeliveryWorker({ kind: 'email', store, handler: f.handler, retry: { retryBaseSec: 10, retryMaxSec: 60, giveUpHours: 24 }, log: silentLogger(), now: clock.now, setTimer: clock.setTimer, random: () => 0.5 });
  w.start();
  return w;
}

async function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const TEXT = '你好！验证码 123456，请勿告诉他人。';

test('e-mail over STARTTLS: upgraded before AUTH and DATA, authenticated, Chinese text intact', async (t) => {
  const cert = makeCert(t);
  const server = await smtp(t, cert);
  const clock = new FakeClock();
  const { store } = openStore(t, clock.now);
  const m = receive(store, { line: '3', sender: '+8613670128297', recipient: '+8613800000003', text: TEXT }, [{ kind: 'email', target: 'ops@example.com, boss@example.com', payload: null }]);
  const f = forwarder(t, store, mailConfig(server.port, { caFile: cert.certFile }));
  const w = worker(store, clock, f);
  t.after(() => w.stop());
  const job = store.deliveriesOf(m.id)[0]!;
  await waitFor(() => store.getDelivery(job.id)!.status !== 'pending' || store.getDelivery(job.id)!.attempts > 0);
  assert.equal(store.getDelivery(job.id)!.status, 'done', String(store.getDelivery(job.id)!.lastError));

  assert.equal(server.upgrades, 1, 'STARTTLS happened');
  assert.equal(server.auths.length, 1);
  assert.deepEqual(server.auths[0], { username: USER, password: PASSWORD, secure: true }, 'the password went over TLS only');
  assert.equal(server.mails.length, 1);
  const mail = server.mails[0]!;
  assert.equal(mail.secure, true);
  assert.equal(mail.user, USER);
  assert.equal(mail.from, 'gateway@example.com');
  assert.deepEqual(mail.to, ['ops@example.com', 'boss@example.com']);
  const { headers, body } = decodeMail(mail.raw);
  const subject = headers.get('subject')!;
  assert.match(subject, /L3/);
  assert.match(subject, /\+8613670128297/);
  assert.ok(subject.includes('你好'), subject);
  assert.match(headers.get('content-type')!, /charset=utf-8/i);
  assert.equal(headers.get('message-id'), `<sms-${job.id}@example.com>`);
  assert.equal(headers.get('x-cellgate-delivery'), job.id);
  assert.ok(body.includes('From: +8613670128297'), body);
  assert.ok(body.includes('Line: L3'), body);
  assert.ok(body.includes('To: +8613800000003'), body);
  assert.ok(body.includes(TEXT), body);
});

test('e-mail: a server that does not offer STARTTLS gets nothing in plain text; the job is retried', async (t) => {
  const cert = makeCert(t);
  const server = await smtp(t, cert, { disabledCommands: ['STARTTLS'], allowInsecureAuth: true });
  const clock = new FakeClock();
  const { store } = openStore(t, clock.now);
  const m = receive(store, { text: TEXT }, [{ kind: 'email', target: 'ops@example.com', payload: null }]);
  const f = forwarder(t, store, mailConfig(server.port, { caFile: cert.certFile }));
  const w = worker(store, clock, f);
  t.after(() => w.stop());
  const job = store.deliveriesOf(m.id)[0]!;
  await waitFor(() => store.getDelivery(job.id)!.attempts === 1);
  let d = store.getDelivery(job.id)!;
  assert.equal(d.status, 'pending', 'retried, not dropped');
  assert.match(d.lastError!, /STARTTLS/i);
  assert.equal(d.nextAt - clock.now(), 10_000);
  await clock.advance(10_000);
  await waitFor(() => store.getDelivery(job.id)!.attempts === 2);
  d = store.getDelivery(job.id)!;
  assert.equal(d.status, 'pending');
  assert.equal(server.mails.length, 0, 'no DATA received');
  assert.equal(server.auths.length, 0, 'no credentials sent in plain text');
  assert.equal(server.upgrades, 0);
});

test('e-mail: an untrusted certificate fails the attempt (retried), nothing is sent', async (t) => {
  const cert = makeCert(t);
  const server = await smtp(t, cert);
  const clock = new FakeClock();
  const { store } = openStore(t, clock.now);
  const m = receive(store, { text: TEXT }, [{ kind: 'email', target: 'ops@example.com', payload: null }]);
  const f = forwarder(t, store, mailConfig(server.port));
  const w = worker(store, clock, f);
  t.after(() => w.stop());
  const job = store.deliveriesOf(m.id)[0]!;
  await waitFor(() => store.getDelivery(job.id)!.attempts === 1);
  const d = store.getDelivery(job.id)!;
  assert.equal(d.status, 'pending');
  assert.match(d.lastError!, /certificate/i);
  assert.equal(server.mails.length, 0);
  assert.equal(server.auths.length, 0);
});

test("e-mail: security 'tls' talks to an implicit-TLS server (secure from the first byte)", async (t) => {
  const cert = makeCert(t);
  const server = await smtp(t, cert, { secure: true });
  const clock = new FakeClock();
  const { store } = openStore(t, clock.now);
  const m = receive(store, { text: TEXT }, [{ kind: 'email', target: 'ops@example.com', payload: null }]);
  const f = forwarder(t, store, mailConfig(server.port, { security: 'tls', caFile: cert.certFile }));
  const w = worker(store, clock, f);
  t.after(() => w.stop());
  const job = store.deliveriesOf(m.id)[0]!;
  await waitFor(() => store.getDelivery(job.id)!.status === 'done' || store.getDelivery(job.id)!.attempts > 0);
  assert.equal(store.getDelivery(job.id)!.status, 'done', String(store.getDelivery(job.id)!.lastError));
  assert.equal(server.mails.length, 1);
  assert.equal(server.mails[0]!.secure, true);
  assert.ok(decodeMail(server.mails[0]!.raw).body.includes(TEXT));
});

test('e-mail: server down → retried with back-off, delivered once it is up (no drop, no duplicate)', async (t) => {
  const cert = makeCert(t);
  // Reserve a port, then leave it closed.
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));

  const clock = new FakeClock();
  const { store } = openStore(t, clock.now);
  const m = receive(store, { text: TEXT }, [{ kind: 'email', target: 'ops@example.com', payload: null }]);
  const f = forwarder(t, store, mailConfig(port, { caFile: cert.certFile }));
  const w = worker(store, clock, f);
  t.after(() => w.stop());
  const job = store.deliveriesOf(m.id)[0]!;
  const t0 = clock.now();
  await waitFor(() => store.getDelivery(job.id)!.attempts === 1);
  assert.match(store.getDelivery(job.id)!.lastError!, /ECONNREFUSED|ECONNECTION/);
  assert.equal(store.getDelivery(job.id)!.nextAt - t0, 10_000);
  await clock.advance(10_000);
  await waitFor(() => store.getDelivery(job.id)!.attempts === 2);
  assert.equal(store.getDelivery(job.id)!.nextAt - clock.now(), 20_000, 'the delay doubled');

  const server = await smtp(t, cert, { port });
  await clock.advance(20_000);
  await waitFor(() => store.getDelivery(job.id)!.status === 'done');
  assert.equal(store.getDelivery(job.id)!.attempts, 3);
  assert.equal(server.mails.length, 1);
  await clock.advance(3_600_000);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(server.mails.length, 1);
});

test('e-mail: 550 on RCPT fails for good, 451 is retried, an invalid address never reaches the server', async (t) => {
  const cert = makeCert(t);
  const server = await smtp(t, cert);
  const clock = new FakeClock();
  const { store } = openStore(t, clock.now);
  const f = forwarder(t, store, mailConfig(server.port, { caFile: cert.certFile }));
  const job = (target: string) => store.deliveriesOf(receive(store, { text: TEXT }, [{ kind: 'email', target, payload: null }]).id)[0]!;
  const signal = new AbortController().signal;
  await assert.rejects(f.handler(job('nobody@example.com'), signal), (e: unknown) => e instanceof PermanentDeliveryError && /550/.test(e.message));
  await assert.rejects(f.handler(job('later@example.com'), signal), (e: unknown) => e instanceof Error && !(e instanceof PermanentDeliveryError) && /451/.test(e.message));
  await assert.rejects(f.handler(job('not an address'), signal), (e: unknown) => e instanceof PermanentDeliveryError && /invalid e-mail address/.test(e.message));
  // One refused, one accepted: the mail went out, the job is done.
  await f.handler(job('nobody@example.com, ops@example.com'), signal);
  assert.equal(server.mails.length, 1);
  assert.deepEqual(server.mails[0]!.to, ['ops@example.com']);
});

test('e-mail: a wrong password is retried (the operator fixes the configuration), not dropped', async (t) => {
  const cert = makeCert(t);
  const server = await smtp(t, cert);
  const clock = new FakeClock();
  const { store } = openStore(t, clock.now);
  const f = forwarder(t, store, mailConfig(server.port, { caFile: cert.certFile, password: 'wrong' }));
  const m = receive(store, { text: TEXT }, [{ kind: 'email', target: 'ops@example.com', payload: null }]);
  await assert.rejects(f.handler(store.deliveriesOf(m.id)[0]!, new AbortController().signal), (e: unknown) => e instanceof Error && !(e instanceof PermanentDeliveryError) && /EAUTH|535/.test(e.message));
  assert.equal(server.auths[0]!.secure, true);
  assert.equal(server.mails.length, 0);
});

test("e-mail: 'none' is plain SMTP, allowed for a loopback relay only", async (t) => {
  const cert = makeCert(t);
  const server = await smtp(t, cert, { disabledCommands: ['STARTTLS'], authOptional: true });
  const clock = new FakeClock();
  const { store } = openStore(t, clock.now);
  const f = forwarder(t, store, mailConfig(server.port, { security: 'none', user: null, password: null }));
  const m = receive(store, { text: TEXT }, [{ kind: 'email', target: 'ops@example.com', payload: null }]);
  await f.handler(store.deliveriesOf(m.id)[0]!, new AbortController().signal);
  assert.equal(server.mails.length, 1);
  assert.equal(server.mails[0]!.secure, false);

  assert.throws(() => createMailForwarder(mailConfig(25, { host: 'smtp.example.com', security: 'none' }), silentLogger(), { getInbound: () => undefined }), MailConfigError);
  assert.throws(() => createMailForwarder(mailConfig(25, { caFile: '/nonexistent/ca.pem' }), silentLogger(), { getInbound: () => undefined }), /cannot be read/);
  assert.match(mailConfigProblem(mailConfig(25, { host: '10.0.0.5', security: 'none' }))!, /loopback/);
  assert.equal(mailConfigProblem(mailConfig(25, { host: '::1', security: 'none' })), null);
  assert.deepEqual(['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]', '10.0.0.1', 'example.com', '::ffff:127.0.0.1'].map(isLoopbackHost), [true, true, true, true, true, false, false, true]);
});

test('isPermanentMailError: 5xx on RCPT/DATA only', () => {
  assert.equal(isPermanentMailError({ responseCode: 550, command: 'RCPT TO' }), true);
  assert.equal(isPermanentMailError({ responseCode: 554, command: 'DATA' }), true);
  assert.equal(isPermanentMailError({ responseCode: 451, command: 'RCPT TO' }), false);
  assert.equal(isPermanentMailError({ responseCode: 530, command: 'STARTTLS' }), false);
  assert.equal(isPermanentMailError({ responseCode: 535, command: 'AUTH PLAIN' }), false);
  assert.equal(isPermanentMailError({ code: 'ECONNECTION', command: 'CONN' }), false);
  assert.equal(isPermanentMailError(new Error('x')), false);
  assert.equal(isPermanentMailError(null), false);
});
