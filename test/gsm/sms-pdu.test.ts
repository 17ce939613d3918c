import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PduError,
  buildSubmitPdus,
  bytesToHex,
  decodePdu,
  encodeSubmit,
  hexToBytes,
  tryDecodePdu,
  type SmsCommand,
  type SmsDeliver,
  type SmsSubmit,
} from '../../src/gsm/index.js';

const asSubmit = (hex: string) => decodePdu(hex) as SmsSubmit;

// faucamp/python-gsmmodem test/test_pdu.py test_encodeSmsSubmit_concatenated (reference 0,
// rejectDuplicates, no status report, no validity period).
const LOREM =
  'Lorem ipsum dolor sit amet, consectetur adipisicing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.Ut enim ad minim veniam, quinostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat.Duis aute irure dolor in reprehenderit in voluptate velit esse cillum doloe eu fugiat nulla pariatur.Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum';
const LOREM_PDUS = [
  '0045000B915121551532F40000A0050003000301986F79B90D4AC3E7F53688FC66BFE5A0799A0E0AB7CB741668FC76CFCB637A995E9783C2E4343C3D4F8FD3EE33A8CC4ED359A079990C22BF41E5747DDE7E9341F4721BFE9683D2EE719A9C26D7DD74509D0E6287C56F791954A683C86FF65B5E06B5C36777181466A7E3F5B0AB4A0795DDE936284C06B5D3EE741B642FBBD3E1360B14AFA7DD',
  '0045000B915121551532F40000A0050003000302DE73BABC4E0695F165F9384D0FD3D36F37A8CE6687DBE337881D16BFE5E939C89D9EA741753A28CC4EC7EB6938A88C0795C3A0F1BBDD7E93DFA0F1DB3D2FC7EB61BA8B584FCF41E13ABD0C4ACBEBF23288FC66BFE5A0B41B242FC3E56574D94D2ECBD37450DA0DB2BFD975383D4C2F83EC65769A0E2ACFE765D038CD66D7DB20F29BFD2E83CA',
  '0045000B915121551532F400008C050003000303EA2073FD9C0ED341EE3A9B1D06C1C3F274985E97BB8AF871194E2FD7E5A079DA4D07BDC7E370791CA683C675789A1CA687E920F7DB0D82CBDF6972D94D6781E675371D947683C675363C0C8AD7D3A0B7D99C1EA7C32072795E96D7DD7450FBCD66A7E9A0B03BDD06A5C9A0F29C0E6287C56F79BD0D',
];

test('python-gsmmodem concatenated SMS-SUBMIT vector: 3 parts with an 8-bit reference and 1 fill bit', () => {
  const parts = buildSubmitPdus({ to: '+15125551234', text: LOREM, rejectDuplicates: true, concatRef: 0 });
  assert.deepEqual(
    parts.map((p) => p.hex),
    LOREM_PDUS,
  );
  assert.deepEqual(
    parts.map((p) => [p.seq, p.total, p.tpduLength]),
    LOREM_PDUS.map((h, i) => [i + 1, 3, h.length / 2 - 1]),
  );
  assert.equal(parts.map((p) => p.text).join(''), LOREM);
  const decoded = LOREM_PDUS.map(asSubmit);
  assert.equal(decoded.map((d) => d.text).join(''), LOREM);
  assert.deepEqual(decoded[2]!.concat, { ref: 0, total: 3, seq: 3, refBits: 8 });
  assert.equal(decoded[0]!.rejectDuplicates, true);
});

test('tpduLength is the TPDU without the SMSC field: AT+CMGS=12 for the gammu PDU (PEERS.md §7.1)', () => {
  const enc = encodeSubmit({ to: '123', text: 'hi', smsc: '+491710760000', validity: 635040 });
  assert.deepEqual(enc, { hex: '07919471016700001100038121F30000FF02E834', tpduLength: 12 });
  assert.equal(encodeSubmit({ to: '123', text: 'hi', validity: 635040 }).hex, '001100038121F30000FF02E834');
});

test('first-octet flags: SRR, RD, RP, VPF (TS 23.040 §9.2.3.1-§9.2.3.5)', () => {
  const fo = (hex: string) => hexToBytes(hex)[1]!;
  assert.equal(fo(encodeSubmit({ to: '1', text: 'x' }).hex), 0x01);
  assert.equal(fo(encodeSubmit({ to: '1', text: 'x', requestStatusReport: true }).hex), 0x21);
  assert.equal(fo(encodeSubmit({ to: '1', text: 'x', rejectDuplicates: true }).hex), 0x05);
  assert.equal(fo(encodeSubmit({ to: '1', text: 'x', replyPath: true }).hex), 0x81);
  assert.equal(fo(encodeSubmit({ to: '1', text: 'x', validity: 60 }).hex), 0x11);
  const d = asSubmit(encodeSubmit({ to: '+1', text: 'x', requestStatusReport: true, rejectDuplicates: true, replyPath: true, messageRef: 200, pid: 0x41, validity: 60 }).hex);
  assert.equal(d.statusReportRequest, true);
  assert.equal(d.rejectDuplicates, true);
  assert.equal(d.replyPath, true);
  assert.equal(d.messageRef, 200);
  assert.equal(d.pid, 0x41);
  assert.deepEqual(d.validity, { format: 'relative', raw: 11, minutes: 60 });
});

test('message class in the DCS: flash (class 0) GSM = 0x10, flash UCS2 = 0x18, class 1 = 0x11 (TS 23.038 §4)', () => {
  const dcsOf = (hex: string) => asSubmit(hex).dcs.raw;
  assert.equal(dcsOf(encodeSubmit({ to: '1', text: 'Alert', class: 'flash' }).hex), 0x10);
  assert.equal(dcsOf(encodeSubmit({ to: '1', text: 'Тревога', class: 0 }).hex), 0x18);
  assert.equal(dcsOf(encodeSubmit({ to: '1', text: 'x', class: 1 }).hex), 0x11);
  assert.equal(asSubmit(encodeSubmit({ to: '1', text: 'x', class: 'flash' }).hex).messageClass, 0);
  assert.equal(dcsOf(encodeSubmit({ to: '1', data: Uint8Array.of(1, 2) }).hex), 0x04);
});

test('a 7-bit UDH is followed by fill bits up to the next septet boundary', () => {
  const enc = encodeSubmit({ to: '+4915112345678', text: 'Hakuna', udh: { concat: { ref: 0x2e, total: 2, seq: 1 } } });
  const d = asSubmit(enc.hex);
  assert.equal(d.udl, 7 + 6);
  assert.equal(d.text, 'Hakuna');
  assert.equal(bytesToHex(d.userData), '0500032E020190E175DD1D06'); // the UD of node-pdu's 'Hakuna' segment
  const d16 = asSubmit(encodeSubmit({ to: '1', text: 'Hello,', udh: { concat: { ref: 0x1234, total: 2, seq: 1 } } }).hex);
  assert.equal(bytesToHex(d16.userData), '06080412340201C8329BFD6601'); // node-pdu's 16-bit segment 1
});

test('extra UDH elements are carried raw', () => {
  const d = asSubmit(encodeSubmit({ to: '1', data: Uint8Array.of(0xca, 0xfe), udh: { elements: [{ iei: 0x05, data: Uint8Array.of(0x0b, 0x84, 0x23, 0xf0) }] } }).hex);
  assert.deepEqual(d.udh?.elements.map((e) => [e.iei, bytesToHex(e.data)]), [[5, '0B8423F0']]);
  assert.equal(bytesToHex(d.data), 'CAFE');
});

test('buildSubmitPdus: 16-bit references, UCS2 and 8-bit data, one part without a UDH', () => {
  const ucs = buildSubmitPdus({ to: '+79001234567', text: 'Привет! '.repeat(20), concatRef: 0xbeef });
  assert.equal(ucs.length, 3);
  const dec = ucs.map((p) => asSubmit(p.hex));
  assert.ok(dec.every((d) => d.concat?.refBits === 16 && d.concat.ref === 0xbeef && d.encoding === 'ucs2'));
  assert.equal(dec.map((d) => d.text).join(''), 'Привет! '.repeat(20));
  assert.deepEqual(dec.map((d) => d.udl), [7 + 132, 7 + 132, 7 + 56]);

  const data = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
  const bin = buildSubmitPdus({ to: '1', data, concatRef: 7 });
  assert.deepEqual(bin.map((p) => asSubmit(p.hex).data.length), [134, 134, 32]);
  assert.deepEqual(Buffer.concat(bin.map((p) => asSubmit(p.hex).data)), Buffer.from(data));

  const single = buildSubmitPdus({ to: '1', text: 'short' });
  assert.equal(single.length, 1);
  assert.equal(asSubmit(single[0]!.hex).udh, undefined);

  const a = buildSubmitPdus({ to: '1', text: 'x'.repeat(200) });
  const b = buildSubmitPdus({ to: '1', text: 'x'.repeat(200) });
  assert.equal(asSubmit(a[0]!.hex).concat?.ref, asSubmit(b[0]!.hex).concat?.ref, 'default reference is deterministic');
  const r16 = buildSubmitPdus({ to: '1', text: 'x'.repeat(200), concatRefBits: 16 });
  assert.equal(asSubmit(r16[0]!.hex).concat?.refBits, 16);
  assert.equal(asSubmit(r16[0]!.hex).udl, 160);
});

test('encoder errors are PduErrors with a reason', () => {
  const fails = (f: () => unknown, re: RegExp) => assert.throws(f, (e) => e instanceof PduError && e.code === 'encode' && re.test(e.message));
  fails(() => encodeSubmit({ to: '1', text: 'x'.repeat(161) }), /buildSubmitPdus/);
  fails(() => encodeSubmit({ to: '1', text: 'Ж'.repeat(71) }), /141 octets|buildSubmitPdus/);
  fails(() => encodeSubmit({ to: '1', text: 'Łódź', encoding: 'gsm7' }), /"Ł" at index 0/);
  fails(() => encodeSubmit({ to: '1', text: 'Ж', encoding: '8bit' }), /8-bit/);
  fails(() => encodeSubmit({ to: '1', text: 'a', data: Uint8Array.of(1) }), /either text or data/);
  fails(() => encodeSubmit({ to: '1' }), /required/);
  fails(() => encodeSubmit({ to: '1', text: 'a', messageRef: 256 }), /messageRef/);
  fails(() => encodeSubmit({ to: '1', text: 'a', validity: -1 }), /validity/);
  fails(() => encodeSubmit({ to: '1', text: 'a', class: 4 as never }), /class/);
  fails(() => buildSubmitPdus({ to: '1', text: 'x'.repeat(153 * 256) }), /255/);
  fails(() => buildSubmitPdus({ to: '1', text: 'a', udh: { concat: { ref: 1, total: 1, seq: 1 } } }), /concatenation header itself/);
});

test('TP-MTI and direction (TS 23.040 §9.2.3.1)', () => {
  // constructed SMS-COMMAND: MR 5, PID 0, CT 1 (cancel status report request), MN 0x2A, DA +4917012345, no data
  const command = '00020500012A0A91947110325400';
  const c = decodePdu(command, { direction: 'mo' }) as SmsCommand;
  assert.equal(c.type, 'command');
  assert.deepEqual([c.messageRef, c.commandType, c.messageNumber, c.destination.number, c.commandData.length], [5, 1, 0x2a, '+4917012345', 0]);
  assert.equal(tryDecodePdu(command).ok, false, 'the same octets as MT are a (truncated) status report');

  const deliver = '00040B917228214365F700003130805120618005D4F29C2E03';
  assert.equal(decodePdu(deliver).type, 'deliver');
  const mo = tryDecodePdu(deliver, { direction: 'mo' });
  assert.ok(!mo.ok && mo.code === 'unsupported');

  const reserved = '00070B917228214365F700003130805120618005D4F29C2E03';
  const d = decodePdu(reserved) as SmsDeliver;
  assert.equal(d.type, 'deliver');
  assert.equal(d.text, 'Test2');
  assert.match(d.warnings.join(), /reserved TP-MTI 3/);
  const r = tryDecodePdu(reserved, { direction: 'mo' });
  assert.ok(!r.ok && r.code === 'invalid');
});

test('reserved alphabets are handed over as 8-bit with a flag; compressed data is not decompressed', () => {
  const base = (dcs: string, udl: string, ud: string) => `00040B917228214365F700${dcs}31308051206180${udl}${ud}`;
  const reserved = decodePdu(base('0C', '09', 'E8329BFD4697D9EC37')) as SmsDeliver;
  assert.equal(reserved.encoding, '8bit');
  assert.equal(reserved.dcs.reservedAlphabet, true);
  assert.equal(bytesToHex(reserved.data), 'E8329BFD4697D9EC37');
  assert.match(reserved.warnings.join(), /reserved/);
  const group = decodePdu(base('80', '02', 'CAFE')) as SmsDeliver;
  assert.deepEqual([group.dcs.group, group.encoding, group.dcs.reservedAlphabet], ['reserved', '8bit', true]);
  const compressed = decodePdu(base('20', '02', 'CAFE')) as SmsDeliver;
  assert.deepEqual([compressed.dcs.compressed, compressed.text, bytesToHex(compressed.data)], [true, '', 'CAFE']);
  assert.match(compressed.warnings.join(), /compressed/);
});

test('tolerated oddities become warnings: trailing octets, odd UCS2 length', () => {
  const trailing = decodePdu('00040B917228214365F700003130805120618005D4F29C2E03FFFF') as SmsDeliver;
  assert.equal(trailing.text, 'Test2');
  assert.match(trailing.warnings.join(), /2 octets after/);
  const odd = decodePdu('00040B917228214365F7000831308051206180030041FF') as SmsDeliver;
  assert.equal(odd.text, 'A');
  assert.match(odd.warnings.join(), /odd number/);
});

test('hex input: case and surrounding whitespace do not matter; bad hex is a bad-hex error', () => {
  assert.equal((decodePdu(' 0011000b916407281553f80000aa0ae8329bfd4697d9ec37\r\n') as SmsSubmit).text, 'hellohello');
  for (const bad of ['', '0', '0G', '00 11']) {
    const r = tryDecodePdu(bad);
    assert.ok(!r.ok && r.code === 'bad-hex', bad);
  }
  assert.throws(() => decodePdu(42 as unknown as string), PduError);
});

test('header longer than the 7-bit user data, UDHL past the data: length errors', () => {
  // UDHI set, TP-UDL 2 septets but UDHL 5
  const r = tryDecodePdu('00440B917228214365F70000313080512061800205000317');
  assert.ok(!r.ok && r.code === 'length', JSON.stringify(r));
  const r2 = tryDecodePdu('00440B917228214365F70004313080512061800305000317');
  assert.ok(!r2.ok && r2.code === 'length', JSON.stringify(r2));
});
