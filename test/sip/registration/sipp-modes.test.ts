/**
 * Interoperability over real sockets: SIPp plays the PBX's registrar (fixtures/sip/sipp/
 * registrar-refresh.xml: 401, digest checked for the account's username, then 200 granting 2 s for
 * every refresh until the unregister) and cellgate registers through its SIP endpoint in device,
 * per-line and per-group modes, re-registers before each grant runs out, and unregisters on stop.
 * Failover: the primary never answers (Timer F), the backup SIPp registers the account.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SipConfig } from '../../../src/config/schema-sip.js';
import { RealTimerScheduler } from '../../../src/sip/transaction/timer-scheduler.js';
import { endpointRegisterSender, RegistrationManager } from '../../../src/sip/registration/index.js';
import { startEndpoint } from '../core/core-fixtures.js';
import { assertSippInstalled, freeUdpPort, startSipp, type SippRun } from '../../helpers/sipp.js';
import { sipConfig } from './sip-config-fixtures.js';

const SCENARIO = fileURLToPath(new URL('../../../../fixtures/sip/sipp/registrar-refresh.xml', import.meta.url));

async function sippRegistrar(t: TestContext, calls: number): Promise<{ port: number; run: SippRun }> {
  assertSippInstalled();
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-sipp-modes-'));
  const port = await freeUdpPort();
  const run = startSipp(['-sf', SCENARIO, '-i', '127.0.0.1', '-p', String(port), '-m', String(calls), '-nostdin', '-timeout', '40s'], dir);
  t.after(() => {
    run.kill();
    rmSync(dir, { recursive: true, force: true });
  });
  return { port, run };
}

async function registerThrough(t: TestContext, config: SipConfig, timers: { nonInviteClientTimeoutMs?: number } = {}) {
  const core = await startEndpoint({ timers: { t4Ms: 200, ...timers } });
  const refreshes = new Map<string, number>();
  const manager = new RegistrationManager({
    config: () => config,
    send: endpointRegisterSender(core.endpoint),
    local: { host: '127.0.0.1', port: core.udpPort },
    scheduler: new RealTimerScheduler(),
    version: 'test',
    onStatus: (s) => {
      if (s.state === 'refreshing') refreshes.set(s.id, (refreshes.get(s.id) ?? 0) + 1);
    },
  });
  t.after(async () => {
    await manager.stop();
    await core.close();
  });
  return { manager, refreshes };
}

/** Waits for `condition`; the failure message is built when it fails, with the state then. */
async function waitUntil(condition: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const account = (authId: string, port: number, over: Record<string, unknown> = {}) => ({ authId, password: 'pa55-secret', registrar: `127.0.0.1:${port}`, expiresSec: 60, ...over });

/** Registered, refreshed at least twice on short grants, then unregistered with SIPp ending every call well. */
async function registersAndRefreshes(manager: RegistrationManager, refreshes: Map<string, number>, sipp: SippRun, ids: string[]): Promise<void> {
  const why = () => `${JSON.stringify(manager.statuses())}\n${sipp.output().slice(-1500)}`;
  await waitUntil(() => ids.every((id) => (refreshes.get(id) ?? 0) >= 2) && manager.statuses().every((s) => s.state === 'registered'), 15_000, () => `refreshed accounts: ${why()}`);
  assert.deepEqual(manager.statuses().map((s) => s.id), ids);
  for (const status of manager.statuses()) {
    assert.equal(status.expiresSeconds, 2, 'the registrar\'s grant is taken');
    if (!status.usingBackup) assert.equal(status.lastError, null);
  }
  await manager.stop();
  assert.equal(await sipp.exited, 0, `sipp failed:\n${sipp.output().slice(-2000)}`);
}

test('SIPp registrar, device mode: 401, digest accepted, refreshed on 2 s grants, unregistered on stop', async (t) => {
  const sipp = await sippRegistrar(t, 1);
  const { manager, refreshes } = await registerThrough(t, sipConfig({ registration: { mode: 'device', account: account('8001', sipp.port) } }));
  manager.start();
  await registersAndRefreshes(manager, refreshes, sipp.run, ['device']);
});

test('SIPp registrar, per-line mode: one account per line, each with its own Call-ID and digest user', async (t) => {
  const sipp = await sippRegistrar(t, 2);
  const config = sipConfig({
    registration: {
      mode: 'per-line',
      lines: [
        { ...account('8001', sipp.port), line: 1 },
        { ...account('8002', sipp.port), line: 2 },
      ],
    },
  });
  const { manager, refreshes } = await registerThrough(t, config);
  manager.start();
  await registersAndRefreshes(manager, refreshes, sipp.run, ['line-1', 'line-2']);
});

test('SIPp registrar, per-group mode: one account per group of lines', async (t) => {
  const sipp = await sippRegistrar(t, 2);
  const config = sipConfig({
    registration: {
      mode: 'per-group',
      groups: [
        { name: 'east', lines: [1, 2], account: account('7001', sipp.port) },
        { name: 'west', lines: [3, 4], account: account('7002', sipp.port) },
      ],
    },
  });
  const { manager, refreshes } = await registerThrough(t, config);
  manager.start();
  await registersAndRefreshes(manager, refreshes, sipp.run, ['group-east', 'group-west']);
});

test('failover: the primary never answers, the account registers with the SIPp backup', async (t) => {
  const silent = createSocket('udp4');
  await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
  t.after(() => silent.close());
  let swallowed = 0;
  silent.on('message', () => swallowed++);
  const sipp = await sippRegistrar(t, 1);
  const config = sipConfig({ registration: { mode: 'device', account: account('8001', silent.address().port, { backupRegistrar: `127.0.0.1:${sipp.port}` }) } });
  const { manager, refreshes } = await registerThrough(t, config, { nonInviteClientTimeoutMs: 2000 });
  manager.start();
  await waitUntil(() => manager.statuses()[0]?.state === 'registered', 10_000, () => `registered with the backup: ${JSON.stringify(manager.statuses())}\n${sipp.run.output().slice(-1500)}`);
  const [status] = manager.statuses();
  assert.equal(status!.usingBackup, true);
  assert.equal(status!.registrar, `127.0.0.1:${sipp.port}`);
  assert.equal(status!.lastError?.statusCode, 408, 'the primary\'s timeout is kept as the last error');
  assert.ok(swallowed >= 2, 'the primary got the REGISTER and its retransmissions');
  assert.equal(manager.accountFor(1)!.registrar.port, sipp.port);
  await registersAndRefreshes(manager, refreshes, sipp.run, ['device']);
});
