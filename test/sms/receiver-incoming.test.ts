/** The receiver's pure part (src/sms/incoming.ts): classification of read PDUs and the dedup key. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { classifyPdu, dedupKey, undecodable, UNKNOWN_SENDER, type ReceiveContext } from '../../src/sms/incoming.js';
import { repoRoot } from '../helpers/transcript.js';

const CTX: ReceiveContext = { line: '3', slot: 'B', iccid: '89860012345678901234', recipient: '+8613800000001' };

interface PduFixture {
  source: string;
  hex: string;
  decode?: { withSmsc?: boolean };
  expect: Record<string, unknown>;
}

const dir = join(repoRoot(), 'fixtures', 'pdu');
const fixture = (name: string): PduFixture => JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as PduFixture;

test('an SMS-DELIVER: sender, text, SCTS and the receiving SIM (dreamfabric example, read with +CMGR)', () => {
  const f = fixture('deliver-dreamfabric-hellohello');
  const r = classifyPdu(f.hex, CTX);
  assert.equal(r.kind, 'sms');
  if (r.kind !== 'sms') return;
  assert.equal(r.sms.sender, '27838890001');
  assert.equal(r.sms.text, 'hellohello');
  assert.equal(r.sms.line, '3');
  assert.equal(r.sms.slot, 'B');
  assert.equal(r.sms.iccid, CTX.iccid);
  assert.equal(r.sms.recipient, CTX.recipient);
  assert.equal(r.sms.concat, null);
  assert.equal(typeof r.sms.sentAt, 'number');
  assert.match(r.sms.dedup, /^sms1:[0-9a-f]{64}$/);
});

test('UCS2 and a concatenated part (node-pdu examples)', () => {
  const u = classifyPdu(fixture('deliver-node-pdu-ucs2-russian').hex, CTX);
  assert.ok(u.kind === 'sms');
  assert.equal(u.sms.text, 'Привет, мир!');
  assert.equal(u.encoding, 'ucs2');
  assert.equal(u.sms.sentAt, Date.parse('2018-11-08T12:21:22.000Z'));
  const c = classifyPdu(fixture('deliver-node-pdu-concat8-part1').hex, CTX);
  assert.ok(c.kind === 'sms');
  assert.deepEqual(c.sms.concat, { ref: 46, total: 2, seq: 1 });
  assert.equal(c.sms.text, 'Hakuna');
});

test('an SMS-STATUS-REPORT becomes a report with TP-MR, TP-ST and its outcome (gammu 30.dump)', () => {
  const r = classifyPdu(fixture('status-report-gammu-30-delivered').hex, CTX);
  assert.equal(r.kind, 'report');
  if (r.kind !== 'report') return;
  assert.equal(r.report.ref, 232);
  assert.equal(r.report.status, 0);
  assert.equal(r.report.outcome, 'delivered');
  assert.equal(r.report.dischargedAt, Date.parse('2009-09-07T14:48:26.000Z'));
});

test('a status report whose TP-SCTS and TP-DT have a non-BCD zone octet (0xA0) is still a report, with its raw PDU', () => {
  const hex = fixture('status-report-derived-invalid-tz').hex;
  const r = classifyPdu(hex.toLowerCase(), CTX);
  assert.equal(r.kind, 'report');
  if (r.kind !== 'report') return;
  assert.equal(r.report.ref, 232);
  assert.equal(r.report.outcome, 'delivered');
  // Zone unknown: the SC's local time is taken as UTC.
  assert.equal(r.report.dischargedAt, Date.parse('2009-09-07T16:48:26.000Z'));
  assert.equal(r.report.pdu, hex.toUpperCase());
  assert.equal(r.report.warnings.length, 2, JSON.stringify(r.report.warnings));
  assert.match(r.report.warnings[0]!, /TP-SCTS.*0xa0/);
  assert.match(r.report.warnings[1]!, /TP-DT.*0xa0/);
});

test('every status-report fixture classifies as a report with the expected outcome', () => {
  for (const name of readdirSync(dir).filter((n) => n.startsWith('status-report-'))) {
    const f = JSON.parse(readFileSync(join(dir, name), 'utf8')) as PduFixture;
    // PDUs quoted without their SMSC field are not what a modem shows after +CMGR.
    if (f.decode?.withSmsc === false) continue;
    const r = classifyPdu(f.hex, CTX);
    assert.equal(r.kind, 'report', name);
    if (r.kind === 'report' && typeof f.expect.statusClass === 'string') assert.equal(r.report.outcome, f.expect.statusClass, name);
  }
});

test('every malformed PDU fixture is undecodable: sender "unknown", the error and the PDU in the text', () => {
  const names = readdirSync(dir).filter((n) => n.startsWith('malformed-'));
  assert.ok(names.length >= 3);
  for (const name of names) {
    const f = JSON.parse(readFileSync(join(dir, name), 'utf8')) as PduFixture;
    const r = classifyPdu(f.hex, CTX);
    assert.equal(r.kind, 'undecodable', name);
    if (r.kind !== 'undecodable') continue;
    assert.equal(r.sms.sender, UNKNOWN_SENDER);
    assert.ok(r.sms.text.includes(f.hex.toUpperCase()), name);
    assert.ok(r.sms.text.includes(r.error), name);
    assert.equal(r.sms.concat, null);
    assert.match(r.sms.dedup, /^raw1:[0-9a-f]{64}$/);
  }
});

test('a stored SMS-SUBMIT and non-hex are undecodable, not dropped', () => {
  const s = classifyPdu(fixture('submit-dreamfabric-hellohello').hex, CTX);
  assert.equal(s.kind, 'undecodable');
  assert.ok(s.kind === 'undecodable' && /SMS-SUBMIT/.test(s.error));
  const x = classifyPdu('not hex!', CTX);
  assert.ok(x.kind === 'undecodable' && x.error === 'not hex octets');
});

test('dedup: the same PDU gives the same key; another SIM, text, SCTS or part gives another', () => {
  const hex = fixture('deliver-dreamfabric-hellohello').hex;
  const a = classifyPdu(hex, CTX);
  const b = classifyPdu(hex, { ...CTX, line: '7', slot: 'A', recipient: null });
  assert.ok(a.kind === 'sms' && b.kind === 'sms');
  assert.equal(a.sms.dedup, b.sms.dedup, 'the same SIM in another line or slot: the same message');
  const other = classifyPdu(hex, { ...CTX, iccid: '89860012345678900000' });
  assert.ok(other.kind === 'sms');
  assert.notEqual(other.sms.dedup, a.sms.dedup);
  const base = { sim: 'iccid:1', sender: '+1', scts: { ms: 1000, tzMinutes: 480 }, concat: { ref: 1, total: 2, seq: 1 }, text: 'hi' };
  const k = dedupKey(base);
  assert.equal(dedupKey({ ...base }), k);
  for (const v of [
    { ...base, text: 'hi!' },
    { ...base, sender: '+2' },
    { ...base, scts: { ms: 2000, tzMinutes: 480 } },
    { ...base, scts: { ms: 1000, tzMinutes: 0 } },
    { ...base, concat: { ref: 1, total: 2, seq: 2 } },
    { ...base, concat: null },
    { ...base, scts: null },
  ]) {
    assert.notEqual(dedupKey(v), k, JSON.stringify(v));
  }
  // Without an ICCID the line stands for the SIM.
  const n1 = classifyPdu(hex, { ...CTX, iccid: null });
  const n2 = classifyPdu(hex, { ...CTX, iccid: null, line: '4' });
  assert.ok(n1.kind === 'sms' && n2.kind === 'sms');
  assert.notEqual(n1.sms.dedup, n2.sms.dedup);
  assert.equal(undecodable('00AB', 'x', CTX).sms.dedup, undecodable('00ab', 'y', CTX).sms.dedup);
});

test('classifyPdu never throws and always says what to do, for any octets', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 180 }), (bytes) => {
      const r = classifyPdu(Buffer.from(bytes).toString('hex'), CTX);
      assert.ok(r.kind === 'sms' || r.kind === 'report' || r.kind === 'undecodable');
      if (r.kind !== 'report') assert.ok(r.sms.dedup.length > 10);
    }),
    { numRuns: 2000 },
  );
});

test('an SMS command is masked before anything is stored: text and dedup key; the command with its password beside it', async () => {
  const { buildDeliverTpdus, bytesToHex } = await import('../../src/gsm/index.js');
  const { screenCommand } = await import('../../src/sms/commands.js');
  const scts = new Date(Date.UTC(2026, 2, 14, 9, 26, 53));
  const pdu = (text: string) => '00' + bytesToHex(buildDeliverTpdus({ from: '+8613912345678', text, scts, tzMinutes: 480 })[0]!);
  const screen = (sms: { text: string; sender: string; concatenated: boolean }) => screenCommand(sms, { info: true, reboot: true, reset: true });
  const r = classifyPdu(pdu('REBOOT hunter2-secret'), CTX, screen);
  assert.ok(r.kind === 'sms');
  assert.equal(r.sms.text, 'REBOOT ********');
  assert.equal(r.sms.command, 'reboot');
  assert.deepEqual(r.command, { kind: 'reboot', password: 'hunter2-secret' });
  const key = (text: string) => dedupKey({ sim: `iccid:${CTX.iccid}`, sender: '+8613912345678', scts: { ms: scts.getTime(), tzMinutes: 480 }, concat: null, text });
  assert.equal(r.sms.dedup, key('REBOOT ********'), 'the key is a digest of the masked text, not of the password');
  assert.notEqual(r.sms.dedup, key('REBOOT hunter2-secret'));
  assert.ok(!JSON.stringify(r.sms).includes('hunter2'));
  // an ordinary text, or no screen at all: as it was
  const plain = classifyPdu(pdu('hello'), CTX, screen);
  assert.ok(plain.kind === 'sms' && plain.sms.text === 'hello' && plain.sms.command === null && plain.command === undefined);
  const unscreened = classifyPdu(pdu('REBOOT hunter2-secret'), CTX);
  assert.ok(unscreened.kind === 'sms' && unscreened.sms.text === 'REBOOT hunter2-secret');
});
