/**
 * The manual's "auto-fill other lines" (§4.3, per-line mode): lines 2..N copy line 1's settings with
 * the auth ID, phone number and display name counted up by one per line. Pure.
 */
import type { AccountSettings } from './registration-plan.js';

/**
 * Adds `by` to the last run of digits, keeping leading zeros while they fit: `8001`+1 → `8002`,
 * `goip-01`+1 → `goip-02`, `ext9`+1 → `ext10`, `099`+1 → `100`. Undefined when there is no digit.
 */
export function incrementLastNumber(text: string, by: number): string | undefined {
  const match = /(\d+)(\D*)$/.exec(text);
  if (!match) return undefined;
  const digits = match[1]!;
  const next = (BigInt(digits) + BigInt(by)).toString().padStart(digits.length, '0');
  return text.slice(0, match.index) + next + match[2]!;
}

export type AutoFillVerdict =
  | { readonly ok: true; readonly lines: readonly (AccountSettings & { readonly line: number })[] }
  | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Lines 1..count from line 1's settings. The auth ID must hold a number (the lines would otherwise
 * share one account, which a registrar would see as one binding): without one this is a problem, not
 * a guess. A phone number without digits is a problem too; a display name without digits is copied
 * unchanged (it is only shown). Password, servers and expiry are copied as they are.
 */
export function autoFillLines(line1: AccountSettings, count: number): AutoFillVerdict {
  if (!Number.isInteger(count) || count < 1) return { ok: false, problems: ['line count must be a whole number of at least 1'] };
  const problems: string[] = [];
  if (incrementLastNumber(line1.authId, 1) === undefined) problems.push(`auth ID "${line1.authId}" has no number to count up`);
  if (line1.phoneNumber && incrementLastNumber(line1.phoneNumber, 1) === undefined) problems.push(`phone number "${line1.phoneNumber}" has no number to count up`);
  if (problems.length > 0) return { ok: false, problems };
  const lines = Array.from({ length: count }, (_, index) => {
    const step = (text: string) => incrementLastNumber(text, index) ?? text;
    return {
      ...line1,
      line: index + 1,
      authId: step(line1.authId),
      ...(line1.phoneNumber ? { phoneNumber: step(line1.phoneNumber) } : {}),
      ...(line1.displayName ? { displayName: step(line1.displayName) } : {}),
    };
  });
  return { ok: true, lines };
}
