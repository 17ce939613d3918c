/**
 * The pure parts of GSM → SIP calls: caller identity in each mode (with caller-ID rules and withheld
 * callers), the best failure of a fork, the state tables, the target plan in each of its cases, and
 * the INVITE a branch sends.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IllegalTransitionError } from '../../../src/sip/transaction/transaction-error.js';
import { bestFailure, branchNextState, buildForkInvite, callerIdentity, forkNextState, parseForwardHost, planTargets, type ForwardAccount, type TargetLookups } from '../../../src/sip/from-gsm/index.js';
import { contactAt, sipConfig } from './gsm-to-sip-fixtures.js';

const base = { rules: '', host: '192.0.2.10', gatewayUser: 'gw1' };

test('caller ID as the From user (default), in P-Asserted-Identity or Remote-Party-ID, after the caller-ID rules', () => {
  const from = callerIdentity({ ...base, number: '13912345678', mode: 'from' });
  assert.deepEqual(from, { from: { displayName: '13912345678', uri: 'sip:13912345678@192.0.2.10' }, user: '13912345678', headers: [], number: '13912345678' });
  const pai = callerIdentity({ ...base, number: '13912345678', mode: 'pai', rules: '1:++86' });
  assert.deepEqual(pai.from, { uri: 'sip:gw1@192.0.2.10' });
  assert.deepEqual(pai.headers, [['P-Asserted-Identity', '<sip:+8613912345678@192.0.2.10>']]);
  const rpid = callerIdentity({ ...base, number: '+8613912345678', mode: 'rpid', rules: '+86:-+86' });
  assert.deepEqual(rpid.headers, [['Remote-Party-ID', '<sip:13912345678@192.0.2.10>;party=calling;screen=yes;privacy=off']]);
  assert.equal(rpid.number, '13912345678');
  // Rules that do not parse leave the number as it came (the configuration check reports them).
  assert.equal(callerIdentity({ ...base, number: '0101', mode: 'from', rules: '[9-' }).number, '0101');
  // Characters outside a SIP user part are escaped.
  assert.equal(callerIdentity({ ...base, number: '12#3', mode: 'from' }).from.uri, 'sip:12%233@192.0.2.10');
});

test('a withheld caller is anonymous (RFC 3323) in every mode, with no identity header', () => {
  for (const mode of ['from', 'pai', 'rpid'] as const) {
    for (const number of [null, '', '  ']) {
      const identity = callerIdentity({ ...base, number, mode });
      assert.deepEqual(identity.from, { displayName: 'Anonymous', uri: 'sip:anonymous@anonymous.invalid' });
      assert.deepEqual(identity.headers, [['Privacy', 'id']]);
      assert.equal(identity.number, null);
    }
  }
});

test('the best failure: a 6xx wins, else the lowest class, first received within a class', () => {
  assert.deepEqual(bestFailure([]), { status: 480, reason: 'Temporarily Unavailable' });
  assert.equal(bestFailure([{ status: 486, reason: 'Busy Here' }, { status: 503, reason: 'x' }]).status, 486);
  assert.equal(bestFailure([{ status: 503, reason: 'x' }, { status: 480, reason: 'y' }, { status: 486, reason: 'z' }]).status, 480);
  assert.equal(bestFailure([{ status: 486, reason: 'x' }, { status: 603, reason: 'Decline' }]).status, 603);
  assert.equal(bestFailure([{ status: 408, reason: 'x' }, { status: 302, reason: 'y' }]).status, 302);
});

test('fork and branch state tables: legal edges move, illegal ones throw', () => {
  assert.equal(forkNextState('idle', 'start'), 'ringing');
  assert.equal(forkNextState('ringing', 'answer'), 'answered');
  assert.throws(() => forkNextState('answered', 'cancel'), IllegalTransitionError);
  assert.throws(() => forkNextState('idle', 'answer'), IllegalTransitionError);
  assert.equal(branchNextState('calling', 'cancel'), 'cancel-pending');
  assert.equal(branchNextState('cancel-pending', 'provisional'), 'cancelling');
  assert.equal(branchNextState('cancel-pending', 'success'), 'released');
  assert.equal(branchNextState('answered', 'release'), 'released');
  assert.throws(() => branchNextState('failed', 'success'), IllegalTransitionError);
  assert.throws(() => branchNextState('answered', 'cancel'), IllegalTransitionError);
});

const account: ForwardAccount = { registrar: { host: '192.0.2.50', port: 5070, transport: 'udp' }, outboundProxy: { host: '192.0.2.60', port: null, transport: 'tcp' }, user: 'line1' };

function lookups(over: Partial<TargetLookups> = {}): TargetLookups {
  return { contactsForGroup: () => [], contactsFor: () => [], accountFor: () => null, ...over };
}

test('target plan: a registrar group listing the line rings every registered contact, at the address it registered from', () => {
  const config = sipConfig({ registrar: { enabled: true, groups: [{ name: 'ring', lines: [1, 2] }] }, forward: { default: '101@192.0.2.9' } });
  const plan = planTargets(config, 2, '139', lookups({ contactsForGroup: (g) => (g === 'ring' ? [contactAt(5071), contactAt(5072, '202')] : []) }));
  assert.equal(plan.kind, 'fork');
  if (plan.kind !== 'fork') return;
  assert.equal(plan.peer, 'group ring');
  assert.deepEqual(plan.branches.map((b) => [b.requestUri, b.target]), [
    ['sip:201@127.0.0.1:5071', { ip: '127.0.0.1', port: 5071, kind: 'udp' }],
    ['sip:202@127.0.0.1:5072', { ip: '127.0.0.1', port: 5072, kind: 'udp' }],
  ]);
  // Nobody registered: the forward setting gets its chance.
  const fallback = planTargets(config, 1, '139', lookups());
  assert.equal(fallback.kind, 'fork');
  if (fallback.kind === 'fork') assert.equal(fallback.branches[0]!.requestUri, 'sip:101@192.0.2.9');
  // Registrar off: groups are not looked at.
  const off = planTargets(sipConfig({ registrar: { enabled: false, groups: [{ name: 'ring', lines: [1] }] } }), 1, '139', lookups({ contactsForGroup: () => [contactAt(5071)] }));
  assert.equal(off.kind, 'none');
});

test('target plan: forward setting per line before the default; registrar extension, account extension, URI', () => {
  const config = sipConfig({
    registrar: { enabled: true, extensions: [{ number: '001', prefix: '8', password: 'secret-pass' }] },
    forward: { default: '7001', lines: { '3': '010>8001|>sip:9@192.0.2.7:5080;transport=tcp' } },
  });
  const registrarExt = planTargets(config, 3, '01012345', lookups({ contactsFor: (u) => (u === '8001' ? [contactAt(6000, '8001')] : []) }));
  assert.ok(registrarExt.kind === 'fork' && registrarExt.peer === 'extension 8001' && registrarExt.branches[0]!.target.port === 6000);
  const noPhone = planTargets(config, 3, '01012345', lookups());
  assert.deepEqual(noPhone, { kind: 'unroutable', cause: 'extension 8001 has no registered phone' });
  const uri = planTargets(config, 3, null, lookups());
  assert.ok(uri.kind === 'fork');
  if (uri.kind === 'fork') assert.deepEqual(uri.branches[0]!.target, { ip: '192.0.2.7', port: 5080, kind: 'tcp' });
  const viaAccount = planTargets(config, 1, '139', lookups({ accountFor: (line) => (line === 1 ? account : null) }));
  assert.ok(viaAccount.kind === 'fork');
  if (viaAccount.kind === 'fork') {
    assert.equal(viaAccount.branches[0]!.requestUri, 'sip:7001@192.0.2.50:5070');
    assert.deepEqual(viaAccount.branches[0]!.target, { ip: '192.0.2.60', port: 5060, kind: 'tcp' }, 'through the outbound proxy');
    assert.equal(viaAccount.branches[0]!.accountUser, 'line1');
  }
  assert.deepEqual(planTargets(config, 1, '139', lookups()), { kind: 'unroutable', cause: 'extension 7001 is not a registrar extension and line 1 has no SIP account to reach it through' });
});

test('target plan: nothing configured, no entry for the caller, a bad setting, a host name', () => {
  assert.deepEqual(planTargets(sipConfig({}), 1, '139', lookups()), { kind: 'none', why: 'no forward target for line 1' });
  assert.deepEqual(planTargets(sipConfig({ forward: { default: '010>101' } }), 1, null, lookups()), { kind: 'none', why: 'sip.forward.default has no entry for caller (withheld)' });
  const bad = planTargets(sipConfig({ forward: { lines: { '1': '010>1 01' } } }), 1, '139', lookups());
  assert.equal(bad.kind, 'unroutable');
  if (bad.kind === 'unroutable') assert.match(bad.cause, /^sip\.forward\.lines\.1: entry 1/);
  assert.deepEqual(planTargets(sipConfig({ forward: { default: '101@pbx.example.com' } }), 1, '139', lookups()), { kind: 'unroutable', cause: 'sip:101@pbx.example.com cannot be reached (the host must be an IP address)' });
  const empty = planTargets(sipConfig({ registrar: { enabled: true, groups: [{ name: 'ring', lines: [1] }] } }), 1, '139', lookups());
  assert.deepEqual(empty, { kind: 'unroutable', cause: 'no phone of group ring is registered; no forward target for line 1' });
});

test('parseForwardHost reads the configuration form', () => {
  assert.deepEqual(parseForwardHost('192.168.1.10:5060', 'udp'), { host: '192.168.1.10', port: 5060, transport: 'udp' });
  assert.deepEqual(parseForwardHost('pbx.example.com', 'tls'), { host: 'pbx.example.com', port: null, transport: 'tls' });
  assert.equal(parseForwardHost('a b', 'udp'), null);
  assert.equal(parseForwardHost('h:70000', 'udp'), null);
});

test('a branch INVITE: Request-URI and To of the target, the identity, our Contact, the shared SDP offer', () => {
  const identity = callerIdentity({ ...base, number: '13912345678', mode: 'pai' });
  const branch = { label: 'x', requestUri: 'sip:201@127.0.0.1:5071;ob', target: { ip: '127.0.0.1', port: 5071, kind: 'tcp' as const }, domain: null, accountUser: null };
  const invite = buildForkInvite({ branch, identity, local: { host: '192.0.2.10', port: 5060 }, sdp: 'v=0\r\n', version: 't' });
  assert.equal(invite.method, 'INVITE');
  assert.equal(invite.uri, 'sip:201@127.0.0.1:5071;ob');
  assert.equal(invite.to?.uri, 'sip:201@127.0.0.1:5071');
  assert.equal(invite.from?.uri, 'sip:gw1@192.0.2.10');
  assert.ok(invite.from?.tag);
  assert.equal(invite.headers.get('p-asserted-identity'), '<sip:13912345678@192.0.2.10>');
  assert.equal(invite.headers.get('contact'), '<sip:gw1@192.0.2.10:5060;transport=tcp>');
  assert.equal(invite.topVia?.transport, 'TCP');
  assert.equal(invite.headers.get('content-type'), 'application/sdp');
  assert.equal(invite.bodyText, 'v=0\r\n');
  const other = buildForkInvite({ branch, identity, local: { host: '192.0.2.10', port: 5060 }, sdp: 'v=0\r\n', version: 't' });
  assert.notEqual(other.callId, invite.callId, 'each branch is its own call');
});
