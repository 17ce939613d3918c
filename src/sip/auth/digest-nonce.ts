/**
 * Server nonces that need no per-nonce state to check (RFC 7616 §3.3 suggests a nonce built from a
 * time stamp and a private key): issue time, random bytes, and an HMAC-SHA-256 over both and the
 * realm, keyed by the server secret. A nonce the server did not make, or made for another realm,
 * fails the HMAC; its age comes from the time stamp it carries.
 *
 * Layout (36 bytes, base64url → 48 characters): time ms (8, big-endian) | random (12) | HMAC[0..16).
 */
import { hash, timingSafeEqual } from 'node:crypto';
import { copyRandomBytes } from '../../util/random-pool.js';

const TIME_BYTES = 8;
const RANDOM_BYTES = 12;
const MAC_BYTES = 16;
const NONCE_BYTES = TIME_BYTES + RANDOM_BYTES + MAC_BYTES;
const NONCE_PATTERN = /^[A-Za-z0-9_-]{48}$/;
/** SHA-256's block size: HMAC pads the key to it (RFC 2104 §2). */
const BLOCK_BYTES = 64;
const SHA256_BYTES = 32;
const DOMAIN_LABEL = 'cellgate-sip-digest-nonce\0';
/** A nonce stamped this far ahead of our clock is not ours (clock steps backwards aside). */
const FUTURE_TOLERANCE_MS = 2_000;

export type NonceCheck = { valid: true; issuedAt: number; expired: boolean } | { valid: false };

/**
 * HMAC-SHA-256 (RFC 2104) over `label | realm | NUL | stamp and random`, computed as two one-shot
 * hashes over buffers laid out once: H((K ^ opad) | H((K ^ ipad) | message)). The same bytes as
 * createHmac, without a keyed Hmac object per nonce (one is minted or checked per REGISTER).
 */
class NonceMac {
  /** (K ^ ipad) | label | realm | NUL | the 20 bytes of the nonce being signed, written last. */
  private readonly inner: Buffer;
  /** (K ^ opad) | the inner hash. */
  private readonly outer = Buffer.alloc(BLOCK_BYTES + SHA256_BYTES);
  private readonly tail: number;

  constructor(secret: Uint8Array, realm: string) {
    const key = Buffer.alloc(BLOCK_BYTES);
    (secret.length > BLOCK_BYTES ? hash('sha256', secret, 'buffer') : Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength)).copy(key);
    const prefix = Buffer.concat([Buffer.from(DOMAIN_LABEL, 'latin1'), Buffer.from(realm, 'utf8'), Buffer.from([0])]);
    this.tail = BLOCK_BYTES + prefix.length;
    this.inner = Buffer.alloc(this.tail + TIME_BYTES + RANDOM_BYTES);
    for (let i = 0; i < BLOCK_BYTES; i++) {
      this.inner[i] = key[i]! ^ 0x36;
      this.outer[i] = key[i]! ^ 0x5c;
    }
    prefix.copy(this.inner, BLOCK_BYTES);
  }

  /** The first MAC_BYTES of the HMAC, written into `into` at `at`. */
  write(stampAndRandom: Uint8Array, into: Buffer, at: number): void {
    this.inner.set(stampAndRandom, this.tail);
    this.outer.set(hash('sha256', this.inner, 'buffer'), BLOCK_BYTES);
    hash('sha256', this.outer, 'buffer').copy(into, at, 0, MAC_BYTES);
  }
}

export class DigestNonceMint {
  private readonly mac: NonceMac;
  /** Where check() writes the MAC it expects: checks run one at a time, on one thread. */
  private readonly expected = Buffer.alloc(MAC_BYTES);

  constructor(
    secret: Uint8Array,
    realm: string,
    private readonly lifetimeMs: number,
  ) {
    this.mac = new NonceMac(secret, realm);
  }

  issue(nowMs: number): string {
    const bytes = Buffer.allocUnsafe(NONCE_BYTES);
    // Milliseconds fit in 53 bits: two 32-bit halves make the 8-byte big-endian stamp without a BigInt.
    const ms = Math.max(0, Math.floor(nowMs));
    bytes.writeUInt32BE(Math.floor(ms / 2 ** 32), 0);
    bytes.writeUInt32BE(ms % 2 ** 32, 4);
    copyRandomBytes(bytes, TIME_BYTES, RANDOM_BYTES);
    this.mac.write(bytes.subarray(0, TIME_BYTES + RANDOM_BYTES), bytes, TIME_BYTES + RANDOM_BYTES);
    return bytes.toString('base64url');
  }

  /** Whether this server made the nonce for this realm, and whether it has outlived its lifetime. */
  check(nonce: string, nowMs: number): NonceCheck {
    if (!NONCE_PATTERN.test(nonce)) return { valid: false };
    const bytes = Buffer.from(nonce, 'base64url');
    if (bytes.length !== NONCE_BYTES) return { valid: false };
    this.mac.write(bytes.subarray(0, TIME_BYTES + RANDOM_BYTES), this.expected, 0);
    if (!timingSafeEqual(this.expected, bytes.subarray(TIME_BYTES + RANDOM_BYTES))) return { valid: false };
    const issuedAt = bytes.readUInt32BE(0) * 2 ** 32 + bytes.readUInt32BE(4);
    if (issuedAt > nowMs + FUTURE_TOLERANCE_MS) return { valid: false };
    return { valid: true, issuedAt, expired: nowMs - issuedAt > this.lifetimeMs };
  }
}
