/** Where a two-stage second number may go (two-stage-plan.ts): registrar extensions, the line's account, never a host. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planSecondNumber, twoStageApplies, type ForwardAccount, type TargetLookups } from '../../../src/sip/from-gsm/index.js';
import type { RegisteredContact } from '../../../src/sip/registrar/index.js';
import { sipConfig } from './gsm-to-sip-fixtures.js';

const phone = (user: string, port: number): RegisteredContact => ({
  user,
  group: 'office',
  contactUri: `sip:${user}@192.168.1.${port % 250}:5060`,
  q: undefined,
  expiresInS: 3600,
  source: { ip: '192.168.1.50', port, transport: 'udp' },
});

const account: ForwardAccount = { registrar: { host: '10.0.0.9', port: null, transport: 'udp' }, outboundProxy: null, user: 'gw1' };

function lookups(withAccount = false): TargetLookups {
  return {
    contactsForGroup: () => [],
    contactsFor: (user) => (user === '101' ? [phone('101', 5070)] : []),
    accountFor: () => (withAccount ? account : null),
  };
}

const registrar = { enabled: true, extensions: [{ number: '101', password: 'secret-101' }, { number: '102', password: 'secret-102' }] };

test('twoStageApplies: off by default; on for every line, or for the lines listed', () => {
  assert.equal(twoStageApplies(sipConfig({}), 1), false);
  assert.equal(twoStageApplies(sipConfig({ forward: { twoStage: { enabled: true } } }), 7), true);
  const some = sipConfig({ forward: { twoStage: { enabled: true, lines: [2, 3] } } });
  assert.deepEqual([1, 2, 3].map((l) => twoStageApplies(some, l)), [false, true, true]);
});

test('a registrar extension rings its registered phones', () => {
  const plan = planSecondNumber(sipConfig({ registrar, forward: { twoStage: { enabled: true } } }), 1, '101', lookups());
  assert.ok(plan.ok);
  assert.equal(plan.user, '101');
  assert.equal(plan.plan.peer, 'extension 101');
  assert.deepEqual(plan.plan.branches.map((b) => b.target), [{ ip: '192.168.1.50', port: 5070, kind: 'udp' }]);
});

test('a number that is no extension is refused by default, even when the line has a PBX account (toll fraud)', () => {
  const config = sipConfig({ registrar, forward: { twoStage: { enabled: true } } });
  assert.deepEqual(planSecondNumber(config, 1, '00449123456', lookups(true)), { ok: false, reason: '00449123456 is not an extension of the embedded registrar' });
  assert.deepEqual(planSecondNumber(config, 1, '102', lookups()), { ok: false, reason: 'extension 102 has no registered phone' });
  assert.deepEqual(planSecondNumber(config, 1, '', lookups()), { ok: false, reason: 'no number was keyed in' });
});

test('reach "account": another user goes to the PBX account carrying the line, and only there', () => {
  const config = sipConfig({ registrar, forward: { twoStage: { enabled: true, reach: 'account' } } });
  const plan = planSecondNumber(config, 1, '2001', lookups(true));
  assert.ok(plan.ok);
  assert.equal(plan.plan.branches[0]!.requestUri, 'sip:2001@10.0.0.9');
  assert.deepEqual(plan.plan.branches[0]!.target, { ip: '10.0.0.9', port: 5060, kind: 'udp' });
  assert.match((planSecondNumber(config, 1, '2001', lookups(false)) as { reason: string }).reason, /line 1 has no SIP account/);
});

test('the dial rules rewrite the number first; strict rules refuse what they do not match; nothing may become a host', () => {
  const rules = (dialRules: string, strictDialRules = false) => sipConfig({ registrar, forward: { twoStage: { enabled: true, dialRules, strictDialRules } } });
  const rewritten = planSecondNumber(rules('8:-8'), 1, '8101', lookups());
  assert.ok(rewritten.ok);
  assert.equal(rewritten.user, '101');
  assert.deepEqual(planSecondNumber(rules('1XX:', true), 1, '1011', lookups()), { ok: false, reason: '1011 refused by the dial rules: "1011" does not completely match any dial rule (strict dial rules)' });
  const host = planSecondNumber(rules(':+101@10.0.0.1'), 1, '1', lookups());
  assert.equal(host.ok, false);
  assert.match((host as { reason: string }).reason, /not a plain SIP user/);
});
