/**
 * Small things the messaging benchmarks share: percentiles, the file system a directory is on, a
 * temporary data directory on the real disk, and the sms/smpp configuration sections with the
 * defaults of src/config/schema.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SmppConfig } from '../../src/config/schema-messaging.js';
import { smppConfig as testSmppConfig, smsConfig } from '../../test/helpers/sms-config.js';

/** The `sms` section with the schema's defaults, then `over`. */
export { smsConfig };

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The p-th percentile (nearest rank) of an ascending array; NaN when empty. */
export function pct(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** "ext4 on /dev/vda (mounted at /)": the longest mount point containing `dir` (Linux); "unknown" elsewhere. */
export function fsType(dir: string): string {
  try {
    const real = fs.realpathSync(dir);
    let best = { mnt: '', type: 'unknown', dev: '' };
    for (const line of fs.readFileSync('/proc/mounts', 'utf8').split('\n')) {
      const [dev, mnt, type] = line.split(' ');
      if (!dev || !mnt || !type) continue;
      const inside = real === mnt || real.startsWith(mnt.endsWith('/') ? mnt : `${mnt}/`);
      if (inside && mnt.length >= best.mnt.length) best = { mnt, type, dev };
    }
    return best.type === 'unknown' ? 'unknown' : `${best.type} on ${best.dev} (mounted at ${best.mnt})`;
  } catch {
    return 'unknown';
  }
}

/**
 * A fresh directory for a database under $CELLGATE_BENCH_DIR (default: the OS temp directory). fsync
 * cost depends on that disk, so callers print `fsType(dir)` with their figures; a tmpfs is flagged.
 */
export function benchDir(prefix: string): { dir: string; fs: string; remove(): void } {
  const base = process.env.CELLGATE_BENCH_DIR ?? os.tmpdir();
  const dir = fs.mkdtempSync(path.join(base, prefix));
  const type = fsType(dir);
  return {
    dir,
    fs: type.startsWith('tmpfs') || type.startsWith('ramfs') ? `${type} — MEMORY, fsync costs nothing here; set CELLGATE_BENCH_DIR to a disk` : type,
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** The `smpp` section with the schema's defaults (enabled on 127.0.0.1, port 0) and one account that receives, with per-line ids. */
export function smppConfig(account: { systemId: string; password: string }, over: Partial<SmppConfig> = {}): SmppConfig {
  return testSmppConfig({ accounts: [{ systemId: account.systemId, password: account.password, perLineIds: true, receive: true }], ...over });
}
