/**
 * SIM switch factory: one backend per line, chosen by `config.backend`.
 */
import type { AtChannelApi } from '../../src/at/types.js';
import type { Logger } from '../../src/util/log.js';
import { SimSwitchError, type SimSwitch, type SlotId } from './types.js';
import { parseSimSwitchConfig, type SimSwitchConfig } from './config.js';
import { NoSimSwitch } from './none.js';
import { SimulatedSimSwitch } from './simulated.js';
import { GpioSimSwitch } from './gpio.js';
import { SerialCommandSimSwitch } from './serial-command.js';
import { defaultSerialBoards, type SerialBoardRegistry } from './serial-board.js';
import { dualSimCommandsFor, DualSimSwitch } from './dual-sim.js';

export interface SimSwitchDeps {
  /** The line's id: {line} in serial templates, and every error message. */
  lineId: string;
  log?: Logger;
  /** The line's AT channel; required by 'dual-sim'. */
  channel?: AtChannelApi;
  /** Shared serial boards; lines on one board must get the same registry. Default: process-wide registry. */
  serialBoards?: SerialBoardRegistry;
  /** 'simulated' only: called after each select so the simulated modem can swap its SIM card. */
  onSelect?: (slot: SlotId) => void | Promise<void>;
}

/**
 * Builds the line's SIM switch. No I/O happens here (ports open and tools run on the first select).
 * Throws SimSwitchError with code 'config' when the configuration is invalid or cannot work (dual-sim
 * without an AT channel, a serial port already used at another baud rate).
 */
export function createSimSwitch(config: SimSwitchConfig, deps: SimSwitchDeps): SimSwitch {
  const parsed = parseSimSwitchConfig(config);
  if (!parsed.ok) throw new SimSwitchError('config', `line ${deps.lineId}: ${parsed.error}`);
  const c = parsed.config;
  const log = deps.log?.child({ line: deps.lineId, component: 'sim-switch', backend: c.backend });
  const lineId = deps.lineId;
  switch (c.backend) {
    case 'none':
      return new NoSimSwitch({ lineId });
    case 'simulated':
      return new SimulatedSimSwitch({
        slots: c.slots,
        initial: c.initial,
        delayMs: c.delayMs,
        failSlots: c.failSlots,
        onSelect: deps.onSelect,
        lineId,
        log,
      });
    case 'gpio':
      return new GpioSimSwitch({
        chip: c.chip,
        lines: c.lines,
        activeLow: c.activeLow,
        settleMs: c.settleMs,
        gpiosetPath: c.gpiosetPath,
        lineId,
        log,
      });
    case 'serial':
      return new SerialCommandSimSwitch({
        port: c.port,
        baudRate: c.baudRate,
        template: c.template,
        expect: c.expect,
        fail: c.fail,
        timeoutMs: c.timeoutMs,
        lineId,
        boards: deps.serialBoards ?? defaultSerialBoards(),
        log,
      });
    case 'dual-sim': {
      if (!deps.channel) throw new SimSwitchError('config', `line ${lineId}: the dual-sim SIM switch needs the line's AT channel`);
      if (c.commands) return new DualSimSwitch({ channel: deps.channel, commands: c.commands, lineId, log });
      const builtIn = dualSimCommandsFor(c.family);
      if (!builtIn.ok) throw new SimSwitchError('config', `line ${lineId}: dual-sim SIM switch: ${builtIn.reason}`);
      return new DualSimSwitch({ channel: deps.channel, commands: builtIn.commands, lineId, log });
    }
  }
}

export * from './types.js';
export * from './config.js';
export { NoSimSwitch } from './none.js';
export { SimulatedSimSwitch, type SimulatedSimSwitchOptions } from './simulated.js';
export { GpioSimSwitch, gpiosetArgs, DEFAULT_GPIO_SETTLE_MS, type GpioSimSwitchOptions } from './gpio.js';
export { SerialCommandSimSwitch, type SerialCommandSimSwitchOptions } from './serial-command.js';
export {
  SerialBoardRegistry,
  defaultSerialBoards,
  openSerialPort,
  type SerialPortLike,
  type OpenPort,
  type SerialBoardHandle,
  type BoardCommand,
} from './serial-board.js';
export {
  DualSimSwitch,
  DUAL_SIM_FAMILIES,
  DUAL_SIM_SLOTS,
  dualSimCommandsFor,
  atCommandTextProblem,
  dualSimValueProblem,
  dualSimSelectCommand,
  parseDualSimQuery,
  type DualSimCommandSet,
  type DualSimFamily,
  type DualSimSlot,
  type DualSimSwitchOptions,
} from './dual-sim.js';
export { parseCommandTemplate, renderCommand, compileReplyPattern, printable, TEMPLATE_VARS, type TemplateVar, type TemplatePart } from './template.js';
