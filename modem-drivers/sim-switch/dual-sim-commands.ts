/**
 * The vendor dual-SIM commands as data (no I/O): the shape of a command set, the built-in sets as the
 * family descriptors declare them (each family folder says whether its firmware has one, and why not),
 * and what makes a command text safe to send. Shared by the dual-sim backend, its configuration schema
 * and the daemon's configuration check, so all three agree.
 */
import { FALLBACK_FAMILY, FAMILIES, familyDescriptor } from '../families.js';
import type { Family } from '../types.js';

export type DualSimSlot = 'A' | 'B';

/** How one firmware family selects and reports the active SIM holder. */
export interface DualSimCommandSet {
  /** For messages and logs, e.g. 'Quectel AT+QDSIM'. */
  name: string;
  /** Set command; `{value}` is replaced by the slot's value, e.g. 'AT+QDSIM={value}'. */
  select: string;
  /** Read command, e.g. 'AT+QDSIM?'. */
  query: string;
  /** Information-response prefix of the read command, e.g. '+QDSIM:'. */
  prefix: string;
  /** Which comma-separated field after the prefix holds the value (0-based). Default 0. */
  field?: number;
  /** The value that means each holder, e.g. { A: '0', B: '1' }. */
  values: Record<DualSimSlot, string>;
  /** Final-result timeout for both commands. Default 5000 ms. */
  timeoutMs?: number;
}

/** A family name the configuration's `dual-sim` `family` may give: one whose descriptor has a command set. */
export type DualSimFamily = Family;

/** The built-in command sets by family name, as the family descriptors declare them (`dualSim`). */
export const DUAL_SIM_FAMILIES: Readonly<Record<string, DualSimCommandSet>> = Object.fromEntries(
  FAMILIES.flatMap((f) => ('none' in f.dualSim ? [] : [[f.name, f.dualSim] as const])),
);

/** The built-in command set of a modem family (its descriptor's `dualSim`), or why there is none. */
export function dualSimCommandsFor(family: Family): { ok: true; family: DualSimFamily; commands: DualSimCommandSet } | { ok: false; reason: string } {
  const d = familyDescriptor(family) ?? FALLBACK_FAMILY;
  if ('none' in d.dualSim) return { ok: false, reason: d.dualSim.none };
  return { ok: true, family: d.name, commands: d.dualSim };
}

// What makes a configured command text or holder value usable is shared with the configuration schema.
export { atCommandTextProblem } from '../../src/at/command-text.js';
export { dualSimValueProblem } from '../../src/config/schema-sim-switch.js';
