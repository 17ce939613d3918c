import { randomBytes } from 'node:crypto';

/** RFC 3261 §8.1.1.7: branches of RFC 3261 transactions start with this magic cookie. */
export const BRANCH_MAGIC_COOKIE = 'z9hG4bK';

/** A fresh Via branch, unique in space and time (RFC 3261 §8.1.1.7). */
export function newBranch(): string {
  return BRANCH_MAGIC_COOKIE + randomBytes(12).toString('hex');
}

/** A fresh From/To tag: at least 32 bits of randomness (RFC 3261 §19.3). */
export function newTag(): string {
  return randomBytes(8).toString('hex');
}

/** A fresh Call-ID, globally unique (RFC 3261 §8.1.1.4); `host` makes it more so. */
export function newCallId(host?: string): string {
  const id = randomBytes(16).toString('hex');
  return host === undefined ? id : `${id}@${host}`;
}

/** The User-Agent / Server value cellgate sends (RFC 3261 §20.41, §20.35). */
export function productToken(version: string): string {
  return `cellgate/${version}`;
}
