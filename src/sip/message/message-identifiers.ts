import { randomHex } from '../../util/random-pool.js';

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
