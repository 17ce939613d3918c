/**
 * Random bytes from the system's secure source, drawn 4 KiB at a time: one call into it costs about as
 * much as a whole SIP response (a few microseconds), and a busy registrar wants fresh random for every
 * tag, branch and nonce. Each byte is handed out once, so what one caller gets no other caller sees.
 */
import { randomBytes } from 'node:crypto';

const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let poolOffset = 0;

/** Where the next `bytes` random bytes lie in the pool, refilling it when they do not fit. */
function take(bytes: number): number {
  if (!Number.isInteger(bytes) || bytes < 0 || bytes > POOL_BYTES) throw new RangeError(`random pool: cannot hand out ${bytes} bytes at once`);
  if (poolOffset + bytes > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolOffset = 0;
  }
  const at = poolOffset;
  poolOffset += bytes;
  return at;
}

/** `bytes` random bytes as lower-case hex. */
export function randomHex(bytes: number): string {
  const at = take(bytes);
  return pool.toString('hex', at, at + bytes);
}

/** Writes `bytes` random bytes into `target` at `offset`. */
export function copyRandomBytes(target: Uint8Array, offset: number, bytes: number): void {
  const at = take(bytes);
  pool.copy(target, offset, at, at + bytes);
}
