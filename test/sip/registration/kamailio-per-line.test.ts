/**
 * Kamailio as the PBX's registrar: cellgate registers one account per line through its SIP endpoint
 * (401 digest challenge, then 200), reads the granted expiry from Kamailio's Contact, and unregisters
 * both on stop.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RealTimerScheduler } from '../../../src/sip/transaction/timer-scheduler.js';
import { endpointRegisterSender, RegistrationManager } from '../../../src/sip/registration/index.js';
import { startEndpoint } from '../core/core-fixtures.js';
import { startKamailio } from '../../helpers/kamailio.js';
import { sipConfig } from './sip-config-fixtures.js';

test('Kamailio registrar, per-line mode: both lines registered with digest, then unregistered', async (t) => {
  const kamailio = await startKamailio('line-secret');
  const core = await startEndpoint({ timers: { t4Ms: 200 } });
  const account = (authId: string) => ({ authId, password: 'line-secret', registrar: `127.0.0.1:${kamailio.port}`, expiresSec: 120 });
  const config = sipConfig({ registration: { mode: 'per-line', lines: [{ ...account('8101'), line: 1 }, { ...account('8102'), line: 2 }] } });
  const manager = new RegistrationManager({ config: () => config, send: endpointRegisterSender(core.endpoint), local: { host: '127.0.0.1', port: core.udpPort }, scheduler: new RealTimerScheduler(), version: 'test' });
  t.after(async () => {
    await manager.stop();
    await core.close();
    await kamailio.stop();
  });
  manager.start();
  const deadline = Date.now() + 10_000;
  // Kamailio may still be starting: the first REGISTERs are retransmitted (Timer E) until it answers.
  while (!manager.statuses().every((s) => s.state === 'registered')) {
    if (Date.now() > deadline) assert.fail(`not registered: ${JSON.stringify(manager.statuses())}\n${kamailio.output().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.deepEqual(manager.statuses().map((s) => [s.id, s.aor, s.expiresSeconds]), [
    ['line-1', `sip:8101@127.0.0.1:${kamailio.port}`, 120],
    ['line-2', `sip:8102@127.0.0.1:${kamailio.port}`, 120],
  ]);
  await manager.stop();
  assert.deepEqual(manager.statuses(), []);
  // Kamailio's log reaches us through a pipe, a little after its answers.
  const unregisters = () => kamailio.output().split('\n').filter((l) => /REQ REGISTER .* Expires 0$/.test(l)).length;
  for (let waited = 0; unregisters() < 2 && waited < 2000; waited += 50) await new Promise((r) => setTimeout(r, 50));
  assert.equal(unregisters(), 2, kamailio.output().slice(-2000));
});
