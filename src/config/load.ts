/**
 * Opening the daemon's configuration: `<dataDir>/config.json`, validated, kept durably.
 *  - missing file (and no backup): created with every default filled in;
 *  - corrupt file (not JSON / not an object): started from `config.json.bak`, with a warning;
 *  - invalid file (schema or cross-field errors, or a key given twice in one object, which JSON.parse
 *    would silently resolve to the last value): `ConfigError` listing every field error;
 *  - file and backup both unusable: `DurableFileError` naming both.
 * The file may hold SIM PINs, so it is written with mode 0600.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../util/log.js';
import { duplicateKeyError } from './check.js';
import { ConfigError } from './errors.js';
import { findDuplicateKeys, parseJsonText } from './json-text.js';
import { JsonStore } from './json-store.js';
import { validateConfig, type Config, type ConfigRule } from './schema.js';

export type ConfigStore = JsonStore<Config>;

export interface OpenConfigOptions {
  file: string;
  log: Logger;
  /** Rules of the layers above the configuration, checked on opening and on every update. */
  rules?: readonly ConfigRule[];
}

export const CONFIG_FILE_NAME = 'config.json';

/** `<dataDir>/config.json` */
export function configFilePath(dataDir: string): string {
  return path.join(dataDir, CONFIG_FILE_NAME);
}

/** `/var/lib/cellgate` when running as root, else `./data` resolved against the working directory. */
export function defaultDataDir(): string {
  return process.getuid?.() === 0 ? '/var/lib/cellgate' : path.resolve(process.cwd(), 'data');
}

/** Refuses a hand-edited file with a key given twice: which of the two values was meant is a guess. */
function refuseDuplicateKeys(file: string): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return; // missing or unreadable: JsonStore reports it (or falls back to the backup)
  }
  const parsed = parseJsonText(text);
  if (!parsed.ok) return; // corrupt: JsonStore falls back to the backup
  const dups = findDuplicateKeys(text);
  if (dups.length > 0) throw new ConfigError(dups.map(duplicateKeyError), { file, summary: `${file} is invalid` });
}

export async function openConfig(opts: OpenConfigOptions): Promise<ConfigStore> {
  const { file, log, rules = [] } = opts;
  refuseDuplicateKeys(file);
  const store = await JsonStore.open<Config>({
    file,
    validate: (doc) => validateConfig(doc, rules),
    defaults: () => ({}),
    mode: 0o600,
    onRecovery: (r) => log.warn({ file: r.file, backup: r.backup, reason: r.reason }, r.message),
  });
  if (store.created) log.info({ file: store.file }, `created ${store.file} with default settings`);
  return store;
}
