/**
 * SMS, inbox/outbox and SMPP account routes of the JSON API (manual §5.5–5.7, §4.1 SMPP SMSC).
 * Sending queues the message durably and answers 202 with its id; the status is read back with
 * GET /api/sms/:id. Inbox and outbox are paged and searchable, without the manual's 20-per-line cap.
 * A message left `unknown` (it may or may not have gone out) waits for an operator's decision:
 * POST /api/sms/:id/resend or /fail, by the roles that may send.
 */
import type { Context } from 'koa';
import { ConfigError, formatFieldError } from '../config/errors.js';
import type { ConfigStore } from '../config/load.js';
import type { MessageStore, MessageQuery, OutStatus } from '../store/message-store.js';
import { OUT_STATUSES } from '../store/message-store.js';
import { apiClient } from '../sms/client-id.js';
import { SubmitError, type SmsRouter } from '../sms/sms-router.js';
import { CONFIG_SECTION, SMPP_READ, SMS_DELETE, SMS_READ, SMS_SEND } from './access-policy.js';
import { ApiError } from './api-error.js';
import type { ApiRoute } from './api-routes.js';
import type { WebState } from './auth-gate.js';
import { readJsonBody, readObjectBody } from './json-body.js';


export interface SmsRouteDeps {
  router: SmsRouter;
  store: MessageStore;
  config: ConfigStore;
  bodyLimit: number;
  /** Line ids that exist now. */
  lineIds: () => number[];
  /** The SIM policy's verdict for a line (for POST /lines/:id/sms). */
  maySendSms?: (line: number) => { ok: true } | { ok: false; reason: string };
  /** SMPP sessions bound now, when the SMSC runs. */
  smppSessions?: () => unknown[];
  /** Resolves when the message reached a status other than queued/sending, or after `ms`. */
  waitOutcome?: (id: string, ms: number) => Promise<void>;
}

function param(ctx: Context, name: string): string {
  return (ctx as Context & { params?: Record<string, string> }).params?.[name] ?? '';
}

function intQuery(ctx: Context, name: string, min: number, max: number): number | undefined {
  const v = ctx.query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^-?\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new ApiError(400, `${name}: expected an integer from ${min} to ${max}`);
  return Number(v);
}

function timeQuery(ctx: Context, name: string): number | undefined {
  const v = ctx.query[name];
  if (v === undefined) return undefined;
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  if (Number.isNaN(t)) throw new ApiError(400, `${name}: expected an ISO 8601 time such as 2026-11-22T10:00:00Z`);
  return t;
}

function strQuery(ctx: Context, name: string, max = 200): string | undefined {
  const v = ctx.query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length > max) throw new ApiError(400, `${name}: expected one text of at most ${max} characters`);
  return v;
}

function query(ctx: Context, withStatus: boolean): MessageQuery {
  const q: MessageQuery = {};
  const line = intQuery(ctx, 'line', 1, 9999);
  if (line !== undefined) q.line = String(line);
  const number = strQuery(ctx, 'number');
  if (number) q.number = number;
  const text = strQuery(ctx, 'text');
  if (text) q.text = text;
  const from = timeQuery(ctx, 'from');
  if (from !== undefined) q.from = from;
  const to = timeQuery(ctx, 'to');
  if (to !== undefined) q.to = to;
  q.limit = intQuery(ctx, 'limit', 1, 1000) ?? 50;
  q.offset = intQuery(ctx, 'offset', 0, 1e9) ?? 0;
  if (withStatus) {
    const s = strQuery(ctx, 'status');
    if (s !== undefined) {
      if (!OUT_STATUSES.includes(s as OutStatus)) throw new ApiError(400, `status: expected one of ${OUT_STATUSES.join(', ')}`);
      q.status = s as OutStatus;
    }
  }
  return q;
}

/** The client id (src/sms/client-id.ts) of the authenticated caller, e.g. `api:admin`. */
function clientOf(ctx: Context): string {
  const p = (ctx.state as WebState).principal;
  // Every SMS route needs a role, so the gate has set the principal; this is a safety net.
  if (!p) throw new ApiError(401, 'not authenticated');
  return apiClient(p.user);
}

function iso(t: number | null): string | null {
  return t === null ? null : new Date(t).toISOString();
}

export function smsRoutes(deps: SmsRouteDeps): ApiRoute[] {
  const body = (ctx: Context) => readObjectBody(ctx, deps.bodyLimit);


  function outView(id: string) {
    const m = deps.store.getOutbound(id);
    if (!m) return null;
    return {
      id: m.id,
      status: m.status,
      reason: m.reason,
      to: m.recipient,
      number: m.number,
      text: m.text,
      parts: m.parts,
      origin: m.origin,
      client: m.client,
      line: m.line === null ? null : Number(m.line),
      slot: m.slot,
      iccid: m.iccid,
      attempts: m.attempts,
      partial: m.partial,
      aliases: m.aliases,
      decisions: m.decisions.map((d) => ({ action: d.action, by: d.by, at: iso(d.at) })),
      createdAt: iso(m.createdAt),
      sentAt: iso(m.sentAt),
      doneAt: iso(m.doneAt),
      expiresAt: iso(m.expiresAt),
    };
  }

  /** Common to POST /sms and POST /lines/:id/sms. */
  async function queue(ctx: Context, fixedLine: number | null, precheck?: () => void): Promise<string> {
    const b = await body(ctx);
    const to = b['to'];
    const text = b['text'];
    if (typeof to !== 'string') throw new ApiError(400, 'to: expected a phone number (digits, optionally with a leading +)');
    if (typeof text !== 'string' || text.length === 0) throw new ApiError(400, 'text: expected a non-empty text');
    precheck?.();
    let lines: number[] | null = fixedLine === null ? null : [fixedLine];
    if (fixedLine === null && b['line'] !== undefined) {
      const l = b['line'];
      if (typeof l !== 'number' || !Number.isInteger(l) || !deps.lineIds().includes(l)) throw new ApiError(400, `line: expected one of the lines ${deps.lineIds().join(', ')}`);
      lines = [l];
    }
    let expiresAt: number | null = null;
    if (b['validityMinutes'] !== undefined) {
      const v = b['validityMinutes'];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 63 * 7 * 24 * 60) throw new ApiError(400, 'validityMinutes: expected an integer from 1 to 635040 (63 weeks)');
      expiresAt = Date.now() + v * 60_000;
    }
    try {
      const m = await deps.router.submit({
        origin: 'api',
        client: clientOf(ctx),
        recipient: to,
        text,
        lines,
        expiresAt,
      });
      return m.id;
    } catch (e) {
      if (e instanceof SubmitError) throw new ApiError(400, `${e.field === 'validity' ? 'validityMinutes' : e.field === 'recipient' ? 'to' : e.field}: ${e.message}`);
      throw e;
    }
  }

  /** POST /api/sms {to, text, line?, validityMinutes?}: queued durably; 202 with the id. */
  async function send(ctx: Context): Promise<void> {
    const id = await queue(ctx, null);
    ctx.status = 202;
    ctx.body = outView(id);
  }

  /**
   * POST /api/lines/:id/sms {to, text}: sends from this line (manual §5.5). Refused at once (409) when
   * the SIM policy does not let the line's SIM send; otherwise queued for this line and answered when
   * it went out or failed (at most 60 s; then 202 with the status so far).
   */
  async function sendOnLine(ctx: Context): Promise<void> {
    const raw = param(ctx, 'id');
    if (!/^\d{1,9}$/.test(raw)) throw new ApiError(400, `line id must be a positive integer, got ${JSON.stringify(raw)}`);
    const line = Number(raw);
    if (!deps.lineIds().includes(line)) throw new ApiError(404, `no line ${raw}`);
    const id = await queue(ctx, line, () => {
      const may = deps.maySendSms?.(line) ?? { ok: true };
      if (!may.ok) throw new ApiError(409, `line ${line} may not send SMS: ${may.reason}`);
    });
    await deps.waitOutcome?.(id, 60_000);
    const v = outView(id)!;
    if (v.status === 'failed' || v.status === 'unknown' || v.status === 'expired') throw new ApiError(409, `line ${line}: ${v.reason ?? v.status}`);
    ctx.status = v.status === 'queued' || v.status === 'sending' ? 202 : 200;
    ctx.body = v;
  }

  function getOne(ctx: Context): void {
    const v = outView(param(ctx, 'id'));
    if (!v) throw new ApiError(404, `no outbound message ${param(ctx, 'id')}`);
    ctx.body = v;
  }

  /**
   * POST /api/sms/:id/resend and /fail {}: the operator's decision on a message whose outcome is
   * `unknown`. 409 for any other status; the decision, who and when are stored with the message.
   */
  async function decide(ctx: Context, action: 'resend' | 'fail'): Promise<void> {
    await body(ctx);
    const id = param(ctx, 'id');
    const before = deps.store.getOutbound(id);
    if (!before) throw new ApiError(404, `no outbound message ${id}`);
    if (before.status !== 'unknown') throw new ApiError(409, `message ${before.id} is ${before.status}: only a message whose outcome is unknown can be resent or failed`);
    const m = deps.router.decideUnknown(before.id, action, clientOf(ctx));
    // Another decision (or the scheduler) came first.
    if (!m) throw new ApiError(409, `message ${before.id} is no longer unknown: ${deps.store.getOutbound(before.id)?.status ?? 'deleted'}`);
    ctx.status = action === 'resend' ? 202 : 200;
    ctx.body = outView(m.id);
  }

  function outbox(ctx: Context): void {
    const page = deps.store.queryOutbound(query(ctx, true));
    ctx.body = { total: page.total, items: page.items.map((m) => outView(m.id)) };
  }

  function inView(id: string) {
    const m = deps.store.getInbound(id);
    if (!m) return null;
    return {
      ...m,
      line: Number(m.line),
      sentAt: iso(m.sentAt),
      receivedAt: iso(m.receivedAt)!,
      forwards: deps.store.deliveriesOf(m.id).map((d) => ({ id: d.id, kind: d.kind, target: d.target, status: d.status, attempts: d.attempts, lastError: d.lastError, doneAt: iso(d.doneAt) })),
    };
  }

  function inbox(ctx: Context): void {
    const page = deps.store.queryInbound(query(ctx, false));
    ctx.body = { total: page.total, items: page.items.map((m) => inView(m.id)) };
  }

  function inboxOne(ctx: Context): void {
    const v = inView(param(ctx, 'id'));
    if (!v) throw new ApiError(404, `no received message ${param(ctx, 'id')}`);
    ctx.body = v;
  }

  /** DELETE …/:id, or DELETE …?line=N, or DELETE …?all=true (manual §5.6 "删除本线路短信" / "删除所有短信"). */
  function remove(ctx: Context, box: 'in' | 'out'): void {
    const id = param(ctx, 'id');
    let sel: { id?: string; line?: string; all?: boolean };
    if (id) sel = { id };
    else if (ctx.query['line'] !== undefined) sel = { line: String(intQuery(ctx, 'line', 1, 9999)) };
    else if (ctx.query['all'] === 'true') sel = { all: true };
    else throw new ApiError(400, 'say what to delete: /:id, ?line=N or ?all=true');
    const deleted = box === 'in' ? deps.store.deleteInbound(sel) : deps.store.deleteOutbound(sel);
    if (id && deleted === 0) throw new ApiError(404, box === 'in' ? `no received message ${id}` : `no outbound message ${id} that may be deleted (queued or sending ones may not)`);
    ctx.body = { deleted };
  }

  function smppSessions(ctx: Context): void {
    ctx.body = { enabled: deps.config.get().smpp.enabled, sessions: deps.smppSessions?.() ?? [] };
  }

  function smppAccounts(ctx: Context): void {
    ctx.body = deps.config.get().smpp.accounts.map((a) => ({ ...a, password: undefined }));
  }

  /** PUT /api/smpp/accounts [..]: replaces the accounts (validated, durable, applied to new binds). */
  async function putSmppAccounts(ctx: Context): Promise<void> {
    const b = await readJsonBody({ type: ctx.request.type, charset: ctx.request.charset, req: ctx.req }, deps.bodyLimit);
    if (!Array.isArray(b)) throw new ApiError(400, 'expected a JSON list of accounts');
    try {
      const next = await deps.config.update((doc) => {
        const d = doc as { smpp?: { accounts?: unknown } };
        d.smpp = { ...(d.smpp ?? {}), accounts: b };
      });
      ctx.body = next.smpp.accounts.map((a) => ({ ...a, password: undefined }));
    } catch (e) {
      if (e instanceof ConfigError) throw new ApiError(400, e.errors.map(formatFieldError).join('; '));
      throw e;
    }
  }

  return [
    { method: 'POST', path: '/sms', access: SMS_SEND, handler: send },
    { method: 'POST', path: '/lines/:id/sms', access: SMS_SEND, handler: sendOnLine },
    { method: 'GET', path: '/sms/outbox', access: SMS_READ, handler: outbox },
    { method: 'DELETE', path: '/sms/outbox', access: SMS_DELETE, handler: (ctx) => remove(ctx, 'out') },
    { method: 'DELETE', path: '/sms/outbox/:id', access: SMS_DELETE, handler: (ctx) => remove(ctx, 'out') },
    { method: 'GET', path: '/sms/inbox', access: SMS_READ, handler: inbox },
    { method: 'GET', path: '/sms/inbox/:id', access: SMS_READ, handler: inboxOne },
    { method: 'DELETE', path: '/sms/inbox', access: SMS_DELETE, handler: (ctx) => remove(ctx, 'in') },
    { method: 'DELETE', path: '/sms/inbox/:id', access: SMS_DELETE, handler: (ctx) => remove(ctx, 'in') },
    { method: 'GET', path: '/sms/:id', access: SMS_READ, handler: getOne },
    { method: 'POST', path: '/sms/:id/resend', access: SMS_SEND, handler: (ctx) => decide(ctx, 'resend') },
    { method: 'POST', path: '/sms/:id/fail', access: SMS_SEND, handler: (ctx) => decide(ctx, 'fail') },
    { method: 'GET', path: '/smpp/sessions', access: SMPP_READ, handler: smppSessions },
    // The SMPP accounts are the `smpp` configuration section's, so they follow its access.
    { method: 'GET', path: '/smpp/accounts', access: CONFIG_SECTION('smpp'), handler: smppAccounts },
    { method: 'PUT', path: '/smpp/accounts', access: CONFIG_SECTION('smpp'), handler: putSmppAccounts },
  ];
}
