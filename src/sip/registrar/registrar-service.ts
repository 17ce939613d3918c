/**
 * The embedded registrar as a running service (manual §4.4 proxy mode): REGISTER from the endpoint
 * goes to a Registrar built from `sip.registrar`, and the forking step asks it for the contacts of a
 * user or group. Rebuilt when that section changes (bindings are then dropped; phones register again
 * at their next refresh).
 *
 * Disabled, REGISTER is answered 405 with an Allow that leaves REGISTER out: RFC 3261 §8.2.1 (a
 * method understood but not supported here) and §21.4.6. 403 would claim the request was understood
 * and refused for this user, which would tell a scanner to keep guessing.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../util/log.js';
import type { BaseDigestAlgorithm } from '../auth/index.js';
import type { SipIncomingRequest, SipRequestHandler } from '../core/index.js';
import { groupsForLine, extensionDefinitionOf, linesForExtension, type RegistrarConfig } from './registrar-config.js';
import type { RegisteredContact } from './registrar-options.js';
import { Registrar } from './registrar.js';
import type { StoredDigestSecret } from '../auth/index.js';

/** The part of SipEndpoint the service needs. */
export interface RegisterEndpoint {
  handle(method: string, handler: SipRequestHandler): void;
  allowedMethods(): string[];
}

export interface RegistrarServiceOptions {
  readonly endpoint: RegisterEndpoint;
  /** `sip.registrar`, read at start and at each reload. */
  readonly config: () => RegistrarConfig;
  /** Hosts phones register to (Request-URI and To host, §10.3 steps 1 and 5): our addresses and names. */
  readonly domains: () => readonly string[];
  readonly version: string;
  readonly log?: Logger;
  readonly now?: () => number;
  /**
   * Digest algorithms offered, most preferred first; overrides `sip.registrar.algorithms` (default MD5 alone: many phones, and SIPp,
   * answer only the first challenge and know only MD5; RFC 8760 lets the server list its challenges in its own order).
   */
  readonly algorithms?: readonly BaseDigestAlgorithm[];
}

/** One configured extension with its live contacts, for `GET /api/sip/extensions`. No password. */
export interface ExtensionView {
  readonly user: string;
  readonly number: string;
  readonly prefix: string;
  readonly group: string;
  readonly maxContacts: number;
  readonly lines: readonly number[] | 'all';
  readonly contacts: readonly { readonly contact: string; readonly expiresInS: number; readonly source: string; readonly transport: string }[];
}

export class RegistrarService {
  private registrar: Registrar | undefined;
  private builtFrom: string | undefined;
  private handlerInstalled = false;
  private problems: readonly string[] = [];
  private readonly nonceSecret = randomBytes(32);

  constructor(private readonly options: RegistrarServiceOptions) {}

  /** True while REGISTER is accepted. */
  get enabled(): boolean {
    return this.registrar !== undefined;
  }

  /** Why the registrar could not be built from an enabled configuration; empty otherwise. */
  get configurationProblems(): readonly string[] {
    return this.problems;
  }

  get realm(): string {
    return this.safeConfig()?.realm ?? '';
  }

  /** Builds the registrar when enabled and takes REGISTER from the endpoint. */
  start(): void {
    this.reload();
  }

  /** Reads `sip.registrar` again; rebuilds only when it changed. */
  reload(): void {
    let config: RegistrarConfig;
    try {
      config = this.options.config();
    } catch (error) {
      this.problems = [`cannot read the configuration: ${error instanceof Error ? error.message : String(error)}`];
      return;
    }
    const text = JSON.stringify(config);
    if (text === this.builtFrom) return;
    this.builtFrom = text;
    this.registrar = undefined;
    this.problems = [];
    if (!config.enabled) return;
    try {
      this.registrar = new Registrar({
        domains: this.options.domains(),
        realm: config.realm,
        nonceSecret: this.nonceSecret,
        extensions: config.extensions.map(extensionDefinitionOf),
        version: this.options.version,
        algorithms: this.options.algorithms ?? [...new Set(config.algorithms)],
        ...(this.options.now ? { now: this.options.now } : {}),
      });
    } catch (error) {
      this.problems = [error instanceof Error ? error.message : String(error)];
      this.options.log?.error({ problems: this.problems }, 'SIP registrar: the configuration cannot be used; REGISTER is refused');
    }
    if (!this.handlerInstalled) {
      this.options.endpoint.handle('REGISTER', {
        handleRequest: (incoming) => this.handleRegister(incoming),
        answerStatelessly: (request, source, transport) => this.registrar?.answerWithoutState(request, { ip: source.ip, port: source.port, transport }),
        // Everything else a REGISTER gets is decided at once as well; the endpoint keeps the answer for retransmissions.
        answerAtOnce: (request, source, transport) => this.registrar?.answer(request, { ip: source.ip, port: source.port, transport }),
      });
      this.handlerInstalled = true;
    }
  }

  /** Drops every binding; REGISTER is answered as when disabled. */
  stop(): void {
    this.registrar = undefined;
    this.builtFrom = undefined;
  }

  /** The digest secret of an extension while the registrar runs (its phones authenticate calls and MESSAGEs with it). */
  secretFor(user: string): StoredDigestSecret | undefined {
    if (this.registrar === undefined) return undefined;
    const extension = this.safeConfig()?.extensions.find((e) => `${e.prefix}${e.number}` === user);
    return extension && { password: extension.password };
  }

  /** Live contacts of one extension (its full user part, prefix included). */
  contactsFor(user: string): RegisteredContact[] {
    return this.registrar?.contactsFor(user) ?? [];
  }

  /** Live contacts of every extension of a group: an incoming GSM call rings them all. */
  contactsForGroup(group: string): RegisteredContact[] {
    return this.registrar?.contactsForGroup(group) ?? [];
  }

  /** The registrar groups that ring for an incoming GSM call on `line`. */
  groupsForLine(line: number): string[] {
    const config = this.safeConfig();
    return config?.enabled ? groupsForLine(config, line) : [];
  }

  /** Lines the extension `user` may dial out through, or undefined for no such extension. */
  linesFor(user: string): readonly number[] | 'all' | undefined {
    const config = this.safeConfig();
    const extension = config?.extensions.find((e) => `${e.prefix}${e.number}` === user);
    return config === undefined || extension === undefined ? undefined : linesForExtension(config, extension);
  }

  /** Every configured extension with its live contacts. */
  extensions(): ExtensionView[] {
    const config = this.safeConfig();
    if (config === undefined) return [];
    return config.extensions.map((e) => {
      const user = `${e.prefix}${e.number}`;
      return {
        user,
        number: e.number,
        prefix: e.prefix,
        group: e.group,
        maxContacts: e.maxContacts,
        lines: linesForExtension(config, e),
        contacts: this.contactsFor(user).map((c) => ({ contact: c.contactUri, expiresInS: c.expiresInS, source: `${c.source.ip}:${c.source.port}`, transport: c.source.transport })),
      };
    });
  }

  private safeConfig(): RegistrarConfig | undefined {
    try {
      return this.options.config();
    } catch {
      return undefined;
    }
  }

  private handleRegister(incoming: SipIncomingRequest): void {
    const registrar = this.registrar;
    if (registrar === undefined) {
      if (this.problems.length > 0) return void incoming.respond(503, 'Service Unavailable');
      const allow = this.options.endpoint.allowedMethods().filter((m) => m !== 'REGISTER');
      return void incoming.respond(405, 'Method Not Allowed', { headers: [['Allow', allow.join(', ')]] });
    }
    const answer = registrar.answer(incoming.request, { ip: incoming.source.ip, port: incoming.source.port, transport: incoming.transport });
    incoming.respond(answer.statusCode, answer.reasonPhrase, { headers: answer.headers });
  }
}
