/**
 * SIP call set-up latency through the whole daemon (issue 12), in this process on simulated modems
 * with the simulator's "zero" timing (AT answers on the next event-loop turn, no network delay), so
 * the figures are cellgate's own time:
 *
 * A. SIP → GSM: from the INVITE handed to the test's UDP socket to the `ATD` command written to a
 *    simulated modem's AT port. In the figure: UDP on loopback, parsing, the transaction and dialog
 *    layers, the inbound access check (demo mode's loopback trunk), dial rules and line choice, the
 *    call record, the RTP port and media session for the offer, the AT queue. Not in it: the modem's
 *    answer, the network's call set-up, anything after ATD. Each call is turned down by the simulated
 *    outside party as busy (486, ACKed) before the next one starts.
 * B. GSM → SIP: from a simulated modem putting `RING` on its port (an outside caller placed through
 *    the control API) to the INVITE arriving at a UDP socket that `sip.forward.default` points to. In
 *    the figure: the AT port to the host, the line's URC handling (RING and +CLIP), the call record,
 *    the CallRouter's forward decision, the SDP offer (an RTP port), the INVITE client transaction and
 *    UDP on loopback. Not in it: the network's call set-up before RING. The target answers 486 and the
 *    daemon hangs up the GSM call before the next one starts.
 * C. Answer detection on a Quectel line: from the simulated outside party answering a call that SIP
 *    placed (the EC25 then prints `+QIND: "ccinfo"`, enabled at the line's start-up) to the 200 OK
 *    arriving at the caller's UDP socket. In the figure: the URC on the AT port, the line's call state,
 *    the call service, the 200 with its SDP answer, UDP on loopback. Calls that the line choice put on
 *    another family's line are completed and not counted. Target p99 ≤ 100 ms (a +CLCC poll alone would
 *    take up to probeIntervalMs, 3 s).
 * Target for A and B: p99 ≤ 10 ms. Calls are one at a time (latency, not load). The per-source rate limit
 * is raised (sip.rateLimit) so that it does not refuse the bench's own INVITEs.
 * Options: --calls N per direction (default 200), --modems N (default 2).
 */
import { createSocket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { pct, sleep } from './helpers/bench-util.js';
import { nextHostWrite, nextModemOutput } from './helpers/modem-tap.js';
import { startBenchDaemon, type BenchDaemon } from './helpers/sip-bench-daemon.js';
import { header, SipUdpParty, type SipDatagram } from './helpers/sip-udp-party.js';
import type { CallLeg } from '../modem-drivers/simulator/types.js';

const { values } = parseArgs({ options: { calls: { type: 'string' }, modems: { type: 'string' } } });
const CALLS = Number(values.calls ?? 200);
const MODEMS = Number(values.modems ?? 2);
if (!(Number.isInteger(CALLS) && CALLS > 0 && Number.isInteger(MODEMS) && MODEMS > 0)) {
  console.error('sip-latency bench: --calls and --modems must be positive integers');
  process.exit(2);
}
const WARMUP = 10;
const TARGET_P99_MS = 10;
const TARGET_ANSWER_P99_MS = 100;
/** C: a number whose outside party rings until the bench answers it (simulator behaviour 'manual'). */
const ANSWERED_NUMBER = '13800132468';
/**
 * A simulated outside number that is busy: the call ends at once with 486 and the line is free for the
 * next. (An answered call would be seen only at the line's next +CLCC poll, every 3 s: the simulated
 * EC25, like the real one without extra URCs configured, reports no answer by itself.) The figure ends
 * at ATD, before the outcome is known, so it is the same for any number.
 */
const BUSY_NUMBER = '13800130000';
const CALLER = '13912345678';

const isResponseTo = (method: string) => (m: SipDatagram) => m.startLine.startsWith('SIP/2.0 ') && new RegExp(`\\s${method}$`).test(header(m, 'cseq'));
const statusOf = (m: SipDatagram) => Number(m.startLine.split(' ')[1]);

/** Waits until neither the daemon nor the simulated network has a call in progress. */
async function idle(x: BenchDaemon): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (x.d.calls.active().length > 0 || (x.d.simulator?.network.activeCalls ?? 0) > 0) {
    if (Date.now() > deadline) throw new Error('sip-latency bench: calls did not end');
    await sleep(2);
  }
}

function sdpOffer(rtpPort: number): string {
  return ['v=0', 'o=bench 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', `m=audio ${rtpPort} RTP/AVP 0 8`, 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000', ''].join('\r\n');
}

/** A: one INVITE to the daemon; resolves with INVITE → ATD in ms once the call has been ended. */
async function sipToGsm(x: BenchDaemon, uac: SipUdpParty, rtpPort: number, n: number): Promise<number> {
  const callId = `bench-a-${n}-${process.pid}`;
  const local = `127.0.0.1:${uac.port}`;
  const ruri = `sip:${BUSY_NUMBER}@127.0.0.1:${x.sipPort}`;
  const from = `<sip:bench@${local}>;tag=a${n}`;
  const body = sdpOffer(rtpPort);
  const common = (branch: string, cseq: string, to: string) =>
    [`Via: SIP/2.0/UDP ${local};branch=${branch};rport`, `From: ${from}`, `To: ${to}`, `Call-ID: ${callId}`, `CSeq: ${cseq}`, `Contact: <sip:bench@${local}>`, 'Max-Forwards: 70'];
  const inviteBranch = `z9hG4bK-a${n}-inv`;
  const atd = nextHostWrite(/ATD/i);
  const sent = uac.send(
    [`INVITE ${ruri} SIP/2.0`, ...common(inviteBranch, '1 INVITE', `<${ruri}>`), 'Content-Type: application/sdp', `Content-Length: ${Buffer.byteLength(body)}`, '', body].join('\r\n'),
    x.sipPort,
  );
  const final = await uac.next((m) => isResponseTo('INVITE')(m) && statusOf(m) >= 200, 10_000, `the final response to INVITE ${n}`);
  const dialled = await Promise.race([atd, sleep(1).then(() => NaN)]);
  if (Number.isNaN(dialled)) throw new Error(`sip-latency bench: call ${n} got ${final.startLine} without an ATD`);
  // RFC 3261 §17.1.1.3: the ACK of a non-2xx final response is part of the INVITE transaction.
  uac.send([`ACK ${ruri} SIP/2.0`, ...common(inviteBranch, '1 ACK', header(final, 'to')), 'Content-Length: 0', '', ''].join('\r\n'), x.sipPort);
  if (statusOf(final) !== 486) throw new Error(`sip-latency bench: call ${n} to ${BUSY_NUMBER} got ${final.startLine}, not 486`);
  await idle(x);
  return dialled - sent;
}

/** B: one outside caller rings SIM `number`; resolves with RING → INVITE at the forward target in ms. */
async function gsmToSip(x: BenchDaemon, target: SipUdpParty, number: string, n: number): Promise<number> {
  const ring = nextModemOutput(/\bRING\b/);
  const invite = target.next((m) => m.startLine.startsWith('INVITE '), 10_000, `INVITE ${n} at the forward target`);
  await x.sim('POST', '/calls', { from: CALLER, to: number });
  const [ringAt, inv] = await Promise.all([ring, invite]);
  // Turn it down (RFC 3261 §17.2.1: the ACK for it ends the transaction) so the daemon hangs up the GSM call.
  const reply = ['SIP/2.0 486 Busy Here', ...inv.headers.get('via')!.map((v) => `Via: ${v}`), `From: ${header(inv, 'from')}`, `To: ${header(inv, 'to')};tag=b${n}`, `Call-ID: ${header(inv, 'call-id')}`, `CSeq: ${header(inv, 'cseq')}`, 'Content-Length: 0', '', ''].join('\r\n');
  const ack = target.next((m) => m.startLine.startsWith('ACK ') && header(m, 'call-id') === header(inv, 'call-id'), 10_000, `the ACK of 486 ${n}`);
  target.send(reply, inv.from.port, inv.from.address);
  await ack;
  await idle(x);
  return inv.at - ringAt;
}

/**
 * C: one INVITE to ANSWERED_NUMBER; the outside party answers once it rings; resolves with answer → 200 OK
 * at the caller in ms, or null when the call went out on a line that is not a Quectel one.
 */
async function answerTo200(x: BenchDaemon, uac: SipUdpParty, rtpPort: number, n: number, quectelNumbers: ReadonlySet<string>): Promise<number | null> {
  const outside = x.d.simulator!.network.outside;
  const callId = `bench-c-${n}-${process.pid}`;
  const local = `127.0.0.1:${uac.port}`;
  const ruri = `sip:${ANSWERED_NUMBER}@127.0.0.1:${x.sipPort}`;
  const from = `<sip:bench@${local}>;tag=c${n}`;
  const body = sdpOffer(rtpPort);
  const common = (branch: string, cseq: string, to: string) =>
    [`Via: SIP/2.0/UDP ${local};branch=${branch};rport`, `From: ${from}`, `To: ${to}`, `Call-ID: ${callId}`, `CSeq: ${cseq}`, `Contact: <sip:bench@${local}>`, 'Max-Forwards: 70'];
  const called = new Promise<{ leg: CallLeg; from: string }>((resolve) => {
    const off = outside.onCall((leg, info) => {
      if (!info.to.endsWith(ANSWERED_NUMBER.slice(-8))) return;
      off();
      resolve({ leg, from: info.from });
    });
  });
  const ok = uac.next((m) => isResponseTo('INVITE')(m) && header(m, 'call-id') === callId && statusOf(m) >= 200, 10_000, `the final response to INVITE ${n}`);
  uac.send(
    [`INVITE ${ruri} SIP/2.0`, ...common(`z9hG4bK-c${n}-inv`, '1 INVITE', `<${ruri}>`), 'Content-Type: application/sdp', `Content-Length: ${Buffer.byteLength(body)}`, '', body].join('\r\n'),
    x.sipPort,
  );
  const { leg, from: simNumber } = await called;
  // Let the line see the call ring (ALERTING) before the answer, as a person would take a moment.
  await sleep(20);
  const answeredAt = performance.now();
  leg.answer();
  const final = await ok;
  if (statusOf(final) !== 200) throw new Error(`sip-latency bench: call ${n} to ${ANSWERED_NUMBER} got ${final.startLine}, not 200`);
  const to = header(final, 'to');
  uac.send([`ACK ${ruri} SIP/2.0`, ...common(`z9hG4bK-c${n}-ack`, '1 ACK', to), 'Content-Length: 0', '', ''].join('\r\n'), x.sipPort);
  const byeOk = uac.next((m) => isResponseTo('BYE')(m) && header(m, 'call-id') === callId, 10_000, `the response to BYE ${n}`);
  uac.send([`BYE ${ruri} SIP/2.0`, ...common(`z9hG4bK-c${n}-bye`, '2 BYE', to), 'Content-Length: 0', '', ''].join('\r\n'), x.sipPort);
  await byeOk;
  await idle(x);
  return quectelNumbers.has(simNumber) ? final.at - answeredAt : null;
}

function summary(samples: number[]): { p50: number; p99: number; max: number; mean: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: pct(s, 50), p99: pct(s, 99), max: s[s.length - 1]!, mean: s.reduce((a, b) => a + b, 0) / s.length };
}

async function main(): Promise<void> {
  const uac = await SipUdpParty.open();
  const target = await SipUdpParty.open();
  // Where the daemon's RTP for the bench's calls goes: a socket that reads and drops it.
  const rtpSink = createSocket('udp4');
  rtpSink.on('message', () => undefined);
  await new Promise<void>((resolve) => rtpSink.bind(0, '127.0.0.1', resolve));
  const x = await startBenchDaemon({
    modems: MODEMS,
    timing: 'zero',
    config: { sip: { forward: { default: `100@127.0.0.1:${target.port}` }, rateLimit: { perSecond: 10_000, burst: 10_000 } } },
  });
  const a: number[] = [];
  const b: number[] = [];
  const c: number[] = [];
  try {
    const numbers: string[] = [];
    for (let id = 1; id <= MODEMS; id++) numbers.push(((await x.api(`/lines/${id}`)) as { sim: { number: string } }).sim.number);
    for (let n = 0; n < WARMUP + CALLS; n++) {
      const ms = await sipToGsm(x, uac, rtpSink.address().port, n);
      if (n >= WARMUP) a.push(ms);
    }
    for (let n = 0; n < WARMUP + CALLS; n++) {
      const ms = await gsmToSip(x, target, numbers[n % numbers.length]!, n);
      if (n >= WARMUP) b.push(ms);
    }
    const quectel = new Set<string>();
    for (let id = 1; id <= MODEMS; id++) {
      const l = (await x.api(`/lines/${id}`)) as { sim: { number: string }; modem: { model: string | null } };
      // The simulated Quectel modem identifies itself as an EC25 (simulator/modem/dialect.ts).
      if (l.modem.model === 'EC25') quectel.add(l.sim.number);
    }
    if (quectel.size === 0) throw new Error('sip-latency bench: no Quectel line for the answer figure');
    // The number as routed may carry the country code: match its tail.
    x.d.simulator!.network.outside.addRule(new RegExp(`${ANSWERED_NUMBER.slice(-8)}$`), { kind: 'manual' });
    let counted = 0;
    for (let n = 0; counted < WARMUP + CALLS && n < 4 * (WARMUP + CALLS); n++) {
      const ms = await answerTo200(x, uac, rtpSink.address().port, n, quectel);
      if (ms === null) continue;
      if (counted++ >= WARMUP) c.push(ms);
    }
    if (c.length === 0) throw new Error('sip-latency bench: no call went out on a Quectel line');
  } finally {
    await x.stop();
    await uac.close();
    await target.close();
    await new Promise<void>((resolve) => rtpSink.close(() => resolve()));
  }
  const f = (v: number) => v.toFixed(2);
  console.log(
    `sip-latency: daemon in this process, ${MODEMS} simulated modems with "zero" timing, calls one at a time, ${CALLS} measured per direction after ${WARMUP} warm-up calls; sip.rateLimit raised to 10000/s`,
  );
  const rows = [
    ['direction', 'calls', 'p50 ms', 'p99 ms', 'max ms', 'mean ms', 'target'],
    ...(
      [
        ['A. INVITE sent → ATD at the modem', a, TARGET_P99_MS],
        ['B. RING from the modem → INVITE at the target', b, TARGET_P99_MS],
        ['C. answer (Quectel line) → 200 OK at the caller', c, TARGET_ANSWER_P99_MS],
      ] as const
    ).map(([name, samples, target]) => {
      const s = summary(samples);
      return [name, String(samples.length), f(s.p50), f(s.p99), f(s.max), f(s.mean), `p99 ≤ ${target} ms ${s.p99 <= target ? 'OK' : 'MISSED'}`];
    }),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log('  ' + r.map((c, i) => (i >= 1 && i <= 5 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd());
  console.log('  A: UDP loopback, parse, transactions, access check, line choice, call record, RTP port and media session, AT queue; not the modem, the network or anything after ATD');
  console.log('  B: AT port to the host, RING/+CLIP handling, call record, forward decision, SDP offer, INVITE transaction, UDP loopback; not the network before RING');
  console.log('  C: +QIND: "ccinfo" on the AT port, call state, call service, 200 OK with SDP, UDP loopback; calls placed on a SIMCom line not counted');
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
