import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CRLF_PING, NatKeepAlive, type KeepAliveMethod } from '../../../src/sip/registration/nat-keep-alive.js';
import type { SipTarget } from '../../../src/sip/transport/index.js';
import { silentLogger } from '../../../src/util/log.js';

function rig(method: KeepAliveMethod) {
  const bytes: Array<{ target: SipTarget; bytes: Uint8Array }> = [];
  const options: SipTarget[] = [];
  const keepAlive = new NatKeepAlive({
    targets: () => [
      { host: 'pbx.example', port: 5060, transport: 'udp' },
      { host: 'pbx.example', port: 5060, transport: 'udp' },
      { host: '10.0.0.2', port: 5070, transport: 'tcp' },
      { host: 'nowhere.invalid', port: 5060, transport: 'udp' },
    ],
    settings: () => ({ method, intervalSec: 30 }),
    sendBytes: async (target, b) => void bytes.push({ target, bytes: b }),
    sendOptions: async (target) => void options.push(target),
    resolve: async (host) => {
      if (host === 'nowhere.invalid') throw new Error('ENOTFOUND');
      return host === 'pbx.example' ? '192.0.2.7' : host;
    },
    log: silentLogger(),
  });
  return { keepAlive, bytes, options };
}

test('crlf: one double CRLF (RFC 5626 §3.5.1) per distinct next hop, to its resolved address; an unresolvable one is skipped', async () => {
  const { keepAlive, bytes, options } = rig('crlf');
  assert.equal(await keepAlive.round(), 2);
  assert.deepEqual(bytes.map((b) => [b.target, Buffer.from(b.bytes).toString('latin1')]), [
    [{ ip: '192.0.2.7', port: 5060, kind: 'udp' }, '\r\n\r\n'],
    [{ ip: '10.0.0.2', port: 5070, kind: 'tcp' }, '\r\n\r\n'],
  ]);
  assert.equal(CRLF_PING.length, 4);
  assert.equal(options.length, 0);
});

test('options: an OPTIONS transaction per next hop instead; off: nothing', async () => {
  const o = rig('options');
  assert.equal(await o.keepAlive.round(), 2);
  assert.deepEqual(o.options, [{ ip: '192.0.2.7', port: 5060, kind: 'udp' }, { ip: '10.0.0.2', port: 5070, kind: 'tcp' }]);
  assert.equal(o.bytes.length, 0);
  const off = rig('off');
  assert.equal(await off.keepAlive.round(), 0);
  assert.equal(off.bytes.length + off.options.length, 0);
});
