/**
 * The location service of RFC 3261 §10: bindings from an extension to contact URIs, each with its
 * expiry, the Call-ID and CSeq of the REGISTER that last touched it (§10.3 step 7), and the address
 * and transport the REGISTER came from (a phone behind NAT is reached where it sent from, not at the
 * private address its Contact names). Expired bindings are dropped on every access; the clock is the
 * caller's. Bounded per extension (by the extension's maxContacts) and in total.
 */

export type RegisterTransport = 'udp' | 'tcp' | 'tls';

/** Where a REGISTER came from: the packet's source address and transport (RFC 3261 §18.2.1). */
export interface RegisterSource {
  readonly ip: string;
  readonly port: number;
  readonly transport: RegisterTransport;
}

export interface Binding {
  /** The extension's user part. */
  readonly user: string;
  readonly group: string;
  /** The Contact URI as registered. */
  readonly contactUri: string;
  /** Comparison key of the URI (RFC 3261 §19.1.4, simplified: see contactKey). */
  readonly key: string;
  /** The Contact `q` parameter, when given. */
  readonly q: string | undefined;
  readonly callId: string;
  readonly cseq: number;
  /** Milliseconds on the registrar's clock. */
  readonly expiresAt: number;
  readonly updatedAt: number;
  readonly source: RegisterSource;
}

/**
 * A comparison key for contact URIs: scheme and host case-insensitive, user and the rest as written
 * (RFC 3261 §19.1.4 makes the user part case-sensitive). Parameter order is not normalised; a phone
 * re-registers with the URI it registered, so textual equality is what matters in practice.
 */
export function contactKey(uri: string): string {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):(?:([^@]*)@)?([^;?]*)(.*)$/.exec(uri.trim());
  if (!match) return uri.trim();
  const [, scheme, user, hostPort, rest] = match;
  return `${scheme!.toLowerCase()}:${user === undefined ? '' : `${user}@`}${hostPort!.toLowerCase()}${rest}`;
}

export const DEFAULT_MAX_BINDINGS = 10_000;

export class BindingTable {
  /** user → (contact key → binding). */
  private readonly byUser = new Map<string, Map<string, Binding>>();
  private total = 0;

  constructor(readonly maxBindings: number = DEFAULT_MAX_BINDINGS) {
    if (!Number.isInteger(maxBindings) || maxBindings < 1) throw new RangeError('binding table: maxBindings must be a positive integer');
  }

  get size(): number {
    return this.total;
  }

  /** The live bindings of one extension, least recently written first. */
  bindingsOf(user: string, now: number): Binding[] {
    this.purgeUser(user, now);
    return [...(this.byUser.get(user)?.values() ?? [])];
  }

  find(user: string, key: string, now: number): Binding | undefined {
    this.purgeUser(user, now);
    return this.byUser.get(user)?.get(key);
  }

  /** Room left in total for `adding` new bindings after expired ones are dropped. */
  hasRoomFor(adding: number, now: number): boolean {
    if (this.total + adding <= this.maxBindings) return true;
    this.purgeExpired(now);
    return this.total + adding <= this.maxBindings;
  }

  /**
   * Adds or replaces a binding. When the extension is at `maxContacts`, the least recently updated
   * other binding goes (a rebooted phone registers a new contact while its old one has not expired).
   * Returns the bindings evicted that way.
   */
  put(binding: Binding, maxContacts: number): Binding[] {
    let contacts = this.byUser.get(binding.user);
    if (contacts === undefined) {
      contacts = new Map();
      this.byUser.set(binding.user, contacts);
    }
    if (contacts.delete(binding.key)) this.total--;
    const evicted: Binding[] = [];
    while (contacts.size >= maxContacts) {
      const oldest = [...contacts.values()].reduce((a, b) => (b.updatedAt < a.updatedAt ? b : a));
      contacts.delete(oldest.key);
      this.total--;
      evicted.push(oldest);
    }
    contacts.set(binding.key, binding);
    this.total++;
    return evicted;
  }

  remove(user: string, key: string): boolean {
    const contacts = this.byUser.get(user);
    if (!contacts?.delete(key)) return false;
    this.total--;
    if (contacts.size === 0) this.byUser.delete(user);
    return true;
  }

  purgeExpired(now: number): void {
    for (const user of [...this.byUser.keys()]) this.purgeUser(user, now);
  }

  private purgeUser(user: string, now: number): void {
    const contacts = this.byUser.get(user);
    if (contacts === undefined) return;
    for (const [key, binding] of contacts) {
      if (binding.expiresAt <= now) {
        contacts.delete(key);
        this.total--;
      }
    }
    if (contacts.size === 0) this.byUser.delete(user);
  }
}
