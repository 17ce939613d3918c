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

/** A frame more or less than the span at either end: the pty hop may move the first or last frame's arrival. */
export const DRIFT_FRAMES = 2;
/**
 * Frames the daemon may write that the modem does not pass into the call: before its PCM is on, or after
 * the network ended the call (the simulated modem discards those). Set-up, not drift.
 */
export const SETUP_FRAMES = 5;
/** A call must bring back at least this share of the tone frames it sent, both ways. */
export const MIN_AUDIO_SHARE = 0.8;
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
  const silent = calls.filter((c) => c.toneHeard < c.sentFrames * MIN_AUDIO_SHARE || c.echoFrames < c.sentFrames * MIN_AUDIO_SHARE);
  out.push({
    name: 'every call carried audio both ways',
    ok: n === r.options.calls && silent.length === 0,
    detail:
      `${n} of ${r.options.calls} calls answered; tone frames sent ${calls[0]?.sentFrames ?? 0} per call, heard by the outside party min ${min((c) => c.toneHeard)}, echoed back to the RTP peer min ${min((c) => c.echoFrames)}; ` +
      `${silent.length} calls under ${MIN_AUDIO_SHARE * 100} %${silent.length ? ` (first: call ${silent[0]!.k})` : ''}`,
  });

  const drift = calls.map((c) => c.heard - c.spanFrames);
  const drifted = calls.filter((c, i) => c.heard === 0 || Math.abs(drift[i]!) > DRIFT_FRAMES);
  const hist = new Map<number, number>();
  for (const d of drift) hist.set(d, (hist.get(d) ?? 0) + 1);
  out.push({
    name: `no frame drift: frames the modem got = the span they came in, ±${DRIFT_FRAMES}`,
    ok: drifted.length === 0,
    detail: `frames heard − span/20 ms per call: ${[...hist].sort((a, b) => a[0] - b[0]).map(([d, k]) => `${d >= 0 ? '+' : ''}${d}: ${k} calls`).join(', ')}; heard per call ${min((c) => c.heard)}–${Math.max(...calls.map((c) => c.heard))} frames`,
  });

  const counted = calls.filter((c) => c.daemon !== null);
  const gap = counted.map((c) => c.daemon!.framesOut - c.heard);
  const badGap = gap.filter((g) => g < -DRIFT_FRAMES || g > DRIFT_FRAMES + SETUP_FRAMES).length;
  const recoveries = counted.reduce((s, c) => s + c.daemon!.recoveries, 0);
  out.push({
    name: `the daemon's frames written = what the modem got, ±${DRIFT_FRAMES} plus ${SETUP_FRAMES} of set-up; no port recoveries`,
    ok: counted.length === n && badGap === 0 && recoveries === 0,
    detail: `"call audio ended" counters for ${counted.length} of ${n} calls; written − heard min ${Math.min(...gap)}, max ${Math.max(...gap)}, ${badGap} outside; ${recoveries} recoveries`,
  });

  const runs = (list: CycleResult['endedInOrder']) => list.reduce((s, c) => s + c.underruns + c.overruns, 0);
  const k = Math.min(COMPARED_CALLS, Math.floor(r.endedInOrder.length / 2));
  const first = runs(r.endedInOrder.slice(0, k));
  const last = runs(r.endedInOrder.slice(-k));
  const under = r.endedInOrder.reduce((s, c) => s + c.underruns, 0);
  const over = r.endedInOrder.reduce((s, c) => s + c.overruns, 0);
  // "Not growing": at most one more under- or overrun per ten calls at the end than at the start.
  out.push({
    name: `under/overruns do not grow with the call number (first ${k} vs last ${k} calls)`,
    ok: k > 0 && last <= first + k / 10,
    detail: `first ${k}: ${first}, last ${k}: ${last}; all ${r.endedInOrder.length} calls: ${under} underruns, ${over} overruns`,
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
