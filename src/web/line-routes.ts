/**
 * Line actions and SIM policy views of the JSON API (manual §3.2.3 statistics); the call test is in
 * call-routes.ts.
 * Same table form as api-routes.ts; mounted by the daemon with createWebApp({ extraRoutes }).
 */
import type { Context } from 'koa';
import type { LineManager } from '../line/line-manager.js';
import type { SimPolicy } from '../line/sim-policy.js';
import type { Line } from '../line/line.js';
import { statistics, type SlotId } from '../policy/index.js';
import { ConfigError, formatFieldError } from '../config/errors.js';
import type { ConfigStore } from '../config/load.js';
import { POLICY_SECTIONS } from '../config/schema.js';
import { policyConfigOf } from '../line/sim-policy.js';
import { LINE_ACTIONS, POLICY_READ, POLICY_WRITE, SIMS_READ } from './access-policy.js';
import { ApiError } from './api-error.js';
import type { ApiRoute } from './api-routes.js';
import { readObjectBody } from './json-body.js';

const SLOTS: readonly SlotId[] = ['A', 'B', 'C', 'D'];

export interface LineRouteDeps {
  lines: LineManager;
  policy: SimPolicy;
  /** The configuration store: policy changes are validated and written durably before they apply. */
  config: ConfigStore;
  bodyLimit: number;
}

function lineOf(deps: LineRouteDeps, ctx: Context): Line {
  const raw = (ctx as Context & { params?: Record<string, string> }).params?.['id'] ?? '';
  if (!/^\d{1,9}$/.test(raw)) throw new ApiError(400, `line id must be a positive integer, got ${JSON.stringify(raw)}`);
  const line = deps.lines.get(Number(raw));
  if (!line) throw new ApiError(404, `no line ${raw}`);
  return line;
}

export function lineRoutes(deps: LineRouteDeps): ApiRoute[] {
  /** GET /api/sims: per line and slot, the §3.2.3 statistics and state (colour, remaining, counters). */
  function sims(ctx: Context): void {
    const now = Date.now();
    const state = deps.policy.snapshot();
    const out = deps.lines.all().map((l) => ({
      line: l.id,
      bound: state.lines[String(l.id)]?.bound ?? null,
      slots: SLOTS.map((s) => statistics(deps.policy.config, state, now, String(l.id), s)),
    }));
    ctx.body = { timeTrusted: state.timeTrusted, timeSource: state.timeSource, lines: out };
  }

  const body = (ctx: Context) => readObjectBody(ctx, deps.bodyLimit, { emptyIsObject: true });


  function slotParam(ctx: Context): SlotId {
    const raw = (ctx as Context & { params?: Record<string, string> }).params?.['slot'] ?? '';
    if (!SLOTS.includes(raw as SlotId)) throw new ApiError(400, `slot must be A, B, C or D, got ${JSON.stringify(raw)}`);
    return raw as SlotId;
  }

  /** POST /api/lines/:id/slots/:slot/enable — an operator re-enables a SIM (also confirms a card change). */
  function enableSlot(ctx: Context): void {
    const line = lineOf(deps, ctx);
    deps.policy.operator({ type: 'operator-enable', line: String(line.id), slot: slotParam(ctx) });
    ctx.body = { ok: true };
  }

  /** POST /api/lines/:id/slots/:slot/disable {minutes?} — until re-enabled, or for `minutes`. */
  async function disableSlot(ctx: Context): Promise<void> {
    const line = lineOf(deps, ctx);
    const slot = slotParam(ctx);
    const b = await body(ctx);
    const minutes = b['minutes'];
    if (minutes !== undefined && minutes !== null && (typeof minutes !== 'number' || !Number.isInteger(minutes) || minutes < 1 || minutes > 525_600)) {
      throw new ApiError(400, 'minutes: expected an integer from 1 to 525600, or null for "until re-enabled"');
    }
    deps.policy.operator({ type: 'operator-disable', line: String(line.id), slot, minutes: (minutes as number | null | undefined) ?? null });
    ctx.body = { ok: true };
  }

  /** POST /api/lines/:id/switch {slot?} — force a switch (to `slot`, or the strategy's next). */
  async function forceSwitch(ctx: Context): Promise<void> {
    const line = lineOf(deps, ctx);
    const b = await body(ctx);
    const slot = b['slot'];
    if (slot !== undefined && !SLOTS.includes(slot as SlotId)) throw new ApiError(400, 'slot: expected "A", "B", "C" or "D"');
    deps.policy.operator({ type: 'operator-switch', line: String(line.id), ...(slot ? { slot: slot as SlotId } : {}) });
    ctx.body = { ok: true };
  }

  /** POST /api/sims/reset {line, slots: ["A"], what: "cdr"|"remaining"} — §3.2.3 reset of statistics. */
  async function resetStats(ctx: Context): Promise<void> {
    const b = await body(ctx);
    const lineId = b['line'];
    if (typeof lineId !== 'number' || !deps.lines.get(lineId)) throw new ApiError(400, 'line: expected the id of an existing line');
    const slots = b['slots'];
    if (!Array.isArray(slots) || slots.length === 0 || !slots.every((x) => SLOTS.includes(x as SlotId))) throw new ApiError(400, 'slots: expected a non-empty list of "A".."D"');
    const what = b['what'];
    if (what !== 'cdr' && what !== 'remaining') throw new ApiError(400, 'what: expected "cdr" (total CDR statistics) or "remaining" (remaining counts)');
    deps.policy.operator({ type: 'reset-stats', line: String(lineId), slots: slots as SlotId[], what });
    ctx.body = { ok: true };
  }

  /** POST /api/lines/:id/data-check {url?, apn?}: the manual's "HTTP access test" through the modem. */
  async function dataCheck(ctx: Context): Promise<void> {
    const line = lineOf(deps, ctx);
    const b = await body(ctx);
    for (const k of ['url', 'apn'] as const) {
      if (b[k] !== undefined && typeof b[k] !== 'string') throw new ApiError(400, `${k}: expected a string`);
    }
    if (b['url'] !== undefined && !/^https?:\/\/[^\s"]+$/.test(b['url'] as string)) throw new ApiError(400, 'url: expected an http:// or https:// URL');
    try {
      ctx.body = await line.checkData({ ...(b['url'] ? { url: b['url'] as string } : {}), ...(b['apn'] ? { apn: b['apn'] as string } : {}) });
    } catch (e) {
      throw new ApiError(409, (e as Error).message);
    }
  }

  /** GET /api/policy: limits and rules as configured (the manual's syntax). */
  function getPolicy(ctx: Context): void {
    ctx.body = deps.config.get().policy;
  }

  /**
   * PUT /api/policy: replaces the whole policy. Every section (top-level key) must be present, so that
   * a partial or empty body cannot silently reset the others to their defaults; 400 names the missing
   * ones. GET /api/policy returns a complete policy to edit.
   */
  async function putPolicy(ctx: Context): Promise<void> {
    const b = await readObjectBody(ctx, deps.bodyLimit);
    const missing = POLICY_SECTIONS.filter((k) => !Object.hasOwn(b, k));
    if (missing.length > 0) {
      throw new ApiError(
        400,
        `incomplete policy: missing ${missing.join(', ')} (PUT replaces the whole policy, as GET /api/policy returns it; PATCH /api/policy changes only the sections it names)`,
      );
    }
    await savePolicy(ctx, () => b);
  }

  /**
   * PATCH /api/policy: replaces the sections the body names (each as a whole, as in PUT) and keeps
   * the others. An empty object changes nothing and is refused.
   */
  async function patchPolicy(ctx: Context): Promise<void> {
    const b = await readObjectBody(ctx, deps.bodyLimit);
    if (Object.keys(b).length === 0) throw new ApiError(400, `nothing to change: name at least one policy section (${POLICY_SECTIONS.join(', ')})`);
    await savePolicy(ctx, (current) => ({ ...current, ...b }));
  }

  /** Validated like the file (field-level errors, 400); written durably, then applied to the running engine. */
  async function savePolicy(ctx: Context, change: (current: Record<string, unknown>) => Record<string, unknown>): Promise<void> {
    let next;
    try {
      next = await deps.config.update((doc) => {
        const d = doc as unknown as { policy: Record<string, unknown> };
        d.policy = change(d.policy);
      });
    } catch (e) {
      if (e instanceof ConfigError) {
        throw new ApiError(400, `invalid policy: ${e.errors.map(formatFieldError).join('; ')}`);
      }
      throw e;
    }
    deps.policy.reconfigure(policyConfigOf(next));
    ctx.body = next.policy;
  }

  /**
   * POST /api/lines/:id/enable | /disable (manual §3.2.1 open/close a line). For a line of the
   * configuration the change is written there first (durable); simulated demo lines change in memory.
   */
  async function setLineEnabled(ctx: Context, on: boolean): Promise<void> {
    const line = lineOf(deps, ctx);
    if (deps.config.get().lines.some((l) => l.id === line.id)) {
      await deps.config.update((doc) => {
        const entry = (doc as { lines: { id?: number; enabled?: boolean }[] }).lines.find((l) => l.id === line.id);
        if (entry) entry.enabled = on;
      });
    }
    line.setEnabled(on);
    ctx.body = { line: line.id, enabled: on };
  }

  return [
    { method: 'POST', path: '/lines/:id/enable', access: LINE_ACTIONS, handler: (ctx) => setLineEnabled(ctx, true) },
    { method: 'POST', path: '/lines/:id/disable', access: LINE_ACTIONS, handler: (ctx) => setLineEnabled(ctx, false) },
    { method: 'GET', path: '/policy', access: POLICY_READ, handler: getPolicy },
    { method: 'PUT', path: '/policy', access: POLICY_WRITE, handler: putPolicy },
    { method: 'PATCH', path: '/policy', access: POLICY_WRITE, handler: patchPolicy },
    { method: 'POST', path: '/lines/:id/data-check', access: LINE_ACTIONS, handler: dataCheck },
    { method: 'POST', path: '/lines/:id/slots/:slot/enable', access: LINE_ACTIONS, handler: enableSlot },
    { method: 'POST', path: '/lines/:id/slots/:slot/disable', access: LINE_ACTIONS, handler: disableSlot },
    { method: 'POST', path: '/lines/:id/switch', access: LINE_ACTIONS, handler: forceSwitch },
    { method: 'POST', path: '/sims/reset', access: LINE_ACTIONS, handler: resetStats },
    { method: 'GET', path: '/sims', access: SIMS_READ, handler: sims },
  ];
}
