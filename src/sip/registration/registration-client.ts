/**
 * One account's registration with a registrar (RFC 3261 §10.2): REGISTER with digest answers,
 * refresh before the granted expiry, 423 handling, failover from the primary registrar to the
 * backup and back, retry with back-off, and removal of the binding on stop. Its only I/O is the
 * injected `send`; its only clock the injected scheduler and `now`.
 */
import { newCallId, newTag, type SipRequest, type SipResponse } from '../message/index.js';
import { DigestClient } from '../auth/index.js';
import type { ScheduledTimer } from '../transaction/timer-scheduler.js';
import { addressOfRecord, buildRegister, contactUri, formatHostPort, grantedExpiry, minExpires, registrarUri } from './register-message.js';
import type { RegisterResult, RegistrationClientOptions, RegistrationError, RegistrationStatus, SipServerAddress } from './registration-options.js';
import { nextRegistrationState, type RegistrationEvent, type RegistrationState } from './registration-state.js';

/** What one registrar knows of us: a binding is one Call-ID with rising CSeq (§10.2). */
interface Binding {
  readonly server: SipServerAddress;
  readonly callId: string;
  readonly fromTag: string;
  cseq: number;
  /** What we ask for; raised by a 423 (§10.2.8). */
  askedSeconds: number;
  /** One digest client per challenger: the registrar (401) and a proxy (407) (RFC 3261 §22.3). */
  digest: Partial<Record<401 | 407, DigestClient>>;
}

/** A REGISTER answered by one of these did not reach a working registrar: try the other one. */
const isServerFailure = (result: RegisterResult): boolean => result.kind !== 'response' || result.response.statusCode >= 500;

/** setTimeout's largest delay (2^31 − 1 ms). */
const MAX_TIMER_MS = 2_147_483_647;

/** Resends allowed within one attempt (challenges, 423, failover): a guard against a peer that loops. */
const MAX_RESENDS = 6;

export class RegistrationClient {
  private current: RegistrationState = 'unregistered';
  private readonly bindings: Binding[];
  /** Index into `bindings` of the registrar in use. */
  private active = 0;
  /** Registrars that failed since the last success or back-off. */
  private readonly failedThisRound = new Set<number>();
  private primaryFailedAt: number | undefined;
  private failures = 0;
  private resends = 0;
  /** Bumped when an answer must be ignored (stop while a request is out). */
  private generation = 0;
  private inFlight = false;
  private everGranted = false;
  private timer: ScheduledTimer | undefined;
  private grantedSeconds: number | undefined;
  private expiresAt: number | undefined;
  private retryAt: number | undefined;
  private refreshAt: number | undefined;
  private lastError: RegistrationError | undefined;
  private stopped: Promise<void> | undefined;
  private resolveStopped: (() => void) | undefined;
  private readonly now: () => number;
  private readonly marginSeconds: number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private readonly primaryRecheckMs: number;

  /** Throws RangeError on unusable settings (no auth ID, expiry not a positive whole number). */
  constructor(private readonly options: RegistrationClientOptions) {
    const { account } = options;
    if (!account.authId) throw new RangeError('registration: an auth ID is needed');
    if (!Number.isInteger(account.expiresSeconds) || account.expiresSeconds <= 0) throw new RangeError('registration: expiry must be a positive whole number of seconds');
    const servers = [account.registrar, ...(account.backupRegistrar ? [account.backupRegistrar] : [])];
    this.bindings = servers.map((server) => ({
      server,
      callId: newCallId(options.local.host),
      fromTag: newTag(),
      cseq: 0,
      askedSeconds: account.expiresSeconds,
      digest: {},
    }));
    this.now = options.now ?? Date.now;
    this.marginSeconds = options.refreshMarginSeconds ?? 30;
    this.retryInitialMs = options.retryInitialMs ?? 30_000;
    this.retryMaxMs = options.retryMaxMs ?? 30 * 60_000;
    this.primaryRecheckMs = options.primaryRecheckMs ?? 5 * 60_000;
  }

  get state(): RegistrationState {
    return this.current;
  }

  get status(): RegistrationStatus {
    const server = this.bindings[this.active]!.server;
    return {
      id: this.options.id,
      state: this.current,
      aor: addressOfRecord(this.options.account, server),
      registrar: formatHostPort({ host: server.host, port: server.port }),
      usingBackup: this.active !== 0,
      grantedSeconds: this.current === 'registered' || this.current === 'refreshing' ? this.grantedSeconds : undefined,
      expiresAt: this.current === 'registered' || this.current === 'refreshing' ? this.expiresAt : undefined,
      retryAt: this.current === 'waiting-retry' ? this.retryAt : undefined,
      refreshAt: this.current === 'registered' ? this.refreshAt : undefined,
      lastError: this.lastError,
    };
  }

  /** Starts registering with the primary registrar. Only from `unregistered` (else it throws). */
  start(): void {
    this.move('start');
    this.useRegistrar(0);
    this.attempt();
  }

  /**
   * Removes the binding (REGISTER with expires 0, §10.2.2) and settles once done. Without a binding
   * (never granted, nothing in flight) it just stops. Calling it again returns the same promise.
   */
  stop(): Promise<void> {
    if (this.stopped) return this.stopped;
    if (this.current === 'unregistered') return Promise.resolve();
    this.cancelTimer();
    this.generation++;
    const bound = this.everGranted || this.inFlight;
    this.inFlight = false;
    this.stopped = new Promise<void>((resolve) => (this.resolveStopped = resolve));
    if (!bound && (this.current === 'registering' || this.current === 'waiting-retry')) {
      this.move('abandon');
      this.settleStop();
      return this.stopped;
    }
    this.move('stop');
    this.resends = 0;
    this.send(0);
    return this.stopped;
  }

  private move(event: RegistrationEvent): void {
    const from = this.current;
    this.current = nextRegistrationState(from, event);
    if (from !== this.current) this.options.log?.info({ registration: this.options.id, from, to: this.current, registrar: this.status.registrar }, 'SIP registration state');
    this.options.onStatus?.(this.status);
  }

  private useRegistrar(index: number): void {
    this.active = index;
    this.resends = 0;
  }

  /** A REGISTER for the active registrar asking for its current expiry. */
  private attempt(): void {
    this.send(this.bindings[this.active]!.askedSeconds);
  }

  private send(expiresSeconds: number, credentials?: readonly (readonly [string, string])[]): void {
    const binding = this.bindings[this.active]!;
    binding.cseq++;
    const creds = credentials ?? this.reusedCredentials(binding);
    const request = buildRegister({
      account: this.options.account,
      registrar: binding.server,
      local: this.options.local,
      callId: binding.callId,
      fromTag: binding.fromTag,
      cseq: binding.cseq,
      expiresSeconds,
      version: this.options.version,
      credentials: creds,
    });
    const generation = this.generation;
    const nextHop = this.options.account.outboundProxy ?? binding.server;
    this.inFlight = true;
    let outcome: Promise<RegisterResult>;
    try {
      outcome = this.options.send(request, nextHop);
    } catch (error) {
      outcome = Promise.reject(error);
    }
    outcome
      .catch((error: unknown): RegisterResult => ({ kind: 'transport-error', detail: error instanceof Error ? error.message : String(error) }))
      .then((result) => {
        if (generation !== this.generation) return;
        this.inFlight = false;
        this.onResult(request, expiresSeconds, result);
      })
      .catch((error: unknown) => this.options.log?.error({ registration: this.options.id, err: error }, 'SIP registration: handling an answer failed'));
  }

  /** Credentials on the last answered nonce, so a refresh need not be challenged (RFC 7616 §3.4). */
  private reusedCredentials(binding: Binding): (readonly [string, string])[] {
    const out: (readonly [string, string])[] = [];
    for (const status of [407, 401] as const) {
      const client = binding.digest[status];
      // 'answered' too: a proxy's answer must ride along while the registrar challenges (§22.3).
      if (client?.state !== 'accepted' && client?.state !== 'answered') continue;
      const answer = client.authorize({ method: 'REGISTER', uri: registrarUri(binding.server) });
      if (answer.ok) out.push([answer.header, answer.value]);
    }
    return out;
  }

  private onResult(request: SipRequest, expiresSeconds: number, result: RegisterResult): void {
    if (this.current === 'unregistering') return this.onUnregisterResult(request, result);
    if (result.kind === 'response') {
      const { response } = result;
      const code = response.statusCode;
      if (code >= 200 && code < 300) return this.onGranted(request, expiresSeconds, response);
      if ((code === 401 || code === 407) && this.resends < MAX_RESENDS) return this.onChallenge(request, expiresSeconds, response, code);
      if (code === 423 && this.resends < MAX_RESENDS) return this.onIntervalTooBrief(response);
    }
    if (isServerFailure(result)) return this.onServerFailure(result);
    this.failRound(describe(result));
  }

  private onGranted(request: SipRequest, asked: number, response: SipResponse): void {
    const binding = this.bindings[this.active]!;
    for (const client of Object.values(binding.digest)) if (client?.state === 'answered' || client?.state === 'accepted') client.accepted();
    const contact = contactUri(this.options.account, this.options.local, request.topVia?.transport.toLowerCase() ?? 'udp');
    const granted = grantedExpiry(response, contact, asked);
    if (granted === 0) return this.failRound({ statusCode: response.statusCode, reason: 'registrar granted no time (expires 0)' });
    this.everGranted = true;
    this.failures = 0;
    this.failedThisRound.clear();
    if (this.active === 0) this.primaryFailedAt = undefined;
    this.grantedSeconds = granted;
    this.expiresAt = this.now() + granted * 1000;
    // Refresh ahead of expiry by the margin, but never in the first half of the granted time.
    // Capped at what a Node timer can hold (about 24.8 days): a longer delay would fire at once.
    const refreshInMs = Math.min(Math.max(granted - this.marginSeconds, granted / 2) * 1000, MAX_TIMER_MS);
    this.refreshAt = this.now() + refreshInMs;
    this.move('granted');
    this.setTimer(refreshInMs, () => this.refresh());
  }

  private onChallenge(request: SipRequest, expiresSeconds: number, response: SipResponse, code: 401 | 407): void {
    const binding = this.bindings[this.active]!;
    const client = (binding.digest[code] ??= new DigestClient({ credentials: { username: this.options.account.authId, password: this.options.account.password } }));
    const values = response.headers.getAll(code === 401 ? 'www-authenticate' : 'proxy-authenticate');
    const answer = client.answer(values, { method: 'REGISTER', uri: request.uri }, code);
    if (!answer.ok) {
      // A refused password stays refused until the next round, where a fresh client tries again.
      delete binding.digest[code];
      return this.failRound({ statusCode: code, reason: `${answer.reason}: ${answer.detail}` });
    }
    const other = code === 401 ? 407 : 401;
    const keep = this.reusedCredentials({ ...binding, digest: { [other]: binding.digest[other] } });
    this.resends++;
    this.move('resend');
    this.send(expiresSeconds, [...keep, [answer.header, answer.value]]);
  }

  private onIntervalTooBrief(response: SipResponse): void {
    const binding = this.bindings[this.active]!;
    const least = minExpires(response);
    if (least === undefined || least <= binding.askedSeconds) return this.failRound({ statusCode: 423, reason: 'Interval Too Brief without a usable Min-Expires' });
    binding.askedSeconds = least;
    this.resends++;
    this.move('resend');
    this.attempt();
  }

  /** Timeout, transport error or 5xx: this registrar is not working; the other one may be. */
  private onServerFailure(result: RegisterResult): void {
    const error = describe(result);
    this.lastError = { ...error, at: this.now() };
    this.failedThisRound.add(this.active);
    if (this.active === 0) this.primaryFailedAt = this.now();
    const next = this.bindings.findIndex((_, index) => !this.failedThisRound.has(index));
    if (next < 0) return this.failRound(error);
    this.options.log?.warn({ registration: this.options.id, statusCode: error.statusCode, reason: error.reason, to: formatHostPort(this.bindings[next]!.server) }, 'SIP registration: trying the other registrar');
    this.useRegistrar(next);
    this.move('resend');
    this.attempt();
  }

  /** Every registrar failed, or one refused us: wait, doubling the wait each round. */
  private failRound(error: RegistrationError | Omit<RegistrationError, 'at'>): void {
    this.lastError = { ...error, at: this.now() };
    this.failures++;
    this.failedThisRound.clear();
    const delay = Math.min(this.retryInitialMs * 2 ** Math.min(this.failures - 1, 30), this.retryMaxMs);
    this.retryAt = this.now() + delay;
    this.options.log?.warn({ registration: this.options.id, statusCode: error.statusCode, reason: error.reason, retryInMs: delay }, 'SIP registration failed');
    this.move('fail');
    this.setTimer(delay, () => {
      this.move('retry-due');
      // A new round starts with the primary (the manual uses the backup only while the primary is out).
      this.useRegistrar(0);
      this.attempt();
    });
  }

  private refresh(): void {
    this.move('refresh-due');
    const backToPrimary = this.active !== 0 && (this.primaryFailedAt === undefined || this.now() - this.primaryFailedAt >= this.primaryRecheckMs);
    // Leaving the backup: its binding is left to run out rather than removed.
    this.useRegistrar(backToPrimary ? 0 : this.active);
    this.attempt();
  }

  private onUnregisterResult(request: SipRequest, result: RegisterResult): void {
    if (result.kind === 'response' && (result.response.statusCode === 401 || result.response.statusCode === 407) && this.resends < MAX_RESENDS) {
      const code = result.response.statusCode as 401 | 407;
      const binding = this.bindings[this.active]!;
      const client = (binding.digest[code] ??= new DigestClient({ credentials: { username: this.options.account.authId, password: this.options.account.password } }));
      const answer = client.answer(result.response.headers.getAll(code === 401 ? 'www-authenticate' : 'proxy-authenticate'), { method: 'REGISTER', uri: request.uri }, code);
      if (answer.ok) {
        this.resends++;
        this.move('resend');
        return this.send(0, [[answer.header, answer.value]]);
      }
    }
    if (result.kind !== 'response' || result.response.statusCode >= 300) this.lastError = { ...describe(result), at: this.now() };
    this.everGranted = false;
    this.grantedSeconds = undefined;
    this.expiresAt = undefined;
    this.move('done');
    this.settleStop();
  }

  private settleStop(): void {
    this.resolveStopped?.();
    this.resolveStopped = undefined;
    this.stopped = undefined;
  }

  private setTimer(delayMs: number, fire: () => void): void {
    this.cancelTimer();
    this.timer = this.options.scheduler.schedule(delayMs, () => {
      this.timer = undefined;
      fire();
    });
  }

  private cancelTimer(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }
}

/** Status code and reason for the API; a timeout counts as 408 and a transport error as 503 (§8.1.3.1). */
function describe(result: RegisterResult): Omit<RegistrationError, 'at'> {
  if (result.kind === 'timeout') return { statusCode: 408, reason: 'no answer (timeout)' };
  if (result.kind === 'transport-error') return { statusCode: 503, reason: `transport error: ${result.detail}` };
  return { statusCode: result.response.statusCode, reason: result.response.reasonPhrase };
}
