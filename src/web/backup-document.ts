/**
 * The backup document of GET /api/system/backup and POST /api/system/restore (docs/api.md "System"):
 *
 *   { "format": "cellgate-backup", "version": 1, "createdAt": "…", "device": {"name", "version"},
 *     "secrets": false, "config": { …the configuration, secrets as "[redacted]"… }, "accounts": null }
 *
 * With secrets the configuration is whole and `accounts` holds the web accounts as auth.json stores
 * them (scrypt hashes, never passwords). Without, every secret field carries the `[redacted]` marker,
 * which a restore reads as "keep what is stored here" (restore-redacted.ts), and `accounts` is null:
 * a restore then leaves the accounts as they are. Pure: nothing here reads or writes a file.
 */
import type { FieldError } from '../config/errors.js';
import { redactSecrets } from '../config/secret-fields.js';

export const BACKUP_FORMAT = 'cellgate-backup';
export const BACKUP_VERSION = 1;

export interface BackupDocument {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_VERSION;
  createdAt: string;
  device: { name: string; version: string };
  /** True when secrets and account hashes are included. */
  secrets: boolean;
  config: unknown;
  /** The accounts with their hashes (secrets only); null: not included. */
  accounts: Record<string, unknown> | null;
}

export interface BackupInput {
  config: unknown;
  /** The accounts with their hashes; only put in the document with `secrets`. */
  accounts: () => Record<string, unknown>;
  secrets: boolean;
  deviceName: string;
  version: string;
  now: Date;
}

export function makeBackup(i: BackupInput): BackupDocument {
  return {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    createdAt: i.now.toISOString(),
    device: { name: i.deviceName, version: i.version },
    secrets: i.secrets,
    config: i.secrets ? i.config : redactSecrets(i.config),
    accounts: i.secrets ? i.accounts() : null,
  };
}

/** A file name for the download: the device name made safe, and the UTC time to the second. */
export function backupFileName(deviceName: string, now: Date): string {
  const name = deviceName.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'cellgate';
  const stamp = now.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '');
  return `${name}-backup-${stamp}.json`;
}

export type ParsedBackup = { ok: true; config: unknown; accounts: unknown | null } | { ok: false; errors: FieldError[] };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks the envelope of an uploaded backup (format, version, the parts present); the configuration
 * and the accounts themselves are checked by the daemon's validators before anything is written.
 */
export function parseBackup(doc: unknown): ParsedBackup {
  if (!isObject(doc)) return { ok: false, errors: [{ path: '', message: 'expected a backup document (a JSON object as GET /api/system/backup returns it)' }] };
  const errors: FieldError[] = [];
  if (doc['format'] !== BACKUP_FORMAT) errors.push({ path: 'format', message: `expected ${JSON.stringify(BACKUP_FORMAT)}` });
  if (doc['version'] !== BACKUP_VERSION) {
    errors.push({ path: 'version', message: typeof doc['version'] === 'number' && doc['version'] > BACKUP_VERSION ? `version ${doc['version']} is newer than this gateway reads (${BACKUP_VERSION}); upgrade first` : `expected ${BACKUP_VERSION}` });
  }
  if (!isObject(doc['config'])) errors.push({ path: 'config', message: 'expected the configuration (an object)' });
  const accounts = doc['accounts'] ?? null;
  if (accounts !== null && !isObject(accounts)) errors.push({ path: 'accounts', message: 'expected null or the accounts (an object by user name)' });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, config: doc['config'], accounts };
}
