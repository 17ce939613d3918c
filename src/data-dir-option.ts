/**
 * `--data DIR`, the same for every command: the daemon, `config check`, `passwd`, `user` and
 * `simulate` all default to the directory `cellgate start` uses, so they find each other's files.
 */
import path from 'node:path';
import { defaultDataDir } from './config/load.js';

export const DATA_OPTION = '--data DIR: the data directory; default /var/lib/cellgate as root, else ./data';

/** The data directory named by `--data`, or the default, as an absolute path. */
export function dataDirOf(values: Record<string, string | boolean | undefined>): string {
  const given = values.data;
  return typeof given === 'string' ? path.resolve(given) : defaultDataDir();
}
