/**
 * Which accounts to register, from the device manual's four VoIP modes (§4.3): one account for the
 * whole device, one per line, one per group of lines, or none (the trunk mode registers nothing
 * here). Pure: settings in, accounts or problems out. The configuration schema adopts this shape later.
 */
import type { RegistrationAccount, RegistrationTransport, SipServerAddress } from './registration-options.js';

/** One account's settings as a user types them; servers as `host`, `host:port` or `[v6]:port`. */
export interface AccountSettings {
  readonly authId: string;
  readonly password: string;
  readonly phoneNumber?: string;
  readonly displayName?: string;
  readonly homeDomain?: string;
  readonly registrar: string;
  readonly backupRegistrar?: string;
  readonly outboundProxy?: string;
  /** Default 'udp'; applies to every server of the account. */
  readonly transport?: RegistrationTransport;
  readonly expiresSeconds: number;
}

export type RegistrationPlanConfig =
  | { readonly mode: 'device'; readonly account: AccountSettings }
  | { readonly mode: 'per-line'; readonly lines: readonly (AccountSettings & { readonly line: number })[] }
  | { readonly mode: 'per-group'; readonly groups: readonly { readonly name: string; readonly lines: readonly number[]; readonly account: AccountSettings }[] }
  | { readonly mode: 'none' };

/** One account to register and the lines whose calls it carries. */
export interface PlannedAccount {
  /** `device`, `line-<n>` or `group-<name>`: the id status and logs use. */
  readonly id: string;
  /** 'all' in device mode. */
  readonly lines: readonly number[] | 'all';
  readonly account: RegistrationAccount;
}

export type RegistrationPlanVerdict = { readonly ok: true; readonly accounts: readonly PlannedAccount[] } | { readonly ok: false; readonly problems: readonly string[] };

const HOST_PORT = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+))(?::(\d{1,5}))?$/;

/** `host[:port]` → a server address; the port defaults to 5060 (5061 for TLS) as the manual says. */
export function parseServerAddress(text: string, transport: RegistrationTransport = 'udp'): SipServerAddress | undefined {
  if (typeof text !== 'string') return undefined;
  const match = HOST_PORT.exec(text.trim());
  if (!match) return undefined;
  const port = match[3] === undefined ? (transport === 'tls' ? 5061 : 5060) : Number(match[3]);
  if (port < 1 || port > 65535) return undefined;
  return { host: match[1] ?? match[2]!, port, transport };
}

function toAccount(where: string, settings: AccountSettings, problems: string[]): RegistrationAccount | undefined {
  const before = problems.length;
  const server = (name: string, text: string | undefined): SipServerAddress | undefined => {
    if (text === undefined || (typeof text === 'string' && text.trim() === '')) return undefined;
    const address = parseServerAddress(text, transport);
    if (!address) problems.push(`${where}: ${name} "${text}" is not host[:port]`);
    return address;
  };
  if (typeof settings !== 'object' || settings === null) {
    problems.push(`${where}: no settings`);
    return undefined;
  }
  const transport = settings.transport ?? 'udp';
  if (!['udp', 'tcp', 'tls'].includes(transport)) problems.push(`${where}: transport must be udp, tcp or tls`);
  if (typeof settings.authId !== 'string' || settings.authId === '') problems.push(`${where}: auth ID is empty`);
  if (typeof settings.password !== 'string') problems.push(`${where}: password is missing`);
  if (typeof settings.registrar !== 'string' || settings.registrar.trim() === '') problems.push(`${where}: registrar is empty`);
  if (!Number.isInteger(settings.expiresSeconds) || settings.expiresSeconds <= 0) problems.push(`${where}: expiry must be a positive whole number of seconds`);
  const registrar = server('registrar', settings.registrar);
  const backupRegistrar = server('backup registrar', settings.backupRegistrar);
  const outboundProxy = server('outbound proxy', settings.outboundProxy);
  if (problems.length > before || !registrar) return undefined;
  return {
    authId: settings.authId,
    password: settings.password,
    ...(settings.phoneNumber ? { phoneNumber: settings.phoneNumber } : {}),
    ...(settings.displayName ? { displayName: settings.displayName } : {}),
    ...(settings.homeDomain ? { homeDomain: settings.homeDomain } : {}),
    registrar,
    ...(backupRegistrar ? { backupRegistrar } : {}),
    ...(outboundProxy ? { outboundProxy } : {}),
    expiresSeconds: settings.expiresSeconds,
  };
}

/** The accounts a configuration asks for, for a device with `lineCount` lines (numbered from 1). */
export function planRegistrations(config: RegistrationPlanConfig, lineCount: number): RegistrationPlanVerdict {
  const problems: string[] = [];
  const accounts: PlannedAccount[] = [];
  const validLine = (line: number) => Number.isInteger(line) && line >= 1 && line <= lineCount;
  if (!Number.isInteger(lineCount) || lineCount < 0) return { ok: false, problems: ['line count must be a whole number'] };
  switch (config?.mode) {
    case 'none':
      break;
    case 'device': {
      const account = toAccount('device', config.account, problems);
      if (account) accounts.push({ id: 'device', lines: 'all', account });
      break;
    }
    case 'per-line': {
      const seen = new Set<number>();
      if (!Array.isArray(config.lines)) return { ok: false, problems: ['per-line mode needs a list of lines'] };
      for (const entry of config.lines) {
        if (typeof entry !== 'object' || entry === null) {
          problems.push('per-line: an entry is not a set of settings');
          continue;
        }
        if (!validLine(entry.line)) problems.push(`line ${entry.line}: no such line (1..${lineCount})`);
        else if (seen.has(entry.line)) problems.push(`line ${entry.line}: configured twice`);
        seen.add(entry.line);
        const account = toAccount(`line ${entry.line}`, entry, problems);
        if (account) accounts.push({ id: `line-${entry.line}`, lines: [entry.line], account });
      }
      break;
    }
    case 'per-group': {
      const owner = new Map<number, string>();
      const names = new Set<string>();
      if (!Array.isArray(config.groups)) return { ok: false, problems: ['per-group mode needs a list of groups'] };
      for (const group of config.groups) {
        if (typeof group !== 'object' || group === null) {
          problems.push('per-group: an entry is not a group');
          continue;
        }
        // The configuration's group names (src/config/schema-sip.ts): letters, digits, "_", "." or "-".
        if (!/^[A-Za-z0-9_.-]{1,64}$/.test(group.name)) problems.push(`group "${group.name}": name must be 1-64 letters, digits, _, . or -`);
        if (names.has(group.name)) problems.push(`group "${group.name}": configured twice`);
        names.add(group.name);
        const lines = Array.isArray(group.lines) ? group.lines : [];
        if (lines.length === 0) problems.push(`group "${group.name}": has no lines`);
        for (const line of lines) {
          if (!validLine(line)) problems.push(`group "${group.name}": no line ${line} (1..${lineCount})`);
          else if (owner.has(line)) problems.push(`group "${group.name}": line ${line} is already in group "${owner.get(line)}"`);
          else owner.set(line, group.name);
        }
        const account = toAccount(`group "${group.name}"`, group.account, problems);
        if (account) accounts.push({ id: `group-${group.name}`, lines: [...lines].sort((a, b) => a - b), account });
      }
      break;
    }
    default:
      problems.push(`unknown registration mode "${String((config as { mode?: unknown } | undefined)?.mode)}"`);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, accounts };
}
