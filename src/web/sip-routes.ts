/**
 * SIP accounts in the JSON API (docs/api.md "SIP"): registration state per account, the embedded
 * registrar's extensions with their registered phones, and the manual's "auto-fill other lines"
 * helper (§4.3). The work is in src/sip; these handlers shape answers. Same table form as api-routes.ts.
 */
import type { Context } from 'koa';
import type { LineStatus } from '../line/types.js';
import { autoFillFromRequest } from '../sip/accounts/auto-fill-request.js';
import type { AccountStatusView, LineVoip } from '../sip/registration/index.js';
import type { ExtensionView } from '../sip/registrar/index.js';
import { SIP_ADMIN } from './access-policy.js';
import { ApiError } from './api-error.js';
import type { ApiRoute } from './api-routes.js';
import { readObjectBody } from './json-body.js';


export interface SipRegistrationsView {
  readonly mode: string;
  /** Why the configuration could not be planned (nothing registers then). */
  readonly problems: readonly string[];
  readonly accounts: readonly AccountStatusView[];
}

export interface SipExtensionsView {
  readonly enabled: boolean;
  readonly realm: string;
  readonly problems: readonly string[];
  /** The configured extensions with their registered contacts. */
  readonly managed: readonly ExtensionView[];
  /**
   * Bindings for users not in the list. Always empty: the registrar binds only users whose digest
   * it verified against the list, and a changed list rebuilds it; kept for the manual's two lists.
   */
  readonly unmanaged: readonly never[];
}

export interface SipRouteDeps {
  registrations(): SipRegistrationsView;
  extensions(): SipExtensionsView;
  /** The lines the device has: the default count of the auto-fill. */
  lineCount(): number;
  bodyLimit: number;
}

/** A line's status with the VOIP column (its account and that account's registration state, or null). */
export function withVoip(status: LineStatus, voipOf: ((line: number) => LineVoip | null) | undefined): LineStatus & { voip: LineVoip | null } {
  return { ...status, voip: voipOf?.(status.id) ?? null };
}

export function sipRoutes(deps: SipRouteDeps): ApiRoute[] {
  function registrations(ctx: Context): void {
    ctx.body = deps.registrations();
  }

  function extensions(ctx: Context): void {
    ctx.body = deps.extensions();
  }

  /** POST /api/sip/registration/auto-fill {account, count?}: lines 1..count filled from line 1; nothing saved. */
  async function autoFill(ctx: Context): Promise<void> {
    const body = await readObjectBody(ctx, deps.bodyLimit);
    const verdict = autoFillFromRequest(body, deps.lineCount());
    if (!verdict.ok) throw new ApiError(400, verdict.problems.join('; '));
    ctx.body = { lines: verdict.lines };
  }

  return [
    // The manual's user level may neither change nor see the VoIP settings (§5.2): admins only.
    { method: 'GET', path: '/sip/registrations', access: SIP_ADMIN, handler: registrations },
    { method: 'GET', path: '/sip/extensions', access: SIP_ADMIN, handler: extensions },
    { method: 'POST', path: '/sip/registration/auto-fill', access: SIP_ADMIN, handler: autoFill },
  ];
}
