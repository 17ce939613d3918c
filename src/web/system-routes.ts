/**
 * The admin's system tools (manual §5: backup/restore, factory reset, reboot), docs/api.md "System":
 *
 *   GET  /api/system/backup[?secrets=true]  the backup document (backup-document.ts), as a download
 *   POST /api/system/restore                puts a backup back: validated whole first, then written
 *   POST /api/system/factory-reset          {"confirm": "<device name>", "wipeMessages"?: true}
 *   POST /api/system/restart                {"confirm": true}: asks the daemon to restart itself
 *
 * A restore or reset is checked completely before anything is written: the accounts (with an admin
 * among them) by the account store's rules, the configuration by the daemon's validator (the store
 * refuses an invalid candidate without writing). Both stores write durably before the answer, which
 * says which changed settings apply now and which wait for a restart.
 */
import type { Context } from 'koa';
import { AccountError, checkAccounts, type AuthStore } from '../config/auth-store.js';
import { ConfigError, formatFieldError, type FieldError } from '../config/errors.js';
import type { ConfigStore } from '../config/load.js';
import { restoreRedacted } from '../config/restore-redacted.js';
import type { Config } from '../config/schema.js';
import type { MessageStore } from '../store/message-store.js';
import type { Logger } from '../util/log.js';
import { SYSTEM_ADMIN } from './access-policy.js';
import { ApiError } from './api-error.js';
import type { ApiRoute } from './api-routes.js';
import type { WebState } from './auth-gate.js';
import { backupFileName, makeBackup, parseBackup } from './backup-document.js';
import { changedPaths } from './config-routes.js';
import { factoryConfig, KEPT_ON_FACTORY_RESET } from './factory-defaults.js';
import { readJsonBody, readObjectBody } from './json-body.js';

/** A backup holds the whole configuration and the accounts: larger than an ordinary request body. */
export const RESTORE_BODY_LIMIT = 4 * 1024 * 1024;

export interface SystemRouteDeps {
  config: ConfigStore;
  accounts: Pick<AuthStore, 'exportAccounts' | 'replaceAccounts' | 'keepOnly'>;
  messages: Pick<MessageStore, 'deleteInbound' | 'deleteOutbound'>;
  version: string;
  bodyLimit: number;
  log: Logger;
  /** Whether a changed setting takes effect without a restart (as for PUT /api/config/:section). */
  appliesLive?: (path: string) => boolean;
  /** Called after the configuration was replaced (e.g. to hand the new policy to the engine). */
  applied?: (next: Config) => void;
  /** Stops the daemon so that its service manager starts it again; absent: restart unavailable. */
  restart?: (reason: string) => void;
  now?: () => Date;
}

function userOf(ctx: Context): string {
  const p = (ctx.state as WebState).principal;
  if (!p) throw new ApiError(401, 'authentication required');
  return p.user;
}

function fieldErrors(status: number, summary: string, errors: readonly FieldError[]): ApiError {
  return new ApiError(status, `${summary}: ${errors.map(formatFieldError).join('; ')}`, {}, { fields: errors.map((e) => ({ path: e.path, message: formatFieldError(e).slice(e.path.length + 2) })) });
}

function accountError(e: unknown): never {
  if (e instanceof AccountError) throw new ApiError(e.accountError === 'last-admin' ? 409 : 400, e.message);
  throw e;
}

export function systemRoutes(deps: SystemRouteDeps): ApiRoute[] {
  const { config, accounts, log } = deps;
  const now = deps.now ?? (() => new Date());
  const live = deps.appliesLive ?? (() => false);

  /** Replaces the configuration (the store validates it and writes nothing when it is invalid). */
  async function replaceConfig(next: unknown): Promise<{ changed: string[]; appliedNow: string[]; needsRestart: string[] }> {
    const prev = config.get();
    let written: Config;
    try {
      written = await config.update(() => next as Config);
    } catch (e) {
      if (e instanceof ConfigError) throw fieldErrors(400, 'invalid configuration', e.errors);
      throw e;
    }
    deps.applied?.(written);
    const changed = changedPaths(prev, written);
    return { changed, appliedNow: changed.filter((p) => live(p)), needsRestart: changed.filter((p) => !live(p)) };
  }

  function backup(ctx: Context): void {
    const secrets = ctx.query['secrets'] === 'true';
    const at = now();
    const cfg = config.get();
    const doc = makeBackup({ config: cfg, accounts: () => accounts.exportAccounts(), secrets, deviceName: cfg.device.name, version: deps.version, now: at });
    log.info({ by: userOf(ctx), secrets }, 'backup downloaded');
    ctx.set('Content-Disposition', `attachment; filename="${backupFileName(cfg.device.name, at)}"`);
    ctx.type = 'application/json';
    ctx.body = JSON.stringify(doc, null, 2);
  }

  async function restore(ctx: Context): Promise<void> {
    const body = await readJsonBody({ type: ctx.request.type, charset: ctx.request.charset, req: ctx.req }, Math.max(deps.bodyLimit, RESTORE_BODY_LIMIT));
    const parsed = parseBackup(body);
    if (!parsed.ok) throw fieldErrors(400, 'not a usable backup', parsed.errors);
    // Everything is checked before anything is written: the accounts first (pure), then the
    // configuration with its secrets put back, by the store's validator inside update().
    let checkedAccounts: ReturnType<typeof checkAccounts> | null = null;
    if (parsed.accounts !== null) {
      try {
        checkedAccounts = checkAccounts(parsed.accounts);
      } catch (e) {
        accountError(e);
      }
    }
    const restored = restoreRedacted(parsed.config, config.get(), []);
    if (restored.errors.length > 0) throw fieldErrors(400, 'invalid configuration', restored.errors);
    const result = await replaceConfig(restored.value);
    if (checkedAccounts !== null) await accounts.replaceAccounts(checkedAccounts).catch(accountError);
    const by = userOf(ctx);
    log.warn({ by, changed: result.changed.length, accounts: checkedAccounts ? Object.keys(checkedAccounts).length : 'kept' }, 'configuration restored from a backup');
    ctx.body = {
      restored: true,
      accounts: checkedAccounts ? Object.keys(checkedAccounts).sort() : null,
      ...result,
      restartNeeded: result.needsRestart.length > 0,
    };
  }

  async function factoryReset(ctx: Context): Promise<void> {
    const b = await readObjectBody(ctx, deps.bodyLimit);
    for (const k of Object.keys(b)) if (k !== 'confirm' && k !== 'wipeMessages') throw new ApiError(400, `unknown key ${JSON.stringify(k)}; expected {"confirm", "wipeMessages"?}`);
    const name = config.get().device.name;
    if (b['confirm'] !== name) throw new ApiError(400, `confirm: type the device name ${JSON.stringify(name)} to confirm the factory reset`);
    const wipe = b['wipeMessages'] ?? false;
    if (typeof wipe !== 'boolean') throw new ApiError(400, 'wipeMessages: expected true or false');
    const by = userOf(ctx);
    const result = await replaceConfig(factoryConfig(config.get()));
    // Accounts come down to the admin who asked, with their password as it is.
    await accounts.keepOnly(by).catch(accountError);
    const deleted = wipe ? { inbox: deps.messages.deleteInbound({ all: true }), outbox: deps.messages.deleteOutbound({ all: true }) } : null;
    log.warn({ by, wipeMessages: wipe, messagesDeleted: deleted }, 'factory reset');
    ctx.body = { reset: true, kept: KEPT_ON_FACTORY_RESET, accounts: [by], messagesDeleted: deleted, ...result, restartNeeded: result.needsRestart.length > 0 };
  }

  async function restart(ctx: Context): Promise<void> {
    // An explicit confirmation: a bare `{}` (a script probing routes) must not stop the gateway.
    const b = await readObjectBody(ctx, deps.bodyLimit, { emptyIsObject: true });
    if (b['confirm'] !== true || Object.keys(b).length !== 1) throw new ApiError(400, 'expected {"confirm": true}: a restart ends the calls in progress');
    const doRestart = deps.restart;
    if (!doRestart) throw new ApiError(503, 'restart is not available in this set-up');
    const by = userOf(ctx);
    log.warn({ by }, 'restart requested over the API');
    ctx.status = 202;
    ctx.body = { restarting: true };
    // After the answer has gone out: the restart stops the HTTP server first.
    ctx.res.once('finish', () => setImmediate(() => doRestart(`requested by ${by} over the API`)));
  }

  return [
    { method: 'GET', path: '/system/backup', access: SYSTEM_ADMIN, handler: backup },
    { method: 'POST', path: '/system/restore', access: SYSTEM_ADMIN, handler: restore },
    { method: 'POST', path: '/system/factory-reset', access: SYSTEM_ADMIN, handler: factoryReset },
    { method: 'POST', path: '/system/restart', access: SYSTEM_ADMIN, handler: restart },
  ];
}
