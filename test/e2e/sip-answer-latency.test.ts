/**
 * SIP → GSM on a simulated Quectel EC25 line: the 200 OK follows the called party's answer at once
 * (docs/sip.md "Answer detection"). The line enables `+QIND: "ccinfo"` at start-up and learns the answer
 * from that URC; before, it learnt it from its next +CLCC poll, up to one poll interval (3 s by default)
 * late, and the caller missed the first words.
 *
 * The simulated outside party answers by hand, right after the modem has answered one of the line's
 * +CLCC polls (the call still alerting): the poll alone would see the answer only at the next poll, a
 * whole interval (3 s here, the default) later, so the test cannot pass on polling by chance.
 * The time is taken from the simulator's answer to SIPp's receipt of the 200 (SIPp's gettimeofday, the
 * same wall clock). Bound 500 ms: the path is in-process work plus two loopback hops (simulated AT port,
 * UDP) and takes a few milliseconds; the margin covers a loaded 2-core machine (GC pauses, other test
 * processes) while staying far below the 3 s a poll would take.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimPort } from '../../modem-drivers/simulator/modem/sim-port.js';
import type { CallLeg } from '../../modem-drivers/simulator/types.js';
import { assertSippPassed, endedRecord, sippCall, startLinesDaemon, TO_GSM_SCENARIOS } from './sip-calls-in-helpers.js';
import { waitFor } from './sms-daemon.js';

const ANSWERED_TIMED = join(TO_GSM_SCENARIOS, 'answered-timed.xml');
const BOUND_MS = 500;
const POLL_MS = 3000;

/** Calls `fn` once, on the next +CLCC reply a simulated modem puts on its port. */
function afterNextClccReply(fn: () => void): () => void {
  const proto = SimPort.prototype;
  const send = proto.send;
  let armed = true;
  proto.send = function (this: SimPort, s: string): void {
    send.call(this, s);
    if (armed && s.includes('+CLCC: ')) {
      armed = false;
      setImmediate(fn);
    }
  };
  return () => {
    proto.send = send;
  };
}

test('Quectel line: the 200 OK reaches SIPp within 500 ms of the outside party answering, not at the next +CLCC poll', async (t) => {
  const x = await startLinesDaemon([{}], { sip: { trunk: { peers: [{ addresses: ['127.0.0.1'] }] } } }, { probeIntervalMs: POLL_MS, unresponsiveAfterMs: 10_000 });
  t.after(() => x.stop());
  const number = '13912342468';
  x.sim.network.outside.addRule(/2468$/, { kind: 'manual' });
  let leg: CallLeg | null = null;
  x.sim.network.outside.onCall((l, info) => {
    if (info.to.endsWith('2468')) leg = l;
  });
  let answeredAt = 0;
  let restore = () => {};
  const dir = mkdtempSync(join(tmpdir(), 'cellgate-answer-'));
  t.after(() => {
    restore();
    rmSync(dir, { recursive: true, force: true });
  });
  const logFile = join(dir, 'sipp.log');
  const call = sippCall(x.d.sip!.ports.udp, { scenario: ANSWERED_TIMED, number, extraArgs: ['-trace_logs', '-log_file', logFile] });
  // The outside party's leg rings ('incoming') until it is answered.
  await waitFor('the outside party to ring', () => (leg as CallLeg | null)?.state ?? null, (state) => state === 'incoming');
  restore = afterNextClccReply(() => {
    answeredAt = Date.now();
    leg!.answer();
  });
  assertSippPassed(await call);
  restore();
  assert.ok(answeredAt > 0, 'answered after a +CLCC poll');
  const m = /answered (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)/.exec(readFileSync(logFile, 'utf8'));
  assert.ok(m, 'SIPp logged the 200 time');
  const okAt = Number(m[1]) * 1000 + Number(m[2]) / 1000;
  const latency = okAt - answeredAt;
  t.diagnostic(`answer → 200 OK at SIPp: ${latency.toFixed(1)} ms`);
  assert.ok(latency >= 0 && latency < BOUND_MS, `200 OK ${latency.toFixed(1)} ms after the answer (bound ${BOUND_MS} ms, poll ${POLL_MS} ms)`);
  const record = await endedRecord(x.api, number);
  assert.equal(record.outcome, 'answered');
});
