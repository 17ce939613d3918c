/**
 * Password hashes: scrypt (RFC 7914) via node:crypto, stored as `scrypt$N$r$p$saltB64$hashB64`
 * with a random 16-byte salt and a 32-byte derived key. Verification compares in constant time.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export const SCRYPT_N = 16384;
export const SCRYPT_R = 8;
export const SCRYPT_P = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;

export interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

const B64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Parses a stored hash; undefined if malformed or if its cost parameters are out of sane bounds. */
export function parsePasswordHash(s: string): ParsedHash | undefined {
  const parts = s.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  if (!/^\d{1,7}$/.test(n) || !/^\d{1,2}$/.test(r) || !/^\d{1,2}$/.test(p)) return undefined;
  const N = Number(n);
  const R = Number(r);
  const P = Number(p);
  // Bounds keep a tampered file from making verification take gigabytes or minutes.
  if (N < 2 || N > 1 << 20 || (N & (N - 1)) !== 0 || R < 1 || R > 32 || P < 1 || P > 16) return undefined;
  if (!B64.test(salt) || !B64.test(hash)) return undefined;
  const saltBuf = Buffer.from(salt, 'base64');
  const hashBuf = Buffer.from(hash, 'base64');
  if (saltBuf.length < 8 || hashBuf.length < 16 || hashBuf.length > 64) return undefined;
  return { N, r: R, p: P, salt: saltBuf, hash: hashBuf };
}

/**
 * The derivation before which the next one waits. Each scrypt allocates 128·N·r bytes (16 MB at the
 * parameters above) on a libuv pool thread: one at a time, logins arriving together cost 16 MB for a
 * moment instead of 16 MB per pool thread, which glibc used to keep in each thread's arena, and they
 * leave the pool's other threads to the database's WAL syncs (docs/decisions/0018-memory-budget.md).
 */
let lastDerivation: Promise<unknown> = Promise.resolve();

function derive(password: string, salt: Buffer, N: number, r: number, p: number, keylen: number): Promise<Buffer> {
  const run = lastDerivation.then(
    () =>
      new Promise<Buffer>((resolve, reject) => {
        scrypt(password.normalize('NFC'), salt, keylen, { N, r, p, maxmem: 256 * N * r + (1 << 20) }, (err, key) =>
          err ? reject(err) : resolve(key),
        );
      }),
  );
  lastDerivation = run.catch(() => undefined);
  return run;
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_BYTES);
  return `scrypt$${SCRYPT_N}$${SCRYPT_R}$${SCRYPT_P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** True when `password` matches `stored`; false for a wrong password or a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const h = parsePasswordHash(stored);
  if (!h) return false;
  const key = await derive(password, h.salt, h.N, h.r, h.p, h.hash.length);
  return timingSafeEqual(key, h.hash);
}
