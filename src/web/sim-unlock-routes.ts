/**
 * PIN/PUK unlock of a line's card (manual §5), admin-only:
 *
 *   POST /api/lines/:id/unlock  {"pin": "1234"}  or  {"puk": "12345678", "newPin": "1234"}
 *
 * 200 `{outcome: "unlocked", state}`; 409 when the card waits for no such code (`wrong-state`) or no
 * modem is connected; 422 when the card refused the code (each refusal uses up one of its tries:
 * three wrong PINs lock it behind its PUK, ten wrong PUKs block it for good, TS 31.102). Codes are
 * checked for shape here and never logged or echoed.
 */
import type { Context } from 'koa';
import type { SimUnlockCode, SimUnlockResult } from '../line/sim-unlock.js';
import type { Logger } from '../util/log.js';
import { SYSTEM_ADMIN } from './access-policy.js';
import { ApiError } from './api-error.js';
import type { ApiRoute } from './api-routes.js';
import type { WebState } from './auth-gate.js';
import { readObjectBody } from './json-body.js';

export interface UnlockableLine {
  unlockSim(code: SimUnlockCode): Promise<SimUnlockResult | null>;
}

export interface SimUnlockRouteDeps {
  lines: { get(id: number): UnlockableLine | undefined };
  bodyLimit: number;
  log: Logger;
}

const PIN = /^\d{4,8}$/;
const PUK = /^\d{8}$/;

/** The code in the body, shape-checked (TS 31.102: PIN 4 to 8 digits, PUK 8 digits). */
export function unlockCode(b: Record<string, unknown>): SimUnlockCode {
  const keys = Object.keys(b).sort().join(',');
  if (keys === 'pin') {
    if (typeof b['pin'] !== 'string' || !PIN.test(b['pin'])) throw new ApiError(400, 'pin: expected 4 to 8 digits');
    return { pin: b['pin'] };
  }
  if (keys === 'newPin,puk') {
    if (typeof b['puk'] !== 'string' || !PUK.test(b['puk'])) throw new ApiError(400, 'puk: expected 8 digits');
    if (typeof b['newPin'] !== 'string' || !PIN.test(b['newPin'])) throw new ApiError(400, 'newPin: expected 4 to 8 digits');
    return { puk: b['puk'], newPin: b['newPin'] };
  }
  throw new ApiError(400, 'expected {"pin"} or {"puk", "newPin"}');
}

export function simUnlockRoutes(deps: SimUnlockRouteDeps): ApiRoute[] {
  async function unlock(ctx: Context): Promise<void> {
    const raw = (ctx as Context & { params?: Record<string, string> }).params?.['id'] ?? '';
    if (!/^\d{1,9}$/.test(raw)) throw new ApiError(400, `line id must be a positive integer, got ${JSON.stringify(raw)}`);
    const line = deps.lines.get(Number(raw));
    if (!line) throw new ApiError(404, `no line ${raw}`);
    const code = unlockCode(await readObjectBody(ctx, deps.bodyLimit));
    const kind = 'puk' in code ? 'PUK' : 'PIN';
    const r = await line.unlockSim(code);
    const by = (ctx.state as WebState).principal?.user;
    deps.log.info({ line: Number(raw), kind, outcome: r?.outcome ?? 'no-modem', state: r?.state ?? null, by }, 'SIM unlock requested');
    if (r === null) throw new ApiError(409, `line ${raw} has no modem connected now`);
    if (r.outcome === 'wrong-state') throw new ApiError(409, `the SIM of line ${raw} does not wait for a ${kind} (state ${r.state})`, {}, { state: r.state });
    if (r.outcome === 'refused') throw new ApiError(422, `the SIM refused the ${kind}; each wrong try uses one of its tries (state ${r.state})`, {}, { state: r.state });
    ctx.body = { line: Number(raw), outcome: r.outcome, state: r.state };
  }
  return [{ method: 'POST', path: '/lines/:id/unlock', access: SYSTEM_ADMIN, handler: unlock }];
}
