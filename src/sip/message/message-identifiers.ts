import { randomBytes } from 'node:crypto';

/**
 * Identifiers are drawn from a pool of random bytes refilled 4 KiB at a time: one call into the
 * system's random source per response was a visible share of a busy registrar's time. Each byte is
 * handed out once.
 */
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let poolOffset = 0;

function randomHex(bytes: number): string {
  if (poolOffset + bytes > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolOffset = 0;
  }
  const hex = pool.toString('hex', poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return hex;
}

/** RFC 3261 §8.1.1.7: branches of RFC 3261 transactions start with this magic cookie. */
export const BRANCH_MAGIC_COOKIE = 'z9hG4bK';

/** A fresh Via branch, unique in space and time (RFC 3261 §8.1.1.7). */
export function newBranch(): string {
  return BRANCH_MAGIC_COOKIE + randomHex(12);
}

/** A fresh From/To tag: at least 32 bits of randomness (RFC 3261 §19.3). */
export function newTag(): string {
  return randomHex(8);
}

/** A fresh Call-ID, globally unique (RFC 3261 §8.1.1.4); `host` makes it more so. */
export function newCallId(host?: string): string {
  const id = randomHex(16);
  return host === undefined ? id : `${id}@${host}`;
}

/** The User-Agent / Server value cellgate sends (RFC 3261 §20.41, §20.35). */
export function productToken(version: string): string {
  return `cellgate/${version}`;
}
