/**
 * The vendor dual-SIM commands as data (no I/O): the shape of a command set, the built-in sets as the
 * family descriptors declare them (each family folder says whether its firmware has one, and why not),
 * and what makes a command text safe to send. Shared by the dual-sim backend, its configuration schema
 * and the daemon's configuration check, so all three agree.
 */
import { FALLBACK_FAMILY, FAMILIES, familyDescriptor } from '../families.js';
import type { Family } from '../types.js';

// The shape of a command set is part of the family descriptor's contract (capabilities.ts).
export type { DualSimCommandSet, DualSimSlot } from '../capabilities.js';
import type { DualSimCommandSet } from '../capabilities.js';

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
