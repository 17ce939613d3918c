/**
 * The daemon's SIP endpoint: it listens on UDP and TCP on one port (`--sip-port`), answers OPTIONS
 * with 200 (manual §4.4 keep-alive probes from PBXes), and refuses to start with a clear message when
 * the port is taken.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startDaemon } from '../../src/app.js';
import { parseSipMessage, type SipResponse } from '../../src/sip/message/index.js';
import { silentLogger } from '../../src/util/log.js';
import { sipPeer } from '../sip/core/core-fixtures.js';

const quiet = () => new Writable({ write: (_c, _e, cb) => cb() });

function options(port: number, callId: string, transport = 'UDP'): string {
  return [
    `OPTIONS sip:cellgate@127.0.0.1:${port} SIP/2.0`,
    `Via: SIP/2.0/${transport} 127.0.0.1:9;rport;branch=z9hG4bK-${callId}`,
    'From: <sip:probe@127.0.0.1>;tag=p1',
    `To: <sip:cellgate@127.0.0.1:${port}>`,
    `Call-ID: ${callId}`,
    'CSeq: 1 OPTIONS',
    'Max-Forwards: 70',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

test('the daemon answers OPTIONS with 200 over UDP and TCP on the --sip-port port', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-sip-'));
  const d = await startDaemon({ dataDir: dir, httpPort: 0, sipPort: 0, httpHost: '127.0.0.1', log: silentLogger(), out: quiet() });
  t.after(() => d.stop());
  assert.ok(d.sip, 'SIP runs by default');
  const { udp, tcp } = d.sip.ports;
  assert.equal(tcp, udp, 'TCP listens on the UDP port');
  assert.equal(d.sip.demo, true, 'demo mode opens the loopback trunk');

  const peer = await sipPeer();
  t.after(() => peer.close());
  await peer.send(options(udp, 'opt-udp'), udp);
  const ok = await peer.response(200, 'OPTIONS');
  assert.match(ok.headers.get('allow') ?? '', /OPTIONS/);
  assert.match(ok.headers.get('user-agent') ?? ok.headers.get('server') ?? '', /^cellgate\//);

  const viaTcp = await new Promise<SipResponse>((resolve, reject) => {
    const socket = connect(tcp, '127.0.0.1', () => socket.write(options(tcp, 'opt-tcp', 'TCP')));
    let got = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      got = Buffer.concat([got, chunk]);
      const parsed = parseSipMessage(got);
      if (parsed.ok && parsed.message.kind === 'response') {
        socket.destroy();
        resolve(parsed.message);
      }
    });
    socket.on('error', reject);
  });
  assert.equal(viaTcp.statusCode, 200);
});

test('a taken SIP port stops the start with a message that names the port and the option', async (t) => {
  const taken = createSocket('udp4');
  await new Promise<void>((resolve) => taken.bind(0, '0.0.0.0', resolve));
  t.after(() => taken.close());
  const port = taken.address().port;
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-sip-'));
  const err = await startDaemon({ dataDir: dir, httpPort: 0, sipPort: port, httpHost: '127.0.0.1', log: silentLogger(), out: quiet() }).then(
    async (d) => {
      await d.stop();
      return null;
    },
    (e: Error) => e,
  );
  assert.ok(err, 'the start fails');
  assert.match(err.message, new RegExp(`SIP cannot listen on 0\\.0\\.0\\.0:${port}: the port is in use \\(choose another with sip\\.port or --sip-port\\)`));
});

test('sip.enabled false: no SIP listener', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-sip-'));
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ sip: { enabled: false } }));
  const d = await startDaemon({ dataDir: dir, httpPort: 0, sipPort: 0, httpHost: '127.0.0.1', log: silentLogger(), out: quiet() });
  t.after(() => d.stop());
  assert.equal(d.sip, null);
});
