/**
 * Restart and reconnect: POST /api/system/restart, then wait until the gateway has gone away and
 * answers GET /api/health again (the service manager starts it anew). Gives up after `timeoutMs`.
 */
import { api } from '../api/client';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function healthy(): Promise<boolean> {
  try {
    const res = await fetch('/api/health', { cache: 'no-store', credentials: 'same-origin' });
    return res.ok;
  } catch {
    return false;
  }
}

/** Resolves true when the gateway is back, false when it did not come back in time. */
export async function restartAndReconnect(timeoutMs = 120_000): Promise<boolean> {
  await api('POST', '/system/restart', { confirm: true });
  const end = Date.now() + timeoutMs;
  let wentAway = false;
  // A restart that is over before the first check is still seen: after 10 s of answers, take it as back.
  const assumeBackAfter = Date.now() + 10_000;
  while (Date.now() < end) {
    await sleep(1000);
    const up = await healthy();
    if (!up) wentAway = true;
    else if (wentAway || Date.now() > assumeBackAfter) return true;
  }
  return false;
}
