import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createResponse, parseSipMessage, serializeSipMessage, type SipResponse } from '../../../src/sip/message/index.js';
import { addressOfRecord, buildRegister, grantedExpiry, minExpires } from '../../../src/sip/registration/index.js';
import { account, server } from './fake-registrar.js';

const register = (overrides = {}) =>
  buildRegister({ account: account(overrides), registrar: server('pbx.example.com', 5070), local: { host: '2001:db8::5', port: 5062 }, callId: 'c1', fromTag: 't1', cseq: 7, expiresSeconds: 300, version: '1.2.3' });

test('REGISTER: parses back, AOR from phone number and home domain, IPv6 contact in brackets', () => {
  const request = register({ phoneNumber: '+1 555', homeDomain: 'voip.example.org', displayName: 'Front "desk"' });
  const bytes = serializeSipMessage(request);
  const parsed = parseSipMessage(bytes);
  assert.ok(parsed.ok, 'parses');
  assert.equal(parsed.ok && parsed.message.headers.get('contact'), request.headers.get('contact'));
  assert.equal(request.uri, 'sip:pbx.example.com:5070');
  assert.equal(request.to?.uri, 'sip:+1%20555@voip.example.org');
  assert.equal(request.from?.displayName, 'Front "desk"');
  assert.equal(request.headers.get('contact'), '<sip:8001@[2001:db8::5]:5062>;expires=300');
  assert.equal(request.headers.get('cseq'), '7 REGISTER');
  assert.equal(request.topVia?.host, '[2001:db8::5]');
  assert.equal(addressOfRecord(account(), server('pbx.example.com')), 'sip:8001@pbx.example.com');
});

test('granted expiry: our Contact among several, else Expires, else what was asked; Min-Expires', () => {
  const request = register();
  const answer = (headers: [string, string][]): SipResponse => createResponse(request, 200, 'OK', { version: 't', headers });
  const ours = 'sip:8001@[2001:db8::5]:5062';
  assert.equal(grantedExpiry(answer([['Contact', '<sip:8001@192.0.2.9>;expires=50, <sip:8001@[2001:DB8::5]:5062>;expires=120'], ['Expires', '99']]), ours, 300), 120);
  assert.equal(grantedExpiry(answer([['Contact', '<sip:8001@192.0.2.9>;expires=50'], ['Expires', '99']]), ours, 300), 99);
  assert.equal(grantedExpiry(answer([['Contact', 'not a contact <<'], ['Expires', 'soon']]), ours, 300), 300);
  assert.equal(minExpires(createResponse(request, 423, 'Interval Too Brief', { version: 't', headers: [['Min-Expires', '3600']] })), 3600);
  assert.equal(minExpires(createResponse(request, 423, 'Interval Too Brief', { version: 't', headers: [['Min-Expires', '-1']] })), undefined);
});
