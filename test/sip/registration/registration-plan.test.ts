import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autoFillLines, incrementLastNumber, parseServerAddress, planRegistrations, type AccountSettings } from '../../../src/sip/registration/index.js';

const settings = (overrides: Partial<AccountSettings> = {}): AccountSettings => ({
  authId: '8001',
  password: 'pw',
  registrar: '192.168.1.100:5070',
  expiresSeconds: 60,
  ...overrides,
});

test('server addresses: host, host:port, [v6]:port; 5060 by default, 5061 for TLS', () => {
  assert.deepEqual(parseServerAddress('pbx.example.com'), { host: 'pbx.example.com', port: 5060, transport: 'udp' });
  assert.deepEqual(parseServerAddress('192.168.1.100:5070'), { host: '192.168.1.100', port: 5070, transport: 'udp' });
  assert.deepEqual(parseServerAddress('[2001:db8::1]:5080', 'tcp'), { host: '2001:db8::1', port: 5080, transport: 'tcp' });
  assert.deepEqual(parseServerAddress('pbx', 'tls'), { host: 'pbx', port: 5061, transport: 'tls' });
  for (const bad of ['', 'pbx:0', 'pbx:70000', 'pbx:', 'a b', 'sip:pbx']) assert.equal(parseServerAddress(bad), undefined, bad);
});

test('device mode: one account for every line, with backup and outbound proxy', () => {
  const verdict = planRegistrations({ mode: 'device', account: settings({ backupRegistrar: 'backup.example.com', outboundProxy: 'proxy.example.com:5062', transport: 'tcp' }) }, 8);
  assert.ok(verdict.ok);
  assert.equal(verdict.accounts.length, 1);
  const [planned] = verdict.accounts;
  assert.equal(planned!.id, 'device');
  assert.equal(planned!.lines, 'all');
  assert.deepEqual(planned!.account.registrar, { host: '192.168.1.100', port: 5070, transport: 'tcp' });
  assert.deepEqual(planned!.account.backupRegistrar, { host: 'backup.example.com', port: 5060, transport: 'tcp' });
  assert.deepEqual(planned!.account.outboundProxy, { host: 'proxy.example.com', port: 5062, transport: 'tcp' });
});

test('per-line mode: one account per line; unknown and repeated lines are problems', () => {
  const ok = planRegistrations({ mode: 'per-line', lines: [{ ...settings(), line: 1 }, { ...settings({ authId: '8002' }), line: 2 }] }, 4);
  assert.ok(ok.ok);
  assert.deepEqual(ok.accounts.map((a) => [a.id, a.lines, a.account.authId]), [['line-1', [1], '8001'], ['line-2', [2], '8002']]);
  const bad = planRegistrations({ mode: 'per-line', lines: [{ ...settings(), line: 1 }, { ...settings(), line: 1 }, { ...settings({ registrar: 'x:99999', expiresSeconds: 0 }), line: 9 }] }, 4);
  assert.equal(bad.ok, false);
  assert.deepEqual(!bad.ok && bad.problems, [
    'line 1: configured twice',
    'line 9: no such line (1..4)',
    'line 9: expiry must be a positive whole number of seconds',
    'line 9: registrar "x:99999" is not host[:port]',
  ]);
});

test('per-group mode: one account per group; a line in two groups or a bad name is a problem', () => {
  const ok = planRegistrations({ mode: 'per-group', groups: [{ name: 'sales', lines: [3, 1], account: settings() }, { name: 'support', lines: [2], account: settings({ authId: '9001' }) }] }, 4);
  assert.ok(ok.ok);
  assert.deepEqual(ok.accounts.map((a) => [a.id, a.lines]), [['group-sales', [1, 3]], ['group-support', [2]]]);
  const bad = planRegistrations({ mode: 'per-group', groups: [{ name: 'a', lines: [1, 2], account: settings() }, { name: 'b c', lines: [2], account: settings() }, { name: 'd', lines: [], account: settings({ authId: '' }) }] }, 4);
  assert.deepEqual(!bad.ok && bad.problems, [
    'group "b c": name must be 1-64 letters, digits, _, . or -',
    'group "b c": line 2 is already in group "a"',
    'group "d": has no lines',
    'group "d": auth ID is empty',
  ]);
});

test('none: nothing to register', () => {
  assert.deepEqual(planRegistrations({ mode: 'none' }, 4), { ok: true, accounts: [] });
});

test('+1 helper: last number counted up, zero padding kept while it fits', () => {
  assert.equal(incrementLastNumber('8001', 1), '8002');
  assert.equal(incrementLastNumber('goip-01', 1), 'goip-02');
  assert.equal(incrementLastNumber('goip-09', 1), 'goip-10');
  assert.equal(incrementLastNumber('ext9', 1), 'ext10');
  assert.equal(incrementLastNumber('099', 1), '100');
  assert.equal(incrementLastNumber('99', 1), '100');
  assert.equal(incrementLastNumber('line 1 desk', 2), 'line 3 desk');
  assert.equal(incrementLastNumber('+8613800000001', 3), '+8613800000004');
  assert.equal(incrementLastNumber('99999999999999999999', 1), '100000000000000000000', 'no float rounding');
  assert.equal(incrementLastNumber('office', 1), undefined);
});

test('auto-fill other lines: auth ID, phone number and display name +1 per line, the rest copied', () => {
  const verdict = autoFillLines(settings({ authId: '8001', phoneNumber: '2001', displayName: 'Line 1' }), 3);
  assert.ok(verdict.ok);
  assert.deepEqual(verdict.lines.map((l) => [l.line, l.authId, l.phoneNumber, l.displayName, l.registrar, l.password]), [
    [1, '8001', '2001', 'Line 1', '192.168.1.100:5070', 'pw'],
    [2, '8002', '2002', 'Line 2', '192.168.1.100:5070', 'pw'],
    [3, '8003', '2003', 'Line 3', '192.168.1.100:5070', 'pw'],
  ]);
  // The result feeds per-line mode directly.
  assert.ok(planRegistrations({ mode: 'per-line', lines: verdict.lines }, 3).ok);
  // A display name without a number is copied; an auth ID or phone number without one is refused.
  const named = autoFillLines(settings({ displayName: 'Shop' }), 2);
  assert.deepEqual(named.ok && named.lines.map((l) => l.displayName), ['Shop', 'Shop']);
  assert.deepEqual(autoFillLines(settings({ authId: 'gateway' }), 2), { ok: false, problems: ['auth ID "gateway" has no number to count up'] });
  assert.deepEqual(autoFillLines(settings({ phoneNumber: 'front-desk' }), 2), { ok: false, problems: ['phone number "front-desk" has no number to count up'] });
  assert.equal(autoFillLines(settings(), 0).ok, false);
});

test('garbage in: problems out, never a throw', () => {
  const garbage: unknown[] = [
    undefined,
    null,
    {},
    { mode: 'trunk' },
    { mode: 'device' },
    { mode: 'device', account: null },
    { mode: 'device', account: { authId: 5, registrar: 7, expiresSeconds: '60' } },
    { mode: 'per-line', lines: 'all' },
    { mode: 'per-line', lines: [null, 3, { line: 'x' }] },
    { mode: 'per-group', groups: [null, { name: 5, lines: 'x', account: {} }] },
    { mode: 'per-group' },
  ];
  for (const config of garbage) {
    const verdict = planRegistrations(config as never, 4);
    assert.equal(verdict.ok, false, JSON.stringify(config));
  }
  assert.equal(planRegistrations({ mode: 'none' }, -1).ok, false);
});
