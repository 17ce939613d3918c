import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PduError, gsm7Length, partLimits, planText, splitData } from '../../src/gsm/index.js';

test('part capacities: 160/153/152 septets, 70/67/66 UCS2 units, 140/134/133 octets (TS 23.040 §9.2.3.24)', () => {
  assert.deepEqual(partLimits('gsm7', 8), { single: 160, multi: 153 });
  assert.deepEqual(partLimits('gsm7', 16), { single: 160, multi: 152 });
  assert.deepEqual(partLimits('ucs2', 8), { single: 70, multi: 67 });
  assert.deepEqual(partLimits('ucs2', 16), { single: 70, multi: 66 });
  assert.deepEqual(partLimits('8bit', 8), { single: 140, multi: 134 });
  assert.deepEqual(partLimits('8bit', 16), { single: 140, multi: 133 });
});

test('GSM text: 160 septets is one message, 161 is 153 + 8', () => {
  const one = planText('a'.repeat(160));
  assert.deepEqual({ ...one, parts: one.parts.length }, { encoding: 'gsm7', parts: 1, septetsOrUnits: [160], concatenated: false });
  const two = planText('a'.repeat(161));
  assert.deepEqual(two.septetsOrUnits, [153, 8]);
  assert.equal(two.concatenated, true);
  assert.deepEqual(planText('a'.repeat(161), { refBits: 16 }).septetsOrUnits, [152, 9]);
});

test('extension characters count two septets: 80 x "€" is exactly one message, 81 are two', () => {
  assert.deepEqual(planText('€'.repeat(80)).septetsOrUnits, [160]);
  assert.deepEqual(planText('€'.repeat(81)).septetsOrUnits, [152, 10]);
});

test('a part never ends between ESC and its extension character', () => {
  const text = 'a'.repeat(152) + '€' + 'b'.repeat(10);
  const plan = planText(text);
  assert.deepEqual(plan.parts, ['a'.repeat(152), '€' + 'b'.repeat(10)]);
  assert.deepEqual(plan.septetsOrUnits, [152, 12]);
});

test('UCS2 text: 70 units is one message, 71 is 67 + 4; a surrogate pair is never split', () => {
  assert.deepEqual(planText('Ж'.repeat(70)).septetsOrUnits, [70]);
  assert.deepEqual(planText('Ж'.repeat(71)).septetsOrUnits, [67, 4]);
  assert.deepEqual(planText('Ж'.repeat(71), { refBits: 16 }).septetsOrUnits, [66, 5]);
  const text = 'x'.repeat(66) + '😀' + 'y'.repeat(10);
  const plan = planText(text);
  assert.equal(plan.encoding, 'ucs2');
  assert.deepEqual(plan.parts, ['x'.repeat(66), '😀' + 'y'.repeat(10)]);
  assert.deepEqual(plan.septetsOrUnits, [66, 12]);
  assert.equal(plan.parts.join(''), text);
});

test('encoding choice: auto picks GSM when every character fits; gsm7 can be forced only when it fits', () => {
  assert.equal(planText('Grüße aus Köln €5').encoding, 'gsm7');
  assert.equal(planText('Łódź').encoding, 'ucs2');
  assert.equal(planText('plain', { encoding: 'ucs2' }).encoding, 'ucs2');
  assert.throws(() => planText('Łódź', { encoding: 'gsm7' }), (e) => e instanceof PduError && /"Ł"/.test(e.message));
  assert.deepEqual(planText('').parts, ['']);
});

test('parts fit and join back to the text', () => {
  const text = 'Lorem ipsum {dolor} sit amet € '.repeat(40);
  const plan = planText(text);
  assert.equal(plan.parts.join(''), text);
  plan.parts.forEach((p, i) => {
    assert.equal(gsm7Length(p), plan.septetsOrUnits[i]);
    assert.ok(plan.septetsOrUnits[i]! <= 153);
  });
});

test('8-bit data splits at 140, then 134 (8-bit ref) or 133 (16-bit ref) octets', () => {
  assert.equal(splitData(new Uint8Array(140)).length, 1);
  assert.deepEqual(splitData(new Uint8Array(141)).map((p) => p.length), [134, 7]);
  assert.deepEqual(splitData(new Uint8Array(141), 16).map((p) => p.length), [133, 8]);
});
