/**
 * The daemon's configuration with the rules of the layers above it. The configuration module imports
 * nothing from the modem drivers, so what only they know (which modem family has a built-in dual-SIM
 * command set) is checked by rules given here, where both are in reach: on opening the file and on
 * every update (openDaemonConfig), and by `cellgate config check` (runDaemonConfigCheck).
 */
import { runConfigCheck, type CheckOptions } from '../config/check.js';
import { openConfig, type ConfigStore, type OpenConfigOptions } from '../config/load.js';
import { validateConfig, type Config, type ConfigRule } from '../config/schema.js';
import type { ValidationResult } from '../config/json-store.js';
import { dualSimConfigErrors } from '../line/sim-switch-config.js';

export const DAEMON_CONFIG_RULES: readonly ConfigRule[] = [dualSimConfigErrors];

export function validateDaemonConfig(doc: unknown): ValidationResult<Config> {
  return validateConfig(doc, DAEMON_CONFIG_RULES);
}

export function openDaemonConfig(opts: Omit<OpenConfigOptions, 'rules'>): Promise<ConfigStore> {
  return openConfig({ ...opts, rules: DAEMON_CONFIG_RULES });
}

export function runDaemonConfigCheck(file: string, opts: Omit<CheckOptions, 'rules'> = { fsChecks: true }): Promise<{ code: number; output: string }> {
  return runConfigCheck(file, { ...opts, rules: DAEMON_CONFIG_RULES });
}
