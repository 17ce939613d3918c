/**
 * The signal history (GET /api/lines/:id/signal: one sample a minute, minutes without a status
 * missing) as chart data: x in Unix seconds, y in dBm; a gap longer than one and a half steps gets
 * a null so the line breaks there instead of drawing across a time the line had no status.
 */
import type { SignalSample } from './records.js';

export function signalSeries(samples: readonly SignalSample[], stepSec: number): [number[], Array<number | null>] {
  const xs: number[] = [];
  const ys: Array<number | null> = [];
  let prev: number | undefined;
  for (const s of samples) {
    if (prev !== undefined && s.t - prev > stepSec * 1.5) {
      xs.push(prev + stepSec);
      ys.push(null);
    }
    xs.push(s.t);
    ys.push(s.dbm);
    prev = s.t;
  }
  return [xs, ys];
}

export interface SignalSummary {
  count: number;
  known: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  last: number | null;
}

/** Text alternative's numbers: weakest, strongest, average and latest known dBm. */
export function signalSummary(samples: readonly SignalSample[]): SignalSummary {
  const known = samples.map((s) => s.dbm).filter((d): d is number => d !== null);
  if (known.length === 0) return { count: samples.length, known: 0, min: null, max: null, mean: null, last: null };
  return {
    count: samples.length,
    known: known.length,
    min: Math.min(...known),
    max: Math.max(...known),
    mean: Math.round(known.reduce((a, b) => a + b, 0) / known.length),
    last: known[known.length - 1]!,
  };
}

/** Hourly rows for the table alternative: the mean dBm of each hour that had known samples. */
export function hourlyMeans(samples: readonly SignalSample[]): Array<{ t: number; dbm: number }> {
  const by = new Map<number, number[]>();
  for (const s of samples) {
    if (s.dbm === null) continue;
    const h = Math.floor(s.t / 3600) * 3600;
    let list = by.get(h);
    if (!list) by.set(h, (list = []));
    list.push(s.dbm);
  }
  return [...by.entries()].sort((a, b) => a[0] - b[0]).map(([t, l]) => ({ t, dbm: Math.round(l.reduce((a, b) => a + b, 0) / l.length) }));
}
