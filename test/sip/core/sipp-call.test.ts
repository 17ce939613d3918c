/**
 * Interoperability: SIPp's built-in UAC scenario (INVITE, 180/200 expected, ACK, pause, BYE, 200)
 * calls the endpoint over UDP; a test handler answers 180 then 200, and SIPp's call must complete.
 * SIPp is a required test tool (Debian package sip-tester, which .ci/run installs).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SipIncomingRequest } from '../../../src/sip/core/index.js';
import type { Dialog } from '../../../src/sip/dialog/index.js';
import { startEndpoint } from './core-fixtures.js';

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

test('SIPp -sn uac calls the endpoint; the handler answers 180 then 200 and the call completes with BYE', async () => {
  const which = spawnSync('sh', ['-c', 'command -v sipp'], { encoding: 'utf8' });
  if (which.status !== 0 || which.stdout.trim() === '') {
    assert.fail('sipp is not installed: install the Debian package sip-tester (apt-get install sip-tester), which .ci/run lists');
  }
  const ended: Dialog[] = [];
  const core = await startEndpoint({ onBye: (dialog) => ended.push(dialog) });
  const calls: SipIncomingRequest[] = [];
  core.endpoint.handle('INVITE', {
    handleRequest(incoming) {
      calls.push(incoming);
      incoming.respond(180, 'Ringing');
      incoming.respond(200, 'OK', { contentType: 'application/sdp', body: 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\n' });
    },
  });
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-sipp-'));
  try {
    const args = ['-sn', 'uac', '-i', '127.0.0.1', '-p', String(await freeUdpPort()), '-m', '1', '-nostdin', '-timeout', '20s', '-d', '200', '-s', 'gw', `127.0.0.1:${core.udpPort}`];
    const child = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, `sipp exited with ${code}:\n${output.slice(-2000)}`);
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.uas?.state, 'confirmed', 'the ACK reached the UAS core');
    assert.equal(ended.length, 1, 'the BYE ended the dialog');
    assert.equal(ended[0]!.state, 'terminated');
  } finally {
    await core.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
