/**
 * Interoperability over real sockets: SIPp plays a registrar (fixtures/sip/sipp/register_uas.xml,
 * 401 then 200, checking the digest with its own verifier) and the registration client, sending
 * through the UDP transport and a non-INVITE client transaction, ends registered, then unregisters.
 * SIPp is a required test tool (Debian package sip-tester).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RealTimerScheduler } from '../../../src/sip/transaction/timer-scheduler.js';
import { RegistrationClient, type RegistrationState } from '../../../src/sip/registration/index.js';
import { startUdpRegisterSender } from './udp-register-sender.js';
import { assertSippInstalled, freeUdpPort, startSipp } from '../../helpers/sipp.js';

const SCENARIO = fileURLToPath(new URL('../../../../fixtures/sip/sipp/register_uas.xml', import.meta.url));

async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (predicate()) return true;
    await new Promise((done) => setTimeout(done, 20));
  }
  return predicate();
}

test('SIPp as registrar: 401 then 200 over UDP, the client ends registered and unregisters on stop', async () => {
  assertSippInstalled();
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-sipp-reg-'));
  const sender = await startUdpRegisterSender();
  const sippPort = await freeUdpPort();
  const sipp = startSipp(['-sf', SCENARIO, '-i', '127.0.0.1', '-p', String(sippPort), '-m', '1', '-nostdin', '-timeout', '20s'], dir);
  const states: RegistrationState[] = [];
  const client = new RegistrationClient({
    id: 'device',
    account: { authId: '8001', password: 'pa55-secret', registrar: { host: '127.0.0.1', port: sippPort, transport: 'udp' }, expiresSeconds: 300 },
    local: { host: '127.0.0.1', port: sender.port },
    send: sender.send,
    scheduler: new RealTimerScheduler(),
    version: 'test',
    onStatus: (s) => states.push(s.state),
  });
  try {
    // SIPp may not be listening yet: Timer E retransmits the first REGISTER until it is.
    client.start();
    assert.ok(await waitFor(() => client.state === 'registered', 15_000), `not registered (${client.state}, ${JSON.stringify(client.status.lastError)}):\n${sipp.output().slice(-2000)}`);
    assert.equal(client.status.grantedSeconds, 300);
    await client.stop();
    assert.equal(client.state, 'unregistered');
    assert.equal(client.status.lastError, undefined);
    assert.equal(await sipp.exited, 0, `sipp failed:\n${sipp.output().slice(-2000)}`);
    assert.deepEqual(states, ['registering', 'registering', 'registered', 'unregistering', 'unregistered']);
  } finally {
    sipp.kill();
    await sender.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
