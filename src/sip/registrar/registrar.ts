/**
 * The embedded registrar: REGISTER processing of RFC 3261 §10.3 for the configured extensions, with
 * digest authentication (§22, RFC 7616/8760) and a per-source lockout against password guessing.
 * I/O free: the SIP core hands it a REGISTER and the packet's source, and sends the response it returns.
 *
 * Answers that must not reveal whether an extension exists: the digest username is looked up only
 * inside DigestServer.verify, which does the same hashing for an unknown user as for a wrong password,
 * and both get the same 401 built by the same code. A locked-out source gets 403 before any of it.
 */
import { DigestServer, parseDigestCredentials } from '../auth/index.js';
import { createResponse, parseSipUri, type SipRequest, type SipResponse } from '../message/index.js';
import { BindingTable, contactKey, DEFAULT_MAX_BINDINGS, type Binding, type RegisterSource } from './binding-table.js';
import { checkExtensions, type Extension } from './extension-config.js';
import { ExtensionDirectory } from './extension-directory.js';
import { readRegister, type RequestedContact } from './register-request.js';
import { REGISTRAR_DEFAULTS, type RegisteredContact, type RegistrarOptions } from './registrar-options.js';
import { SourceLockout } from './source-lockout.js';
import { detachedString } from '../../util/detached-string.js';

type Extra = readonly (readonly [string, string])[];

/** A registrar decision: status, reason, and the headers beyond those every response copies (§8.2.6.2). */
export interface RegisterAnswer {
  readonly statusCode: number;
  readonly reasonPhrase: string;
  readonly headers: Extra;
}

function reply(statusCode: number, reasonPhrase: string, headers: Extra = []): RegisterAnswer {
  return { statusCode, reasonPhrase, headers };
}

export class Registrar {
  private readonly domains: Set<string>;
  private readonly directory: ExtensionDirectory;
  private readonly digest: DigestServer;
  private readonly bindings: BindingTable;
  private readonly lockout: SourceLockout;
  private readonly now: () => number;
  private readonly version: string;
  private readonly minExpiresS: number;
  private readonly maxExpiresS: number;
  private readonly defaultExpiresS: number;
  private lastDate: { readonly second: number; readonly text: string } | undefined;

  /** Throws RangeError listing every problem of an unusable configuration. */
  constructor(options: RegistrarOptions) {
    const problems: string[] = [];
    const domains = Array.isArray(options.domains) ? options.domains.filter((d) => typeof d === 'string' && d !== '') : [];
    if (domains.length === 0) problems.push('registrar: at least one domain is needed');
    const checked = checkExtensions(options.extensions);
    if (!checked.ok) problems.push(...checked.problems);
    this.minExpiresS = options.minExpiresS ?? REGISTRAR_DEFAULTS.minExpiresS;
    this.maxExpiresS = options.maxExpiresS ?? REGISTRAR_DEFAULTS.maxExpiresS;
    this.defaultExpiresS = options.defaultExpiresS ?? REGISTRAR_DEFAULTS.defaultExpiresS;
    const { minExpiresS: min, maxExpiresS: max, defaultExpiresS: def } = this;
    if (![min, max, def].every((n) => Number.isInteger(n) && n > 0) || min > max || def < min || def > max) {
      problems.push('registrar: expiries must be positive whole seconds with min <= default <= max');
    }
    if (problems.length > 0) throw new RangeError(problems.join('; '));
    this.domains = new Set(domains.map((d) => d.toLowerCase()));
    this.directory = new ExtensionDirectory(checked.ok ? checked.extensions : []);
    this.now = options.now ?? Date.now;
    this.version = options.version;
    this.digest = new DigestServer({
      realm: options.realm ?? domains[0]!,
      secret: options.nonceSecret,
      algorithms: options.algorithms,
      nonceLifetimeMs: options.nonceLifetimeMs,
      now: this.now,
    });
    this.bindings = new BindingTable(options.maxBindings ?? DEFAULT_MAX_BINDINGS);
    this.lockout = new SourceLockout(options.lockout);
  }

  get realm(): string {
    return this.digest.realm;
  }

  get bindingCount(): number {
    return this.bindings.size;
  }

  /** Processes one REGISTER (RFC 3261 §10.3 steps 1–8) and returns the final response. Never throws on what the client sent. */
  handleRegister(request: SipRequest, source: RegisterSource): SipResponse {
    const answer = this.answer(request, source);
    return createResponse(request, answer.statusCode, answer.reasonPhrase, { version: this.version, headers: answer.headers });
  }

  /** handleRegister's decision as status, reason and the headers beyond those every response copies. */
  answer(request: SipRequest, source: RegisterSource): RegisterAnswer {
    const now = this.now();
    const screened = this.screen(request, source, now);
    if (screened.kind === 'answer') return screened.answer;
    const verdict = this.digest.verify({ credentials: screened.credentials, method: request.method, requestUri: request.uri, body: request.body }, (u) => this.directory.secretFor(u));
    if (verdict.verdict === 'stale') return this.challenge(true);
    if (verdict.verdict !== 'ok') {
      this.lockout.recordFailure(source.ip, now);
      return verdict.verdict === 'malformed' ? reply(400, 'Bad Authorization Header') : this.challenge(false);
    }
    const extension = this.directory.find(verdict.username)!;
    // Steps 4 and 5: the AOR is the To URI; an extension may change only its own bindings.
    const toUri = request.to === undefined ? undefined : parseSipUri(request.to.uri);
    if (toUri === undefined || !this.servesHost(toUri.host)) return reply(404, 'Not Found');
    if (toUri.user !== extension.user) return reply(403, 'Forbidden');
    return this.updateBindings(request, source, extension, now);
  }

  /**
   * The answers that need no state (RFC 3261 §8.2.7): a locked-out source, a domain we do not serve, a
   * Require, or no credentials for our realm (the challenge). Undefined when the request goes on to
   * digest verification, which counts nonce uses and failures and so belongs in a transaction.
   */
  answerWithoutState(request: SipRequest, source: RegisterSource): RegisterAnswer | undefined {
    const screened = this.screen(request, source, this.now());
    return screened.kind === 'answer' ? screened.answer : undefined;
  }

  /** Steps up to the start of 3: what can be answered before the credentials are checked. */
  private screen(request: SipRequest, source: RegisterSource, now: number): { kind: 'answer'; answer: RegisterAnswer } | { kind: 'verify'; credentials: string } {
    const answer = (a: RegisterAnswer) => ({ kind: 'answer' as const, answer: a });
    if (request.method !== 'REGISTER') return answer(reply(405, 'Method Not Allowed', [['Allow', 'REGISTER']]));
    // Checked first so a guesser costs no hashing once locked out.
    if (this.lockout.isLocked(source.ip, now)) return answer(reply(403, 'Forbidden'));
    // Step 1: we are no proxy; a REGISTER for a domain we do not serve has nowhere to go.
    if (!this.servesHost(request.sipUri?.host)) return answer(reply(404, 'Not Found'));
    // Step 2: no extensions are supported (§8.2.2.3).
    const required = request.headers.has('require') ? request.headers.getAll('require').flatMap((v) => v.split(',').map((t) => t.trim())).filter((t) => t !== '') : [];
    if (required.length > 0) return answer(reply(420, 'Bad Extension', [['Unsupported', required.join(', ')]]));
    // Step 3 begins: without credentials, the challenge.
    const credentials = this.credentialsForOurRealm(request);
    return credentials === undefined ? answer(this.challenge(false)) : { kind: 'verify', credentials };
  }

  /** The live contacts of one extension (by its full user part), for forking. */
  contactsFor(user: string): RegisteredContact[] {
    const now = this.now();
    return this.bindings.bindingsOf(user, now).map((b) => this.toContact(b, now));
  }

  /** The live contacts of every extension in the group, for ringing them all. */
  contactsForGroup(group: string): RegisteredContact[] {
    return this.directory.members(group).flatMap((extension) => this.contactsFor(extension.user));
  }

  /** Steps 6–8: contacts, expiry, Call-ID/CSeq ordering, then the 200 with every current binding. */
  private updateBindings(request: SipRequest, source: RegisterSource, extension: Extension, now: number): RegisterAnswer {
    const reading = readRegister(request, this.defaultExpiresS);
    if (reading.kind === 'bad') return reply(400, reading.reason);
    const callId = request.callId ?? '';
    const cseq = request.cseq?.seq ?? 0;
    // Step 7: a binding last set by this Call-ID with an equal or higher CSeq means this request is
    // old or out of order; the whole update is aborted, nothing changes.
    const stale = (b: Binding | undefined) => b !== undefined && b.callId === callId && cseq <= b.cseq;
    if (reading.kind === 'remove-all') {
      const current = this.bindings.bindingsOf(extension.user, now);
      if (current.some((b) => stale(b))) return reply(500, 'Out Of Order Request');
      for (const b of current) this.bindings.remove(extension.user, b.key);
      return this.ok(extension, now);
    }
    if (reading.kind === 'query') return this.ok(extension, now);
    const tooShort = reading.contacts.some((c) => c.expiresS > 0 && c.expiresS < this.minExpiresS);
    if (tooShort) return reply(423, 'Interval Too Brief', [['Min-Expires', String(this.minExpiresS)]]);
    const planned = reading.contacts.map((c) => ({ requested: c, key: contactKey(c.uri) }));
    if (planned.some((p) => stale(this.bindings.find(extension.user, p.key, now)))) return reply(500, 'Out Of Order Request');
    const adding = planned.filter((p) => p.requested.expiresS > 0 && this.bindings.find(extension.user, p.key, now) === undefined).length;
    if (!this.bindings.hasRoomFor(adding, now)) return reply(503, 'Service Unavailable', [['Retry-After', '60']]);
    for (const { requested, key } of planned) this.apply(requested, key, { extension, source, callId, cseq, now });
    return this.ok(extension, now);
  }

  private apply(requested: RequestedContact, key: string, context: { extension: Extension; source: RegisterSource; callId: string; cseq: number; now: number }): void {
    const { extension, source, callId, cseq, now } = context;
    if (requested.expiresS === 0) return void this.bindings.remove(extension.user, key);
    const expiresS = Math.min(requested.expiresS, this.maxExpiresS);
    // Kept until it expires: strings of its own, not views into the REGISTER's text.
    const binding: Binding = {
      user: extension.user,
      group: extension.group,
      contactUri: detachedString(requested.uri),
      key: detachedString(key),
      q: requested.q,
      callId: detachedString(callId),
      cseq,
      expiresAt: now + expiresS * 1000,
      updatedAt: now,
      source: { ip: source.ip, port: source.port, transport: source.transport },
    };
    this.bindings.put(binding, extension.maxContacts);
  }

  /** Step 8: 200 OK listing every current binding with its remaining expiry, and a Date header (§10.3). */
  private ok(extension: Extension, now: number): RegisterAnswer {
    const contacts = this.bindings.bindingsOf(extension.user, now).map((b) => {
      const c = this.toContact(b, now);
      return ['Contact', `<${c.contactUri}>;expires=${c.expiresInS}${c.q === undefined ? '' : `;q=${c.q}`}`] as const;
    });
    return reply(200, 'OK', [...contacts, ['Date', this.dateHeader(now)]]);
  }

  /** The Date value (RFC 1123 in GMT, §20.17), worked out once a second. */
  private dateHeader(now: number): string {
    const second = Math.floor(now / 1000);
    if (this.lastDate?.second !== second) this.lastDate = { second, text: new Date(second * 1000).toUTCString() };
    return this.lastDate.text;
  }

  /** The one 401 for a missing, wrong or unknown-user answer: nothing in it depends on who was asked for. */
  private challenge(stale: boolean): RegisterAnswer {
    const { header, values } = this.digest.challenge({ stale });
    return reply(401, 'Unauthorized', values.map((v) => [header, v] as const));
  }

  /** The Authorization value for our realm when a phone sends several (§22.4: one per realm), else the first. */
  private credentialsForOurRealm(request: SipRequest): string | undefined {
    const values = request.headers.getAll('authorization');
    if (values.length <= 1) return values[0];
    return values.find((v) => {
      const parsed = parseDigestCredentials(v);
      return parsed.ok && parsed.value.realm === this.digest.realm;
    }) ?? values[0];
  }

  private servesHost(host: string | undefined): boolean {
    if (host === undefined) return false;
    const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
    return this.domains.has(host.toLowerCase()) || this.domains.has(bare.toLowerCase());
  }

  private toContact(b: Binding, now: number): RegisteredContact {
    return { user: b.user, group: b.group, contactUri: b.contactUri, q: b.q, expiresInS: Math.max(0, Math.ceil((b.expiresAt - now) / 1000)), source: b.source };
  }
}
