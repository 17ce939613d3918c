/**
 * GET /api/lines/:id/signal?hours=N: a line's signal samples of the last N hours (1..24, default 24),
 * one a minute, oldest first, from the signal history (src/line/signal-history.ts). Same table form
 * as api-routes.ts.
 */
import type { Context } from 'koa';
import type { SignalSample } from '../line/signal-history.js';
import { ApiError } from './api-error.js';
import type { ApiRoute } from './api-routes.js';
import { STATUS_READ } from './access-policy.js';

export const MAX_SIGNAL_HOURS = 24;

export interface SignalRouteDeps {
  history: { readonly stepMs: number; samples(lineId: number, hours: number): SignalSample[] };
  lineExists(id: number): boolean;
}

export interface SignalAnswer {
  line: number;
  stepSec: number;
  samples: SignalSample[];
}

export function signalRoutes(deps: SignalRouteDeps): ApiRoute[] {
  function signal(ctx: Context): void {
    const raw = (ctx as Context & { params?: Record<string, string> }).params?.['id'] ?? '';
    if (!/^\d{1,9}$/.test(raw)) throw new ApiError(400, `line id must be a positive integer, got ${JSON.stringify(raw)}`);
    const id = Number(raw);
    if (!deps.lineExists(id)) throw new ApiError(404, `no line ${id}`);
    const h = ctx.query['hours'];
    let hours = MAX_SIGNAL_HOURS;
    if (h !== undefined) {
      if (typeof h !== 'string' || !/^\d{1,2}$/.test(h) || Number(h) < 1 || Number(h) > MAX_SIGNAL_HOURS) {
        throw new ApiError(400, `hours: expected an integer from 1 to ${MAX_SIGNAL_HOURS}`);
      }
      hours = Number(h);
    }
    const body: SignalAnswer = { line: id, stepSec: Math.round(deps.history.stepMs / 1000), samples: deps.history.samples(id, hours) };
    ctx.body = body;
  }

  return [{ method: 'GET', path: '/lines/:id/signal', access: STATUS_READ, handler: signal }];
}
