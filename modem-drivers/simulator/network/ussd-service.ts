/**
 * USSD menus of the simulated network (TS 22.090 / TS 24.090 as seen through +CUSD, TS 27.007
 * §7.15). A menu is a tree of nodes keyed by service code ("*100#"). A node with `options` (or an
 * `input` handler) asks for a reply (<m>=1, "further user action required"); a node without them
 * ends the dialogue (<m>=0, "no further user action required"). A reply that matches no option ends
 * the dialogue with <m>=2 ("USSD terminated by network").
 *
 * ussdStep() is pure: it takes the session (the node waiting for a reply, or null) and returns the
 * reply and the next session.
 */
import type { Operator, UssdReply } from '../types.js';

export interface UssdContext {
  /** The subscriber's MSISDN as the network knows it ("+86..."). */
  msisdn: string;
  imsi: string;
  iccid: string;
  operator: Operator | null;
  /** Network time (ms since the epoch). */
  now: number;
}

export interface UssdNode {
  text: string | ((ctx: UssdContext) => string);
  /** Choices: the user's reply selects one (exact match after trimming). */
  options?: Record<string, UssdNode>;
  /** Free-form reply: called with the user's reply when no option matched. */
  input?: (reply: string, ctx: UssdContext) => UssdNode;
}

export type UssdMenus = Record<string, UssdNode>;

export const UNKNOWN_SERVICE_TEXT = 'Unknown service code';
export const INVALID_CHOICE_TEXT = 'Invalid selection';

export const DEFAULT_BALANCE_TEXT = 'Balance: 42.50 CNY, valid until 2027-01-31';

/**
 * The default menus:
 *   *100#   balance (m=0)
 *   *123#   "1. Balance / 2. Data bundle" → 1: balance; 2: "1. 1 GB 10 CNY / 2. 5 GB 30 CNY" → 1 or 2: order
 *   *#100#  "Your number is +86..." (own-number discovery)
 */
export function defaultUssdMenus(): UssdMenus {
  const balance: UssdNode = { text: DEFAULT_BALANCE_TEXT };
  return {
    '*100#': balance,
    '*123#': {
      text: '1. Balance\n2. Data bundle',
      options: {
        '1': balance,
        '2': {
          text: '1. 1 GB 10 CNY\n2. 5 GB 30 CNY',
          options: { '1': { text: 'Ordered 1 GB' }, '2': { text: 'Ordered 5 GB' } },
        },
      },
    },
    '*#100#': { text: (ctx) => `Your number is ${ctx.msisdn}` },
  };
}

function interactive(node: UssdNode): boolean {
  return (node.options !== undefined && Object.keys(node.options).length > 0) || typeof node.input === 'function';
}

/** The reply a node gives (m=1 when it waits for a reply) and the session that follows. */
export function present(node: UssdNode, ctx: UssdContext): { reply: UssdReply; session: UssdNode | null } {
  let text: string;
  try {
    text = typeof node.text === 'function' ? String(node.text(ctx)) : String(node.text);
  } catch (e) {
    // A faulty menu function must not break the network: the dialogue ends with the error.
    return { reply: { m: 2, text: `Service error: ${e instanceof Error ? e.message : String(e)}` }, session: null };
  }
  return interactive(node) ? { reply: { m: 1, text }, session: node } : { reply: { m: 0, text }, session: null };
}

/** A service code as the network matches it: "*100#", "*#100#", "*123*1#" ... (no spaces). */
export function isServiceCode(s: string): boolean {
  return /^[*#][0-9*#]*#$/.test(s);
}

/** One step of a dialogue: `input` is a service code (no session) or the reply to `session`. */
export function ussdStep(
  menus: UssdMenus,
  session: UssdNode | null,
  input: string,
  ctx: UssdContext,
): { reply: UssdReply; session: UssdNode | null } {
  const s = typeof input === 'string' ? input.trim() : '';
  // A new service code while a dialogue is open starts a new dialogue.
  if (session === null || (isServiceCode(s) && Object.prototype.hasOwnProperty.call(menus, s))) {
    const node = Object.prototype.hasOwnProperty.call(menus, s) ? menus[s] : undefined;
    if (!node) return { reply: { m: 0, text: UNKNOWN_SERVICE_TEXT }, session: null };
    return present(node, ctx);
  }
  const options = session.options;
  const chosen = options && Object.prototype.hasOwnProperty.call(options, s) ? options[s] : undefined;
  if (chosen) return present(chosen, ctx);
  if (typeof session.input === 'function') {
    let next: UssdNode;
    try {
      next = session.input(s, ctx);
    } catch (e) {
      return { reply: { m: 2, text: `Service error: ${e instanceof Error ? e.message : String(e)}` }, session: null };
    }
    return present(next, ctx);
  }
  return { reply: { m: 2, text: INVALID_CHOICE_TEXT }, session: null };
}
