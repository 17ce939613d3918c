/**
 * Calls in the JSON API: the calls in progress and the recorded ones (GET /api/calls, /api/calls/:id),
 * and the call test (manual §5.9: POST /api/lines/:id/test-call, POST /api/test-call). The work is in
 * src/call; these handlers check input and shape answers. Same table form as api-routes.ts.
 */
import type { Context } from 'koa';
import type { CallService } from '../call/call-service.js';
import { runTestCall, TestCallNotPlaced, type TestCallLine } from '../call/test-call.js';
import type { Line } from '../line/line.js';
import { apiClient } from '../sms/client-id.js';
import { CALLS_READ, LINE_ACTIONS } from './access-policy.js';
import { ApiError } from './api-error.js';
import type { ApiRoute } from './api-routes.js';
import type { WebState } from './auth-gate.js';
import { readObjectBody } from './json-body.js';

const DIAL = /^\+?[0-9*#]{1,32}$/;
const MAX_ID = 256;

export interface CallRouteDeps {
  calls: CallService;
  lines: { get(id: number): (TestCallLine & Pick<Line, 'id'>) | undefined; all(): Line[] };
  policy: {
    mayCall(lineId: number): { ok: true } | { ok: false; reason: string };
    pickLine(candidates: readonly Pick<Line, 'id' | 'status'>[], mode?: 'round-robin' | 'least-minutes'): number | null;
  };
  /** policy.lineSelection of the configuration, read at each request. */
  lineSelection(): 'round-robin' | 'least-minutes';
  bodyLimit: number;
}

function intQuery(ctx: Context, name: string, min: number, max: number): number | undefined {
  const v = ctx.query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new ApiError(400, `${name}: expected an integer from ${min} to ${max}`);
  return Number(v);
}

function originOf(ctx: Context): string {
  const p = (ctx.state as WebState).principal;
  return p ? apiClient(p.user) : 'api';
}

export function callRoutes(deps: CallRouteDeps): ApiRoute[] {
  /** GET /api/calls?limit&offset: calls in progress, and a page of recorded ones, newest first. */
  function list(ctx: Context): void {
    const limit = intQuery(ctx, 'limit', 1, 1000) ?? 50;
    const offset = intQuery(ctx, 'offset', 0, 1e9) ?? 0;
    ctx.body = deps.calls.list({ limit, offset });
  }

  /** GET /api/calls/:id: one call, in progress or recorded. */
  function one(ctx: Context): void {
    const id = (ctx as Context & { params?: Record<string, string> }).params?.['id'] ?? '';
    if (id.length === 0 || id.length > MAX_ID) throw new ApiError(400, `call id: expected 1 to ${MAX_ID} characters`);
    const call = deps.calls.get(id);
    if (!call) throw new ApiError(404, `no call ${id}`);
    ctx.body = call;
  }

  function lineOf(ctx: Context): TestCallLine {
    const raw = (ctx as Context & { params?: Record<string, string> }).params?.['id'] ?? '';
    if (!/^\d{1,9}$/.test(raw)) throw new ApiError(400, `line id must be a positive integer, got ${JSON.stringify(raw)}`);
    const line = deps.lines.get(Number(raw));
    if (!line) throw new ApiError(404, `no line ${raw}`);
    return line;
  }

  /**
   * POST /api/lines/:id/test-call {number, seconds}: dials from the line's bound SIM (if the policy
   * allows it), holds an answered call for `seconds`, hangs up and reports what happened.
   */
  async function testCall(ctx: Context, line: TestCallLine = lineOf(ctx)): Promise<void> {
    const b = await readObjectBody(ctx, deps.bodyLimit, { emptyIsObject: true });
    const number = b['number'];
    const seconds = b['seconds'] ?? 10;
    if (typeof number !== 'string' || !DIAL.test(number)) throw new ApiError(400, 'number: expected a dial string of digits, +, * and # (1-32 characters)');
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0 || seconds > 600) {
      throw new ApiError(400, 'seconds: expected an integer from 0 to 600');
    }
    try {
      ctx.body = await runTestCall({ calls: deps.calls, mayCall: (id) => deps.policy.mayCall(id) }, line, { number, seconds, origin: originOf(ctx) });
    } catch (e) {
      if (e instanceof TestCallNotPlaced) throw new ApiError(409, e.message);
      throw e;
    }
  }

  /**
   * POST /api/test-call {number, seconds}: a test call on the line the policy selects for outgoing
   * calls (§4.4, policy.lineSelection), skipping lines whose SIM may not call.
   */
  async function testCallAnyLine(ctx: Context): Promise<void> {
    const id = deps.policy.pickLine(deps.lines.all(), deps.lineSelection());
    const line = id === null ? undefined : deps.lines.get(id);
    if (!line) throw new ApiError(409, 'no line can take a call now (none registered and idle with a SIM allowed to call)');
    await testCall(ctx, line);
  }

  return [
    { method: 'GET', path: '/calls', access: CALLS_READ, handler: list },
    { method: 'GET', path: '/calls/:id', access: CALLS_READ, handler: one },
    { method: 'POST', path: '/test-call', access: LINE_ACTIONS, handler: testCallAnyLine },
    { method: 'POST', path: '/lines/:id/test-call', access: LINE_ACTIONS, handler: (ctx) => testCall(ctx) },
  ];
}
