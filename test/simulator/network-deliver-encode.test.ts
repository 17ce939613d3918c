/**
 * src/gsm/deliver-encode.ts (SMS-DELIVER and SMS-STATUS-REPORT encoders used by the simulated network):
 * published PDUs are decoded, re-encoded from the decoded fields and compared octet for octet, and
 * random messages round-trip through decodePdu.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  PduError,
  buildDeliverTpdus,
  bytesToHex,
  decodePdu,
  encodeDeliver,
  encodeStatusReport,
  hexToBytes,
  type SmsDeliver,
  type SmsStatusReport,
} from '../../src/gsm/index.js';
import { repoRoot } from '../helpers/transcript.js';

const fixture = (name: string): string =>
  (JSON.parse(readFileSync(join(repoRoot(), 'fixtures', 'pdu', `${name}.json`), 'utf8')) as { hex: string }).hex;

/** The TPDU of a PDU-mode hex string (SMSC field removed). */
function tpduOf(hex: string): string {
  const b = hexToBytes(hex);
  return bytesToHex(b.subarray(b[0]! + 1));
}

/** Re-encodes a decoded SMS-DELIVER from its fields (text, or the raw user data for 8-bit / reserved). */
function reencode(d: SmsDeliver, raw = false): string {
  const common = {
    from: d.originator.number,
    fromType: d.originator.ton === 'alphanumeric' ? ('alphanumeric' as const) : ('auto' as const),
    scts: d.scts.date,
    tzMinutes: d.scts.tzMinutes,
    pid: d.pid,
    moreMessagesToSend: d.moreMessages,
    statusReportIndication: d.statusReportIndication,
    replyPath: d.replyPath,
  };
  if (raw) {
    return bytesToHex(
      encodeDeliver({ ...common, raw: { dcs: d.dcs.raw, udl: d.udl, userData: d.userData, udhi: (d.firstOctet & 0x40) !== 0 } }),
    );
  }
  return bytesToHex(
    encodeDeliver({
      ...common,
      text: d.text,
      encoding: d.encoding,
      ...(d.messageClass !== undefined ? { class: d.messageClass } : {}),
      ...(d.concat ? { udh: { concat: d.concat } } : {}),
    }),
  );
}

for (const name of [
  'deliver-developershome-tz-plus8',
  'deliver-constructed-ucs2-emoji',
  'deliver-node-pdu-alphanumeric-telfort',
  'deliver-node-pdu-concat8-part1',
  'deliver-node-pdu-concat16-part1',
  'deliver-node-pdu-ucs2-russian',
  'deliver-python-gsmmodem-extension-chars',
  'deliver-node-pdu-extension-brackets',
]) {
  test(`encodeDeliver reproduces ${name} from its decoded fields`, () => {
    const hex = fixture(name);
    const d = decodePdu(hex) as SmsDeliver;
    assert.equal(d.type, 'deliver');
    assert.equal(reencode(d), tpduOf(hex));
    assert.equal(reencode(d, true), tpduOf(hex));
  });
}

test('encodeDeliver: raw user data passes through with its own DCS (8-bit with a port UDH)', () => {
  const hex = fixture('deliver-smslib-8bit-port-and-concat');
  const d = decodePdu(hex) as SmsDeliver;
  assert.equal(reencode(d, true), tpduOf(hex));
});

test('encodeStatusReport reproduces a published status report (python-gsmmodem, no SMSC)', () => {
  const hex = fixture('status-report-python-gsmmodem-no-smsc');
  const r = decodePdu(hex) as SmsStatusReport;
  const out = encodeStatusReport({
    mr: r.messageRef,
    recipient: r.recipient.number,
    scts: r.scts.date,
    dischargeTime: r.dischargeTime.date,
    tzMinutes: r.scts.tzMinutes,
    status: r.status,
    moreMessagesToSend: r.moreMessages,
  });
  assert.equal(bytesToHex(out), tpduOf(hex));
});

test('encodeStatusReport: failure status, command qualifier, TOA echoed from the submit', () => {
  const out = encodeStatusReport({
    mr: 7,
    recipient: '13800000001',
    recipientToa: 0xa1,
    scts: new Date('2026-01-15T12:00:00Z'),
    dischargeTime: new Date('2026-01-18T12:00:00Z'),
    tzMinutes: 480,
    status: 0x46,
    qualifier: 'command',
    moreMessagesToSend: true,
  });
  const r = decodePdu(bytesToHex(out), { withSmsc: false }) as SmsStatusReport;
  assert.equal(r.type, 'status-report');
  assert.equal(r.messageRef, 7);
  assert.equal(r.recipient.number, '13800000001');
  assert.equal(r.recipient.ton, 'national');
  assert.equal(r.status, 0x46);
  assert.equal(r.statusClass, 'failed');
  assert.equal(r.qualifier, 'command');
  assert.equal(r.moreMessages, true);
  assert.equal(r.dischargeTime.date.toISOString(), '2026-01-18T12:00:00.000Z');
  assert.equal(r.scts.tzMinutes, 480);
  assert.deepEqual(r.warnings, []);
});

test('encoders reject what they cannot encode with PduError', () => {
  const base = { from: '+8613800000001', scts: new Date('2026-01-15T12:00:00Z') };
  assert.throws(() => encodeDeliver({ ...base }), PduError);
  assert.throws(() => encodeDeliver({ ...base, text: 'a', data: Uint8Array.of(1) }), PduError);
  assert.throws(() => encodeDeliver({ ...base, text: 'x'.repeat(161) }), /do not fit/);
  assert.throws(() => encodeDeliver({ ...base, text: '😀', encoding: 'gsm7' }), /GSM 7-bit/);
  assert.throws(() => encodeDeliver({ ...base, raw: { dcs: 0, udl: 10, userData: new Uint8Array(3), udhi: false } }), /TP-UDL 10/);
  assert.throws(() => encodeDeliver({ ...base, text: 'a', pid: 300 }), /pid/);
  assert.throws(() => encodeDeliver({ ...base, from: 'ABCDEFGHIJKLMNOP', text: 'a' }), /alphanumeric/);
  assert.throws(() => encodeDeliver({ ...base, text: 'a', scts: new Date(Number.NaN) }), /invalid date/);
  assert.throws(() => encodeStatusReport({ mr: 256, recipient: '+1', scts: base.scts, dischargeTime: base.scts, status: 0 }), /mr/);
});

test('buildDeliverTpdus splits long texts with a concatenation header (GSM 7-bit extension chars, UCS2 emoji)', () => {
  const scts = new Date('2026-01-15T12:00:00Z');
  const gsm = 'Price: 10€ [a|b] {c} ~^\\ '.repeat(12);
  const gsmParts = buildDeliverTpdus({ from: 'BANK', text: gsm, scts, tzMinutes: 480, concatRef: 200 });
  assert.ok(gsmParts.length >= 2);
  const decoded = gsmParts.map((p) => decodePdu(bytesToHex(p), { withSmsc: false }) as SmsDeliver);
  assert.equal(decoded.map((d) => d.text).join(''), gsm);
  decoded.forEach((d, i) => {
    assert.equal(d.encoding, 'gsm7');
    assert.equal(d.originator.number, 'BANK');
    assert.equal(d.originator.ton, 'alphanumeric');
    assert.deepEqual(d.concat, { ref: 200, total: gsmParts.length, seq: i + 1, refBits: 8 });
  });
  const uni = '你好世界 😀 '.repeat(20);
  const uniParts = buildDeliverTpdus({ from: '+8613912345678', text: uni, scts, concatRef: 0x1234 });
  const ud = uniParts.map((p) => decodePdu(bytesToHex(p), { withSmsc: false }) as SmsDeliver);
  assert.equal(ud.map((d) => d.text).join(''), uni);
  assert.ok(ud.every((d) => d.encoding === 'ucs2' && d.concat?.refBits === 16 && d.concat.ref === 0x1234));
  const single = buildDeliverTpdus({ from: '10086', text: 'short', scts });
  assert.equal(single.length, 1);
  assert.equal((decodePdu(bytesToHex(single[0]!), { withSmsc: false }) as SmsDeliver).concat, undefined);
  const data = buildDeliverTpdus({ from: '10086', data: new Uint8Array(300).fill(7), scts });
  assert.equal(data.length, 3);
});

test('property: encodeDeliver round-trips through decodePdu', () => {
  const gsmChars = 'abcXYZ 0123@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!"#¤%&\'()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüà^{}\\[~]|€';
  const gsmText = fc.array(fc.constantFrom(...gsmChars), { maxLength: 80 }).map((a) => a.join(''));
  const anyText = fc.string({ unit: 'grapheme', maxLength: 60 });
  fc.assert(
    fc.property(
      fc.oneof(gsmText, anyText),
      fc.stringMatching(/^\+[1-9][0-9]{6,14}$/),
      fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2080, 0, 1) }).map((ms) => Math.floor(ms / 1000) * 1000),
      fc.integer({ min: -47, max: 56 }).map((q) => q * 15),
      fc.boolean(),
      fc.boolean(),
      (text, from, ms, tz, more, sri) => {
        const parts = buildDeliverTpdus({ from, text, scts: new Date(ms), tzMinutes: tz, moreMessagesToSend: more, statusReportIndication: sri, concatRef: 9 });
        const ds = parts.map((p) => decodePdu(bytesToHex(p), { withSmsc: false }) as SmsDeliver);
        assert.equal(ds.map((d) => d.text).join(''), text);
        for (const d of ds) {
          assert.equal(d.type, 'deliver');
          assert.equal(d.originator.number, from);
          assert.equal(d.scts.date.getTime(), ms);
          assert.equal(d.scts.tzMinutes, tz);
          assert.equal(d.moreMessages, more);
          assert.equal(d.statusReportIndication, sri);
          assert.deepEqual(d.warnings, []);
        }
      },
    ),
    { numRuns: 300 },
  );
});
