/**
 * The SIM switch configuration this module takes: the daemon configuration's one `simSwitch` schema
 * (src/config/schema-sim-switch.ts), with a dual-SIM switch resolved to exactly one command set. The
 * schema says what a value may be; the line resolves a dual-SIM switch that names neither `family` nor
 * `commands` from the modem's family before it gets here (src/line/sim-switch-config.ts).
 */
import { issuesToFieldErrors } from '../../src/config/schema.js';
import {
  DUAL_SIM_COMMAND_SET_NAMES,
  simSwitchSchema,
  type DualSimCommandSetConfig,
  type DualSimCommandSetName,
  type SimSwitchSection,
  type SimSwitchSectionInput,
} from '../../src/config/schema-sim-switch.js';
import type { DualSimCommandSet } from './dual-sim-commands.js';

type InputOf<B extends SimSwitchSectionInput['backend']> = Extract<SimSwitchSectionInput, { backend: B }>;
type OutputOf<B extends SimSwitchSection['backend']> = Extract<SimSwitchSection, { backend: B }>;

/** A dual-SIM switch with its command set decided: a built-in set by name, or the firmware's own. */
type Resolved<T> =
  | (Omit<T, 'family' | 'commands'> & { family: DualSimCommandSetName; commands?: undefined })
  | (Omit<T, 'family' | 'commands'> & { commands: DualSimCommandSetConfig; family?: undefined });

export type NoneSwitchConfig = InputOf<'none'>;
export type SimulatedSwitchConfig = InputOf<'simulated'>;
export type GpioSwitchConfig = InputOf<'gpio'>;
export type SerialSwitchConfig = InputOf<'serial'>;
export type DualSimSwitchConfig = Resolved<InputOf<'dual-sim'>>;

/** What createSimSwitch takes (keys with defaults may be left out). */
export type SimSwitchConfig = NoneSwitchConfig | SimulatedSwitchConfig | GpioSwitchConfig | SerialSwitchConfig | DualSimSwitchConfig;

/** A validated SIM switch configuration, every default filled in. */
export type SimSwitchSettings = Exclude<SimSwitchSection, { backend: 'dual-sim' }> | Resolved<OutputOf<'dual-sim'>>;

// A command set from the configuration is run as a DualSimCommandSet: this fails to compile if they part.
const commandSetFits = (c: DualSimCommandSetConfig): DualSimCommandSet => c;
void commandSetFits;

/** Validates untrusted configuration with the configuration's schema (defaults filled in). Never throws. */
export function parseSimSwitchConfig(input: unknown): { ok: true; config: SimSwitchSettings } | { ok: false; error: string } {
  const r = simSwitchSchema.safeParse(input, { reportInput: true });
  if (!r.success) {
    const errors = issuesToFieldErrors(r.error.issues).map((e) => (e.path ? `${e.path}: ${e.message}` : e.message));
    return { ok: false, error: `invalid SIM switch configuration: ${errors.join('; ')}` };
  }
  const c = r.data;
  if (c.backend === 'dual-sim') {
    if (c.family !== undefined) return { ok: true, config: { ...c, family: c.family, commands: undefined } };
    if (c.commands !== undefined) return { ok: true, config: { ...c, commands: c.commands, family: undefined } };
    return {
      ok: false,
      error: `invalid SIM switch configuration: a dual-sim switch needs its command set; give exactly one of family (${DUAL_SIM_COMMAND_SET_NAMES.join(', ')}) or commands`,
    };
  }
  return { ok: true, config: c };
}
