/**
 * Transaction timer settings (RFC 3261 §17.1.1.1, Table 4) and the gateway's own timeouts: the
 * device manual offers T1, T2, an "ICT timeout" (lifetime of an INVITE client transaction: Timer B),
 * an "NICT timeout" (lifetime of a non-INVITE client transaction: Timer F) and a "no-answer timeout"
 * (an incoming INVITE the TU has not answered gets a final response, 408 by default).
 */
export interface TransactionTimerOptions {
  /** RTT estimate, default 500 ms (§17.1.1.1). */
  readonly t1Ms?: number;
  /** Longest retransmit interval for non-INVITE requests and INVITE responses, default 4 s. */
  readonly t2Ms?: number;
  /** Longest time a message stays in the network, default 5 s. */
  readonly t4Ms?: number;
  /** Timer B, the manual's ICT timeout; default 64·T1. */
  readonly inviteClientTimeoutMs?: number;
  /** Timer F, the manual's NICT timeout; default 64·T1. */
  readonly nonInviteClientTimeoutMs?: number;
  /** Timer D on unreliable transports; RFC 3261 asks for at least 32 s (the default). */
  readonly timerDMs?: number;
  /** How long an INVITE server transaction waits for the TU before sending 100 Trying (§17.2.1: 200 ms). */
  readonly tryingDelayMs?: number;
  /** The manual's no-answer timeout for incoming INVITEs; null (default) disables it. */
  readonly noAnswerTimeoutMs?: number | null;
}

/** Every timer value a transaction uses, in milliseconds. */
export interface TransactionTimers {
  readonly t1Ms: number;
  readonly t2Ms: number;
  readonly t4Ms: number;
  readonly timerBMs: number;
  readonly timerDMs: number;
  readonly timerFMs: number;
  /** H, J, L and M are 64·T1 (§17.2.1, §17.2.2, RFC 6026 §8.7 and §8.4). */
  readonly timerHMs: number;
  readonly timerJMs: number;
  readonly timerLMs: number;
  readonly timerMMs: number;
  readonly tryingDelayMs: number;
  readonly noAnswerTimeoutMs: number | null;
}

export type TimerOptionsVerdict = { readonly ok: true; readonly timers: TransactionTimers } | { readonly ok: false; readonly problems: readonly string[] };

const isPositiveInteger = (v: number): boolean => Number.isInteger(v) && v > 0;

/** Fills in defaults and checks the values; wrong values come back as problems, never as a throw. */
export function resolveTransactionTimers(input: TransactionTimerOptions = {}): TimerOptionsVerdict {
  const problems: string[] = [];
  const positive = (name: string, value: number | undefined, fallback: number): number => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !isPositiveInteger(value)) problems.push(`${name} must be a positive whole number of milliseconds`);
    return value;
  };
  const t1Ms = positive('t1Ms', input.t1Ms, 500);
  const t2Ms = positive('t2Ms', input.t2Ms, 4000);
  const t4Ms = positive('t4Ms', input.t4Ms, 5000);
  const timerBMs = positive('inviteClientTimeoutMs', input.inviteClientTimeoutMs, 64 * t1Ms);
  const timerFMs = positive('nonInviteClientTimeoutMs', input.nonInviteClientTimeoutMs, 64 * t1Ms);
  const timerDMs = positive('timerDMs', input.timerDMs, 32_000);
  const tryingDelayMs = input.tryingDelayMs === 0 ? 0 : positive('tryingDelayMs', input.tryingDelayMs, 200);
  const noAnswerTimeoutMs = input.noAnswerTimeoutMs == null ? null : positive('noAnswerTimeoutMs', input.noAnswerTimeoutMs, 0);
  if (problems.length === 0) {
    if (t2Ms < t1Ms) problems.push('t2Ms must not be below t1Ms (§17.1.2.2 caps intervals at T2)');
    // §17.1.1.2: "a value of at least 32 seconds for unreliable transports".
    if (timerDMs < 32_000) problems.push('timerDMs must be at least 32000 (RFC 3261 §17.1.1.2)');
  }
  if (problems.length > 0) return { ok: false, problems };
  const sixtyFourT1 = 64 * t1Ms;
  return {
    ok: true,
    timers: {
      t1Ms, t2Ms, t4Ms, timerBMs, timerDMs, timerFMs,
      timerHMs: sixtyFourT1, timerJMs: sixtyFourT1, timerLMs: sixtyFourT1, timerMMs: sixtyFourT1,
      tryingDelayMs, noAnswerTimeoutMs,
    },
  };
}
