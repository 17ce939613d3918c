/** The account that carries a line for bare forward extensions, in each registration mode. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sipSchema } from '../../src/config/schema-sip.js';
import { RingThenRejectRouter, type CallRouter } from '../../src/call/call-router.js';
import type { SipDialogListener } from '../../src/sip/core/index.js';
import { silentLogger } from '../../src/util/log.js';
import { accountForLine, forwardAccountOf, wireGsmToSip } from '../../src/wiring/sip-gsm-to-sip.js';

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

test('wireGsmToSip makes the router the router of the call service and a dialog listener; stop undoes both', () => {
  const listeners = new Set<SipDialogListener>();
  const routers: CallRouter[] = [];
  const fallback = new RingThenRejectRouter(() => 30);
  const parts = wireGsmToSip({
    endpoint: {
      sendInvite: () => assert.fail('no INVITE expected'),
      dialogs: { sendBye: () => undefined },
      addDialogListener: (l) => (listeners.add(l), () => void listeners.delete(l)),
    },
    calls: { setRouter: (r) => routers.push(r) },
    media: { offer: () => null, answer: () => ({ ok: false, status: 503, reason: '' }) },
    config: () => sipSchema.parse({}),
    local: { host: '127.0.0.1', port: 5060 },
    version: 't',
    fallback,
    log: silentLogger(),
  });
  assert.deepEqual(routers, [parts.router]);
  assert.ok(listeners.has(parts.router));
  parts.stop();
  assert.deepEqual(routers, [parts.router, fallback]);
  assert.equal(listeners.size, 0);
});
