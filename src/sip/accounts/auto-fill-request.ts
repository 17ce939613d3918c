/**
 * `POST /api/sip/registration/auto-fill` (manual §4.3, per-line mode "自动填充其他线路"): line 1's
 * account in the configuration's shape in, the accounts of lines 1..count out in the same shape,
 * ready to be put under `sip.registration.lines`. Nothing is saved. Pure; bad input is a verdict.
 */
import { autoFillLines } from '../registration/line-auto-fill.js';
import { planRegistrations, type AccountSettings } from '../registration/registration-plan.js';
import { MAX_LINE_ID } from '../registration/registration-config.js';

const TRANSPORTS = ['udp', 'tcp', 'tls'] as const;
type Transport = (typeof TRANSPORTS)[number];
const TEXT_FIELDS = ['authId', 'password', 'phoneNumber', 'displayName', 'homeDomain', 'registrar', 'backupRegistrar', 'outboundProxy'] as const;
const REQUIRED = new Set<string>(['authId', 'registrar']);
const DEFAULT_EXPIRES_SEC = 3600;

/** One line's account as `sip.registration.lines` holds it. */
export interface FilledLine {
  readonly line: number;
  readonly authId: string;
  readonly password?: string;
  readonly phoneNumber?: string;
  readonly displayName?: string;
  readonly homeDomain?: string;
  readonly registrar: string;
  readonly backupRegistrar?: string;
  readonly outboundProxy?: string;
  readonly transport: Transport;
  readonly expiresSec: number;
}

export type AutoFillRequestVerdict = { readonly ok: true; readonly lines: FilledLine[] } | { readonly ok: false; readonly problems: string[] };

/**
 * Reads `{ "account": {...line 1...}, "count"?: n }`; count defaults to `lineCount` (the lines the
 * device has). The password may be left out: the lines then have none, to be set before saving.
 */
export function autoFillFromRequest(body: Record<string, unknown>, lineCount: number): AutoFillRequestVerdict {
  const problems: string[] = [];
  const account = body['account'];
  if (typeof account !== 'object' || account === null || Array.isArray(account)) return { ok: false, problems: ['account: expected line 1\'s account as an object'] };
  const a = account as Record<string, unknown>;
  const count = body['count'] ?? lineCount;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 64) problems.push('count: expected a whole number from 1 to 64 (the number of lines)');
  const known = new Set<string>([...TEXT_FIELDS, 'transport', 'expiresSec', 'line']);
  for (const key of Object.keys(a)) if (!known.has(key)) problems.push(`account.${key}: unknown field`);
  for (const field of TEXT_FIELDS) {
    const value = a[field];
    if (value === undefined && !REQUIRED.has(field)) continue;
    if (typeof value !== 'string' || value === '' || value.length > 253) problems.push(`account.${field}: expected a non-empty text of at most 253 characters`);
  }
  const transport = a['transport'] ?? 'udp';
  if (!TRANSPORTS.includes(transport as Transport)) problems.push('account.transport: expected "udp", "tcp" or "tls"');
  const expiresSec = a['expiresSec'] ?? DEFAULT_EXPIRES_SEC;
  if (typeof expiresSec !== 'number' || !Number.isInteger(expiresSec) || expiresSec < 60 || expiresSec > 86_400) problems.push('account.expiresSec: expected a whole number of seconds from 60 to 86400');
  if (problems.length > 0) return { ok: false, problems };
  const text = (field: (typeof TEXT_FIELDS)[number]) => a[field] as string | undefined;
  const settings: AccountSettings = {
    authId: text('authId')!,
    password: text('password') ?? '',
    ...optional('phoneNumber', text('phoneNumber')),
    ...optional('displayName', text('displayName')),
    ...optional('homeDomain', text('homeDomain')),
    registrar: text('registrar')!,
    ...optional('backupRegistrar', text('backupRegistrar')),
    ...optional('outboundProxy', text('outboundProxy')),
    transport: transport as Transport,
    expiresSeconds: expiresSec as number,
  };
  const filled = autoFillLines(settings, count as number);
  if (!filled.ok) return { ok: false, problems: [...filled.problems] };
  // The same checks the daemon makes before registering (server addresses above all).
  const plan = planRegistrations({ mode: 'per-line', lines: filled.lines }, MAX_LINE_ID);
  if (!plan.ok) return { ok: false, problems: [...plan.problems] };
  const hasPassword = text('password') !== undefined;
  const lines = filled.lines.map(({ expiresSeconds, password, transport: t, ...rest }) => ({
    ...rest,
    ...(hasPassword ? { password } : {}),
    transport: t ?? 'udp',
    expiresSec: expiresSeconds,
  }));
  return { ok: true, lines };
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
