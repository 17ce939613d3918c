import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseLimit, printLimit, validateLimit, type LimitSpec, type LimitWindow } from '../../src/policy/limit-syntax.js';

function ok(text: string): LimitSpec {
  const r = parseLimit(text);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.value;
}
function err(text: string): { error: string; column: number } {
  const r = parseLimit(text);
  assert.ok(!r.ok, `expected an error for ${JSON.stringify(text)}`);
  return r;
}

test('the three forms of §4.8', () => {
  assert.deepEqual(ok('100'), { kind: 'total', amount: 100 });
  assert.deepEqual(ok('05:00-12:00,100|12:00-23:00,200'), {
    kind: 'windows',
    windows: [
      { start: 300, end: 720, amount: 100 },
      { start: 720, end: 1380, amount: 200 },
    ],
  });
  assert.deepEqual(ok('D5,1000'), { kind: 'monthly', day: 5, amount: 1000 });
});

test('lenient input prints canonically', () => {
  assert.equal(printLimit(ok(' 0100 ')), '100');
  assert.equal(printLimit(ok('12:00-23:00 , 200 | 5:00 - 12:00,100')), '05:00-12:00,100|12:00-23:00,200');
  assert.equal(printLimit(ok('d5, 1000')), 'D5,1000');
  assert.equal(printLimit(ok('22:00-00:00,5')), '22:00-24:00,5');
  assert.equal(printLimit(ok('00:00-24:00,7')), '00:00-24:00,7');
  assert.equal(printLimit(ok('0')), '0');
});

test('a window may wrap midnight', () => {
  assert.deepEqual(ok('22:00-06:00,50'), { kind: 'windows', windows: [{ start: 1320, end: 360, amount: 50 }] });
  assert.equal(err('22:00-06:00,50|05:00-07:00,1').error, '"22:00-06:00,50|05:00-07:00,1" column 16: windows overlap: 22:00-06:00 and 05:00-07:00');
  assert.equal(printLimit(ok('06:00-22:00,1|22:00-06:00,2')), '06:00-22:00,1|22:00-06:00,2');
});

test('error messages name the column and what was expected', () => {
  const cases: Array<[string, string, number]> = [
    ['05:00-25:00,100', 'hour 25 is not 00-23', 7],
    ['05:00-12:00,100|11:00-13:00,5', 'windows overlap: 05:00-12:00 and 11:00-13:00', 17],
    ['D32,5', 'day must be 1-28 (got 32); every month has days 1-28', 2],
    ['D0,5', 'day must be 1-28 (got 0); every month has days 1-28', 2],
    ['D29,5', 'day must be 1-28 (got 29); every month has days 1-28', 2],
    ['', 'expected a limit: an amount ("100"), time windows ("05:00-12:00,100|12:00-23:00,200") or a monthly cycle ("D5,1000")', 1],
    ['-5', 'the amount must not be negative', 1],
    ['1.5', 'the amount must be a whole number', 2],
    ['abc', 'expected an amount, a time window (HH:MM-HH:MM,amount) or "D<day>,<amount>" but found "a"', 1],
    ['5,100', 'expected end of text after the amount but found ","; a monthly limit is written "D<day>,<amount>"', 2],
    ['D5', 'expected "," after the day but found end of text', 3],
    ['D5,', 'expected the amount (a whole number) but found end of text', 4],
    ['D,5', 'expected the cycle start day after "D" but found ","', 2],
    ['05:00-12:00', 'expected "," after the time range but found end of text', 12],
    ['05:00-12:00,', 'expected the amount (a whole number) but found end of text', 13],
    ['05:00-12:00,-1', 'the amount must not be negative', 13],
    ['05:00-12:00,1.5', 'the amount must be a whole number', 14],
    ['05:00-12:00,100|', 'expected another window after "|" but found end of text', 17],
    ['05:00-12:00,100;12:00-13:00,1', 'expected "|" before the next window or end of text but found ";"', 16],
    ['05:60-12:00,1', 'minute 60 is not 00-59', 4],
    ['05:0-12:00,1', 'expected two-digit minutes after ":" but found "0"', 4],
    ['05:00 12:00,1', 'expected "-" between the start and end times but found "1"', 7],
    ['05:00-,1', 'expected the end time as HH:MM but found ","', 7],
    ['24:00-12:00,1', '24:00 can only end a window', 1],
    ['08:00-08:00,1', 'window 08:00-08:00 is empty (use 00:00-24:00 for the whole day)', 1],
    ['00:00-00:00,1', 'window 00:00-00:00 is empty (use 00:00-24:00 for the whole day)', 1],
    ['2000000000', 'the amount 2000000000 is larger than 1000000000', 1],
    ['100 200', 'expected end of text after the amount but found "2"', 5],
  ];
  for (const [input, message, column] of cases) {
    const e = err(input);
    assert.equal(e.error, `${JSON.stringify(input)} column ${column}: ${message}`, input);
    assert.equal(e.column, column, input);
  }
});

test('non-string input is an error, not a crash', () => {
  assert.equal(parseLimit(undefined as unknown as string).ok, false);
  assert.equal(parseLimit(42 as unknown as string).ok, false);
});

test('validateLimit checks specs built in code', () => {
  assert.equal(validateLimit({ kind: 'total', amount: 5 }), null);
  assert.equal(validateLimit({ kind: 'total', amount: -1 }), 'amount must be a whole number 0-1000000000');
  assert.equal(validateLimit({ kind: 'monthly', day: 30, amount: 1 }), 'day must be 1-28');
  assert.equal(
    validateLimit({ kind: 'windows', windows: [{ start: 0, end: 600, amount: 1 }, { start: 500, end: 700, amount: 1 }] }),
    'windows overlap: 00:00-10:00 and 08:20-11:40',
  );
  assert.equal(validateLimit({ kind: 'windows', windows: [] }), 'at least one window is needed');
});

/** Canonical specs: windows non-overlapping, sorted by start. */
const amount = fc.integer({ min: 0, max: 1_000_000_000 });
const windowsArb = fc
  .uniqueArray(fc.integer({ min: 0, max: 1440 }), { minLength: 2, maxLength: 12 })
  .chain((cuts) => {
    const sorted = [...cuts].sort((a, b) => a - b);
    const pairs: Array<[number, number]> = [];
    for (let i = 0; i + 1 < sorted.length; i += 2) pairs.push([sorted[i]!, sorted[i + 1]!]);
    return fc.tuple(fc.constant(pairs), fc.array(amount, { minLength: pairs.length, maxLength: pairs.length }), fc.boolean());
  })
  .map(([pairs, amounts, wrapLast]) => {
    const ws: LimitWindow[] = pairs.map(([s, e], i) => ({ start: s, end: e, amount: amounts[i]! }));
    // Optionally turn the last window into one that wraps midnight when the first starts after 0.
    if (wrapLast && ws.length >= 1) {
      const last = ws[ws.length - 1]!;
      const firstStart = ws.length > 1 ? ws[0]!.start : last.start;
      if (last.start < 1440 && firstStart > 0 && ws.length > 1) ws[ws.length - 1] = { start: last.start, end: Math.min(firstStart, 1), amount: last.amount };
    }
    return ws.filter((w) => w.start < 1440 && w.start !== w.end);
  })
  .filter((ws) => ws.length > 0);

const specArb: fc.Arbitrary<LimitSpec> = fc.oneof(
  amount.map((a) => ({ kind: 'total' as const, amount: a })),
  fc.record({ day: fc.integer({ min: 1, max: 28 }), amount }).map(({ day, amount: a }) => ({ kind: 'monthly' as const, day, amount: a })),
  windowsArb.map((windows) => ({ kind: 'windows' as const, windows })),
);

test('property: parse(print(x)) deep-equals x, and print(parse(print(x))) is stable', () => {
  fc.assert(
    fc.property(specArb, (spec) => {
      assert.equal(validateLimit(spec), null);
      const text = printLimit(spec);
      const back = parseLimit(text);
      assert.ok(back.ok, back.ok ? '' : back.error);
      assert.deepEqual(back.value, spec);
      assert.equal(printLimit(back.value), text);
    }),
    { numRuns: 2000 },
  );
});

test('property: arbitrary text never throws, and whatever parses prints canonically', () => {
  const alphabet = fc.constantFrom('0', '1', '2', '5', '9', ':', '-', ',', '|', 'D', ' ', 'x', '4');
  fc.assert(
    fc.property(fc.array(alphabet, { maxLength: 30 }).map((a) => a.join('')), (text) => {
      const r = parseLimit(text);
      if (r.ok) {
        const again = parseLimit(printLimit(r.value));
        assert.ok(again.ok);
        assert.deepEqual(again.value, r.value);
      } else {
        assert.ok(r.column >= 1 && r.column <= text.length + 1, `${r.error}`);
        assert.ok(r.error.startsWith(JSON.stringify(text)));
      }
    }),
    { numRuns: 3000 },
  );
});
