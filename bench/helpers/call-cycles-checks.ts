/**
 * What a run of call cycles (call-cycles.ts) must show, as named checks with their figures: the bench
 * prints them beside their targets and the end-to-end test asserts them.
 */
import { RSS_BUDGET_MB, UNDER_LOAD_ALLOWANCE_MB } from '../memory-budget.js';
import type { CallRecord, CycleResult } from './call-cycles.js';

export interface CycleCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/** Frames a call's count may be off by: one at either end of a half-way split, and rounding. */
export const DRIFT_FRAMES = 2;
/**
 * Each call must carry at least this share of the tone frames it sent, both ways; all calls together at
 * least MIN_TOTAL_AUDIO_SHARE. A stall of the machine (another process holding both cores) costs a call
 * some frames, which the daemon counts as skipped ticks; no audio at all is a failure.
 */
export const MIN_AUDIO_SHARE = 0.25;
export const MIN_TOTAL_AUDIO_SHARE = 0.9;
/** Calls compared at the start and at the end of the run for under/overruns. */
export const COMPARED_CALLS = 50;
/** Descriptors a call may hold while it runs: its audio port, its RTP and RTCP sockets, one spare. */
export const FDS_PER_CALL = 4;
/** Descriptors the first calls may open for good (the RTP socket pool, a timer or event fd). */
export const FIRST_CALL_FDS = 8;

const mb = (b: number) => (b / 2 ** 20).toFixed(1);

export function cycleChecks(r: CycleResult): CycleCheck[] {
  const { calls, fd, rss } = r;
  const n = calls.length;
  const out: CycleCheck[] = [];

  const min = (f: (c: CallRecord) => number) => Math.min(...calls.map(f));
  const sum = (f: (c: CallRecord) => number) => calls.reduce((t, c) => t + f(c), 0);
  const skipped = (c: CallRecord) => c.daemon?.skippedTicks ?? 0;
  const silent = calls.filter((c) => c.toneHeard < c.sentFrames * MIN_AUDIO_SHARE || c.echoFrames < c.sentFrames * MIN_AUDIO_SHARE);
  const sent = sum((c) => c.sentFrames);
  // Capped at what the call sent: the jitter buffer's concealment after the stream's last packet repeats
  // a frame or two of the tone, which would hide a loss elsewhere.
  const heardShare = sum((c) => Math.min(c.toneHeard, c.sentFrames)) / Math.max(1, sent);
  const echoShare = sum((c) => Math.min(c.echoFrames, c.sentFrames)) / Math.max(1, sent);
  out.push({
    name: 'every call carried audio both ways',
    ok: n === r.options.calls && silent.length === 0 && heardShare >= MIN_TOTAL_AUDIO_SHARE && echoShare >= MIN_TOTAL_AUDIO_SHARE,
    detail:
      `${n} of ${r.options.calls} calls answered; tone frames sent ${calls[0]?.sentFrames ?? 0} per call, heard by the outside party min ${min((c) => c.toneHeard)} (all calls ${(heardShare * 100).toFixed(1)} %), ` +
      `echoed back to the RTP peer min ${min((c) => c.echoFrames)} (${(echoShare * 100).toFixed(1)} %); ${silent.length} calls under ${MIN_AUDIO_SHARE * 100} %${silent.length ? ` (first: call ${silent[0]!.k})` : ''}`,
  });

  // Over each call the frames keep pace with the wall clock: behind by no more than ±2 frames, plus the
  // ticks the daemon skipped (and counted) because the process was stalled for more than 100 ms.
  const drifted = calls.filter((c) => !(c.heard > 0 && c.lagFrames <= DRIFT_FRAMES + skipped(c) && c.lagFrames >= -DRIFT_FRAMES));
  const hist = new Map<number, number>();
  for (const c of calls) hist.set(Math.round(c.lagFrames), (hist.get(Math.round(c.lagFrames)) ?? 0) + 1);
  const stalled = calls.filter((c) => skipped(c) > 0);
  out.push({
    name: `no frame drift: over each call the frames the modem got keep pace with the clock, ±${DRIFT_FRAMES} (plus the ticks the daemon skipped in a stall)`,
    ok: drifted.length === 0,
    detail:
      `frames behind the clock by the end of the call: ${[...hist].sort((a, b) => a[0] - b[0]).map(([d, k]) => `${d > 0 ? '+' : ''}${d}: ${k}`).join(', ')} calls (least ${min((c) => c.lagFrames).toFixed(2)}, most ${Math.max(...calls.map((c) => c.lagFrames)).toFixed(2)}); heard per call ${min((c) => c.heard)}–${Math.max(...calls.map((c) => c.heard))} frames; ` +
      `${stalled.length} calls with a stall of the daemon (${sum(skipped)} ticks skipped); ${drifted.length} calls off${drifted.length ? ` (first: call ${drifted[0]!.k}, ${drifted[0]!.lagFrames.toFixed(1)} frames, ${skipped(drifted[0]!)} skipped)` : ''}`,
  });

  // What the daemon wrote = what the modem's port passed into the call + what it discarded with no call
  // up, both from the port's own counters.
  const counted = calls.filter((c) => c.daemon !== null);
  const gap = counted.map((c) => c.daemon!.framesOut - c.portFramesIn - c.discarded);
  const badGap = gap.filter((g) => Math.abs(g) > DRIFT_FRAMES).length;
  const recoveries = counted.reduce((t, c) => t + c.daemon!.recoveries, 0);
  out.push({
    name: `the daemon's frames written = what the modem's port passed into the call + discarded, ±${DRIFT_FRAMES}; no port recoveries`,
    ok: counted.length === n && badGap === 0 && recoveries === 0,
    detail:
      `"call audio ended" counters for ${counted.length} of ${n} calls; written − passed − discarded min ${Math.min(...gap)}, max ${Math.max(...gap)}, ${badGap} outside; ` +
      `discarded (written after the network ended the call) ${sum((c) => c.discarded)} frames in all, max ${Math.max(...calls.map((c) => c.discarded))} in a call; ${recoveries} recoveries`,
  });

  // A stall makes overruns by design (the modem's frames that queued meanwhile arrive at once and are
  // dropped beyond the read credit): those calls are reported, and the comparison is of the others.
  const runs = (list: CycleResult['endedInOrder']) => list.reduce((t, c) => t + c.underruns + c.overruns, 0);
  const steady = r.endedInOrder.filter((c) => c.skippedTicks === 0);
  const k = Math.min(COMPARED_CALLS, Math.floor(steady.length / 2));
  const first = runs(steady.slice(0, k));
  const last = runs(steady.slice(-k));
  const under = r.endedInOrder.reduce((t, c) => t + c.underruns, 0);
  const over = r.endedInOrder.reduce((t, c) => t + c.overruns, 0);
  const stallsAt = (list: CycleResult['endedInOrder']) => list.filter((c) => c.skippedTicks > 0).length;
  // "Not growing": at most one more under- or overrun per ten calls at the end than at the start.
  out.push({
    name: `under/overruns do not grow with the call number (first ${k} vs last ${k} calls without a stall)`,
    ok: k >= Math.min(COMPARED_CALLS, Math.floor(n / 4)) && last <= first + k / 10,
    detail:
      `first ${k}: ${first}, last ${k}: ${last}; all ${r.endedInOrder.length} calls: ${under} underruns, ${over} overruns; ` +
      `calls with a stall among the first ${COMPARED_CALLS}: ${stallsAt(r.endedInOrder.slice(0, COMPARED_CALLS))}, the last ${COMPARED_CALLS}: ${stallsAt(r.endedInOrder.slice(-COMPARED_CALLS))}`,
  });

  const lines = r.options.lines;
  const fdOk = fd.end <= fd.afterFirstCalls && fd.half <= fd.afterFirstCalls && fd.afterFirstCalls - fd.start <= FIRST_CALL_FDS && fd.maxDuring <= fd.afterFirstCalls + FDS_PER_CALL * lines;
  out.push({
    name: 'no leaked file descriptors',
    ok: fdOk,
    detail:
      `daemon /proc/<pid>/fd: ${fd.start} before the first call, ${fd.afterFirstCalls} after one call per line (at most +${FIRST_CALL_FDS}), ${fd.half} half-way, ${fd.end} after ${n} calls (at most the level after the first calls); ` +
      `most while calls ran ${fd.maxDuring} (at most +${FDS_PER_CALL} per line, ${lines} lines)`,
  });

  const limit = RSS_BUDGET_MB + UNDER_LOAD_ALLOWANCE_MB;
  out.push({
    name: `daemon RSS after the calls ≤ ${limit} MB (docs/decisions/0018 budget + allowance)`,
    ok: rss.end / 2 ** 20 <= limit,
    detail: `RSS ${mb(rss.start)} MB before the first call, ${mb(rss.half)} MB half-way, ${mb(rss.end)} MB after ${n} calls, high-water ${mb(rss.hwm)} MB`,
  });
  return out;
}
