/**
 * USSD (manual §5.4 "发送 USSD", with "断开" to close a dialogue) and own numbers (§5.11) in the JSON
 * API. Same table form as api-routes.ts; the daemon mounts it with createWebApp({ extraRoutes }).
 *
 *   POST   /api/lines/:id/ussd            {code, timeoutSec?}  send a service code, answer = the reply
 *   POST   /api/lines/:id/ussd/reply      {text}               answer the open menu
 *   DELETE /api/lines/:id/ussd                                 close the dialogue (AT+CUSD=2)
 *   POST   /api/lines/:id/ussd/cancel                          the same, for clients without DELETE
 *   GET    /api/lines/:id/ussd                                 state and last reply
 *   GET    /api/lines/:id/own-number                           the SIM's number, how it was learned
 *   POST   /api/lines/:id/own-number                           learn it now (202 while asking)
 *   PUT    /api/sims/:iccid/number        {number}             the operator's number for a SIM
 *
 * A USSD reply comes back with status 200 whatever the network said: `state` is done | menu |
 * terminated | timeout | error. 400: bad body; 404: no such line; 409: the line is not registered, a
 * request is still waiting for its reply, or there is no menu to answer.
 */
import type { Context } from 'koa';
import type { OwnNumberDiscovery } from '../sms/own-number.js';
import { OwnNumberError } from '../sms/own-number.js';
import { MIN_USSD_TIMEOUT_SEC, UssdError, USSD_INPUT, type UssdService } from '../ussd/ussd-service.js';
import { USSD } from './access-policy.js';
import { ApiError } from './api-error.js';
import type { ApiRoute } from './api-routes.js';
import { readObjectBody } from './json-body.js';

const MAX_TIMEOUT_SEC = 600;

export interface UssdRouteDeps {
  ussd: UssdService;
  ownNumber: OwnNumberDiscovery;
  bodyLimit: number;
}

type WithParams = Context & { params?: Record<string, string> };

function lineId(ctx: Context): number {
  const raw = (ctx as WithParams).params?.['id'] ?? '';
  if (!/^\d{1,9}$/.test(raw)) throw new ApiError(400, `line id must be a positive integer, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

/** UssdError / OwnNumberError → the HTTP status that says what went wrong. */
function apiError(e: unknown): unknown {
  if (e instanceof UssdError) {
    const status = e.code === 'invalid' ? 400 : e.code === 'no-line' ? 404 : 409;
    return new ApiError(status, e.message);
  }
  if (e instanceof OwnNumberError) {
    const status = e.code === 'invalid' ? 400 : e.code === 'no-line' ? 404 : 409;
    return new ApiError(status, e.message);
  }
  return e;
}

async function guarded<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw apiError(e);
  }
}

export function ussdRoutes(deps: UssdRouteDeps): ApiRoute[] {
  const body = (ctx: Context) => readObjectBody(ctx, deps.bodyLimit, { emptyIsObject: true });


  function ussdText(value: unknown, field: string, example: string): string {
    if (typeof value !== 'string' || !USSD_INPUT.test(value.trim())) {
      throw new ApiError(400, `${field}: expected 1 to 160 of the characters 0-9 * # + (e.g. ${JSON.stringify(example)})`);
    }
    return value.trim();
  }

  /** POST /api/lines/:id/ussd {code, timeoutSec?} */
  async function send(ctx: Context): Promise<void> {
    const id = lineId(ctx);
    const b = await body(ctx);
    const code = ussdText(b['code'], 'code', '*100#');
    const t = b['timeoutSec'];
    if (t !== undefined && (typeof t !== 'number' || !Number.isInteger(t) || t < MIN_USSD_TIMEOUT_SEC || t > MAX_TIMEOUT_SEC)) {
      throw new ApiError(400, `timeoutSec: expected an integer from ${MIN_USSD_TIMEOUT_SEC} to ${MAX_TIMEOUT_SEC} (networks take seconds to answer)`);
    }
    const r = await guarded(() => deps.ussd.send(id, code, t === undefined ? {} : { timeoutMs: (t as number) * 1000 }));
    ctx.body = { line: id, code, ...r };
  }

  /** POST /api/lines/:id/ussd/reply {text} */
  async function reply(ctx: Context): Promise<void> {
    const id = lineId(ctx);
    const b = await body(ctx);
    const text = ussdText(b['text'], 'text', '1');
    const r = await guarded(() => deps.ussd.reply(id, text));
    ctx.body = { line: id, text: r.text, state: r.state, m: r.m, dcs: r.dcs, reason: r.reason, answer: text };
  }

  /** DELETE /api/lines/:id/ussd, POST /api/lines/:id/ussd/cancel */
  async function cancel(ctx: Context): Promise<void> {
    const id = lineId(ctx);
    ctx.body = await guarded(() => deps.ussd.cancel(id));
  }

  /** GET /api/lines/:id/ussd */
  async function session(ctx: Context): Promise<void> {
    const id = lineId(ctx);
    ctx.body = await guarded(() => deps.ussd.session(id));
  }

  /** GET /api/lines/:id/own-number */
  async function ownNumber(ctx: Context): Promise<void> {
    const id = lineId(ctx);
    ctx.body = await guarded(() => deps.ownNumber.status(id));
  }

  /**
   * POST /api/lines/:id/own-number: learns the number now (manual §5.11), even if asked recently.
   * 200 with the number when it is known already; 202 with the step in progress otherwise (poll GET).
   */
  async function learn(ctx: Context): Promise<void> {
    const id = lineId(ctx);
    const before = await guarded(() => deps.ownNumber.status(id));
    if (before.number) {
      ctx.body = before;
      return;
    }
    const st = await guarded(() => deps.ownNumber.startLearning(id));
    ctx.status = st.number ? 200 : 202;
    ctx.body = st;
  }

  /** PUT /api/sims/:iccid/number {number} */
  async function setNumber(ctx: Context): Promise<void> {
    const iccid = (ctx as WithParams).params?.['iccid'] ?? '';
    const b = await body(ctx);
    if (typeof b['number'] !== 'string') throw new ApiError(400, 'number: expected a phone number such as "+8613800138000"');
    ctx.body = await guarded(() => deps.ownNumber.setManual(iccid, b['number'] as string));
  }

  return [
    { method: 'POST', path: '/lines/:id/ussd', access: USSD, handler: send },
    { method: 'POST', path: '/lines/:id/ussd/reply', access: USSD, handler: reply },
    { method: 'DELETE', path: '/lines/:id/ussd', access: USSD, handler: cancel },
    { method: 'POST', path: '/lines/:id/ussd/cancel', access: USSD, handler: cancel },
    { method: 'GET', path: '/lines/:id/ussd', access: USSD, handler: session },
    { method: 'GET', path: '/lines/:id/own-number', access: USSD, handler: ownNumber },
    { method: 'POST', path: '/lines/:id/own-number', access: USSD, handler: learn },
    { method: 'PUT', path: '/sims/:iccid/number', access: USSD, handler: setNumber },
  ];
}
