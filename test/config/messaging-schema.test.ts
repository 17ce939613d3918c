import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfig, type Config } from '../../src/config/schema.js';
import { formatFieldErrors } from '../../src/config/errors.js';

function errorsOf(doc: unknown): string[] {
  const r = validateConfig(doc);
  assert.equal(r.ok, false, 'expected the document to be refused');
  return r.ok ? [] : formatFieldErrors(r.errors);
}

function valid(doc: unknown): Config {
  const r = validateConfig(doc);
  assert.ok(r.ok, r.ok ? '' : formatFieldErrors(r.errors).join('\n'));
  return r.value;
}

test('sms.dialRules are parsed when the file is loaded; an error names the rule and the character', () => {
  assert.equal(valid({ sms: { dialRules: '86:-86|01[3-8]:-0++86' } }).sms.dialRules, '86:-86|01[3-8]:-0++86');
  const e = errorsOf({ sms: { dialRules: '86:-86|01[3-:+0' } });
  assert.equal(e.length, 1);
  assert.match(e[0]!, /^sms\.dialRules: rule 2 .*character/);
});

test('lines[].prefixes is a §4.3 prefix list', () => {
  assert.equal(valid({ lines: [{ port: '/dev/null', prefixes: '00,13,15' }] }).lines[0]!.prefixes, '00,13,15');
  assert.match(errorsOf({ lines: [{ port: '/dev/null', prefixes: '00,,13' }] })[0]!, /^lines\[0\]\.prefixes: /);
});

test('forwarding rules: at least one target; e-mail needs the mail section; plain SMTP only on loopback', () => {
  assert.match(errorsOf({ sms: { forward: [{ lines: [1] }] } })[0]!, /sms\.forward\[0\]: a forwarding rule needs/);
  assert.match(errorsOf({ sms: { forward: [{ email: ['ops@example.com'] }] } })[0]!, /sms\.forward\[0\]\.email: .*mail section/);
  const mail = { host: 'smtp.example.com', from: 'gw@example.com' };
  const c = valid({ mail, sms: { forward: [{ email: ['ops@example.com'], webhook: { url: 'https://example.com/hook', secret: 'abcdefgh' } }] } });
  assert.equal(c.mail!.security, 'starttls');
  assert.equal(c.mail!.port, 587);
  assert.match(errorsOf({ mail: { ...mail, security: 'none' } })[0]!, /^mail\.security: plain SMTP .*loopback/);
  assert.equal(valid({ mail: { ...mail, host: '127.0.0.1', security: 'none' } }).mail!.security, 'none');
  assert.match(errorsOf({ sms: { forward: [{ webhook: { url: 'ftp://x' } }] } })[0]!, /sms\.forward\[0\]\.webhook\.url: expected an http/);
});

test('SMPP accounts: system_id and password lengths of SMPP 3.4; per-line ids must not collide', () => {
  const c = valid({ smpp: { enabled: true, accounts: [{ systemId: '1', password: 'secret' }, { systemId: 'kannel', password: 'pw', perLineIds: false }] } });
  assert.equal(c.smpp.accounts[0]!.perLineIds, true);
  assert.equal(c.smpp.accounts[0]!.receive, true);
  assert.match(errorsOf({ smpp: { accounts: [{ systemId: '1', password: 'waytoolongpassword' }] } })[0]!, /password: expected a password of 1 to 8/);
  // "1" with perLineIds owns "101".."104" (demo mode: 4 simulated lines); an account "102" collides.
  assert.match(errorsOf({ smpp: { accounts: [{ systemId: '1', password: 'a' }, { systemId: '102', password: 'b' }] } })[0]!, /smpp\.accounts\[1\]\.systemId: system_id "102" is also used by smpp\.accounts\[0\]/);
  assert.match(errorsOf({ smpp: { accounts: [{ systemId: 'x', password: 'a' }, { systemId: 'x', password: 'b' }] } })[0]!, /system_id "x" is also used/);
});

test('ussd and ownNumber: the USSD timeout is at least 15 s; codes and markers are checked', () => {
  assert.match(errorsOf({ ussd: { timeoutSec: 5 } })[0]!, /^ussd\.timeoutSec: expected an integer from 15/);
  const c = valid({ ownNumber: { ussd: { code: '*123#', marker: '您的号码是' } } });
  assert.equal(c.ownNumber.ussd!.code, '*123#');
  assert.match(errorsOf({ ownNumber: { ussd: { code: 'abc', marker: 'x' } } })[0]!, /ownNumber\.ussd\.code: expected a USSD code/);
});

test('sms.commands: ###INFO### is off by default; it can be limited to some senders and rate-limited per sender', () => {
  const d = valid({}).sms.commands;
  assert.equal(d.info, false, '###INFO### answers anyone at an SMS each time: off unless asked for');
  assert.deepEqual(d.infoFrom, []);
  assert.deepEqual(d.infoLimit, { perSender: 1, windowMinutes: 60 });
  assert.equal(d.reboot, true);
  const c = valid({ sms: { commands: { info: true, infoFrom: ['+8613912340002'], infoLimit: { perSender: 3 } } } }).sms.commands;
  assert.deepEqual(c.infoFrom, ['+8613912340002']);
  assert.deepEqual(c.infoLimit, { perSender: 3, windowMinutes: 60 });
  assert.match(errorsOf({ sms: { commands: { infoFrom: ['ops'] } } })[0]!, /^sms\.commands\.infoFrom\[0\]: expected a phone number/);
  assert.match(errorsOf({ sms: { commands: { infoLimit: { perSender: 0 } } } })[0]!, /^sms\.commands\.infoLimit\.perSender: expected an integer from 1 to 100/);
  assert.match(errorsOf({ sms: { commands: { infoLimit: { windowMinutes: 99999 } } } })[0]!, /^sms\.commands\.infoLimit\.windowMinutes: expected an integer from 1 to 10080/);
});
