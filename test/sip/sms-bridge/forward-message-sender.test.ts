/** SMS → SIP sendMessage against a scripted endpoint: the request built, hops in turn, retry or give up. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SipRequestOutcome } from '../../../src/sip/core/index.js';
import { createResponse, type SipRequest } from '../../../src/sip/message/index.js';
import type { SipTarget } from '../../../src/sip/transport/index.js';
import { PermanentDeliveryError } from '../../../src/sms/delivery-worker.js';
import { silentLogger } from '../../../src/util/log.js';
import { createSipSmsBridge, RetryableSendError, type BridgeStore } from '../../../src/sip/sms-bridge/index.js';
import { EventEmitter } from 'node:events';

function bridgeWith(answers: number[], contacts = 0) {
  const sent: { request: SipRequest; target: SipTarget }[] = [];
  const endpoint = {
    sendRequest: async (request: SipRequest, target: SipTarget): Promise<SipRequestOutcome> => {
      sent.push({ request, target });
      const status = answers.shift();
      return status === undefined ? { kind: 'timeout' } : { kind: 'response', response: createResponse(request, status, 'X', { version: 't' }) };
    },
  };
  const bridge = createSipSmsBridge({
    endpoint,
    version: 'test',
    localVia: (kind) => ({ host: '192.0.2.1', port: kind === 'udp' ? 5060 : 5070 }),
    config: () => ({ destination: 'body', relayReport: true }),
    admit: () => ({ allowed: false }),
    sms: { submit: () => Promise.reject(new Error('unused')), store: {} as BridgeStore, events: new EventEmitter() },
    contactsFor: () => Array.from({ length: contacts }, (_, i) => ({ contactUri: `sip:101@10.0.0.${i + 1}`, source: { ip: `198.51.100.${i + 1}`, port: 40000 + i, transport: 'udp' as const } })),
    gatewayUser: () => 'goip-01',
    log: silentLogger(),
  });
  return { bridge, sent };
}

test('the MESSAGE: Request-URI, From the gateway user, To the target, text/plain UTF-8 body', async () => {
  const { bridge, sent } = bridgeWith([200]);
  await bridge.sendMessage('101@192.168.2.2:6060', '+8613670128297\r\n(L1)你好');
  const { request, target } = sent[0]!;
  assert.equal(request.uri, 'sip:101@192.168.2.2:6060');
  assert.equal(request.from?.uri, 'sip:goip-01@192.168.2.2');
  assert.ok(request.from?.tag);
  assert.equal(request.to?.uri, 'sip:101@192.168.2.2:6060');
  assert.equal(request.headers.get('content-type'), 'text/plain;charset=UTF-8');
  assert.equal(request.body.toString('utf8'), '+8613670128297\r\n(L1)你好');
  assert.equal(request.body.length, 26, 'the manual’s Content-Length');
  assert.match(request.headers.get('via') ?? '', /^SIP\/2\.0\/UDP 192\.0\.2\.1:5060;branch=z9hG4bK/);
  assert.deepEqual(target, { ip: '192.168.2.2', port: 6060, kind: 'udp' });
});

test('an extension’s contacts are tried in turn until one takes it', async () => {
  const { bridge, sent } = bridgeWith([480, 200], 2);
  await bridge.sendMessage('101', 'x');
  assert.deepEqual(sent.map((s) => s.target.ip), ['198.51.100.1', '198.51.100.2']);
});

test('refusals are permanent, 480/503/timeouts retry, an extension without contacts retries', async () => {
  await assert.rejects(bridgeWith([404]).bridge.sendMessage('sip:101@10.0.0.1', 'x'), PermanentDeliveryError);
  await assert.rejects(bridgeWith([603]).bridge.sendMessage('sip:101@10.0.0.1', 'x'), PermanentDeliveryError);
  await assert.rejects(bridgeWith([503]).bridge.sendMessage('sip:101@10.0.0.1', 'x'), RetryableSendError);
  await assert.rejects(bridgeWith([]).bridge.sendMessage('sip:101@10.0.0.1', 'x'), RetryableSendError);
  await assert.rejects(bridgeWith([404, 480], 2).bridge.sendMessage('101', 'x'), RetryableSendError, 'one hop may still take it');
  await assert.rejects(bridgeWith([]).bridge.sendMessage('101', 'x'), RetryableSendError);
  await assert.rejects(bridgeWith([]).bridge.sendMessage('sip:101@pbx.example.com', 'x'), PermanentDeliveryError);
});
