/**
 * Forward targets (manual §4.7): a fixed extension, a SIP URI with or without a scheme, the caller
 * prefix map with its longest-prefix rule and optional default entry, withheld callers, and every kind
 * of bad input answered with an error that names the problem.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callerForms, formatForwardTarget, forwardTargetFor, parseForwardRule } from '../../src/routing/forward-rules.js';

function target(text: string, caller: string | null) {
  const result = forwardTargetFor(text, caller);
  assert.ok(result.ok, `expected ${text} to parse: ${result.ok ? '' : result.error}`);
  return result.target;
}

test('a fixed extension is the target of every caller, withheld ones included', () => {
  assert.deepEqual(target('101', '13912345678'), { kind: 'extension', user: '101' });
  assert.deepEqual(target(' 101 ', null), { kind: 'extension', user: '101' });
});

test('a SIP URI as the manual writes it, with sip: or sips:, port and transport', () => {
  assert.deepEqual(target('101@192.168.2.2:6060', '1'), { kind: 'uri', scheme: 'sip', user: '101', host: '192.168.2.2', port: 6060, transport: null });
  assert.deepEqual(target('sip:101@192.168.2.2', '1'), { kind: 'uri', scheme: 'sip', user: '101', host: '192.168.2.2', port: null, transport: null });
  assert.deepEqual(target('SIPS:alice@pbx.example.com:5061;transport=tls', '1'), { kind: 'uri', scheme: 'sips', user: 'alice', host: 'pbx.example.com', port: 5061, transport: 'tls' });
  assert.deepEqual(target('101@[::1]:5070;transport=TCP', '1'), { kind: 'uri', scheme: 'sip', user: '101', host: '[::1]', port: 5070, transport: 'tcp' });
  assert.equal(formatForwardTarget(target('101@192.168.2.2:6060;transport=tcp', '1')!), 'sip:101@192.168.2.2:6060;transport=tcp');
  assert.equal(formatForwardTarget(target('101', '1')!), '101');
});

test('the caller prefix map: the manual example, longest prefix wins', () => {
  const map = '010>101|021>1002|0101>555@10.0.0.9';
  assert.deepEqual(target(map, '01088886666'), { kind: 'extension', user: '101' });
  assert.deepEqual(target(map, '02133334444'), { kind: 'extension', user: '1002' });
  assert.deepEqual(target(map, '01012345678'), { kind: 'uri', scheme: 'sip', user: '555', host: '10.0.0.9', port: null, transport: null });
  assert.deepEqual(target(' 010 > 101 | 021>1002 ', '021'), { kind: 'extension', user: '1002' });
});

test('no matching prefix: null, or the default entry ">100"; a withheld caller only matches the default', () => {
  assert.equal(target('010>101|021>1002', '13912345678'), null);
  assert.equal(target('010>101|021>1002', null), null);
  assert.equal(target('010>101|021>1002', ''), null);
  assert.deepEqual(target('010>101|>100', '13912345678'), { kind: 'extension', user: '100' });
  assert.deepEqual(target('010>101|>100', null), { kind: 'extension', user: '100' });
  assert.deepEqual(target('010>101|>100', '0109'), { kind: 'extension', user: '101' });
  assert.deepEqual(target('+86>101|>100', '+8613912345678'), { kind: 'extension', user: '101' });
});

test('with the country known, the map also matches the caller\'s national or international form', () => {
  const china = { countryCode: '86', trunkPrefix: '0' };
  const map = '010>101|021>1002|+8613>2000|>100';
  const pick = (caller: string | null, forms: typeof china | null = china) => {
    const result = forwardTargetFor(map, caller, forms);
    assert.ok(result.ok);
    return result.target;
  };
  assert.deepEqual(pick('+861088886666'), { kind: 'extension', user: '101' }, '+8610… matches 010');
  assert.deepEqual(pick('00862133334444'), { kind: 'extension', user: '1002' }, '008621… matches 021');
  assert.deepEqual(pick('013912345678'), { kind: 'extension', user: '2000' }, 'national 0139… matches +8613');
  assert.deepEqual(pick('+861088886666', null), { kind: 'extension', user: '100' }, 'country unknown: only as presented');
  assert.deepEqual(pick('+441088886666'), { kind: 'extension', user: '100' }, 'a foreign caller keeps its form');
  assert.deepEqual(pick(null), { kind: 'extension', user: '100' });
  assert.deepEqual(callerForms('+861088886666', china), ['+861088886666', '01088886666']);
  assert.deepEqual(callerForms('01088886666', china), ['01088886666', '+861088886666']);
  assert.deepEqual(callerForms('+86', china), ['+86']);
  assert.deepEqual(callerForms('BANK', china), ['BANK']);
  assert.deepEqual(callerForms('+3212345', { countryCode: '32', trunkPrefix: '' }), ['+3212345', '12345']);
});

test('bad input gives an error naming what is wrong, never a throw', () => {
  const cases: [unknown, RegExp][] = [
    ['', /empty/],
    ['   ', /empty/],
    [42, /must be a text/],
    [null, /must be a text/],
    ['x'.repeat(600), /longer than 512/],
    ['101|102', /prefix>target/],
    ['010>', /entry 1 .*empty target/],
    ['010>101|abc>102', /entry 2 .*prefix may hold only digits/],
    ['010>101|010>102', /prefix 010 given twice/],
    ['>1|>2', /second default entry/],
    ['010>>101', /more than one/],
    ['010>101|', /entry 2 .*expected prefix>target/],
    ['10 1', /neither an extension/],
    ['@host', /bad user part/],
    ['101@', /bad host/],
    ['101@host:0', /port 0 is not 1 to 65535/],
    ['101@host:99999', /port 99999/],
    ['101@host:abc', /bad host or port/],
    ['101@1.2.3', /bad host/],
    ['101@host;transport=sctp', /transport must be udp, tcp or tls/],
    ['101@host;lr', /unknown parameter/],
    ['sips:101@host;transport=udp', /sips needs transport tls/],
    ['sip:101', /expected user@host/],
    ['\u0000\uffff', /neither an extension/],
  ];
  for (const [text, error] of cases) {
    const parsed = parseForwardRule(text);
    assert.equal(parsed.ok, false, `expected ${JSON.stringify(text)} to be refused`);
    assert.match((parsed as { error: string }).error, error, `for ${JSON.stringify(text)}`);
    const picked = forwardTargetFor(text, '010');
    assert.equal(picked.ok, false);
  }
});

test('random bytes never throw', () => {
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
  const alphabet = '0123456789>|@:;=+*#sip.[]abc \u00e9\u0000';
  for (let i = 0; i < 2000; i++) {
    let text = '';
    const length = next() % 30;
    for (let j = 0; j < length; j++) text += alphabet[next() % alphabet.length];
    const result = forwardTargetFor(text, String(next()));
    assert.equal(typeof result.ok, 'boolean');
  }
});
