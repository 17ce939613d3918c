/**
 * Call cycles through the daemon (issue 13: "the audio port is opened and closed for 500 consecutive
 * simulated calls with no frame drift and no leaked file descriptors"). `cellgate start` in its own
 * process, its lines on simulated modems whose AT and PCM ports are ptys (EC25 and SIM7600 in turn);
 * one SIP client per line places short calls one after another to outside numbers that echo, each
 * carrying a paced 1 kHz A-law stream and ended by BYE (bench/helpers/call-cycles.ts). Printed beside
 * the targets (bench/helpers/call-cycles-checks.ts):
 *
 * - audio both ways in every call: tone frames the outside party heard, and that came back as RTP;
 * - frame drift per call: the frames the modem got from the daemon against the time they took to come
 *   (less the ticks the daemon skipped in a stall); the daemon's own count of frames written against
 *   what the modem's port passed into the call and discarded;
 * - under/overruns (the daemon's "call audio ended" counters) of the first 50 calls against the last 50;
 * - the daemon's open file descriptors before, during and after, and its RSS;
 * - calls per second and set-up time.
 * Options (environment): CELLGATE_BENCH_CYCLES (default 500), CELLGATE_BENCH_CYCLE_LINES (default 8),
 * CELLGATE_BENCH_CYCLE_AUDIO_MS (default 400). The process exits non-zero when a check fails.
 */
import { pct } from './helpers/bench-util.js';
import { runCallCycles } from './helpers/call-cycles.js';
import { cycleChecks } from './helpers/call-cycles-checks.js';

const CALLS = Number(process.env.CELLGATE_BENCH_CYCLES ?? 500);
const LINES = Number(process.env.CELLGATE_BENCH_CYCLE_LINES ?? 8);
const AUDIO_MS = Number(process.env.CELLGATE_BENCH_CYCLE_AUDIO_MS ?? 400);

async function main(): Promise<boolean> {
  const r = await runCallCycles({ calls: CALLS, lines: LINES, audioMs: AUDIO_MS, tailMs: 200 });
  const setup = r.calls.map((c) => c.setupMs).sort((a, b) => a - b);
  const retries = r.calls.reduce((s, c) => s + c.retries, 0);
  console.log(
    `call-cycles: ${r.calls.length} SIP → GSM calls through cellgate start on ${LINES} simulated lines (PCM ports on ptys), one line's calls after each other, ` +
      `${AUDIO_MS} ms of 1 kHz A-law each to an echoing outside number, then BYE`,
  );
  console.log(
    `  ${(r.elapsedMs / 1000).toFixed(1)} s, ${((r.calls.length / r.elapsedMs) * 1000).toFixed(1)} calls/s; INVITE → 200 OK p50 ${pct(setup, 50).toFixed(0)} ms, p99 ${pct(setup, 99).toFixed(0)} ms ` +
      `(${retries} INVITEs retried: the line still hanging up its last call)`,
  );
  const pcm = r.calls.map((c) => c.pcmAfterAnswerMs).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  console.log(`  the outside party answered → the first frame the daemon wrote reached it (the line switching PCM on and opening the port): p50 ${pct(pcm, 50).toFixed(0)} ms, max ${pcm.at(-1)!.toFixed(0)} ms`);
  let ok = true;
  for (const c of cycleChecks(r)) {
    ok &&= c.ok;
    console.log(`  ${c.name}: ${c.detail}  ${c.ok ? 'ok' : 'MISSED'}`);
  }
  return ok;
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  },
);
