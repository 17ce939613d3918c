import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configSchema } from '../../../src/config/schema.js';
import type { SipConfig } from '../../../src/config/schema-sip.js';
import { DigestClient } from '../../../src/sip/auth/index.js';
import type { SipIncomingRequest, SipResponseSpec } from '../../../src/sip/core/index.js';
import { InboundAccess } from '../../../src/sip/access/inbound-access.js';
import { parseSipMessage, type SipRequest } from '../../../src/sip/message/index.js';
import { silentLogger } from '../../../src/util/log.js';

function sipConfig(sip: unknown): SipConfig {
  return configSchema.parse({ sip }).sip;
}

function invite(authorization?: string): SipRequest {
  const text = [
    'INVITE sip:13912345678@gw.example SIP/2.0',
    'Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK-1',
    'From: <sip:pbx@10.0.0.5>;tag=a',
    'To: <sip:13912345678@gw.example>',
    'Call-ID: access-1',
    'CSeq: 1 INVITE',
    'Max-Forwards: 70',
    ...(authorization ? [`Authorization: ${authorization}`] : []),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const parsed = parseSipMessage(Buffer.from(text, 'latin1'));
  assert.ok(parsed.ok && parsed.message.kind === 'request');
  return parsed.message as SipRequest;
}

interface Answered {
  status: number;
  spec?: SipResponseSpec;
}

function incoming(ip: string, request: SipRequest, answers: Answered[], port = 5060): SipIncomingRequest {
  return {
    request,
    source: { ip, port },
    transport: 'udp',
    dialog: undefined,
    uas: undefined,
    cancelled: false,
    respond: (status, _reason, spec) => {
      answers.push({ status, ...(spec ? { spec } : {}) });
      return { ok: false, reason: 'transaction-ended' };
    },
  };
}

function access(sip: unknown, extra: Partial<ConstructorParameters<typeof InboundAccess>[0]> = {}): InboundAccess {
  const cfg = sipConfig(sip);
  return new InboundAccess({ config: () => cfg, demoLoopback: false, log: silentLogger(), ...extra });
}

test('address mode: a trunk peer is admitted; anyone else gets 403 and never a challenge', () => {
  const a = access({ trunk: { peers: [{ addresses: ['10.0.0.5'] }, { addresses: ['192.168.1.X'] }] } });
  const answers: Answered[] = [];
  assert.deepEqual(a.admit(incoming('10.0.0.5', invite(), answers)), { allowed: true, who: 'trunk:1' });
  assert.deepEqual(a.admit(incoming('192.168.1.77', invite(), answers)), { allowed: true, who: 'trunk:2' });
  assert.equal(answers.length, 0);
  assert.deepEqual(a.admit(incoming('203.0.113.9', invite(), answers)), { allowed: false });
  assert.deepEqual(answers.map((x) => x.status), [403]);
});

test('with nothing configured nobody may call, loopback included; demo mode opens loopback only', () => {
  const closed = access({});
  const answers: Answered[] = [];
  assert.deepEqual(closed.admit(incoming('127.0.0.1', invite(), answers)), { allowed: false });
  const demo = access({}, { demoLoopback: true });
  assert.deepEqual(demo.admit(incoming('127.0.0.1', invite(), answers)), { allowed: true, who: 'demo' });
  assert.deepEqual(demo.admit(incoming('::1', invite(), answers)), { allowed: true, who: 'demo' });
  assert.deepEqual(demo.admit(incoming('10.1.1.1', invite(), answers)), { allowed: false });
  assert.deepEqual(answers.map((x) => x.status), [403, 403]);
});

function answerChallenge(client: DigestClient, answers: Answered[]): string {
  const challenge = answers.at(-1)!;
  assert.equal(challenge.status, 401);
  const values = (challenge.spec?.headers ?? []).filter(([h]) => h === 'WWW-Authenticate').map(([, v]) => v);
  const answer = client.answer(values, { method: 'INVITE', uri: 'sip:13912345678@gw.example' }, 401);
  assert.ok(answer.ok);
  return answer.value;
}

test('digest mode: a challenge, then the right password is admitted as that user', () => {
  const a = access({ inbound: { auth: 'digest', users: [{ username: 'pbx', password: 'right-password' }] } });
  const answers: Answered[] = [];
  assert.deepEqual(a.admit(incoming('10.0.0.5', invite(), answers)), { allowed: false });
  const value = answerChallenge(new DigestClient({ credentials: { username: 'pbx', password: 'right-password' } }), answers);
  assert.deepEqual(a.admit(incoming('10.0.0.5', invite(value), answers)), { allowed: true, who: 'user:pbx' });
});

test('digest mode: the challenge offers sip.registrar.algorithms: MD5 alone by default, MD5 then SHA-256 when configured', () => {
  const offered = (sip: unknown): Array<string | undefined> => {
    const answers: Answered[] = [];
    access(sip).admit(incoming('10.0.0.5', invite(), answers));
    const values = (answers[0]!.spec?.headers ?? []).filter(([h]) => h === 'WWW-Authenticate').map(([, v]) => v);
    return values.map((v) => /algorithm=([\w-]+)/.exec(v)?.[1]);
  };
  const inbound = { auth: 'digest', users: [{ username: 'pbx', password: 'right-password' }] };
  assert.deepEqual(offered({ inbound }), ['MD5']);
  assert.deepEqual(offered({ inbound, registrar: { algorithms: ['MD5', 'SHA-256'] } }), ['MD5', 'SHA-256']);
});

test('digest: an unknown user and a wrong password get the same 401; repeated failures lock the source out', () => {
  const a = access({ inbound: { auth: 'digest', users: [{ username: 'pbx', password: 'right-password' }] } }, { lockout: { maxFailures: 3 } });
  const shapes: string[] = [];
  for (const [user, pw] of [['pbx', 'wrong'], ['nobody', 'wrong']] as const) {
    const answers: Answered[] = [];
    a.admit(incoming('10.0.0.6', invite(), answers));
    const value = answerChallenge(new DigestClient({ credentials: { username: user, password: pw } }), answers);
    a.admit(incoming('10.0.0.6', invite(value), answers));
    const last = answers.at(-1)!;
    shapes.push(`${last.status} ${(last.spec?.headers ?? []).map(([h]) => h).join(',')}`);
  }
  assert.equal(shapes[0], shapes[1]);
  assert.match(shapes[0]!, /^401 WWW-Authenticate/);
  // The third failure locks the source: 403 from then on, even with the right password.
  const answers: Answered[] = [];
  a.admit(incoming('10.0.0.6', invite(), answers));
  const wrong = answerChallenge(new DigestClient({ credentials: { username: 'pbx', password: 'nope' } }), answers);
  a.admit(incoming('10.0.0.6', invite(wrong), answers));
  assert.equal(answers.at(-1)!.status, 403);
  a.admit(incoming('10.0.0.6', invite(), answers));
  assert.equal(answers.at(-1)!.status, 403);
  // Another source is not affected.
  const other: Answered[] = [];
  a.admit(incoming('10.0.0.7', invite(), other));
  assert.equal(other.at(-1)!.status, 401);
});

test('both: a digest answer from an address outside the trunk peers is refused before any challenge', () => {
  const a = access({ inbound: { auth: 'both', users: [{ username: 'pbx', password: 'right-password' }] }, trunk: { peers: [{ addresses: ['10.0.0.0/24'] }] } });
  const answers: Answered[] = [];
  assert.deepEqual(a.admit(incoming('10.0.1.5', invite(), answers)), { allowed: false });
  assert.equal(answers.at(-1)!.status, 403);
  a.admit(incoming('10.0.0.5', invite(), answers));
  const value = answerChallenge(new DigestClient({ credentials: { username: 'pbx', password: 'right-password' } }), answers);
  assert.deepEqual(a.admit(incoming('10.0.0.5', invite(value), answers)), { allowed: true, who: 'user:pbx@trunk:1' });
});

test('registrar extensions authenticate with their own password in address mode too', () => {
  const a = access({}, { extensionSecret: () => (user) => (user === '8001' ? { password: 'phone-password' } : undefined) });
  const answers: Answered[] = [];
  a.admit(incoming('192.168.5.20', invite(), answers));
  const value = answerChallenge(new DigestClient({ credentials: { username: '8001', password: 'phone-password' } }), answers);
  assert.deepEqual(a.admit(incoming('192.168.5.20', invite(value), answers)), { allowed: true, who: 'ext:8001' });
});

test('none admits anyone', () => {
  const a = access({ inbound: { auth: 'none' } });
  assert.deepEqual(a.admit(incoming('198.51.100.1', invite(), [])), { allowed: true, who: 'anyone' });
});
