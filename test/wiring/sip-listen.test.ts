import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listenUdpAndTcp } from '../../src/wiring/sip.js';
import type { TcpTransport, UdpTransport } from '../../src/sip/transport/index.js';

function fakePair(log: string[], tcpTaken: () => boolean) {
  let n = 0;
  return () => {
    const id = ++n;
    const udp = {
      listen: async (_h: string, port: number) => ({ ip: '0.0.0.0', port: port === 0 ? 40000 + id : port }),
      close: async () => void log.push(`udp ${id} closed`),
    } as unknown as UdpTransport;
    const tcp = {
      listen: async (_h: string, port: number) => {
        if (tcpTaken()) throw Object.assign(new Error('taken'), { code: 'EADDRINUSE' });
        log.push(`tcp ${id} on ${port}`);
        return { ip: '0.0.0.0', port };
      },
      close: async () => void log.push(`tcp ${id} closed`),
    } as unknown as TcpTransport;
    return { udp, tcp };
  };
}

test('port 0: when another program holds the TCP port UDP picked, a fresh pair is tried', async () => {
  const log: string[] = [];
  let fails = 2;
  await listenUdpAndTcp('0.0.0.0', 0, fakePair(log, () => fails-- > 0));
  assert.deepEqual(log, ['udp 1 closed', 'tcp 1 closed', 'udp 2 closed', 'tcp 2 closed', 'tcp 3 on 40003']);
});

test('a configured port that is taken is an error at once', async () => {
  const log: string[] = [];
  await assert.rejects(listenUdpAndTcp('0.0.0.0', 5060, fakePair(log, () => true)), /taken/);
  assert.deepEqual(log, ['udp 1 closed', 'tcp 1 closed']);
});
