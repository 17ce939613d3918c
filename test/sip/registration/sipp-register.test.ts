/**
 * Interoperability over real sockets: SIPp plays a registrar (fixtures/sip/sipp/register_uas.xml,
 * 401 then 200, checking the digest with its own verifier) and the registration client, sending
 * through the UDP transport and a non-INVITE client transaction, ends registered, then unregisters.
 * SIPp is a required test tool (Debian package sip-tester).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RealTimerScheduler } from '../../../src/sip/transaction/timer-scheduler.js';
import { RegistrationClient, type RegistrationState } from '../../../src/sip/registration/index.js';
import { startUdpRegisterSender } from './udp-register-sender.js';

const SCENARIO = fileURLToPath(new URL('../../../../fixtures/sip/sipp/register_uas.xml', import.meta.url));

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((done) => socket.bind(0, '127.0.0.1', done));
  const { port } = socket.address();
  await new Promise<void>((done) => socket.close(() => done()));
  return port;
}

async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (predicate()) return true;
    await new Promise((done) => setTimeout(done, 20));
  }
  return predicate();
}

test('SIPp as registrar: 401 then 200 over UDP, the client ends registered and unregisters on stop', async () => {
  const which = spawnSync('sh', ['-c', 'command -v sipp'], { encoding: 'utf8' });
  if (which.status !== 0 || which.stdout.trim() === '') {
    assert.fail('sipp is not installed: install the Debian package sip-tester (apt-get install sip-tester)');
  }
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-sipp-reg-'));
  const sender = await startUdpRegisterSender();
  const sippPort = await freeUdpPort();
  const child = spawn('sipp', ['-sf', SCENARIO, '-i', '127.0.0.1', '-p', String(sippPort), '-m', '1', '-nostdin', '-timeout', '20s'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
  const exited = new Promise<number | null>((done) => child.on('close', done));
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
    assert.ok(await waitFor(() => client.state === 'registered', 15_000), `not registered (${client.state}, ${JSON.stringify(client.status.lastError)}):\n${output.slice(-2000)}`);
    assert.equal(client.status.grantedSeconds, 300);
    await client.stop();
    assert.equal(client.state, 'unregistered');
    assert.equal(client.status.lastError, undefined);
    assert.equal(await exited, 0, `sipp failed:\n${output.slice(-2000)}`);
    assert.deepEqual(states, ['registering', 'registering', 'registered', 'unregistering', 'unregistered']);
  } finally {
    child.kill();
    await sender.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
