/**
 * Interoperability: SIPp (Debian package sip-tester) sends OPTIONS over UDP to a responder built on
 * the UDP transport and must get its 200 OK. SIPp is a required test tool (.ci/run installs it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertSippInstalled, freeUdpPort, startSipp } from '../../helpers/sipp.js';
import { startOptionsResponder } from './options-responder.js';

const SCENARIO = `<?xml version="1.0" encoding="UTF-8" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="OPTIONS ping">
  <send retrans="500">
    <![CDATA[
      OPTIONS sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 OPTIONS
      Max-Forwards: 70
      Accept: application/sdp
      User-Agent: SIPp
      Content-Length: 0

    ]]>
  </send>
  <recv response="200"/>
</scenario>
`;

test('SIPp sends OPTIONS over UDP and gets 200 OK from a responder on the UDP transport', async () => {
  assertSippInstalled();
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-sipp-'));
  const responder = await startOptionsResponder();
  try {
    const scenario = join(dir, 'options_uac.xml');
    writeFileSync(scenario, SCENARIO);
    const args = ['-sf', scenario, '-i', '127.0.0.1', '-p', String(await freeUdpPort()), '-m', '1', '-nostdin', '-timeout', '15s', '-s', 'gw', `127.0.0.1:${responder.port}`];
    const sipp = startSipp(args, dir);
    const code = await sipp.exited;
    const output = sipp.output();
    assert.equal(code, 0, `sipp exited with ${code}:\n${output.slice(-2000)}`);
    assert.equal(responder.requests.length, 1);
    const request = responder.requests[0]!;
    assert.equal(request.method, 'OPTIONS');
    assert.equal(request.headers.get('user-agent'), 'SIPp');
    assert.equal(request.topVia?.params['received'], '127.0.0.1', 'rport asks for received even from the same address (RFC 3581 §4)');
    assert.match(request.topVia?.params['rport'] ?? '', /^\d+$/);
    assert.deepEqual(responder.rejections, []);
  } finally {
    await responder.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
