/**
 * Opening the daemon's configuration: `<dataDir>/config.json`, validated, kept durably.
 *  - missing file (and no backup): created with every default filled in;
 *  - corrupt file (not JSON / not an object): started from `config.json.bak`, with a warning;
 *  - invalid file (schema or cross-field errors): `ConfigError` listing every field error;
 *  - file and backup both unusable: `DurableFileError` naming both.
 * The file may hold SIM PINs, so it is written with mode 0600.
 */
import path from 'node:path';
import type { Logger } from '../util/log.js';
import { JsonStore } from './json-store.js';
import { validateConfig, type Config } from './schema.js';

export type ConfigStore = JsonStore<Config>;

export interface OpenConfigOptions {
  file: string;
  log: Logger;
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

export async function openConfig(opts: OpenConfigOptions): Promise<ConfigStore> {
  const { file, log } = opts;
  const store = await JsonStore.open<Config>({
    file,
    validate: validateConfig,
    defaults: () => ({}),
    mode: 0o600,
    onRecovery: (r) => log.warn({ file: r.file, backup: r.backup, reason: r.reason }, r.message),
  });
  if (store.created) log.info({ file: store.file }, `created ${store.file} with default settings`);
  return store;
}
