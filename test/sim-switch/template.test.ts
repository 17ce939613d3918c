import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  compileReplyPattern,
  parseCommandTemplate,
  printable,
  renderCommand,
  type TemplatePart,
} from '../../modem-drivers/sim-switch/template.js';
import { SLOTS, type SlotId } from '../../modem-drivers/sim-switch/types.js';

function parts(src: string): TemplatePart[] {
  const p = parseCommandTemplate(src);
  assert.ok(p.ok, p.ok ? '' : p.error);
  return p.value;
}

test('placeholders {line} {slot} {slotIndex} {slotNumber} and \\r \\n escapes', () => {
  const t = parts('SET {line} {slot} {slotIndex} {slotNumber}\\r\\n');
  assert.equal(renderCommand(t, { line: 'L7', slot: 'A' }).toString('latin1'), 'SET L7 A 0 1\r\n');
  assert.equal(renderCommand(t, { line: 'L7', slot: 'D' }).toString('latin1'), 'SET L7 D 3 4\r\n');
});

test('other escapes: \\t \\\\ \\{ \\} and \\xHH raw bytes; real CR/LF characters pass through', () => {
  const t = parts('\\xA5\\x01{slotIndex}\\t\\\\\\{x\\}\r\n');
  assert.deepEqual(
    [...renderCommand(t, { line: 'L1', slot: 'C' })],
    [0xa5, 0x01, 0x32, 0x09, 0x5c, 0x7b, 0x78, 0x7d, 0x0d, 0x0a],
  );
  // Non-ASCII literal text is UTF-8.
  assert.deepEqual([...renderCommand(parts('é'), { line: 'L1', slot: 'A' })], [0xc3, 0xa9]);
});

test('template errors are reported, not thrown', () => {
  const cases: [string, RegExp][] = [
    ['SIM{slotnumber}', /unknown placeholder at 3/],
    ['SIM{slot', /unknown placeholder/],
    ['a}b', /unmatched \} at 1/],
    ['x\\q', /unknown escape \\q at 1/],
    ['x\\', /lone backslash/],
    ['\\xZ1', /two hex digits/],
    ['', /empty/],
  ];
  for (const [src, re] of cases) {
    const p = parseCommandTemplate(src);
    assert.equal(p.ok, false, src);
    if (!p.ok) assert.match(p.error, re, src);
  }
  assert.equal(parseCommandTemplate(42 as unknown as string).ok, false);
});

test('reply patterns: placeholders filled with regex-escaped values; quantifiers untouched', () => {
  const re = compileReplyPattern('^OK {line} {slotNumber}\\d{0,2}$', { line: 'L.1+', slot: 'B' });
  assert.ok(re.ok);
  assert.ok(re.value.test('OK L.1+ 2'));
  assert.ok(re.value.test('OK L.1+ 215'));
  assert.ok(!re.value.test('OK Lx11 2'), 'the dot in the line id must be literal');
  const bad = compileReplyPattern('([', { line: 'L1', slot: 'A' });
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.match(bad.error, /invalid reply pattern/);
});

test('printable escapes control and non-ASCII bytes and caps the length', () => {
  assert.equal(printable(Buffer.from([0x4f, 0x4b, 0x0d, 0x0a, 0x00, 0xff, 0x5c])), 'OK\\r\\n\\x00\\xff\\\\');
  assert.equal(printable('x'.repeat(10), 4), 'xxxx…');
});

test('property: parsing never throws; a parsed template renders for every slot', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 40 }), fc.constantFrom(...SLOTS), fc.string({ maxLength: 8 }), (src, slot: SlotId, line) => {
      const p = parseCommandTemplate(src);
      if (p.ok) assert.ok(Buffer.isBuffer(renderCommand(p.value, { line, slot })));
      const re = compileReplyPattern(src, { line, slot });
      assert.equal(typeof re.ok, 'boolean');
    }),
    { numRuns: 500 },
  );
});

test('property: text without special characters renders to itself', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 30 }).filter((s) => s.length > 0 && !/[\\{}]/.test(s)), (s) => {
      assert.equal(renderCommand(parts(s), { line: 'L1', slot: 'A' }).toString('utf8'), s);
    }),
  );
});
