import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildDiscoveryText, extractNumberAfterMarker, parseDiscoveryText } from '../../src/sms/own-number-text.js';
import { gsm7Length, isGsm7 } from '../../src/gsm/gsm7.js';

const MARKER = '您的号码是';

test('§5.11: the number after the marker', () => {
  assert.equal(extractNumberAfterMarker('尊敬的客户，您的号码是 13912345678。', MARKER), '13912345678');
  assert.equal(extractNumberAfterMarker('尊敬的客户，您的号码是13912345678', MARKER), '13912345678');
  assert.equal(extractNumberAfterMarker('尊敬的客户，您的号码是：+8613912345678，谢谢', MARKER), '+8613912345678');
  assert.equal(extractNumberAfterMarker('您的号码是【13912345678】', MARKER), '13912345678');
  assert.equal(extractNumberAfterMarker('您的号码是 "13912345678"', MARKER), '13912345678');
  assert.equal(extractNumberAfterMarker('您的号码是：１３９１２３４５６７８', MARKER), '13912345678');
  assert.equal(extractNumberAfterMarker('您的号码是\n\t+ 139 1234 5678', MARKER), '139');
  assert.equal(extractNumberAfterMarker('Your number is: +447700900123.', 'Your number is'), '+447700900123');
});

test('§5.11: no number after the marker', () => {
  assert.equal(extractNumberAfterMarker('尊敬的客户，您的号码是 xxxx', MARKER), null);
  assert.equal(extractNumberAfterMarker('尊敬的客户，您的号码是未知，请拨打10086', MARKER), null);
  assert.equal(extractNumberAfterMarker('查询失败 13912345678', MARKER), null);
  assert.equal(extractNumberAfterMarker('您的号码是 12', MARKER), null);
  assert.equal(extractNumberAfterMarker('您的号码是 ' + '1'.repeat(21), MARKER), null);
  assert.equal(extractNumberAfterMarker('您的号码是 12', MARKER, { minDigits: 2 }), '12');
  assert.equal(extractNumberAfterMarker('13912345678', ''), null);
  assert.equal(extractNumberAfterMarker(undefined as unknown as string, MARKER), null);
  // The first occurrence followed by a number wins.
  assert.equal(extractNumberAfterMarker('您的号码是查询中…您的号码是 13800138000', MARKER), '13800138000');
});

test('property: extractNumberAfterMarker never throws and returns digits', () => {
  fc.assert(
    fc.property(fc.string(), fc.string({ maxLength: 5 }), (text, marker) => {
      const r = extractNumberAfterMarker(text, marker);
      if (r !== null) assert.match(r, /^\+?\d{3,20}$/);
    }),
  );
});

const SECRET = 'gateway secret';
const ICCID = '89860318740210123456';
const NOW = Date.UTC(2024, 4, 1, 8, 30, 0);

test('§5.11 method 3: the discovery text is short GSM 7-bit and round-trips', () => {
  const text = buildDiscoveryText(ICCID, SECRET, NOW)!;
  assert.match(text, /^CG#[A-Z2-7]+\.[0-9A-Z]+\.[A-Z2-7]{13}$/);
  assert.ok(isGsm7(text));
  assert.ok(gsm7Length(text)! <= 50, `${text.length}`);
  assert.ok(!text.includes(ICCID) && !text.includes('8986'));
  assert.deepEqual(parseDiscoveryText(text, SECRET, NOW + 5000, 600), { iccid: ICCID, sentAt: NOW / 1000 });
  // Deterministic for one second; another second gives an unrelated ciphertext.
  assert.equal(buildDiscoveryText(ICCID, SECRET, NOW + 999), text);
  const later = buildDiscoveryText(ICCID, SECRET, NOW + 1000)!;
  assert.notEqual(later.split('.')[0], text.split('.')[0]);
  // Hex filler, odd lengths, lower case and blanks.
  for (const id of ['8944110068249371816F', '8986031874021012345', '1', ' 89f ']) {
    const t = buildDiscoveryText(id, SECRET, NOW)!;
    assert.deepEqual(parseDiscoveryText(t, SECRET, NOW, 60), { iccid: id.trim().toUpperCase(), sentAt: NOW / 1000 });
  }
});

test('discovery: bad input to build gives null', () => {
  assert.equal(buildDiscoveryText('8986-0318', SECRET, NOW), null);
  assert.equal(buildDiscoveryText('', SECRET, NOW), null);
  assert.equal(buildDiscoveryText('1'.repeat(23), SECRET, NOW), null);
  assert.equal(buildDiscoveryText(ICCID, '', NOW), null);
  assert.equal(buildDiscoveryText(ICCID, SECRET, NaN), null);
  assert.equal(buildDiscoveryText(null as unknown as string, SECRET, NOW), null);
});

test('discovery: forged, altered, other-secret and stale texts are rejected', () => {
  const text = buildDiscoveryText(ICCID, SECRET, NOW)!;
  assert.equal(parseDiscoveryText(text, 'another secret', NOW, 600), null);
  assert.equal(parseDiscoveryText(text, SECRET, NOW + 601_000, 600), null);
  assert.equal(parseDiscoveryText(text, SECRET, NOW - 601_000, 600), null);
  assert.ok(parseDiscoveryText(text, SECRET, NOW + 600_000, 600));
  // Every single-character change of the token is rejected.
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567019.#';
  for (let i = 0; i < text.length; i++) {
    for (const c of alphabet) {
      if (c === text[i]) continue;
      const altered = text.slice(0, i) + c + text.slice(i + 1);
      if (altered.toUpperCase() === text) continue;
      assert.equal(parseDiscoveryText(altered, SECRET, NOW, 600), null, altered);
    }
  }
  // Swapping the timestamp of a genuine text to make it fresh does not work.
  const [head, , tag] = text.split('.');
  const t2 = Math.floor((NOW + 3_600_000) / 1000).toString(36).toUpperCase();
  assert.equal(parseDiscoveryText(`${head}.${t2}.${tag}`, SECRET, NOW + 3_600_000, 600), null);
  // A made-up token.
  assert.equal(parseDiscoveryText(`CG#AAAAAAAAAAAAAAAAAA.${t2}.AAAAAAAAAAAAA`, SECRET, NOW + 3_600_000, 600), null);
});

test('discovery: the token is found among words an operator adds; case does not matter', () => {
  const text = buildDiscoveryText(ICCID, SECRET, NOW)!;
  assert.deepEqual(parseDiscoveryText(`${text} [Operator ad: call 10086]`, SECRET, NOW, 60)?.iccid, ICCID);
  assert.deepEqual(parseDiscoveryText(`Hi\n${text}`, SECRET, NOW, 60)?.iccid, ICCID);
  assert.deepEqual(parseDiscoveryText(text.toLowerCase().replace('cg#', 'CG#'), SECRET, NOW, 60)?.iccid, ICCID);
  assert.equal(parseDiscoveryText(`x${text}`, SECRET, NOW, 60), null);
  assert.equal(parseDiscoveryText(`${text}x`, SECRET, NOW, 60), null);
  assert.equal(parseDiscoveryText(text, '', NOW, 60), null);
  assert.equal(parseDiscoveryText(text, SECRET, NOW, -1), null);
});

test('property: discovery round-trips for any ICCID and secret; arbitrary texts never throw', () => {
  fc.assert(
    fc.property(
      fc.stringMatching(/^[0-9A-F]{1,22}$/),
      fc.string({ minLength: 1, maxLength: 40 }),
      fc.integer({ min: 0, max: 4_000_000_000 }),
      (iccid, secret, sec) => {
        const t = buildDiscoveryText(iccid, secret, sec * 1000)!;
        assert.ok(isGsm7(t));
        assert.deepEqual(parseDiscoveryText(t, secret, sec * 1000, 0), { iccid, sentAt: sec });
      },
    ),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.stringMatching(/^CG#[A-Z2-7]{0,25}\.[0-9A-Z]{0,8}\.[A-Z2-7]{0,14}$/)), (s) => {
      assert.equal(parseDiscoveryText(s, SECRET, NOW, 1e12), null);
    }),
    { numRuns: 1000 },
  );
});
