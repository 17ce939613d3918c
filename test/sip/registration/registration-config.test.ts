/** The configuration's sip section as a registration plan: field mapping, modes, the trunk peer's account and its problems. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accountSettingsOf, planConfigOf, planFromConfig } from '../../../src/sip/registration/index.js';
import { pbxAccount, sipConfig } from './sip-config-fixtures.js';

test('every account field maps, expiresSec becoming expiresSeconds, defaults from the schema', () => {
  const config = sipConfig({ registration: { mode: 'device', account: pbxAccount('8001', { phoneNumber: '5550001', displayName: 'Gate', homeDomain: 'voip.example.com', backupRegistrar: 'b.example.com', outboundProxy: 'p.example.com:5080', transport: 'tcp', expiresSec: 120 }) } });
  assert.deepEqual(accountSettingsOf(config.registration.account!), {
    authId: '8001', password: 'pa55-secret', phoneNumber: '5550001', displayName: 'Gate', homeDomain: 'voip.example.com',
    registrar: 'pbx.example.com', backupRegistrar: 'b.example.com', outboundProxy: 'p.example.com:5080', transport: 'tcp', expiresSeconds: 120,
  });
  const verdict = planFromConfig(config);
  assert.ok(verdict.ok);
  assert.deepEqual(verdict.accounts[0]!.account.outboundProxy, { host: 'p.example.com', port: 5080, transport: 'tcp' });
  assert.equal(accountSettingsOf(sipConfig({ registration: { mode: 'device', account: pbxAccount('1') } }).registration.account!).expiresSeconds, 3600);
});

test('mode none, and a mode the schema would refuse for lack of accounts, plan nothing', () => {
  assert.deepEqual(planFromConfig(sipConfig({})), { ok: true, accounts: [] });
  assert.deepEqual(planConfigOf({ mode: 'device', lines: [], groups: [] }), { mode: 'none' });
});

test('the trunk peer registers as trunk-1 carrying every line; its problems are named as the peer\'s', () => {
  const ok = planFromConfig(sipConfig({ trunk: { peers: [{ addresses: ['192.0.2.1'], register: pbxAccount('t1') }] } }));
  assert.ok(ok.ok);
  assert.deepEqual(ok.accounts.map((a) => [a.id, a.lines]), [['trunk-1', 'all']]);
  const bad = planFromConfig(sipConfig({ trunk: { peers: [{ addresses: ['192.0.2.1'], register: pbxAccount('t1', { registrar: 'pbx.example.com:70000' }) }] } }));
  assert.deepEqual(bad, { ok: false, problems: ['trunk peer 1: registrar "pbx.example.com:70000" is not host[:port]'] });
});

test('group names the configuration accepts (with a dot) are accepted by the plan too', () => {
  const verdict = planFromConfig(sipConfig({ registration: { mode: 'per-group', groups: [{ name: 'sales.east', lines: [1], account: pbxAccount('7001') }] } }));
  assert.ok(verdict.ok, JSON.stringify(verdict));
});
