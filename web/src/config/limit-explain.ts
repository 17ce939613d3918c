/**
 * A SIM limit in the manual's syntax (§4.8: "100", "05:00-12:00,100|12:00-23:00,200", "D5,1000") told
 * in plain words as the operator types it. Parsed by the policy engine's own parser, so the page
 * explains exactly what the engine will enforce. The words come from the caller (translated); this
 * module only composes them, and stays free of the DOM so that Node tests can run it.
 */
import { formatTime, parseOptionalLimit, type LimitSpec } from '../../../src/policy/limit-syntax.js';

export interface LimitWords {
  /** An amount with its unit: "100 minutes". */
  amount(n: number): string;
  /** "05:00–12:00: 100 minutes". */
  window(from: string, to: string, amount: string): string;
  /** Joins the windows: "; ". */
  separator: string;
  /** "at most 100 minutes in total; it never resets by itself". */
  total(amount: string): string;
  /** "100 minutes per monthly cycle, starting on day 5 at 00:00". */
  monthly(day: number, amount: string): string;
  /** Blank: "no limit". */
  none: string;
}

export type LimitExplanation =
  | { ok: true; text: string; /** windows that leave part of the day without a limit */ gaps: boolean }
  | { ok: false; error: string; column: number };

function minutesCovered(spec: Extract<LimitSpec, { kind: 'windows' }>): number {
  return spec.windows.reduce((n, w) => n + (w.end > w.start ? w.end - w.start : 1440 - w.start + w.end), 0);
}

export function explainLimitSpec(spec: LimitSpec, words: LimitWords): { text: string; gaps: boolean } {
  switch (spec.kind) {
    case 'total':
      return { text: words.total(words.amount(spec.amount)), gaps: false };
    case 'monthly':
      return { text: words.monthly(spec.day, words.amount(spec.amount)), gaps: false };
    case 'windows': {
      const text = spec.windows.map((w) => words.window(formatTime(w.start), formatTime(w.end), words.amount(w.amount))).join(words.separator);
      return { text, gaps: minutesCovered(spec) < 1440 };
    }
  }
}

/** Blank text is "no limit"; an error carries the parser's message and 1-based column. */
export function explainLimit(text: string, words: LimitWords): LimitExplanation {
  const r = parseOptionalLimit(text);
  if (!r.ok) return { ok: false, error: r.error, column: r.column };
  if (r.value === null) return { ok: true, text: words.none, gaps: false };
  return { ok: true, ...explainLimitSpec(r.value, words) };
}
