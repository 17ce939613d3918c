/**
 * Which line carries a SIP → GSM call, and which number it dials (manual §4.3 line prefix matching,
 * §4.6 dial rules and line selection, appendix E). Pure: the caller gives the lines' states, the SIM
 * policy's verdict and the minutes used; nothing here does I/O and nothing throws on bad input.
 *
 * Order: prefix routing on the callee as the caller sent it (§4.3; with "strip" the matched prefix
 * leaves the number), then the dial rules on what is left (appendix E rewrites the dialled number),
 * then the line among the candidates that are registered, idle and allowed by the SIM policy.
 *
 * Refusals (SIP status, RFC 3261 §21):
 * - 484 Address Incomplete: nothing left to dial (an empty callee, or empty after stripping or rules).
 * - 603 Decline: prefix routing is configured and no line's prefix matches (§4.3 "按线路配置").
 * - 403 Forbidden: the strict dial rules refuse the number. The number is complete but not one the
 *   gateway may dial, which is a refusal, not an incomplete address; 484 would invite overlap dialling.
 * - 503 Service Unavailable: no matching line is registered (the gateway cannot serve now).
 * - 486 Busy Here: every registered matching line has a call.
 * - 403 Forbidden "SIM policy": lines are free but the SIM policy allows none of them (limits reached,
 *   outside allowed hours). Retrying elsewhere makes sense, retrying here soon does not, so not 503.
 */
import { applyDialRules, parseDialRules } from '../../routing/dial-rules.js';
import { routeByPrefix, type LinePrefixes } from '../../routing/line-prefix.js';

export type PrefixMatchMode = 'off' | 'caller' | 'callee';
export type LineSelection = 'round-robin' | 'least-minutes';

/** The `sip.calls` settings the choice reads. */
export interface LineChoiceSettings {
  readonly prefixMatch: PrefixMatchMode;
  readonly stripPrefix: boolean;
  readonly lineSelection: LineSelection;
  readonly dialRules: string;
  readonly strictDialRules: boolean;
}

/** A line as the choice sees it. */
export interface LineCandidate {
  readonly id: number;
  /** Registered to the network and serving (no fault). */
  readonly registered: boolean;
  /** No call on it now. */
  readonly idle: boolean;
}

export interface LineChoiceInput {
  /** The Request-URI user (the number to call). */
  readonly callee: string;
  /** The From user (for caller prefix matching). */
  readonly caller: string;
  readonly settings: LineChoiceSettings;
  /** Each line's prefix list (`lines[].prefixes`, parsed). */
  readonly prefixes: readonly LinePrefixes[];
  readonly lines: readonly LineCandidate[];
  mayCall(lineId: number): { ok: true } | { ok: false; reason: string };
  /** Minutes used in the current period, for least-minutes (unknown counts as 0). */
  minutesUsed?(lineId: number): number;
  /** The line chosen last time by round robin (null: none yet). */
  readonly lastLine: number | null;
}

export type LineChoice =
  | { readonly ok: true; readonly line: number; readonly number: string }
  | { readonly ok: false; readonly status: number; readonly reason: string; readonly detail: string };

const refuse = (status: number, reason: string, detail: string): LineChoice => ({ ok: false, status, reason, detail });

/** The candidate line ids after prefix routing, and the number to dial; or a refusal. */
function routeNumber(input: LineChoiceInput): { lines: number[] | 'any'; number: string } | LineChoice {
  const { settings, callee, caller } = input;
  if (callee === '') return refuse(484, 'Address Incomplete', 'no number to call');
  let lines: number[] | 'any' = 'any';
  let number = callee;
  if (settings.prefixMatch !== 'off') {
    const route = routeByPrefix({ mode: settings.prefixMatch, strip: settings.stripPrefix, table: input.prefixes, caller, callee });
    if (route === null) return refuse(603, 'Decline', `no line prefix matches the ${settings.prefixMatch} number`);
    lines = route.lines;
    number = route.callee;
  }
  if (number === '') return refuse(484, 'Address Incomplete', 'the number is empty once the line prefix is removed');
  const parsed = parseDialRules(settings.dialRules);
  if (!parsed.ok) return refuse(503, 'Service Unavailable', `the dial rules do not parse: ${parsed.error}`);
  const applied = applyDialRules(parsed.rules, number, { strict: settings.strictDialRules });
  if (!applied.ok) return refuse(403, 'Number Not Allowed', applied.reason);
  if (applied.number === '') return refuse(484, 'Address Incomplete', 'the dial rules leave no number');
  return { lines, number: applied.number };
}

/** Round robin: the first usable line after the last one chosen, wrapping around (ids ascending). */
function nextAfter(ids: number[], last: number | null): number {
  if (last === null) return ids[0]!;
  return ids.find((id) => id > last) ?? ids[0]!;
}

function leastMinutes(ids: number[], minutesUsed: (lineId: number) => number): number {
  const used = (id: number): number => {
    const m = minutesUsed(id);
    return Number.isFinite(m) ? m : 0;
  };
  // Ties go to the lowest id: ids are ascending and only a strictly smaller count replaces the pick.
  return ids.reduce((best, id) => (used(id) < used(best) ? id : best));
}

/** Chooses the line and the number for a SIP → GSM call. Never throws. */
export function chooseLine(input: LineChoiceInput): LineChoice {
  try {
    const routed = routeNumber(input);
    if ('ok' in routed) return routed;
    const matching = input.lines.filter((l) => routed.lines === 'any' || routed.lines.includes(l.id));
    const registered = matching.filter((l) => l.registered);
    if (registered.length === 0) return refuse(503, 'Service Unavailable', 'no matching line is registered');
    const idle = registered.filter((l) => l.idle);
    if (idle.length === 0) return refuse(486, 'Busy Here', 'every matching line has a call');
    const refusals: string[] = [];
    const allowed = idle.filter((l) => {
      const verdict = input.mayCall(l.id);
      if (!verdict.ok) refusals.push(`line ${l.id}: ${verdict.reason}`);
      return verdict.ok;
    });
    if (allowed.length === 0) return refuse(403, 'SIM Policy', `the SIM policy allows no line (${refusals.join('; ')})`);
    const ids = allowed.map((l) => l.id).sort((a, b) => a - b);
    const line =
      input.settings.lineSelection === 'least-minutes' && input.minutesUsed !== undefined
        ? leastMinutes(ids, input.minutesUsed)
        : nextAfter(ids, input.lastLine);
    return { ok: true, line, number: routed.number };
  } catch (error) {
    // A throwing policy or minutes callback must not escape to the SIP layer.
    return refuse(500, 'Server Internal Error', `line choice failed: ${(error as Error).message}`);
  }
}
