import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  applyDialRules,
  formatDialRules,
  parseDialRules,
  MANUAL_DIAL_RULES_MAX_LENGTH,
  type DialRule,
  type DialRules,
} from '../../src/routing/dial-rules.js';

function rules(text: string): DialRules {
  const r = parseDialRules(text);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.rules;
}
function err(text: string, opts?: { maxLength?: number }): { error: string; rule?: number; column?: number } {
  const r = parseDialRules(text, opts);
  assert.ok(!r.ok, `expected an error for ${JSON.stringify(text)}`);
  return r;
}
function apply(text: string, number: string, strict = false): string | { refused: string } {
  const r = applyDialRules(rules(text), number, { strict });
  return r.ok ? r.number : { refused: r.reason };
}

test('Appendix E example 1: 86:-86', () => {
  assert.deepEqual(rules('86:-86'), [
    { condition: [{ kind: 'char', char: '8' }, { kind: 'char', char: '6' }], actions: [{ op: 'delete', text: '86' }] },
  ]);
  assert.equal(apply('86:-86', '8613012345678'), '13012345678');
  assert.equal(apply('86:-86', '13012345678'), '13012345678');
});

test('Appendix E example 2: +86:-+86 (the second of two operators is an ordinary character)', () => {
  assert.deepEqual(rules('+86:-+86')[0]!.actions, [{ op: 'delete', text: '+86' }]);
  assert.equal(apply('+86:-+86', '+8613012345678'), '13012345678');
  assert.equal(apply('+86:-+86', '8613012345678'), '8613012345678');
});

test('Appendix E example 3: an empty condition matches every number', () => {
  assert.deepEqual(rules(':+0'), [{ condition: [], actions: [{ op: 'prepend', text: '0' }] }]);
  assert.equal(apply(':+0', '13012345678'), '013012345678');
  assert.equal(apply(':+0', ''), '0');
});

test('Appendix E example 4: 01[3-8]:-0++86', () => {
  const r = rules('01[3-8]:-0++86');
  assert.deepEqual(r[0]!.condition, [
    { kind: 'char', char: '0' },
    { kind: 'char', char: '1' },
    { kind: 'range', from: 3, to: 8 },
  ]);
  assert.deepEqual(r[0]!.actions, [
    { op: 'delete', text: '0' },
    { op: 'prepend', text: '+86' },
  ]);
  assert.equal(apply('01[3-8]:-0++86', '015912345678'), '+8615912345678');
  for (const d of '345678') assert.equal(apply('01[3-8]:-0++86', `01${d}12345678`), `+861${d}12345678`);
  for (const d of '0129') assert.equal(apply('01[3-8]:-0++86', `01${d}12345678`), `01${d}12345678`);
});

test('Appendix E example 5: 1[3-8]XXXXXXXXX: only means something in strict mode', () => {
  const text = '1[3-8]XXXXXXXXX:';
  assert.deepEqual(rules(text)[0]!.actions, []);
  // Non-strict: matching or not, the number passes unchanged.
  assert.equal(apply(text, '13912345678'), '13912345678');
  assert.equal(apply(text, '1391234567'), '1391234567');
  assert.equal(apply(text, '0201234567'), '0201234567');
  // Strict: exactly 11 digits starting 13..18.
  assert.equal(apply(text, '13912345678', true), '13912345678');
  assert.equal(apply(text, '18000000000', true), '18000000000');
  for (const bad of ['1391234567', '139123456789', '12912345678', '19912345678', '1391234567a', '+8613912345678']) {
    const r = apply(text, bad, true);
    assert.ok(typeof r === 'object', `${bad} should be refused`);
    assert.match(r.refused, /does not completely match any dial rule/);
  }
});

test('13:+0|15:+0|17:+0: left to right, the first match wins', () => {
  const text = '13:+0|15:+0|17:+0';
  assert.equal(rules(text).length, 3);
  assert.equal(apply(text, '13912345678'), '013912345678');
  assert.equal(apply(text, '15912345678'), '015912345678');
  assert.equal(apply(text, '17012345678'), '017012345678');
  assert.equal(apply(text, '18012345678'), '18012345678');
  const r = applyDialRules(rules(text), '15912345678');
  assert.deepEqual(r, { ok: true, number: '015912345678', rule: 1 });
  assert.deepEqual(applyDialRules(rules(text), '999'), { ok: true, number: '999', rule: null });
  // Only the first matching rule runs, even when a later one matches too.
  assert.equal(apply('1:+a|13:+b', '139'), 'a139');
});

test('strict mode tries the next rule when a condition matches only a prefix', () => {
  const text = '13X:+0|13XX:+9';
  assert.equal(apply(text, '1345', true), '91345');
  assert.equal(apply(text, '134', true), '0134');
  assert.equal(apply(text, '1345'), '01345');
});

test('strict mode with no rule refuses every number; non-strict passes it', () => {
  assert.deepEqual(applyDialRules([], '123'), { ok: true, number: '123', rule: null });
  const r = applyDialRules([], '123', { strict: true });
  assert.ok(!r.ok);
  assert.match(r.reason, /no dial rule is configured/);
  // An empty condition in strict mode only matches the empty number.
  assert.ok(typeof apply(':+0', '1', true) === 'object');
  assert.equal(apply(':+0', '', true), '0');
});

test('-<text> that the number does not start with is a no-op; later operations still run', () => {
  assert.equal(apply(':-0', '0123'), '123');
  assert.equal(apply(':-0', '123'), '123');
  assert.equal(apply(':-9+1', '123'), '1123');
  // Operations see the number as rewritten so far.
  assert.equal(apply(':+86-8', '1'), '61');
  assert.equal(apply(':+0+86', '1'), '8601');
});

test('operators and texts: ++, --, multi-character texts, *, #', () => {
  assert.deepEqual(rules(':++')[0]!.actions, [{ op: 'prepend', text: '+' }]);
  assert.deepEqual(rules(':--')[0]!.actions, [{ op: 'delete', text: '-' }]);
  assert.deepEqual(rules(':+++86')[0]!.actions, [
    { op: 'prepend', text: '+' },
    { op: 'prepend', text: '86' },
  ]);
  assert.deepEqual(rules('*31#:-*31#')[0], {
    condition: [
      { kind: 'char', char: '*' },
      { kind: 'char', char: '3' },
      { kind: 'char', char: '1' },
      { kind: 'char', char: '#' },
    ],
    actions: [{ op: 'delete', text: '*31#' }],
  });
  assert.equal(apply('x0:+9', '50'), '950');
  assert.equal(apply('X0:+9', '+0'), '+0');
});

test('blanks around rules are ignored; the printed form is canonical', () => {
  assert.equal(formatDialRules(rules('  13:+0 |\t15:+0  ')), '13:+0|15:+0');
  assert.equal(formatDialRules(rules('1x[3-3]:')), '1X[3-3]:');
  assert.deepEqual(rules(''), []);
  assert.deepEqual(rules('   '), []);
  assert.equal(formatDialRules([]), '');
});

test('errors name the rule and the character', () => {
  assert.deepEqual(err('13:+0|01[3-'), {
    ok: false,
    error: 'rule 2 ("01[3-"): unclosed range at character 3',
    rule: 2,
    column: 9,
  });
  assert.equal(err('86-86').error, 'rule 1 ("86-86"): missing \':\' between condition and action at character 6');
  assert.equal(err('13:+0||15:+0').error, 'rule 2 is empty at column 7');
  assert.equal(err('13:+0|').error, 'rule 2 is empty at column 7');
  assert.equal(err('0[8-3]:').error, 'rule 1 ("0[8-3]:"): empty range [8-3] (the first digit is larger than the second) at character 2');
  assert.equal(err('0[3]:').error, 'rule 1 ("0[3]:"): range "[3]" is not [<digit>-<digit>] at character 2');
  assert.equal(err('0[a-b]:').error, 'rule 1 ("0[a-b]:"): range "[a-b]" is not [<digit>-<digit>] at character 2');
  assert.equal(err('0]:').error, 'rule 1 ("0]:"): \']\' without \'[\' at character 2');
  assert.equal(err('1 3:+0').error, 'rule 1 ("1 3:+0"): space inside the condition at character 2');
  assert.equal(err('1a:+0').error, 'rule 1 ("1a:+0"): "a" is not allowed in a condition (digits, +, *, #, X, [a-b]) at character 2');
  assert.equal(err('13:0').error, 'rule 1 ("13:0"): the action must be a sequence of -<text> and +<text>, found "0" at character 4');
  assert.equal(err('13:+0-').error, 'rule 1 ("13:+0-"): \'-\' without a text after it at character 6');
  assert.equal(err('13:+').error, 'rule 1 ("13:+"): \'+\' without a text after it at character 4');
  assert.equal(err('13:+0:1').error, 'rule 1 ("13:+0:1"): ":" is not allowed in an action at character 6');
  assert.equal(err('13:+0 1').error, 'rule 1 ("13:+0 1"): " " is not allowed in an action at character 6');
  assert.equal(err(' 86:-86 | 1 3:').column, 12);
  assert.equal(err('01[3-8-0++86').error, 'rule 1 ("01[3-8-0++86"): unclosed range at character 3');
});

test('the length limit is configurable; the default is above the manual 140', () => {
  const long = Array.from({ length: 30 }, (_, i) => `${100 + i}:+0`).join('|');
  assert.ok(long.length > MANUAL_DIAL_RULES_MAX_LENGTH);
  assert.equal(rules(long).length, 30);
  assert.equal(
    err(long, { maxLength: MANUAL_DIAL_RULES_MAX_LENGTH }).error,
    `dial rules are ${long.length} characters long; at most 140 are allowed`,
  );
  assert.ok(parseDialRules('13:+0', { maxLength: 5 }).ok);
  assert.ok(!parseDialRules('13:+0', { maxLength: 4 }).ok);
});

test('bad input from untyped callers returns errors', () => {
  assert.ok(!parseDialRules(undefined as unknown as string).ok);
  assert.ok(!parseDialRules(42 as unknown as string).ok);
  assert.ok(!applyDialRules(rules('1:+0'), null as unknown as string).ok);
  assert.ok(!applyDialRules('x' as unknown as DialRules, '1').ok);
  assert.ok(!applyDialRules([null as unknown as DialRule], '1').ok);
});

const digit = fc.constantFrom(...'0123456789');
const conditionToken = fc.oneof(
  digit.map((char) => ({ kind: 'char' as const, char })),
  fc.constantFrom('+', '*', '#').map((char) => ({ kind: 'char' as const, char })),
  fc.constant({ kind: 'any' as const }),
  fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 9 })).map(([a, b]) => ({
    kind: 'range' as const,
    from: Math.min(a, b),
    to: Math.max(a, b),
  })),
);
const textChar = fc.constantFrom(...'0123456789*#abcXx.'.split(''));
const actionText = fc
  .tuple(fc.constantFrom(...'0123456789+-*#'.split('')), fc.array(textChar, { maxLength: 5 }))
  .map(([first, rest]) => first + rest.join(''));
const action = fc
  .tuple(fc.constantFrom('delete' as const, 'prepend' as const), actionText)
  .map(([op, text]) => ({ op, text }));
const rule = fc
  .tuple(fc.array(conditionToken, { maxLength: 8 }), fc.array(action, { maxLength: 4 }))
  .map(([condition, actions]): DialRule => ({ condition, actions }));

test('property: parse(format(rules)) gives back the rules', () => {
  fc.assert(
    fc.property(fc.array(rule, { maxLength: 6 }), (rs) => {
      const r = parseDialRules(formatDialRules(rs));
      assert.ok(r.ok, r.ok ? '' : r.error);
      assert.deepEqual(r.rules, rs);
    }),
    { numRuns: 500 },
  );
});

test('property: never throws on arbitrary strings; what parses prints back to the same rules', () => {
  const alphabet = fc.constantFrom(...'0123456789+-:|[]Xx*# \tab\n'.split(''));
  const arbitrary = fc.oneof(fc.string(), fc.array(alphabet, { maxLength: 40 }).map((a) => a.join('')));
  fc.assert(
    fc.property(arbitrary, fc.string({ maxLength: 20 }), fc.boolean(), (text, number, strict) => {
      const r = parseDialRules(text);
      if (!r.ok) {
        assert.equal(typeof r.error, 'string');
        return;
      }
      const again = parseDialRules(formatDialRules(r.rules));
      assert.ok(again.ok);
      assert.deepEqual(again.rules, r.rules);
      const applied = applyDialRules(r.rules, number, { strict });
      if (applied.ok) assert.equal(typeof applied.number, 'string');
    }),
    { numRuns: 2000 },
  );
});

test('property: non-strict application never refuses, and a non-matching number passes unchanged', () => {
  fc.assert(
    fc.property(fc.array(rule, { maxLength: 4 }), fc.stringMatching(/^[+0-9]{0,14}$/), (rs, number) => {
      const r = applyDialRules(rs, number);
      assert.ok(r.ok);
      if (r.rule === null) assert.equal(r.number, number);
    }),
  );
});
