/**
 * SIP → GSM call flows with SIPp as the caller, over UDP to a real SIP endpoint on loopback, with
 * createSipToGsm on it, a real call service and store, and fake GSM lines that step their calls as a
 * real line does. Each test checks what SIPp saw (its scenario passes or fails) and what the GSM side
 * and the call record saw. SIPp is a required test tool (Debian package sip-tester).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertSippInstalled, freeUdpPort, runSippWithErrors } from '../../helpers/sipp.js';
import { waitUntil } from '../../helpers/sip-peer-sockets.js';
import { callsConfig, startGateway, type Gateway } from './to-gsm-fixtures.js';

const SCENARIOS = fileURLToPath(new URL('../../../../test/sip/to-gsm/scenarios/', import.meta.url));

/** Runs one SIPp call of `scenario` to the gateway, calling `number`; resolves with its exit code and output. */
async function sipp(gateway: Gateway, scenario: string, number: string, expectedStatus?: number): Promise<{ code: number | null; output: string }> {
  assertSippInstalled();
  const dir = mkdtempSync(join(tmpdir(), 'cg-sipp-to-gsm-'));
  try {
    let file = join(SCENARIOS, scenario);
    if (expectedStatus !== undefined) {
      // The refusal scenario is one file for every status: the test writes the status it expects in.
      file = join(dir, scenario);
      writeFileSync(file, readFileSync(join(SCENARIOS, scenario), 'utf8').replaceAll('EXPECTED_STATUS', String(expectedStatus)));
    }
    const args = ['-sf', file, '-i', '127.0.0.1', '-p', String(await freeUdpPort()), '-m', '1', '-nostdin', '-timeout', '25s', '-s', number, `127.0.0.1:${gateway.core.udpPort}`];
    return await runSippWithErrors(args, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function assertPassed(result: { code: number | null; output: string }): void {
  assert.equal(result.code, 0, `sipp exited with ${result.code}:\n${result.output}`);
}

async function recorded(gateway: Gateway, count = 1) {
  await waitUntil(() => gateway.records().length >= count, 5000, `${count} call record(s)`);
  return gateway.records();
}

test('an answered call: 180, 200 with the SDP answer, ACK, then BYE from SIPp hangs up the GSM leg', async (t) => {
  const gw = await startGateway(1);
  t.after(() => gw.close());
  const result = await sipp(gw, 'answered-bye.xml', '13800138000');
  assertPassed(result);
  const line = gw.lines[0]!;
  assert.deepEqual(line.dialled, [{ number: '13800138000', origin: 'sip:trunk:1' }]);
  await waitUntil(() => !line.inCall, 3000, 'the GSM leg to end');
  assert.equal(line.hangups, 1, 'the BYE hung the line up');
  const [record] = await recorded(gw);
  assert.equal(record!.outcome, 'answered');
  assert.equal(record!.origin, 'sip:trunk:1');
  assert.equal(record!.voipCause, 'BYE');
  assert.equal(gw.media.open, 0, 'the media session is closed');
  assert.equal(gw.sipToGsm.handler.calls.length, 0);
});

test('the GSM side hangs up an answered call: the gateway sends BYE and SIPp answers 200', async (t) => {
  const gw = await startGateway(1);
  t.after(() => gw.close());
  gw.lines[0]!.farParty = { kind: 'answers', alertMs: 30, answerMs: 100, hangupMs: 600 };
  assertPassed(await sipp(gw, 'gsm-bye.xml', '13800138001'));
  assert.equal(gw.lines[0]!.hangups, 0, 'the gateway did not hang up itself');
  const [record] = await recorded(gw);
  assert.equal(record!.outcome, 'answered');
  assert.equal(record!.gsmCause, 'NO CARRIER');
  assert.equal(gw.sipToGsm.handler.calls.length, 0);
});

test('CANCEL while the line rings: 487 to the INVITE and the GSM leg is hung up', async (t) => {
  const gw = await startGateway(1);
  t.after(() => gw.close());
  gw.lines[0]!.farParty = { kind: 'rings-forever', alertMs: 30 };
  assertPassed(await sipp(gw, 'cancel-before-answer.xml', '13800138002'));
  await waitUntil(() => !gw.lines[0]!.inCall, 3000, 'the GSM leg to end');
  assert.equal(gw.lines[0]!.hangups, 1);
  const [record] = await recorded(gw);
  assert.equal(record!.voipCause, '487 Request Terminated');
  assert.equal(record!.outcome, 'no-answer');
  assert.equal(gw.media.open, 0);
});

test('the GSM callee is busy: 486 Busy Here', async (t) => {
  const gw = await startGateway(1);
  t.after(() => gw.close());
  gw.lines[0]!.farParty = { kind: 'busy', afterMs: 50 };
  assertPassed(await sipp(gw, 'expect-final.xml', '13800138003', 486));
  const [record] = await recorded(gw);
  assert.equal(record!.gsmCause, 'BUSY');
  assert.equal(record!.outcome, 'busy');
});

test('every matching line is in a call: 486 without dialling', async (t) => {
  const gw = await startGateway(1);
  t.after(() => gw.close());
  await gw.lines[0]!.dial('10086', { origin: 'api' });
  assertPassed(await sipp(gw, 'expect-final.xml', '13800138004', 486));
  assert.equal(gw.lines[0]!.dialled.length, 1, 'only the call already there');
});

test('prefix routing configured and no prefix matches: 603 Decline (manual §4.3)', async (t) => {
  const gw = await startGateway(2, callsConfig({}, [{ line: 1, prefixes: ['0'] }, { line: 2, prefixes: ['9'] }]));
  t.after(() => gw.close());
  assertPassed(await sipp(gw, 'expect-final.xml', '13800138005', 603));
  assert.deepEqual(gw.lines.map((l) => l.dialled.length), [0, 0]);
  assert.equal(gw.media.open, 0);
});

test('a matching prefix chooses its line and, with strip, leaves the dialled number', async (t) => {
  const gw = await startGateway(2, callsConfig({ stripPrefix: true }, [{ line: 1, prefixes: ['01'] }, { line: 2, prefixes: ['02'] }]));
  t.after(() => gw.close());
  assertPassed(await sipp(gw, 'answered-bye.xml', '0213800138006'));
  assert.equal(gw.lines[0]!.dialled.length, 0);
  assert.deepEqual(gw.lines[1]!.dialled.map((d) => d.number), ['13800138006']);
});

test('the SIM policy allows no line: 403 and nothing is dialled', async (t) => {
  const gw = await startGateway(1);
  t.after(() => gw.close());
  gw.policy = () => ({ ok: false, reason: 'daily call limit reached' });
  assertPassed(await sipp(gw, 'expect-final.xml', '13800138007', 403));
  assert.equal(gw.lines[0]!.dialled.length, 0);
});

test('no answer within noAnswerSec of ringing: 480 and the GSM leg is hung up', async (t) => {
  const gw = await startGateway(1, callsConfig({ noAnswerSec: 0.5 }));
  t.after(() => gw.close());
  gw.lines[0]!.farParty = { kind: 'rings-forever', alertMs: 30 };
  assertPassed(await sipp(gw, 'expect-final.xml', '13800138008', 480));
  await waitUntil(() => !gw.lines[0]!.inCall, 3000, 'the GSM leg to end');
  assert.equal(gw.lines[0]!.hangups, 1);
  const [record] = await recorded(gw);
  assert.equal(record!.voipCause, '480 Temporarily Unavailable');
  assert.match(record!.gatewayCause ?? '', /no answer within/);
});

test('no ringing within noRingSec of dialling: 408 and the GSM leg is hung up', async (t) => {
  const gw = await startGateway(1, callsConfig({ noRingSec: 0.5 }));
  t.after(() => gw.close());
  gw.lines[0]!.farParty = { kind: 'never-rings' };
  assertPassed(await sipp(gw, 'expect-final.xml', '13800138009', 408));
  await waitUntil(() => !gw.lines[0]!.inCall, 3000, 'the GSM leg to end');
  assert.equal(gw.lines[0]!.hangups, 1);
});

test('a CANCEL that crosses the 200 is answered 200 and the call goes on until BYE (RFC 3261 §9.2)', async (t) => {
  const gw = await startGateway(1);
  t.after(() => gw.close());
  gw.lines[0]!.farParty = { kind: 'answers', alertMs: 20, answerMs: 60 };
  assertPassed(await sipp(gw, 'cancel-after-answer.xml', '13800138010'));
  const [record] = await recorded(gw);
  assert.equal(record!.outcome, 'answered');
  assert.equal(record!.voipCause, 'BYE', 'ended by the BYE, not by the CANCEL');
});

test('the GSM side ends after the 200 but before the ACK: BYE only after the ACK (RFC 3261 §15)', async (t) => {
  const gw = await startGateway(1);
  t.after(() => gw.close());
  gw.lines[0]!.farParty = { kind: 'answers', alertMs: 20, answerMs: 60, hangupMs: 200 };
  const states = new Set<string>();
  const watch = setInterval(() => gw.sipToGsm.handler.calls.forEach((c) => states.add(c.state)), 10);
  try {
    assertPassed(await sipp(gw, 'late-ack.xml', '13800138011'));
  } finally {
    clearInterval(watch);
  }
  assert.ok(states.has('closing'), `the call waited for the ACK with the GSM leg gone (states seen: ${[...states].join(', ')})`);
  assert.equal(gw.sipToGsm.handler.calls.length, 0);
});
