/**
 * All of cellgate's registrations with PBXes (manual §4.3): one RegistrationClient per planned
 * account (device, per line, per group, and the trunk peer's), started and stopped together, swapped
 * account by account when the configuration changes, with a status list for the API and the account
 * that carries each line's calls.
 */
import { formatHostPort } from './register-message.js';
import { RegistrationClient } from './registration-client.js';
import { planFromConfig } from './registration-config.js';
import type { AccountStatusView, LineAccount, LineVoip, RegistrationManagerOptions } from './registration-manager-options.js';
import { nextRegistrationManagerState, type RegistrationManagerEvent, type RegistrationManagerState } from './registration-manager-state.js';
import type { PlannedAccount } from './registration-plan.js';
import type { SipServerAddress } from './registration-options.js';

interface Running {
  readonly planned: PlannedAccount;
  /** The planned account as text: a reload restarts the client only when this changed. */
  readonly key: string;
  readonly client: RegistrationClient;
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

export class RegistrationManager {
  private current: RegistrationManagerState = 'idle';
  private readonly running = new Map<string, Running>();
  private planProblems: readonly string[] = [];
  /** Unregisters of accounts a reload removed, still under way. */
  private readonly leaving = new Set<Promise<void>>();

  constructor(private readonly options: RegistrationManagerOptions) {}

  get state(): RegistrationManagerState {
    return this.current;
  }

  /** Why the configuration could not be planned (nothing registers then); empty when it could. */
  get problems(): readonly string[] {
    return this.planProblems;
  }

  /** Plans from the configuration and starts every account. Only from `idle` (else it throws). */
  start(): void {
    this.move('start');
    this.apply();
  }

  /** Applies the configuration again: removed or changed accounts unregister, new or changed ones start. No-op unless running. */
  reload(): void {
    if (this.current === 'running') this.apply();
  }

  /** Unregisters every account (§10.2.2), waiting at most `stopTimeoutMs`. Settles at once when not running. */
  async stop(): Promise<void> {
    if (this.current !== 'running') return;
    this.move('stop');
    const stops = [...this.running.values()].map((r) => r.client.stop());
    this.running.clear();
    const all = Promise.all([...stops, ...this.leaving]).then(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.options.stopTimeoutMs ?? 5000)));
    await Promise.race([all, timeout]);
    clearTimeout(timer);
    this.move('stopped');
  }

  /** Every account's status, in plan order. */
  statuses(): AccountStatusView[] {
    return [...this.running.values()].map(({ planned, client }) => {
      const s = client.status;
      return {
        id: s.id,
        lines: planned.lines,
        state: s.state,
        aor: s.aor,
        registrar: s.registrar,
        usingBackup: s.usingBackup,
        expiresSeconds: s.grantedSeconds ?? null,
        expiresAt: iso(s.expiresAt),
        nextAttemptAt: iso(s.retryAt ?? s.refreshAt),
        lastError: s.lastError === undefined ? null : { statusCode: s.lastError.statusCode, reason: s.lastError.reason, at: new Date(s.lastError.at).toISOString() },
      };
    });
  }

  /**
   * The account carrying `line`: the mode's account that lists the line, else one carrying every
   * line (device mode, then the trunk peer). Undefined when none does.
   */
  accountFor(line: number): LineAccount | undefined {
    const entries = [...this.running.values()];
    const found = entries.find((r) => r.planned.lines !== 'all' && r.planned.lines.includes(line)) ?? entries.find((r) => r.planned.lines === 'all');
    if (found === undefined) return undefined;
    const { account } = found.planned;
    const registrar = found.client.status.usingBackup && account.backupRegistrar ? account.backupRegistrar : account.registrar;
    return {
      id: found.planned.id,
      state: found.client.state,
      registrar,
      outboundProxy: account.outboundProxy,
      user: account.phoneNumber || account.authId,
      domain: account.homeDomain || formatHostPort(registrar),
      displayName: account.displayName,
      credentials: { username: account.authId, password: account.password },
    };
  }

  /** Where each registered account's NAT binding points: its outbound proxy, else the registrar in use. */
  keepAliveTargets(): SipServerAddress[] {
    const targets: SipServerAddress[] = [];
    for (const r of this.running.values()) {
      if (r.client.state !== 'registered') continue;
      const { account } = r.planned;
      const registrar = r.client.status.usingBackup && account.backupRegistrar ? account.backupRegistrar : account.registrar;
      targets.push(account.outboundProxy ?? registrar);
    }
    return targets;
  }

  /** The VOIP column of a line: its account and that account's state, or null. */
  voipOf(line: number): LineVoip | null {
    const account = this.accountFor(line);
    return account === undefined ? null : { account: account.id, state: account.state };
  }

  private move(event: RegistrationManagerEvent): void {
    this.current = nextRegistrationManagerState(this.current, event);
  }

  private apply(): void {
    let verdict;
    try {
      verdict = planFromConfig(this.options.config());
    } catch (error) {
      verdict = { ok: false as const, problems: [`cannot read the configuration: ${error instanceof Error ? error.message : String(error)}`] };
    }
    this.planProblems = verdict.ok ? [] : verdict.problems;
    if (!verdict.ok) this.options.log?.error({ problems: verdict.problems }, 'SIP registration: the configuration cannot be planned; nothing registers');
    const wanted = new Map((verdict.ok ? verdict.accounts : []).map((planned) => [planned.id, { planned, key: JSON.stringify(planned) }]));
    for (const [id, entry] of this.running) {
      if (wanted.get(id)?.key === entry.key) continue;
      this.running.delete(id);
      this.unregisterInBackground(entry.client);
    }
    for (const [id, { planned, key }] of wanted) {
      if (this.running.has(id)) continue;
      const client = this.createClient(planned);
      if (client === undefined) continue;
      this.running.set(id, { planned, key, client });
      client.start();
    }
  }

  private createClient(planned: PlannedAccount): RegistrationClient | undefined {
    const o = this.options;
    try {
      return new RegistrationClient({
        id: planned.id,
        account: planned.account,
        local: o.local,
        send: o.send,
        scheduler: o.scheduler,
        version: o.version,
        ...(o.now ? { now: o.now } : {}),
        ...(o.log ? { log: o.log } : {}),
        ...(o.onStatus ? { onStatus: o.onStatus } : {}),
        ...o.tuning,
      });
    } catch (error) {
      // The plan checked these settings; a refusal here is reported, never thrown at the caller.
      this.planProblems = [...this.planProblems, `${planned.id}: ${error instanceof Error ? error.message : String(error)}`];
      return undefined;
    }
  }

  private unregisterInBackground(client: RegistrationClient): void {
    const done = client.stop().catch((error: unknown) => this.options.log?.warn({ err: error }, 'SIP registration: unregister failed'));
    this.leaving.add(done);
    void done.finally(() => this.leaving.delete(done));
  }
}
