/** The account that carries a line for bare forward extensions, in each registration mode. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sipSchema } from '../../src/config/schema-sip.js';
import { accountForLine, forwardAccountOf } from '../../src/wiring/sip-gsm-to-sip.js';

const account = (authId: string, extra: object = {}) => ({ authId, password: 'pw', registrar: '192.0.2.50:5070', ...extra });

test('the account of a line follows the registration mode, else the first trunk peer registration', () => {
  const device = sipSchema.parse({ registration: { mode: 'device', account: account('dev') } });
  assert.equal(accountForLine(device, 7)?.authId, 'dev');
  const perLine = sipSchema.parse({ registration: { mode: 'per-line', lines: [{ ...account('l1'), line: 1 }] } });
  assert.equal(accountForLine(perLine, 1)?.authId, 'l1');
  assert.equal(accountForLine(perLine, 2), null);
  const perGroup = sipSchema.parse({ registration: { mode: 'per-group', groups: [{ name: 'g', lines: [3, 4], account: account('g1') }] } });
  assert.equal(accountForLine(perGroup, 4)?.authId, 'g1');
  const trunk = sipSchema.parse({ trunk: { peers: [{ addresses: ['192.0.2.50'], register: account('t1') }] } });
  assert.equal(accountForLine(trunk, 1)?.authId, 't1');
  assert.equal(accountForLine(sipSchema.parse({}), 1), null);
});

test('forwardAccountOf reads registrar and outbound proxy, domain and user', () => {
  const parsed = sipSchema.parse({ registration: { mode: 'device', account: account('dev', { phoneNumber: '8001', outboundProxy: '192.0.2.60', homeDomain: 'pbx.example.com', transport: 'tcp' }) } });
  assert.deepEqual(forwardAccountOf(parsed.registration.account!), {
    registrar: { host: '192.0.2.50', port: 5070, transport: 'tcp' },
    outboundProxy: { host: '192.0.2.60', port: null, transport: 'tcp' },
    domain: 'pbx.example.com',
    user: '8001',
  });
});
