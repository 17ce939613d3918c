/**
 * Interoperability: SIPp's built-in UAC scenario (INVITE, 180/200 expected, ACK, pause, BYE, 200)
 * calls the endpoint over UDP; a test handler answers 180 then 200, and SIPp's call must complete.
 * SIPp is a required test tool (Debian package sip-tester, which .ci/run installs).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertSippInstalled, freeUdpPort, startSipp } from '../../helpers/sipp.js';
import type { SipIncomingRequest } from '../../../src/sip/core/index.js';
import type { Dialog } from '../../../src/sip/dialog/index.js';
import { startEndpoint } from './core-fixtures.js';

test('SIPp -sn uac calls the endpoint; the handler answers 180 then 200 and the call completes with BYE', async () => {
  assertSippInstalled();
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
    const sipp = startSipp(args, dir);
    const code = await sipp.exited;
    const output = sipp.output();
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
