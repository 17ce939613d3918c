/**
 * The configuration API behind the settings pages (docs/api.md "Configuration"):
 *
 *   GET /api/config            the whole configuration, secrets redacted, the caller's sections only
 *   GET /api/config/sections   the sections the caller may read and replace
 *   GET /api/config/:section   one top-level section, secrets redacted
 *   PUT /api/config/:section   replaces that section
 *
 * A PUT is validated with the daemon's whole-configuration validator (the store's), answered 400
 * `{error, fields: [{path, message}]}` field by field, and written durably (mode kept) before the
 * answer. A secret sent back as `[redacted]` keeps its stored value. The answer says which changed
 * settings apply at once and which wait for a restart, as the daemon reports it (`appliesLive`).
 * Which role may use which section is access-policy.ts's `CONFIG_SECTION`.
 */
import type { Context } from 'koa';
import { ConfigError, formatFieldError, formatPath, type FieldError } from '../config/errors.js';
import type { ConfigStore } from '../config/load.js';
import { restoreRedacted } from '../config/restore-redacted.js';
import { configSchema, type Config } from '../config/schema.js';
import { redactSecrets } from '../config/secret-fields.js';
import { adminOnlyChanges, CONFIG_API, CONFIG_SECTION } from './access-policy.js';
import { ApiError } from './api-error.js';
import type { ApiRoute } from './api-routes.js';
import type { WebState } from './auth-gate.js';
import type { Role } from './authenticator.js';
import { readJsonBody } from './json-body.js';

/** The configuration document's top-level sections, in schema order. */
export const CONFIG_SECTIONS: readonly string[] = Object.keys(configSchema.shape);

/** At most this many changed settings are listed in an answer (a replaced list can change many). */
const MAX_LISTED_CHANGES = 200;

export interface ConfigRouteDeps {
  config: ConfigStore;
  bodyLimit: number;
  /**
   * Whether a changed setting (a path such as `calls.ringTimeoutSec`) takes effect without a restart.
   * Without it every change is reported as needing one.
   */
  appliesLive?: (path: string) => boolean;
  /** Called after a section was written (e.g. to hand a new policy to the running engine). */
  applied?: (section: string, next: Config) => void;
}

function roleOf(ctx: Context): Role {
  const p = (ctx.state as WebState).principal;
  // Every route here needs a role, so the gate has set the principal; this is a safety net.
  if (!p) throw new ApiError(401, 'authentication required');
  return p.role;
}

function mayUse(role: Role, section: string): boolean {
  return CONFIG_SECTION(section).includes(role);
}

function sectionParam(ctx: Context): string {
  const section = (ctx as Context & { params?: Record<string, string> }).params?.['section'] ?? '';
  if (!CONFIG_SECTIONS.includes(section)) throw new ApiError(404, `no configuration section ${JSON.stringify(section)}; the sections are ${CONFIG_SECTIONS.join(', ')}`);
  if (!mayUse(roleOf(ctx), section)) throw new ApiError(403, `forbidden: the ${section} section needs role ${CONFIG_SECTION(section).join(' or ')}`);
  return section;
}

/** Paths of the settings that differ, down to leaves; a list whose length changed counts as one. */
export function changedPaths(prev: unknown, next: unknown, path: PropertyKey[] = [], out: string[] = []): string[] {
  if (out.length >= MAX_LISTED_CHANGES) return out;
  if (Array.isArray(prev) && Array.isArray(next) && prev.length === next.length) {
    prev.forEach((x, i) => changedPaths(x, next[i], [...path, i], out));
    return out;
  }
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObj(prev) && isObj(next)) {
    for (const k of new Set([...Object.keys(prev), ...Object.keys(next)])) changedPaths(prev[k], next[k], [...path, k], out);
    return out;
  }
  if (JSON.stringify(prev) !== JSON.stringify(next)) out.push(formatPath(path));
  return out;
}

function fieldErrorAnswer(ctx: Context, errors: readonly FieldError[]): void {
  ctx.status = 400;
  ctx.body = { error: `invalid configuration: ${errors.map(formatFieldError).join('; ')}`, fields: errors.map((e) => ({ path: e.path, message: formatFieldError(e).slice(e.path.length + 2) })) };
}

export function configRoutes(deps: ConfigRouteDeps): ApiRoute[] {
  const { config } = deps;

  function whole(ctx: Context): void {
    const role = roleOf(ctx);
    const doc = redactSecrets(config.get()) as Record<string, unknown>;
    ctx.body = Object.fromEntries(CONFIG_SECTIONS.filter((s) => mayUse(role, s)).map((s) => [s, doc[s]]));
  }

  function sections(ctx: Context): void {
    const role = roleOf(ctx);
    ctx.body = { sections: CONFIG_SECTIONS.filter((s) => mayUse(role, s)) };
  }

  function one(ctx: Context): void {
    const section = sectionParam(ctx);
    // Serialized here: a section may be null (`mail` when unset), which Koa would answer as 204.
    ctx.type = 'application/json';
    ctx.body = JSON.stringify((redactSecrets(config.get()) as Record<string, unknown>)[section]);
  }

  async function replace(ctx: Context): Promise<void> {
    const section = sectionParam(ctx);
    const role = roleOf(ctx);
    const body = await readJsonBody({ type: ctx.request.type, charset: ctx.request.charset, req: ctx.req }, deps.bodyLimit);
    if (body === undefined) throw new ApiError(400, `expected the ${section} section as JSON (as GET /api/config/${section} returns it)`);
    const prev = config.get();
    const restored = restoreRedacted(body, (prev as Record<string, unknown>)[section], [section]);
    if (restored.errors.length > 0) return fieldErrorAnswer(ctx, restored.errors);
    let next: Config;
    try {
      next = await config.update((doc) => {
        (doc as Record<string, unknown>)[section] = restored.value;
        const parsed = role === 'admin' ? null : configSchema.safeParse(doc);
        // An invalid candidate is left to the store's validation, which names its fields.
        if (parsed?.success) {
          // Settings inside an open section that only admins may change (IMEI writing).
          const refused = adminOnlyChanges(prev, parsed.data);
          if (refused.length > 0) throw new ApiError(403, `forbidden: only an admin may change ${refused.join(', ')}`);
        }
      });
    } catch (e) {
      if (e instanceof ConfigError) return fieldErrorAnswer(ctx, e.errors);
      throw e;
    }
    const prevSection = (prev as Record<string, unknown>)[section];
    const nextSection = (next as Record<string, unknown>)[section];
    const changed = changedPaths(prevSection, nextSection, [section]);
    const live = deps.appliesLive ?? (() => false);
    deps.applied?.(section, next);
    ctx.body = {
      section,
      value: (redactSecrets(next) as Record<string, unknown>)[section],
      changed,
      appliedNow: changed.filter((p) => live(p)),
      needsRestart: changed.filter((p) => !live(p)),
    };
  }

  return [
    { method: 'GET', path: '/config', access: CONFIG_API, handler: whole },
    { method: 'GET', path: '/config/sections', access: CONFIG_API, handler: sections },
    { method: 'GET', path: '/config/:section', access: CONFIG_API, handler: one },
    { method: 'PUT', path: '/config/:section', access: CONFIG_API, handler: replace },
  ];
}
