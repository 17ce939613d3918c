/**
 * SIP → GSM calls through the daemon with SIPp as the caller and simulated modems as the GSM side
 * (manual §4.3, §4.4; docs/sip.md "SIP → GSM calls"). Each test checks what SIPp saw (its scenario
 * passes only on the expected statuses), the call record of GET /api/calls and what the simulated
 * outside party saw:
 * - demo mode: SIPp's built-in `uac` reaches a simulated number that answers, then hangs up with BYE;
 * - trunk mode by address range and by digest (RFC 3261 §22.2), a wrong password refused, a source
 *   outside every trunk peer refused 403 with no call placed;
 * - CANCEL before the answer ends the GSM call; busy → 486; no matching line prefix → 603; a denied
 *   prefix → 403 without dialling.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startSmsDaemon, waitFor } from './sms-daemon.js';
import {
  apiCalls,
  assertSippPassed,
  endedRecord,
  outsideCalls,
  sippCall,
  SIPP_FIXTURES,
  startLinesDaemon,
  TO_GSM_SCENARIOS,
} from './sip-calls-in-helpers.js';

const ANSWERED_BYE = join(TO_GSM_SCENARIOS, 'answered-bye.xml');
const EXPECT_FINAL = join(TO_GSM_SCENARIOS, 'expect-final.xml');
const CANCEL_BEFORE_ANSWER = join(TO_GSM_SCENARIOS, 'cancel-before-answer.xml');
const DIGEST_ANSWERED = join(SIPP_FIXTURES, 'sip-to-gsm-digest-answered.xml');
const DIGEST_REFUSED = join(SIPP_FIXTURES, 'sip-to-gsm-digest-refused.xml');

/** The outside party's end of calls to `number` (the simulator strips nothing: compare the tail). */
async function outsideTo(control: string, number: string) {
  return (await outsideCalls(control)).filter((c) => c.to.endsWith(number.replace(/^0+/, '')));
}

test('demo mode: SIPp uac calls a simulated number that answers; BYE ends it; the record is answered, origin sip:demo, with its VoIP leg', async (t) => {
  const x = await startSmsDaemon({ modems: 1 });
  t.after(() => x.stop());
  assert.equal(x.d.sip?.demo, true);
  const number = '13912345678';
  assertSippPassed(await sippCall(x.d.sip!.ports.udp, { scenario: 'uac', number }));
  const record = await endedRecord(x.api, number);
  assert.equal(record.outcome, 'answered');
  assert.equal(record.origin, 'sip:demo');
  assert.ok(record.answerAt, 'answered at a time');
  assert.equal(record.causes.voip, 'BYE', 'the VoIP leg ended the call with BYE');
  const [outside] = await waitFor('the outside party to hang up', () => outsideTo(x.control, number), (l) => l.length === 1 && l[0]!.endedAt !== null);
  assert.equal(outside!.direction, 'from-sim');
});

test('trunk mode by address range 127.0.0.0/8 (demo trunk off): answered, origin sip:trunk:1', async (t) => {
  const x = await startSmsDaemon({ modems: 1, config: { sip: { demoTrunk: 'off', trunk: { peers: [{ addresses: ['127.0.0.0/8'] }] } } } });
  t.after(() => x.stop());
  assert.equal(x.d.sip?.demo, false);
  const number = '13912340001';
  assertSippPassed(await sippCall(x.d.sip!.ports.udp, { scenario: ANSWERED_BYE, number, bind: '127.0.0.3' }));
  const record = await endedRecord(x.api, number);
  assert.equal(record.outcome, 'answered');
  assert.equal(record.origin, 'sip:trunk:1');
  assert.equal(record.causes.voip, 'BYE');
});

test('a source outside every trunk peer is refused 403 and no call reaches a line; a peer address on the same daemon is answered', async (t) => {
  const x = await startSmsDaemon({ modems: 1, config: { sip: { demoTrunk: 'off', trunk: { peers: [{ addresses: ['10.0.0.0/8'] }, { addresses: ['127.0.0.2'] }] } } } });
  t.after(() => x.stop());
  const refused = '13912340002';
  assertSippPassed(await sippCall(x.d.sip!.ports.udp, { scenario: EXPECT_FINAL, number: refused, expectedStatus: 403, bind: '127.0.0.1' }));
  // The peer's own address gets through: the 403 above was the address check, nothing else.
  const allowed = '13912340003';
  assertSippPassed(await sippCall(x.d.sip!.ports.udp, { scenario: ANSWERED_BYE, number: allowed, bind: '127.0.0.2' }));
  const record = await endedRecord(x.api, allowed);
  assert.equal(record.origin, 'sip:trunk:2');
  assert.deepEqual((await apiCalls(x.api)).filter((c) => c.number === refused), [], 'no record of the refused call');
  assert.deepEqual(await outsideTo(x.control, refused), [], 'no outside party was called');
});

/**
 * SIPp's credentials for alice. SIPp puts `sip:<remote ip>:<port>` in the digest `uri` unless told
 * otherwise; the gateway checks it against the Request-URI (RFC 7616 §3.4.6), so it is given here.
 */
function digestArgs(password: string, number: string, port: number): string[] {
  return ['-au', 'alice', '-ap', password, '-auth_uri', `${number}@127.0.0.1:${port}`];
}

test('digest authentication: SIPp answers the 401 with -au/-ap and is answered (origin sip:user:alice); a wrong password is challenged again and nothing is dialled', async (t) => {
  const x = await startSmsDaemon({
    modems: 1,
    config: { sip: { demoTrunk: 'off', inbound: { auth: 'digest', users: [{ username: 'alice', password: 'alice-secret-1' }] } } },
  });
  t.after(() => x.stop());
  const port = x.d.sip!.ports.udp;
  const good = '13912340004';
  assertSippPassed(await sippCall(port, { scenario: DIGEST_ANSWERED, number: good, extraArgs: digestArgs('alice-secret-1', good, port) }));
  const record = await endedRecord(x.api, good);
  assert.equal(record.outcome, 'answered');
  assert.equal(record.origin, 'sip:user:alice');

  const bad = '13912340005';
  assertSippPassed(await sippCall(port, { scenario: DIGEST_REFUSED, number: bad, extraArgs: digestArgs('wrong-password', bad, port) }));
  // Without credentials at all: 401 is the answer, never a call.
  assertSippPassed(await sippCall(port, { scenario: EXPECT_FINAL, number: bad, expectedStatus: 401 }));
  assert.deepEqual((await apiCalls(x.api)).filter((c) => c.number === bad), []);
  assert.deepEqual(await outsideTo(x.control, bad), []);
});

test('demo mode: CANCEL while the outside number rings ends the GSM call (487); busy → 486', async (t) => {
  const x = await startSmsDaemon({ modems: 2 });
  t.after(() => x.stop());
  const port = x.d.sip!.ports.udp;
  const ringing = '13912349999';
  assertSippPassed(await sippCall(port, { scenario: CANCEL_BEFORE_ANSWER, number: ringing }));
  const record = await endedRecord(x.api, ringing);
  assert.equal(record.outcome, 'no-answer');
  assert.equal(record.causes.voip, '487 Request Terminated');
  const [outside] = await waitFor('the outside call to end', () => outsideTo(x.control, ringing), (l) => l.length === 1 && l[0]!.endedAt !== null);
  assert.ok(outside);

  const busy = '13912340000';
  assertSippPassed(await sippCall(port, { scenario: EXPECT_FINAL, number: busy, expectedStatus: 486 }));
  const busyRecord = await endedRecord(x.api, busy);
  assert.equal(busyRecord.outcome, 'busy');
  assert.equal(busyRecord.causes.gsm, 'BUSY');
});

test('lines by IMEI with prefixes (prefixMatch callee): no prefix matches → 603; a denied prefix → 403 without dialling; a matching one is answered on its line', async (t) => {
  const x = await startLinesDaemon([{ prefixes: '0' }, { prefixes: '9' }], {
    sip: { trunk: { peers: [{ addresses: ['127.0.0.1'] }] }, calls: { prefixMatch: 'callee', denyPrefixes: ['00'] } },
  });
  t.after(() => x.stop());
  const port = x.d.sip!.ports.udp;
  const unmatched = '13912340006';
  assertSippPassed(await sippCall(port, { scenario: EXPECT_FINAL, number: unmatched, expectedStatus: 603 }));
  const denied = '0085212345678';
  assertSippPassed(await sippCall(port, { scenario: EXPECT_FINAL, number: denied, expectedStatus: 403 }));
  const matched = '913912340007';
  assertSippPassed(await sippCall(port, { scenario: ANSWERED_BYE, number: matched }));
  const record = await endedRecord(x.api, matched);
  assert.equal(record.line, 2, 'the line whose prefix matched');
  assert.equal(record.outcome, 'answered');
  const calls = await apiCalls(x.api);
  for (const n of [unmatched, denied]) {
    assert.deepEqual(calls.filter((c) => c.number === n && c.outcome !== 'refused'), [], `no GSM call to ${n}`);
    assert.deepEqual(await outsideTo(x.control, n), [], `no outside party ${n} was called`);
  }
});
