/**
 * Call waiting through the daemon (manual §4.7; docs/sip.md "Call waiting"): SIPp calls an outside
 * number through a simulated line, and while that call is up an outside caller calls the line's SIM.
 * - mode 1: the second call is answered at once and the first held (AT+CHLD=2); when the second caller
 *   hangs up the first is taken back; both calls are recorded as answered.
 * - disabled (after a configuration change): AT+CCWA=0,0,1 turns waiting off in the network, and the
 *   second caller hears busy.
 * - mode 2: nothing happens until the SIP side sends "3", "2" in INFO; then the second is answered and
 *   the first held.
 * - mode 3: answered and held as in mode 1, then 2 s later the second is held and the first taken back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { AUTH, waitFor } from './sms-daemon.js';
import { apiCalls, assertSippPassed, sippCall, startLinesDaemon, TO_GSM_SCENARIOS, type LinesDaemon } from './sip-calls-in-helpers.js';

const LONG_BYE = join(TO_GSM_SCENARIOS, 'answered-long-bye.xml');
const INFO_32 = join(TO_GSM_SCENARIOS, 'answered-info-32-bye.xml');
const SECOND_CALLER = '+8613911112222';

interface SimCall {
  number: string;
  state: string;
  held: boolean;
}

async function modemCalls(control: string): Promise<{ call: SimCall | null; secondCall: SimCall | null }> {
  return (await (await fetch(`${control}/modems/1`)).json()) as { call: SimCall | null; secondCall: SimCall | null };
}

async function simNumber(x: LinesDaemon): Promise<string> {
  const line = (await (await fetch(`${x.api}/lines/1`, { headers: AUTH })).json()) as { sim: { number: string | null } };
  assert.ok(line.sim.number, 'the line knows its number');
  return line.sim.number;
}

/** The outside caller calls the line's SIM; its id in the control API. */
async function callTheLine(x: LinesDaemon, to: string): Promise<number> {
  const r = await fetch(`${x.control}/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: SECOND_CALLER, to }) });
  assert.equal(r.status, 200);
  return ((await r.json()) as { id: number }).id;
}

async function outsideCall(x: LinesDaemon, id: number): Promise<{ endedAt: number | null; cause: string | null }> {
  const { calls } = (await (await fetch(`${x.control}/calls`)).json()) as { calls: Array<{ id: number; endedAt: number | null; cause: string | null }> };
  return calls.find((c) => c.id === id)!;
}

async function waitingInNetwork(x: LinesDaemon, on: boolean): Promise<void> {
  const sims = async () => ((await (await fetch(`${x.control}/sims`)).json()) as { sims: Array<{ callWaiting: boolean }> }).sims;
  await waitFor(`call waiting ${on ? 'on' : 'off'} in the network`, sims, (s) => s[0]?.callWaiting === on, 5000);
}

const firstUp = (x: LinesDaemon) => waitFor('the SIP → GSM call to be up', () => modemCalls(x.control), (m) => m.call?.state === 'active', 10_000);

const TRUNK = { demoTrunk: 'off', trunk: { peers: [{ addresses: ['127.0.0.0/8'] }] } };

test('mode 1: the second call is answered and the first held, taken back when the second hangs up; then disabled: the second caller hears busy', async (t) => {
  const x = await startLinesDaemon([{}], { sip: { ...TRUNK, callWaiting: { default: 'disabled', lines: { '1': 'mode1' } } } });
  t.after(() => x.stop());
  const own = await simNumber(x);
  await waitingInNetwork(x, true);
  const sipp = sippCall(x.d.sip!.ports.udp, { scenario: LONG_BYE, number: '13912340101', extraArgs: ['-d', '6000'] });
  await firstUp(x);
  const second = await callTheLine(x, own);
  const both = await waitFor('the second call answered, the first held', () => modemCalls(x.control), (m) => m.secondCall?.state === 'active' && m.call?.held === true, 5000);
  assert.equal(both.secondCall!.number, SECOND_CALLER);
  const live = await apiCalls(x.api);
  const secondRecord = live.find((c) => c.number === SECOND_CALLER && c.active);
  assert.ok(secondRecord?.answerAt, 'the second call is recorded as answered while up');
  await fetch(`${x.control}/calls/${second}/hangup`, { method: 'POST' });
  const after = await waitFor('the first call taken back', () => modemCalls(x.control), (m) => m.secondCall === null && m.call?.held === false, 5000);
  assert.equal(after.call!.state, 'active');
  assertSippPassed(await sipp);
  const records = await waitFor('both records ended', () => apiCalls(x.api), (l) => l.filter((c) => !c.active).length >= 2);
  const ended = records.filter((c) => !c.active);
  assert.deepEqual(ended.map((c) => [c.number, c.outcome]).sort(), [['13912340101', 'answered'], [SECOND_CALLER, 'answered']].sort());
  assert.equal(ended.find((c) => c.number === SECOND_CALLER)!.origin, 'network');

  // Disabled: the configuration change turns waiting off in the network (AT+CCWA=0,0,1).
  await x.d.config.update((c) => {
    c.sip.callWaiting.lines = {};
  });
  await waitingInNetwork(x, false);
  const sipp2 = sippCall(x.d.sip!.ports.udp, { scenario: LONG_BYE, number: '13912340102', extraArgs: ['-d', '3000'] });
  await firstUp(x);
  const busy = await callTheLine(x, own);
  const refused = await waitFor('the second caller to hear busy', () => outsideCall(x, busy), (c) => c.endedAt !== null, 5000);
  assert.equal(refused.cause, 'busy');
  assert.equal((await modemCalls(x.control)).secondCall, null);
  assertSippPassed(await sipp2);
});

test('mode 2: the second call waits until the SIP side sends "3", "2" in INFO; then it is answered and the first held', async (t) => {
  const x = await startLinesDaemon([{}], { sip: { ...TRUNK, callWaiting: { default: 'mode2' } } });
  t.after(() => x.stop());
  const own = await simNumber(x);
  await waitingInNetwork(x, true);
  const sipp = sippCall(x.d.sip!.ports.udp, { scenario: INFO_32, number: '13912340103', extraArgs: ['-d', '2500'] });
  await firstUp(x);
  await callTheLine(x, own);
  const waiting = await waitFor('the second call to wait', () => modemCalls(x.control), (m) => m.secondCall?.state === 'incoming', 3000);
  assert.equal(waiting.call!.held, false);
  await waitFor('the swap after INFO 3, 2', () => modemCalls(x.control), (m) => m.secondCall?.state === 'active' && m.call?.held === true, 8000);
  assertSippPassed(await sipp);
  // The SIP leg's BYE ends both calls.
  await waitFor('both calls over', () => modemCalls(x.control), (m) => m.call === null && m.secondCall === null, 5000);
});

test('mode 3: the second call is answered and the first held; after 2 s the second is held and the first taken back', async (t) => {
  const x = await startLinesDaemon([{}], { sip: { ...TRUNK, callWaiting: { default: 'mode3' } } });
  t.after(() => x.stop());
  const own = await simNumber(x);
  await waitingInNetwork(x, true);
  const sipp = sippCall(x.d.sip!.ports.udp, { scenario: LONG_BYE, number: '13912340104', extraArgs: ['-d', '5000'] });
  await firstUp(x);
  await callTheLine(x, own);
  await waitFor('the second call answered, the first held', () => modemCalls(x.control), (m) => m.secondCall?.state === 'active' && m.call?.held === true, 3000);
  const swapped = await waitFor('the swap back', () => modemCalls(x.control), (m) => m.secondCall?.held === true && m.call?.held === false, 4000);
  assert.equal(swapped.secondCall!.state, 'active');
  assertSippPassed(await sipp);
  await waitFor('both calls over after the BYE', () => modemCalls(x.control), (m) => m.call === null && m.secondCall === null, 5000);
});
