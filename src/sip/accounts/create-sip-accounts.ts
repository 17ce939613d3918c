/**
 * The SIP accounts part of the gateway: registrations to PBXes (manual §4.3) and the embedded
 * registrar (§4.4 proxy mode), on one SIP endpoint, with what the API and the call routing read from
 * them. The daemon's wiring builds it with the endpoint and the configuration and runs start/stop.
 */
import { networkInterfaces } from 'node:os';
import type { SipConfig } from '../../config/schema-sip.js';
import type { Logger } from '../../util/log.js';
import { RealTimerScheduler, type TimerScheduler } from '../transaction/timer-scheduler.js';
import { endpointRegisterSender, type HostResolver, type RequestSender } from '../registration/endpoint-register-sender.js';
import { RegistrationManager } from '../registration/registration-manager.js';
import type { LineVoip, RegistrationManagerOptions } from '../registration/registration-manager-options.js';
import type { LocalContact } from '../registration/registration-options.js';
import { RegistrarService, type RegisterEndpoint } from '../registrar/registrar-service.js';

export interface SipAccountsOptions {
  readonly endpoint: RequestSender & RegisterEndpoint;
  /** The `sip` section, read at start and at each reload. */
  readonly config: () => Pick<SipConfig, 'registration' | 'trunk' | 'registrar'>;
  /** Where REGISTERs say we are (Via and Contact): the endpoint's public host and UDP/TCP port. */
  readonly local: LocalContact;
  /** Line ids the device has now (the auto-fill's default count). */
  readonly lineIds: () => readonly number[];
  readonly version: string;
  readonly log: Logger;
  /** Hosts phones may register to; default the local host, every address of this machine, and `localhost`. */
  readonly registrarDomains?: () => readonly string[];
  readonly scheduler?: TimerScheduler;
  readonly now?: () => number;
  readonly resolveHost?: HostResolver;
  readonly tuning?: RegistrationManagerOptions['tuning'];
  readonly stopTimeoutMs?: number;
}

/** What the JSON API reads (src/web/sip-routes.ts SipRouteDeps without the body limit). */
export interface SipAccountsApi {
  registrations(): { mode: string; problems: readonly string[]; accounts: ReturnType<RegistrationManager['statuses']> };
  extensions(): { enabled: boolean; realm: string; problems: readonly string[]; managed: ReturnType<RegistrarService['extensions']>; unmanaged: never[] };
  lineCount(): number;
  /** The VOIP column of `GET /api/lines`. */
  voipOf(line: number): LineVoip | null;
}

export interface SipAccounts {
  readonly manager: RegistrationManager;
  readonly registrar: RegistrarService;
  readonly api: SipAccountsApi;
  /** Takes REGISTER when the registrar is enabled and starts every registration. */
  start(): void;
  /** Reads the configuration again (call it from the configuration's change listener). */
  reload(): void;
  /** Unregisters every account (bounded wait) and stops the registrar. */
  stop(): Promise<void>;
}

/** Our addresses (IPv4 and IPv6, internal ones too) for the registrar's domain check. */
export function machineAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address));
}

export function createSipAccounts(options: SipAccountsOptions): SipAccounts {
  const scheduler = options.scheduler ?? new RealTimerScheduler();
  const manager = new RegistrationManager({
    config: options.config,
    send: endpointRegisterSender(options.endpoint, options.resolveHost),
    local: options.local,
    scheduler,
    version: options.version,
    log: options.log,
    ...(options.now ? { now: options.now } : {}),
    ...(options.tuning ? { tuning: options.tuning } : {}),
    ...(options.stopTimeoutMs === undefined ? {} : { stopTimeoutMs: options.stopTimeoutMs }),
  });
  const domains = options.registrarDomains ?? (() => [...new Set([options.local.host, ...machineAddresses(), 'localhost'])]);
  const registrar = new RegistrarService({
    endpoint: options.endpoint,
    config: () => options.config().registrar,
    domains,
    version: options.version,
    log: options.log,
    ...(options.now ? { now: options.now } : {}),
  });
  const api: SipAccountsApi = {
    registrations: () => ({ mode: safeMode(options.config), problems: manager.problems, accounts: manager.statuses() }),
    extensions: () => ({ enabled: registrar.enabled, realm: registrar.realm, problems: registrar.configurationProblems, managed: registrar.extensions(), unmanaged: [] }),
    lineCount: () => options.lineIds().length,
    voipOf: (line) => manager.voipOf(line),
  };
  return {
    manager,
    registrar,
    api,
    start: () => {
      registrar.start();
      manager.start();
    },
    reload: () => {
      registrar.reload();
      manager.reload();
    },
    stop: async () => {
      await manager.stop();
      registrar.stop();
    },
  };
}

function safeMode(config: SipAccountsOptions['config']): string {
  try {
    return config().registration.mode;
  } catch {
    return 'none';
  }
}
