/** The GSM → SIP wiring: the line's registration account as the router reads it, and the router's place in the call service. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sipSchema } from '../../src/config/schema-sip.js';
import { RingThenRejectRouter, type CallRouter } from '../../src/call/call-router.js';
import type { SipDialogListener } from '../../src/sip/core/index.js';
import { silentLogger } from '../../src/util/log.js';
import { forwardAccountOf, wireGsmToSip } from '../../src/wiring/sip-gsm-to-sip.js';


test('forwardAccountOf takes the registrar in use, the outbound proxy, the domain and the user of the line\'s account', () => {
  assert.deepEqual(
    forwardAccountOf({
      id: 'device',
      state: 'registered',
      registrar: { host: '192.0.2.51', port: 5070, transport: 'tcp' },
      outboundProxy: { host: '192.0.2.60', port: 5060, transport: 'tcp' },
      user: '8001',
      domain: 'pbx.example.com',
      displayName: undefined,
      credentials: { username: 'dev', password: 'pw' },
    }),
    {
      registrar: { host: '192.0.2.51', port: 5070, transport: 'tcp' },
      outboundProxy: { host: '192.0.2.60', port: 5060, transport: 'tcp' },
      domain: 'pbx.example.com',
      user: '8001',
    },
  );
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
