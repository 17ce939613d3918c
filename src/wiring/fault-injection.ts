/**
 * Fault injection the daemon takes from its environment, for end-to-end tests only (as the simulator's
 * faults are for the modems; never set on a gateway):
 *
 * - CELLGATE_TEST_FSYNC_DELAY_MS: the message store's group-commit syncs resolve that many milliseconds
 *   after their fdatasync returned, as on a slow disk (src/store/wal-sync.ts). Submits stay stored but
 *   unanswered that much longer, the window a kill -9 must hit for an SMPP resubmission to meet its
 *   stored copy (docs/decisions/0020-smpp-exactly-once.md).
 *
 * A value that is not a whole number of milliseconds up to 10 s is ignored with a warning.
 */
import type { Logger } from '../util/log.js';

export const FSYNC_DELAY_ENV = 'CELLGATE_TEST_FSYNC_DELAY_MS';
const MAX_FSYNC_DELAY_MS = 10_000;

/** The injected sync delay in ms (0 = none), logged as a warning whenever one is in force. */
export function fsyncDelayFromEnv(env: NodeJS.ProcessEnv, log: Logger): number {
  const raw = env[FSYNC_DELAY_ENV]?.trim();
  if (!raw) return 0;
  const ms = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(ms <= MAX_FSYNC_DELAY_MS)) {
    log.warn({ [FSYNC_DELAY_ENV]: raw }, `fault injection ignored: ${FSYNC_DELAY_ENV} must be 0-${MAX_FSYNC_DELAY_MS} (ms)`);
    return 0;
  }
  if (ms > 0) log.warn({ ms }, `fault injection (${FSYNC_DELAY_ENV}): every message store sync is acknowledged ${ms} ms late, as on a slow disk`);
  return ms;
}
