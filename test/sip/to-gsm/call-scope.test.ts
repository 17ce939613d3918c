import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configSchema } from '../../../src/config/schema.js';
import { callScopeOf } from '../../../src/sip/to-gsm/call-scope.js';

const sip = (s: unknown) => configSchema.parse({ sip: s }).sip;
const account = (authId: string, extra: Record<string, unknown> = {}) => ({ authId, password: 'pw', registrar: '10.0.0.1', ...extra });
const none = () => undefined;

test('a registrar phone dials out only through its extension\'s lines; an unknown extension through none', () => {
  const lines = (user: string) => (user === '8001' ? [2] : undefined);
  assert.deepEqual(callScopeOf(sip({}), '13912345678', 'ext:8001', lines), { lines: [2], account: false });
  assert.deepEqual(callScopeOf(sip({}), '13912345678', 'ext:8001@trunk:1', lines), { lines: [2], account: false });
  assert.deepEqual(callScopeOf(sip({}), '13912345678', 'ext:9999', lines), { lines: [], account: false });
});

test('an INVITE to a line account\'s user keeps to that account\'s lines and takes the number from the second stage', () => {
  const perLine = sip({ registration: { mode: 'per-line', lines: [{ line: 1, ...account('8101') }, { line: 2, ...account('gw2', { phoneNumber: '8102' }) }] } });
  assert.deepEqual(callScopeOf(perLine, '8101', 'trunk:1', none), { lines: [1], account: true });
  assert.deepEqual(callScopeOf(perLine, '8102', 'trunk:1', none), { lines: [2], account: true });
  assert.deepEqual(callScopeOf(perLine, 'gw2', 'trunk:1', none), { lines: 'all', account: false }, 'the AoR user is the phone number');
  const perGroup = sip({ registration: { mode: 'per-group', groups: [{ name: 'g', lines: [3, 4], account: account('8200') }] } });
  assert.deepEqual(callScopeOf(perGroup, '8200', 'trunk:1', none), { lines: [3, 4], account: true });
  const device = sip({ registration: { mode: 'device', account: account('gw') } });
  assert.deepEqual(callScopeOf(device, 'gw', 'user:pbx', none), { lines: 'all', account: true });
});

test('any other Request-URI user is the number to dial, on any line', () => {
  assert.deepEqual(callScopeOf(sip({}), '13912345678', 'trunk:1', none), { lines: 'all', account: false });
  assert.deepEqual(callScopeOf(sip({}), '', 'demo', none), { lines: 'all', account: false });
});
