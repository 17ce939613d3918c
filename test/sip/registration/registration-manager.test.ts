/**
 * The registration manager over an in-memory registrar: the configuration's modes become one client
 * per account with the schema's fields (expiresSec), the status list, the account of each line, the
 * VOIP column, failover to the backup, reload account by account, and stop unregistering everything.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SipConfig } from '../../../src/config/schema-sip.js';
import { IllegalRegistrationManagerTransition, RegistrationManager } from '../../../src/sip/registration/index.js';
import { contactOf, FakeRegistrar } from './fake-registrar.js';
import { pbxAccount, sipConfig } from './sip-config-fixtures.js';

function makeManager(registrar: FakeRegistrar, initial: SipConfig) {
  let config = initial;
  const manager = new RegistrationManager({
    config: () => config,
    send: registrar.send,
    local: { host: '192.0.2.10', port: 5060 },
    scheduler: registrar.clock,
    now: () => registrar.clock.now,
    version: 'test',
    stopTimeoutMs: 1000,
  });
  return { manager, set: (next: SipConfig) => (config = next) };
}

const expiresAsked = (registrar: FakeRegistrar) => registrar.sent.map((s) => contactOf(s.request).expires);

test('device mode: one account carrying every line, registered with the configured expiry, no password in the status', async () => {
  const registrar = new FakeRegistrar();
  const { manager } = makeManager(registrar, sipConfig({ registration: { mode: 'device', account: pbxAccount('8001', { expiresSec: 600 }) } }));
  manager.start();
  await registrar.settle();
  assert.deepEqual(expiresAsked(registrar), [600, 600]);
  const [status] = manager.statuses();
  assert.equal(manager.statuses().length, 1);
  assert.equal(status!.id, 'device');
  assert.equal(status!.lines, 'all');
  assert.equal(status!.state, 'registered');
  assert.equal(status!.expiresSeconds, 600);
  assert.equal(status!.expiresAt, new Date(600_000).toISOString());
  assert.equal(status!.registrar, 'pbx.example.com');
  assert.equal(status!.nextAttemptAt, new Date(570_000).toISOString(), 'the refresh, 30 s before expiry');
  assert.equal(status!.lastError, null);
  assert.ok(!JSON.stringify(manager.statuses()).includes('pa55-secret'));
  assert.deepEqual(manager.voipOf(3), { account: 'device', state: 'registered' });
  const line = manager.accountFor(3)!;
  assert.equal(line.user, '8001');
  assert.equal(line.domain, 'pbx.example.com');
  assert.deepEqual(line.credentials, { username: '8001', password: 'pa55-secret' });
});

test('per-line and per-group modes: one account each, found by line; a line without one has no VOIP account', async () => {
  const registrar = new FakeRegistrar();
  const perLine = sipConfig({
    registration: {
      mode: 'per-line',
      lines: [
        { ...pbxAccount('8001', { phoneNumber: '5550001', homeDomain: 'voip.example.com' }), line: 1 },
        { ...pbxAccount('8002'), line: 2 },
      ],
    },
  });
  const { manager } = makeManager(registrar, perLine);
  manager.start();
  await registrar.settle();
  assert.deepEqual(manager.statuses().map((s) => [s.id, s.lines, s.state]), [
    ['line-1', [1], 'registered'],
    ['line-2', [2], 'registered'],
  ]);
  assert.equal(manager.accountFor(1)!.user, '5550001');
  assert.equal(manager.accountFor(1)!.domain, 'voip.example.com');
  assert.equal(manager.accountFor(2)!.user, '8002');
  assert.equal(manager.voipOf(3), null);
  await manager.stop();

  const groups = new FakeRegistrar();
  const perGroup = sipConfig({
    registration: {
      mode: 'per-group',
      groups: [
        { name: 'sales.east', lines: [2, 1], account: pbxAccount('7001') },
        { name: 'support', lines: [3], account: pbxAccount('7002') },
      ],
    },
  });
  const second = makeManager(groups, perGroup).manager;
  second.start();
  await groups.settle();
  assert.deepEqual(second.statuses().map((s) => [s.id, s.lines, s.state]), [
    ['group-sales.east', [1, 2], 'registered'],
    ['group-support', [3], 'registered'],
  ]);
  assert.deepEqual(second.voipOf(2), { account: 'group-sales.east', state: 'registered' });
  assert.equal(second.accountFor(3)!.user, '7002');
});

test('trunk peer 1 registers beside the mode; a line with its own account prefers it', async () => {
  const registrar = new FakeRegistrar();
  const config = sipConfig({
    registration: { mode: 'per-line', lines: [{ ...pbxAccount('8001'), line: 1 }] },
    trunk: { peers: [{ addresses: ['192.0.2.50'], register: pbxAccount('trunk', { registrar: '192.0.2.50:5080' }) }] },
  });
  const { manager } = makeManager(registrar, config);
  manager.start();
  await registrar.settle();
  assert.deepEqual(manager.statuses().map((s) => [s.id, s.lines, s.state]), [
    ['line-1', [1], 'registered'],
    ['trunk-1', 'all', 'registered'],
  ]);
  assert.equal(manager.accountFor(1)!.id, 'line-1');
  assert.equal(manager.accountFor(2)!.id, 'trunk-1');
  assert.deepEqual(manager.accountFor(2)!.registrar, { host: '192.0.2.50', port: 5080, transport: 'udp' });
});

test('failover: the primary does not answer, the backup registers; the line\'s account names the backup', async () => {
  const registrar = new FakeRegistrar();
  registrar.answer = (request, nextHop) => (nextHop.host === 'pbx.example.com' ? { kind: 'timeout' } : registrar.challengeThenOk(request));
  const { manager } = makeManager(registrar, sipConfig({ registration: { mode: 'device', account: pbxAccount('8001', { backupRegistrar: 'backup.example.com:5070' }) } }));
  manager.start();
  await registrar.settle();
  const [status] = manager.statuses();
  assert.equal(status!.state, 'registered');
  assert.equal(status!.usingBackup, true);
  assert.equal(status!.registrar, 'backup.example.com:5070');
  assert.equal(status!.lastError?.statusCode, 408);
  assert.deepEqual(manager.accountFor(1)!.registrar, { host: 'backup.example.com', port: 5070, transport: 'udp' });
});

test('every registrar failing: waiting-retry with the next attempt and the last error shown', async () => {
  const registrar = new FakeRegistrar();
  registrar.answer = () => ({ kind: 'transport-error', detail: 'unreachable' });
  const { manager } = makeManager(registrar, sipConfig({ registration: { mode: 'device', account: pbxAccount('8001') } }));
  manager.start();
  await registrar.settle();
  const [status] = manager.statuses();
  assert.equal(status!.state, 'waiting-retry');
  assert.equal(status!.nextAttemptAt, new Date(30_000).toISOString());
  assert.deepEqual({ ...status!.lastError, at: undefined }, { statusCode: 503, reason: 'transport error: unreachable', at: undefined });
});

test('reload: an unchanged account keeps its binding, a changed one re-registers, a removed one unregisters', async () => {
  const registrar = new FakeRegistrar();
  const lines = [
    { ...pbxAccount('8001'), line: 1 },
    { ...pbxAccount('8002'), line: 2 },
    { ...pbxAccount('8003'), line: 3 },
  ];
  const { manager, set } = makeManager(registrar, sipConfig({ registration: { mode: 'per-line', lines } }));
  manager.start();
  await registrar.settle();
  const before = registrar.sent.length;
  set(sipConfig({ registration: { mode: 'per-line', lines: [lines[0], { ...lines[1], expiresSec: 900 }] } }));
  manager.reload();
  await registrar.settle();
  const after = registrar.sent.slice(before).map((s) => [s.request.from?.uri, contactOf(s.request).expires]);
  // line-2 unregisters its old binding and registers anew (challenge + answer); line-3 unregisters; line-1 sends nothing.
  assert.ok(!after.some(([uri]) => uri === 'sip:8001@pbx.example.com'), JSON.stringify(after));
  assert.ok(after.some(([uri, e]) => uri === 'sip:8003@pbx.example.com' && e === 0));
  assert.ok(after.some(([uri, e]) => uri === 'sip:8002@pbx.example.com' && e === 900));
  assert.deepEqual(manager.statuses().map((s) => [s.id, s.state, s.expiresSeconds]), [
    ['line-1', 'registered', 3600],
    ['line-2', 'registered', 900],
  ]);
});

test('stop unregisters every account (expires 0) and a configuration that cannot be planned registers nothing', async () => {
  const registrar = new FakeRegistrar();
  const { manager, set } = makeManager(registrar, sipConfig({ registration: { mode: 'device', account: pbxAccount('8001') } }));
  assert.throws(() => {
    manager.start();
    manager.start();
  }, IllegalRegistrationManagerTransition);
  await registrar.settle();
  await manager.stop();
  assert.equal(manager.state, 'idle');
  assert.equal(contactOf(registrar.sent.at(-1)!.request).expires, 0);
  assert.deepEqual(manager.statuses(), []);

  set(sipConfig({ registration: { mode: 'device', account: pbxAccount('8001', { registrar: 'pbx.example.com:70000' }) } }));
  manager.start();
  assert.deepEqual(manager.statuses(), []);
  assert.match(manager.problems.join(), /registrar "pbx.example.com:70000" is not host\[:port\]/);
});
