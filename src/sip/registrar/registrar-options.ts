/** What the embedded registrar is built with, and what it hands to the forking step. */
import type { BaseDigestAlgorithm } from '../auth/index.js';
import type { RegisterSource } from './binding-table.js';
import type { ExtensionDefinition } from './extension-config.js';
import type { SourceLockoutOptions } from './source-lockout.js';

export interface RegistrarOptions {
  /** Hosts the registrar is responsible for (our IP addresses or names); Request-URI and To must name one (§10.3 steps 1 and 5). */
  readonly domains: readonly string[];
  /** Digest realm; default the first domain. */
  readonly realm?: string;
  /** Key for the digest nonces; at least 32 bytes. */
  readonly nonceSecret: Uint8Array;
  readonly extensions: readonly ExtensionDefinition[];
  /** cellgate's version, for the Server header. */
  readonly version: string;
  /** Shortest expiry accepted; shorter non-zero ones get 423 with Min-Expires (§10.3 step 7). Default 60 s. */
  readonly minExpiresS?: number;
  /** Longer requested expiries are cut to this. Default 7200 s. */
  readonly maxExpiresS?: number;
  /** Expiry when neither the contact nor the request names one (§10.3 step 7). Default 3600 s. */
  readonly defaultExpiresS?: number;
  /** Bindings over all extensions. Default 10000. */
  readonly maxBindings?: number;
  readonly lockout?: SourceLockoutOptions;
  /** Digest algorithms offered, most preferred first. Default SHA-256, MD5. */
  readonly algorithms?: readonly BaseDigestAlgorithm[];
  readonly nonceLifetimeMs?: number;
  /** Clock in milliseconds; tests pass a fake one. Default Date.now. */
  readonly now?: () => number;
}

export const REGISTRAR_DEFAULTS = { minExpiresS: 60, maxExpiresS: 7200, defaultExpiresS: 3600 } as const;

/** One live registration, as the forking step needs it. */
export interface RegisteredContact {
  readonly user: string;
  readonly group: string;
  readonly contactUri: string;
  readonly q: string | undefined;
  /** Seconds left. */
  readonly expiresInS: number;
  /** Send requests for this contact here (the REGISTER's source), over this transport. */
  readonly source: RegisterSource;
}
