/**
 * A line's `simSwitch` configuration (the daemon's schema) as the SIM switch module takes it. Every
 * backend is handled by name, so a backend the schema gains does not compile until it is handled here.
 * A dual-SIM switch that names neither `family` nor `commands` gets the built-in command set of the
 * modem's family, known once the modem is identified; a family without one is a configuration error,
 * found when the configuration is checked if the line names its family (`dualSimConfigErrors`), else
 * when the line is built.
 */
import type { Config, LineConfig } from '../config/schema.js';
import { DUAL_SIM_COMMAND_SET_NAMES } from '../config/schema-sim-switch.js';
import type { FieldError } from '../config/errors.js';
import type { Family } from '../../modem-drivers/types.js';
import { SimSwitchError, dualSimCommandsFor, type SimSwitchConfig } from '../../modem-drivers/sim-switch/index.js';

export function simSwitchConfigOf(sw: LineConfig['simSwitch'], modemFamily: Family, lineId: number): SimSwitchConfig {
  switch (sw.backend) {
    case 'none':
    case 'simulated':
    case 'gpio':
    case 'serial':
      return sw;
    case 'dual-sim': {
      if (sw.commands) return { backend: 'dual-sim', commands: sw.commands };
      if (sw.family) return { backend: 'dual-sim', family: sw.family };
      const builtIn = dualSimCommandsFor(modemFamily);
      if (!builtIn.ok) {
        throw new SimSwitchError('config', `line ${lineId}: dual-sim SIM switch: ${builtIn.reason}; give the firmware's command set in lines[].simSwitch.commands (docs/sim-switch.md)`);
      }
      // Named like the configuration names it when it can be (logs and status show the set's name).
      const named = DUAL_SIM_COMMAND_SET_NAMES.find((n) => n === builtIn.family);
      return named ? { backend: 'dual-sim', family: named } : { backend: 'dual-sim', commands: builtIn.commands };
    }
    default: {
      const unhandled: never = sw;
      throw new Error(`unhandled SIM switch backend ${JSON.stringify(unhandled)}`);
    }
  }
}

/**
 * A configuration rule (see ConfigRule): a dual-SIM switch with neither `family` nor `commands` on a
 * line whose family is configured must have a built-in command set for that family. With "auto" the
 * detected family decides at run time (simSwitchConfigOf).
 */
export function dualSimConfigErrors(cfg: Config): FieldError[] {
  const errors: FieldError[] = [];
  cfg.lines.forEach((line, i) => {
    const sw = line.simSwitch;
    if (sw.backend !== 'dual-sim' || sw.family !== undefined || sw.commands !== undefined || line.family === 'auto') return;
    const builtIn = dualSimCommandsFor(line.family);
    if (!builtIn.ok) {
      errors.push({
        path: `lines[${i}].simSwitch.commands`,
        message: `missing; ${builtIn.reason}: give the firmware's command set in "commands" (docs/sim-switch.md)`,
      });
    }
  });
  return errors;
}
