/**
 * The data connectivity check (manual §5.10): the modem fetches a URL through its own data connection
 * with its built-in HTTP client. The result, success or not, is a value the line keeps in
 * status().dataCheck; only a missing URL or a line that is not ready is an error.
 */
import type { DataCheckCapability } from '../../modem-drivers/capabilities.js';
import type { Family } from '../../modem-drivers/types.js';
import type { LineStatus } from './types.js';

export type DataCheckResult = NonNullable<LineStatus['dataCheck']>;

export interface DataCheckRequest {
  url: string;
  apn?: string | undefined;
  timeoutMs?: number | undefined;
}

/**
 * Runs one check. A family without an HTTP client (TS 27.007 defines none: only vendor families have one)
 * gives a failed result saying so, as any other failure.
 */
export async function runDataCheck(check: DataCheckCapability | undefined, family: Family, req: DataCheckRequest, now: () => number): Promise<DataCheckResult> {
  const at = new Date(now()).toISOString();
  const url = req.url;
  try {
    if (!check) throw new Error(`the ${family} driver has no built-in HTTP client (the data connectivity check needs a Quectel or SIMCom modem)`);
    const r = await check.httpCheck({ url, ...(req.apn ? { apn: req.apn } : {}), ...(req.timeoutMs ? { timeoutMs: req.timeoutMs } : {}) });
    return { at, url, ok: r.status >= 200 && r.status < 400, status: r.status, bytes: r.bytes, ms: r.ms, error: null };
  } catch (e) {
    return { at, url, ok: false, status: null, bytes: null, ms: null, error: (e as Error).message };
  }
}

/** When the periodic check is due: every `intervalMinutes` while registered (0: only on demand). */
export class DataCheckSchedule {
  private next = 0;

  constructor(
    private readonly cfg: { url?: string; intervalMinutes: number } | undefined,
    private readonly now: () => number,
  ) {}

  /** True (and the next one scheduled) when a check is due now. */
  due(): boolean {
    if (!this.cfg?.url || !this.cfg.intervalMinutes) return false;
    const now = this.now();
    if (now < this.next) return false;
    this.next = now + this.cfg.intervalMinutes * 60_000;
    return true;
  }
}
