import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readForwardNumber, serviceDigits } from '../../../src/sip/to-gsm/forward-number.js';
import { canSipToGsmTransition, sipToGsmTransition } from '../../../src/sip/to-gsm/sip-to-gsm-call-state.js';
import { validateConfig } from '../../../src/config/schema.js';

test('readForwardNumber: none, a plain number, or "M1:<service>" (manual §4.6)', () => {
  assert.deepEqual(readForwardNumber(null), { mode: 'none' });
  assert.deepEqual(readForwardNumber('10010'), { mode: 'fixed', number: '10010' });
  assert.deepEqual(readForwardNumber('M1:91000'), { mode: 'service', service: '91000' });
  assert.deepEqual(readForwardNumber('M1:'), { mode: 'none' });
  assert.deepEqual(readForwardNumber('m2:91000'), { mode: 'none' });
});

test('serviceDigits: the called number then "#"; a number with no DTMF form gives null', () => {
  assert.equal(serviceDigits('13912345678'), '13912345678#');
  assert.equal(serviceDigits('*21*1'), '*21*1#');
  assert.equal(serviceDigits('+8613912345678'), null);
  assert.equal(serviceDigits(''), null);
});

test('state flow of M1 service dialling: dialling/alerting → sending-digits → answered → confirmed; no shortcut to confirmed', () => {
  let st = sipToGsmTransition('invited', 'dial');
  st = sipToGsmTransition(st, 'alerting');
  st = sipToGsmTransition(st, 'service-answered');
  assert.equal(st, 'sending-digits');
  assert.equal(canSipToGsmTransition(st, 'ack'), false);
  assert.equal(canSipToGsmTransition(st, 'answered'), false);
  assert.equal(sipToGsmTransition('dialling', 'service-answered'), 'sending-digits');
  assert.equal(sipToGsmTransition(st, 'await-ack'), 'closing');
  assert.equal(sipToGsmTransition(st, 'end'), 'ended');
  st = sipToGsmTransition(st, 'digits-sent');
  assert.equal(st, 'answered');
  assert.equal(sipToGsmTransition(st, 'ack'), 'confirmed');
  assert.throws(() => sipToGsmTransition('collecting', 'digits-sent'));
});

test('sip.calls.twoStage.forwardNumber: a number or "M1:<service number>" is accepted; other forms refused', () => {
  const forward = (forwardNumber: string) => validateConfig({ sip: { calls: { twoStage: { forwardNumber } } } });
  for (const ok of ['10010', '+8613912345678', 'M1:91000']) assert.equal(forward(ok).ok, true, ok);
  for (const bad of ['M1:', 'M1:91000x', 'M2:91000', 'm1 91000', '91000;M1:1']) assert.equal(forward(bad).ok, false, bad);
});
