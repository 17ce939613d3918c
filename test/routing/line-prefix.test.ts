import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  formatPrefixList,
  matchLinePrefix,
  parsePrefixList,
  prefixRoutingConfigured,
  routeByPrefix,
  type LinePrefixes,
} from '../../src/routing/line-prefix.js';

function prefixes(text: string): string[] {
  const r = parsePrefixList(text);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.prefixes;
}
function err(text: string): string {
  const r = parsePrefixList(text);
  assert.ok(!r.ok, `expected an error for ${JSON.stringify(text)}`);
  return r.error;
}

test('§4.3 prefix list syntax: 00,13,15,17,2', () => {
  assert.deepEqual(prefixes('00,13,15,17,2'), ['00', '13', '15', '17', '2']);
  assert.deepEqual(prefixes(' 00 , 13,\t15 '), ['00', '13', '15']);
  assert.deepEqual(prefixes('101'), ['101']);
  assert.deepEqual(prefixes('ab,#*,+86'), ['ab', '#*', '+86']);
  assert.deepEqual(prefixes('13，15'), ['13', '15']);
  assert.deepEqual(prefixes('13,15,13'), ['13', '15']);
  assert.deepEqual(prefixes(''), []);
  assert.deepEqual(prefixes('  '), []);
  assert.equal(formatPrefixList(prefixes(' 00 , 13 ')), '00,13');
});

test('prefix list errors', () => {
  assert.equal(err('13,,15'), 'prefix 2 is empty (column 4)');
  assert.equal(err('13,'), 'prefix 2 is empty (column 4)');
  assert.equal(err(',13'), 'prefix 1 is empty (column 1)');
  assert.equal(err('13,1 5'), 'prefix 2 ("1 5") contains a blank (column 5)');
  assert.equal(err('1'.repeat(141)), 'the prefix list is 141 characters long; at most 140 are allowed');
  assert.ok(parsePrefixList('1'.repeat(140)).ok);
  assert.ok(parsePrefixList('1'.repeat(141), { maxLength: 200 }).ok);
  assert.equal(err(null as unknown as string), 'the prefix list must be a text');
});

const table: LinePrefixes[] = [
  { line: 1, prefixes: ['00', '13'] },
  { line: 2, prefixes: ['139', '2'] },
  { line: 3, prefixes: ['1391'] },
  { line: 4, prefixes: ['139'] },
];

test('the longest matching prefix wins; ties go to the lowest line id', () => {
  assert.deepEqual(matchLinePrefix(table, '13012345678'), { line: 1, prefix: '13' });
  assert.deepEqual(matchLinePrefix(table, '13912345678'), { line: 3, prefix: '1391' });
  assert.deepEqual(matchLinePrefix(table, '13922345678'), { line: 2, prefix: '139' });
  assert.deepEqual(matchLinePrefix(table, '0044123'), { line: 1, prefix: '00' });
  assert.equal(matchLinePrefix(table, '8613912345678'), null);
  assert.equal(matchLinePrefix([], '139'), null);
  // Table order does not matter.
  assert.deepEqual(matchLinePrefix([...table].reverse(), '13922345678'), { line: 2, prefix: '139' });
});

test('callee mode: all lines sharing the longest prefix, optional stripping (Appendix D, plan 2)', () => {
  const plan2: LinePrefixes[] = Array.from({ length: 8 }, (_, i) => ({ line: i + 1, prefixes: [`00${i + 1}`] }));
  assert.deepEqual(routeByPrefix({ mode: 'callee', strip: true, table: plan2, caller: '101', callee: '00313800138000' }), {
    lines: [3],
    callee: '13800138000',
    prefix: '003',
  });
  assert.deepEqual(routeByPrefix({ mode: 'callee', strip: false, table: plan2, caller: '101', callee: '00313800138000' }), {
    lines: [3],
    callee: '00313800138000',
    prefix: '003',
  });
  assert.deepEqual(routeByPrefix({ mode: 'callee', strip: false, table, caller: '', callee: '13922345678' }), {
    lines: [2, 4],
    callee: '13922345678',
    prefix: '139',
  });
  assert.equal(routeByPrefix({ mode: 'callee', strip: true, table: plan2, caller: '101', callee: '13800138000' }), null);
});

test('caller mode matches the caller (Appendix D, plan 1) and never strips the callee', () => {
  const plan1: LinePrefixes[] = Array.from({ length: 8 }, (_, i) => ({ line: i + 1, prefixes: [`${101 + i}`] }));
  assert.deepEqual(routeByPrefix({ mode: 'caller', strip: true, table: plan1, caller: '102', callee: '13800138000' }), {
    lines: [2],
    callee: '13800138000',
    prefix: '102',
  });
  assert.deepEqual(routeByPrefix({ mode: 'caller', strip: false, table: plan1, caller: '1085', callee: '1' }), {
    lines: [8],
    callee: '1',
    prefix: '108',
  });
  assert.equal(routeByPrefix({ mode: 'caller', strip: false, table: plan1, caller: '201', callee: '1' }), null);
});

test('no prefix routing configured: any line, callee untouched', () => {
  for (const t of [[], [{ line: 1, prefixes: [] }, { line: 2, prefixes: [] }]]) {
    assert.equal(prefixRoutingConfigured(t), false);
    assert.deepEqual(routeByPrefix({ mode: 'callee', strip: true, table: t, caller: 'a', callee: '00123' }), {
      lines: 'any',
      callee: '00123',
    });
  }
  // A line without prefixes, while another has some, is never chosen by prefix.
  const partial: LinePrefixes[] = [
    { line: 1, prefixes: [] },
    { line: 2, prefixes: ['13'] },
  ];
  assert.equal(prefixRoutingConfigured(partial), true);
  assert.equal(routeByPrefix({ mode: 'callee', strip: false, table: partial, caller: '', callee: '15' }), null);
});

test('bad input returns null or is skipped', () => {
  assert.equal(matchLinePrefix(null as unknown as LinePrefixes[], '1'), null);
  assert.equal(matchLinePrefix(table, undefined as unknown as string), null);
  const messy = [null, { line: 'x', prefixes: ['1'] }, { line: 5, prefixes: [7, '1'] }] as unknown as LinePrefixes[];
  assert.deepEqual(matchLinePrefix(messy, '12'), { line: 5, prefix: '1' });
  assert.equal(routeByPrefix(null as unknown as Parameters<typeof routeByPrefix>[0]), null);
  assert.equal(
    routeByPrefix({ mode: 'other' as 'caller', strip: false, table, caller: '13', callee: '13' }),
    null,
  );
});

test('property: the chosen prefix starts the number and no longer prefix matches', () => {
  const prefixArb = fc.stringMatching(/^[0-9]{1,4}$/);
  const tableArb = fc.array(
    fc.tuple(fc.integer({ min: 1, max: 16 }), fc.array(prefixArb, { maxLength: 4 })).map(([line, prefixes]) => ({ line, prefixes })),
    { maxLength: 8 },
  );
  fc.assert(
    fc.property(tableArb, fc.stringMatching(/^[0-9]{0,8}$/), fc.boolean(), (t, number, strip) => {
      const m = matchLinePrefix(t, number);
      const all = t.flatMap((e) => e.prefixes.filter((p) => number.startsWith(p)).map((p) => ({ line: e.line, p })));
      if (all.length === 0) {
        assert.equal(m, null);
      } else {
        assert.ok(m);
        assert.ok(number.startsWith(m.prefix));
        const longest = Math.max(...all.map((a) => a.p.length));
        assert.equal(m.prefix.length, longest);
        assert.equal(m.line, Math.min(...all.filter((a) => a.p.length === longest).map((a) => a.line)));
      }
      const r = routeByPrefix({ mode: 'callee', strip, table: t, caller: '', callee: number });
      if (!prefixRoutingConfigured(t)) assert.deepEqual(r, { lines: 'any', callee: number });
      else if (m === null) assert.equal(r, null);
      else {
        assert.ok(r && r.lines !== 'any');
        assert.equal(r.lines[0], m.line);
        assert.equal(r.callee, strip ? number.slice(m.prefix.length) : number);
      }
    }),
    { numRuns: 500 },
  );
});

test('property: parsePrefixList never throws and round-trips', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 60 }), (s) => {
      const r = parsePrefixList(s);
      if (r.ok) assert.deepEqual(prefixes(formatPrefixList(r.prefixes)), r.prefixes);
    }),
    { numRuns: 1000 },
  );
});
