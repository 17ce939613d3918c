/**
 * Server nonces that need no per-nonce state to check (RFC 7616 §3.3 suggests a nonce built from a
 * time stamp and a private key): issue time, random bytes, and an HMAC-SHA-256 over both and the
 * realm, keyed by the server secret. A nonce the server did not make, or made for another realm,
 * fails the HMAC; its age comes from the time stamp it carries.
 *
 * Layout (36 bytes, base64url → 48 characters): time ms (8, big-endian) | random (12) | HMAC[0..16).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { copyRandomBytes } from '../../util/random-pool.js';

const TIME_BYTES = 8;
const RANDOM_BYTES = 12;
const MAC_BYTES = 16;
const NONCE_BYTES = TIME_BYTES + RANDOM_BYTES + MAC_BYTES;
const NONCE_PATTERN = /^[A-Za-z0-9_-]{48}$/;
/** A nonce stamped this far ahead of our clock is not ours (clock steps backwards aside). */
const FUTURE_TOLERANCE_MS = 2_000;

export type NonceCheck = { valid: true; issuedAt: number; expired: boolean } | { valid: false };

export class DigestNonceMint {
  private readonly realmBytes: Buffer;

  constructor(
    private readonly secret: Uint8Array,
    realm: string,
    private readonly lifetimeMs: number,
  ) {
    this.realmBytes = Buffer.from(realm, 'utf8');
  }

  issue(nowMs: number): string {
    const bytes = Buffer.allocUnsafe(NONCE_BYTES);
    // Milliseconds fit in 53 bits: two 32-bit halves make the 8-byte big-endian stamp without a BigInt.
    const ms = Math.max(0, Math.floor(nowMs));
    bytes.writeUInt32BE(Math.floor(ms / 2 ** 32), 0);
    bytes.writeUInt32BE(ms % 2 ** 32, 4);
    copyRandomBytes(bytes, TIME_BYTES, RANDOM_BYTES);
    this.mac(bytes.subarray(0, TIME_BYTES + RANDOM_BYTES)).copy(bytes, TIME_BYTES + RANDOM_BYTES);
    return bytes.toString('base64url');
  }

  /** Whether this server made the nonce for this realm, and whether it has outlived its lifetime. */
  check(nonce: string, nowMs: number): NonceCheck {
    if (!NONCE_PATTERN.test(nonce)) return { valid: false };
    const bytes = Buffer.from(nonce, 'base64url');
    if (bytes.length !== NONCE_BYTES) return { valid: false };
    const expected = this.mac(bytes.subarray(0, TIME_BYTES + RANDOM_BYTES));
    if (!timingSafeEqual(expected, bytes.subarray(TIME_BYTES + RANDOM_BYTES))) return { valid: false };
    const issuedAt = bytes.readUInt32BE(0) * 2 ** 32 + bytes.readUInt32BE(4);
    if (issuedAt > nowMs + FUTURE_TOLERANCE_MS) return { valid: false };
    return { valid: true, issuedAt, expired: nowMs - issuedAt > this.lifetimeMs };
  }

  private mac(stampAndRandom: Buffer): Buffer {
    const h = createHmac('sha256', this.secret);
    h.update('cellgate-sip-digest-nonce\0');
    h.update(this.realmBytes);
    h.update('\0');
    h.update(stampAndRandom);
    return h.digest().subarray(0, MAC_BYTES);
  }
}
