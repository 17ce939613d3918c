/**
 * Line actions and SIM policy views of the JSON API (manual §5.9 call test, §3.2.3 statistics).
 * Same table form as api-routes.ts; mounted by the daemon with createWebApp({ extraRoutes }).
 */
import type { Context } from 'koa';
import type { LineManager } from '../line/line-manager.js';
import type { SimPolicy } from '../line/sim-policy.js';
import type { Line } from '../line/line.js';
import { statistics, type PolicyConfig, type SlotId } from '../policy/index.js';
import { ApiError } from './api-error.js';
import type { ApiRoute } from './api-routes.js';
import { readJsonBody } from './json-body.js';

const ADMIN = ['admin'] as const;
const SLOTS: readonly SlotId[] = ['A', 'B', 'C', 'D'];
const DIAL = /^\+?[0-9*#]{1,32}$/;

export interface LineRouteDeps {
  lines: LineManager;
  policy: SimPolicy;
  policyConfig: PolicyConfig;
  bodyLimit: number;
}

function lineOf(deps: LineRouteDeps, ctx: Context): Line {
  const raw = (ctx as Context & { params?: Record<string, string> }).params?.['id'] ?? '';
  if (!/^\d{1,9}$/.test(raw)) throw new ApiError(400, `line id must be a positive integer, got ${JSON.stringify(raw)}`);
  const line = deps.lines.get(Number(raw));
  if (!line) throw new ApiError(404, `no line ${raw}`);
  return line;
}

/** Resolves when the line's call state satisfies `cond`, or rejects after ms. */
function waitCall(line: Line, cond: () => boolean, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (cond()) return resolve(true);
    const t = setTimeout(() => {
      line.off('call', on);
      resolve(false);
    }, ms);
    const on = () => {
      if (!cond()) return;
      clearTimeout(t);
      line.off('call', on);
      resolve(true);
    };
    line.on('call', on);
  });
}

export function lineRoutes(deps: LineRouteDeps): ApiRoute[] {
  /**
   * POST /api/lines/:id/test-call {number, seconds}: dials from the line's bound SIM (if the policy
   * allows it), holds an answered call for `seconds`, hangs up and reports what happened. The call
   * counts against the SIM's limits and rules like any other.
   */
  async function testCall(ctx: Context): Promise<void> {
    const line = lineOf(deps, ctx);
    const body = (await readJsonBody({ type: ctx.request.type, charset: ctx.request.charset, req: ctx.req }, deps.bodyLimit)) as Record<string, unknown>;
    const number = body?.['number'];
    const seconds = body?.['seconds'] ?? 10;
    if (typeof number !== 'string' || !DIAL.test(number)) throw new ApiError(400, 'number: expected a dial string of digits, +, * and # (1-32 characters)');
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0 || seconds > 600) {
      throw new ApiError(400, 'seconds: expected an integer from 0 to 600');
    }
    const may = deps.policy.mayCall(line.id);
    if (!may.ok) throw new ApiError(409, `line ${line.id} may not call: ${may.reason}`);
    let ended: { durationSec?: number; endReason?: string | null; answeredAt?: number | null } | null = null;
    const onCall = (c: { to: string; durationSec?: number; endReason?: string | null; answeredAt?: number | null }) => {
      if (c.to === 'IDLE') ended = c;
    };
    line.on('call', onCall);
    const started = Date.now();
    try {
      try {
        await line.dial(number);
      } catch (e) {
        throw new ApiError(409, `line ${line.id}: ${(e as Error).message}`);
      }
      const answered = await waitCall(line, () => line.status().callState === 'CONNECTED' || line.status().callState === 'IDLE', 90_000);
      if (answered && line.status().callState === 'CONNECTED') {
        await waitCall(line, () => line.status().callState === 'IDLE', seconds * 1000);
      }
      if (line.status().callState !== 'IDLE') await line.hangup().catch(() => {});
      await waitCall(line, () => ended !== null, 5000);
    } finally {
      line.off('call', onCall);
    }
    const e = ended as { durationSec?: number; endReason?: string | null; answeredAt?: number | null } | null;
    ctx.body = {
      line: line.id,
      slot: line.status().slot,
      number,
      answered: !!e?.answeredAt,
      durationSec: e?.durationSec ?? 0,
      endReason: e?.endReason ?? null,
      elapsedMs: Date.now() - started,
    };
  }

  /** GET /api/sims: per line and slot, the §3.2.3 statistics and state (colour, remaining, counters). */
  function sims(ctx: Context): void {
    const now = Date.now();
    const state = deps.policy.snapshot();
    const out = deps.lines.all().map((l) => ({
      line: l.id,
      bound: state.lines[String(l.id)]?.bound ?? null,
      slots: SLOTS.map((s) => statistics(deps.policyConfig, state, now, String(l.id), s)),
    }));
    ctx.body = { timeTrusted: state.timeTrusted, timeSource: state.timeSource, lines: out };
  }

  return [
    { method: 'POST', path: '/lines/:id/test-call', access: ADMIN, handler: testCall },
    { method: 'GET', path: '/sims', access: ADMIN, handler: sims },
  ];
}
