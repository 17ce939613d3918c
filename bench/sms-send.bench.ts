/**
 * Outbound SMS through cellgate's own send path (issue 5): SmsScheduler → Line → driver → AT+CMGS on
 * simulated modems (modem-drivers/simulator, in this process), with the durable MessageStore (WAL,
 * each status change fdatasynced (WalSync) before the next step: a message is committed as `sending` before its AT+CMGS, and its outcome after).
 *
 * A. One line on a zero-latency simulated modem: the rate cellgate itself can sustain per line.
 *    Target ≥ 20 SMS/s.
 * B. Eight lines on modems with the simulator's realistic timing (AT commands answer after 5 ms, the
 *    network accepts an SMS 2.5 s after AT+CMGS): achieved rate as a fraction of the lines' combined
 *    capacity. The modem's time per SMS is measured on the wire (AT+CMGS written → +CMGS: answer) and
 *    capacity = lines / that mean time, so whatever the line spends between two SMS (scheduler, store
 *    writes, polls on the same AT channel) counts against cellgate. Target ≥ 95 %.
 *
 * Messages are single-part, queued before the clock starts, all to the number of one more simulated
 * SIM that no line drives (its modem stores them; the network keeps a backlog once its SIM is full).
 * Status reports are not requested: the SMS receiver is not part of this measurement.
 * Options: --messages N (A, default 500), --seconds N (B: work per line, default 10).
 */
import { parseArgs } from 'node:util';
import { Simulator, timingPreset, type TimingPreset } from '../modem-drivers/simulator/simulator.js';
import { Line } from '../src/line/line.js';
import { SimPortProvider } from '../src/wiring/sim-port-provider.js';
import { SmsScheduler } from '../src/sms/scheduler.js';
import { asSendingLine } from '../src/sms/send-text.js';
import { MessageStore, type NewOutbound } from '../src/store/message-store.js';
import { silentLogger } from '../src/util/log.js';
import { benchDir, pct, sleep, smsConfig } from './helpers/bench-util.js';
import { CmgsTimer } from './helpers/cmgs-timing.js';

const { values } = parseArgs({ options: { messages: { type: 'string' }, seconds: { type: 'string' } } });
const MESSAGES = Number(values.messages ?? 500);
const SECONDS = Number(values.seconds ?? 10);
if (!(Number.isInteger(MESSAGES) && MESSAGES > 0 && SECONDS > 0)) {
  console.error('sms-send bench: --messages must be a positive integer and --seconds positive');
  process.exit(2);
}

interface Outcome {
  lines: number;
  messages: number;
  sent: number;
  notSent: number;
  seconds: number;
  spans: number[];
  perLine: Record<string, number>;
  fs: string;
  simTiming: Simulator['timing'];
}

async function until(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`sms-send bench: timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** `lines` lines on modems 1..lines, sending `messages` SMS to modem lines+1's SIM. */
async function scenario(lineCount: number, timing: TimingPreset, messages: number, timeoutMs: number): Promise<Outcome> {
  const log = silentLogger();
  const sim = new Simulator({ modems: lineCount + 1, timing });
  const tmp = benchDir('cellgate-sms-bench-');
  const store = MessageStore.open(tmp.dir);
  const timer = new CmgsTimer();
  const lines = sim.modems.slice(0, lineCount).map((m, i) => new Line({ id: i + 1, port: timer.wrap(new SimPortProvider(() => sim.modems, m.imei)), log }));
  const config = smsConfig({ statusReports: false, sendIntervalSec: 0 });
  const scheduler = new SmsScheduler({ store, lines: () => lines.map(asSendingLine), config: () => config, log });
  try {
    for (const l of lines) l.start();
    await until('the lines to register', () => lines.every((l) => l.status().lifecycle === 'registered'), 60_000);
    const to = sim.modem(lineCount + 1)!.status().sims.find((s) => s.slot === 'A')!.number!;
    const batch: NewOutbound[] = Array.from({ length: messages }, (_, i) => ({ origin: 'api', recipient: to, number: to, text: `cellgate bench SMS ${i + 1}`, parts: 1 }));
    await store.enqueueMany(batch);

    const t0 = performance.now();
    scheduler.start();
    const done = () => scheduler.stats.sent + scheduler.stats.failed + scheduler.stats.unknown >= messages;
    await until(`${messages} SMS to be sent`, done, timeoutMs);
    const seconds = (performance.now() - t0) / 1000;
    const perLine = Object.fromEntries(Object.entries(scheduler.lineStats()).map(([id, s]) => [id, s.sent]));
    return {
      lines: lineCount,
      messages,
      sent: scheduler.stats.sent,
      notSent: messages - scheduler.stats.sent,
      seconds,
      spans: [...timer.spans].sort((a, b) => a - b),
      perLine,
      fs: tmp.fs,
      simTiming: sim.timing,
    };
  } finally {
    await scheduler.stop();
    await Promise.all(lines.map((l) => l.stop()));
    sim.close();
    store.close();
    tmp.remove();
  }
}

const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;

async function main(): Promise<void> {
  // A. one zero-latency line
  const a = await scenario(1, 'zero', MESSAGES, 120_000);
  const aRate = a.sent / a.seconds;
  const aSpan = a.spans.reduce((s, x) => s + x, 0) / a.spans.length;
  const perSms = (a.seconds * 1000) / a.sent;
  console.log(`sms-send: store ${a.fs}; SQLite WAL, every status change fdatasynced ('sending' durable before every AT+CMGS, the outcome after it)`);
  console.log(
    `A one line, zero-latency simulated modem: ${a.sent} SMS in ${a.seconds.toFixed(2)} s = ${aRate.toFixed(1)} SMS/s  target >= 20 SMS/s ${aRate >= 20 && a.notSent === 0 ? 'OK' : 'MISSED'}` +
      (a.notSent ? ` (${a.notSent} not sent)` : ''),
  );
  console.log(`  per SMS ${ms(perSms)}: AT+CMGS on the wire ${ms(aSpan)} (p50 ${ms(pct(a.spans, 50))}, p99 ${ms(pct(a.spans, 99))}), the rest ${ms(perSms - aSpan)} (scheduler passes, durable status commits, line polls)`);

  // B. eight lines with realistic modem timing
  const LINES = 8;
  const nominal = (sim: Simulator['timing']) => sim.smsSendMs + 2 * sim.commandMs;
  const perLineCount = Math.max(1, Math.round((SECONDS * 1000) / nominal(timingPreset('realistic'))));
  const b = await scenario(LINES, 'realistic', LINES * perLineCount, 60_000 + SECONDS * 4000);
  const bRate = b.sent / b.seconds;
  const bSpan = b.spans.reduce((s, x) => s + x, 0) / b.spans.length;
  const capacity = LINES / (bSpan / 1000);
  const frac = bRate / capacity;
  console.log(
    `B ${LINES} lines, realistic simulated modems (AT answers after ${b.simTiming.commandMs} ms, network accepts an SMS ${b.simTiming.smsSendMs} ms after AT+CMGS): ` +
      `${b.sent} SMS (${perLineCount} per line) in ${b.seconds.toFixed(2)} s = ${bRate.toFixed(2)} SMS/s`,
  );
  console.log(
    `  modem time per SMS measured on the wire (AT+CMGS → +CMGS:) mean ${ms(bSpan)} (min ${ms(b.spans[0]!)}, max ${ms(b.spans[b.spans.length - 1]!)}); ` +
      `capacity ${LINES} / ${(bSpan / 1000).toFixed(3)} s = ${capacity.toFixed(2)} SMS/s; achieved ${(frac * 100).toFixed(1)} % of capacity  target >= 95 % ${frac >= 0.95 && b.notSent === 0 ? 'OK' : 'MISSED'}`,
  );
  const gap = (b.seconds * 1000 * LINES - b.spans.reduce((s, x) => s + x, 0)) / b.sent;
  console.log(`  time per line outside AT+CMGS: ${ms(gap)} per SMS on average (start-up and the last line's finish included); sent per line ${Object.values(b.perLine).join('/')}` + (b.notSent ? `; ${b.notSent} not sent` : ''));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
