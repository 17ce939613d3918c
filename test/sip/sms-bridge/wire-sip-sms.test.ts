/** wireSipSms: the MESSAGE handler is registered; a bare extension goes to the device-mode registrar, From names its authId. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { defaultConfig } from '../../../src/config/schema.js';
import type { ConfigStore } from '../../../src/config/load.js';
import { wireSipSms } from '../../../src/wiring/sip-sms.js';
import type { SmsParts } from '../../../src/wiring/sms.js';
import { silentLogger } from '../../../src/util/log.js';
import { responseText, sipPeer, startEndpoint } from '../core/core-fixtures.js';

test('a forward to "101" reaches the device-mode registrar as sip:101@<registrar>, From the account’s authId', async (t) => {
  const core = await startEndpoint();
  t.after(() => core.close());
  const pbx = await sipPeer();
  t.after(() => pbx.close());
  const config = defaultConfig();
  config.sip.registration.mode = 'device';
  config.sip.registration.account = { authId: 'goip-01', password: 'secret', registrar: `127.0.0.1:${pbx.port}`, transport: 'udp', expiresSec: 3600 };
  const bridge = wireSipSms({
    config: { get: () => config } as unknown as ConfigStore,
    endpoint: core.endpoint,
    sms: { router: {} as SmsParts['router'], store: {} as SmsParts['store'], events: new EventEmitter() },
    admit: () => ({ allowed: false }),
    localVia: () => ({ host: '127.0.0.1', port: core.udpPort }),
    version: 'test',
    log: silentLogger(),
  });
  assert.ok(core.endpoint.allowedMethods().includes('MESSAGE'), 'the handler is registered');
  const sent = bridge.sendMessage('101', '+8613670128297\r\n(L1)你好');
  const message = await pbx.request('MESSAGE');
  assert.equal(message.uri, `sip:101@127.0.0.1:${pbx.port}`);
  assert.equal(message.from?.uri, 'sip:goip-01@127.0.0.1');
  await pbx.send(responseText(message, 200, 'OK', 'pbx1'), core.udpPort);
  await sent;
});
