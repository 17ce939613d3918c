/**
 * 'dual-sim': the modem's own two SIM holders, switched with the vendor's dual-SIM AT command over the
 * line's AT channel. Only slots A (SIM1) and B (SIM2) exist. The command is data (a family descriptor's
 * `dualSim`, or a set from the configuration), so a family is a descriptor field, not a code branch.
 */
import type { Logger } from '../../src/util/log.js';
import { AtCommandError, AtTimeoutError, type AtChannelApi } from '../../src/at/types.js';
import { SimSwitchError, checkSlot, errorText, type SimSwitch, type SlotId } from './types.js';
import { TaskQueue } from './task-queue.js';
import type { DualSimCommandSet, DualSimSlot } from './dual-sim-commands.js';

export {
  DUAL_SIM_FAMILIES,
  dualSimCommandsFor,
  atCommandTextProblem,
  dualSimValueProblem,
  type DualSimCommandSet,
  type DualSimFamily,
  type DualSimSlot,
} from './dual-sim-commands.js';

export const DUAL_SIM_SLOTS: readonly SlotId[] = Object.freeze(['A', 'B'] as const);

/** The set command for a slot. Pure. */
export function dualSimSelectCommand(set: DualSimCommandSet, slot: DualSimSlot): string {
  return set.select.split('{value}').join(set.values[slot]);
}

/**
 * Reads the active holder from the read command's information lines. Pure; never throws.
 * Tolerates spaces and quotes around the value (`+QDSIM: 1`, `+QDSIM:"1"`).
 */
export function parseDualSimQuery(lines: readonly string[], set: DualSimCommandSet): { ok: true; slot: DualSimSlot } | { ok: false; error: string } {
  const line = lines.find((l) => l.trimStart().startsWith(set.prefix));
  if (line === undefined) {
    return { ok: false, error: `${set.query}: no ${set.prefix} line in the reply (${lines.length ? lines.map((l) => JSON.stringify(l)).join(', ') : 'no lines'})` };
  }
  const fields = line.trimStart().slice(set.prefix.length).split(',');
  const index = set.field ?? 0;
  const raw = fields[index];
  if (raw === undefined) return { ok: false, error: `${set.query}: field ${index} missing in ${JSON.stringify(line)}` };
  const value = raw.trim().replace(/^"(.*)"$/, '$1');
  for (const slot of ['A', 'B'] as const) {
    if (set.values[slot] === value) return { ok: true, slot };
  }
  return { ok: false, error: `${set.query}: unexpected value ${JSON.stringify(value)} in ${JSON.stringify(line)} (expected ${set.values.A} for A or ${set.values.B} for B)` };
}

export interface DualSimSwitchOptions {
  channel: AtChannelApi;
  /** A built-in family, or a command set of your own. */
  commands: DualSimCommandSet;
  lineId?: string;
  log?: Logger;
}

export class DualSimSwitch implements SimSwitch {
  readonly kind = 'dual-sim' as const;
  readonly slots: readonly SlotId[] = DUAL_SIM_SLOTS;
  private readonly queue = new TaskQueue();
  private readonly label: string;
  private closed = false;

  constructor(private readonly opts: DualSimSwitchOptions) {
    this.label = `${opts.lineId ? `line ${opts.lineId}: ` : ''}dual-SIM switch (${opts.commands.name})`;
  }

  select(slot: SlotId): Promise<void> {
    return this.queue.run(async () => {
      this.assertOpen();
      const bad = checkSlot(slot, this.slots, this.label);
      if (bad) throw bad;
      const set = this.opts.commands;
      await this.exec(dualSimSelectCommand(set, slot as DualSimSlot), [set.prefix]);
      this.opts.log?.info({ slot, backend: this.kind, family: set.name }, 'SIM slot selected');
    });
  }

  /** Asks the modem (the read form of the command); the modem always knows. */
  current(): Promise<SlotId | null> {
    return this.queue.run(async () => {
      this.assertOpen();
      const set = this.opts.commands;
      const lines = await this.exec(set.query, [set.prefix]);
      const parsed = parseDualSimQuery(lines, set);
      if (!parsed.ok) throw new SimSwitchError('modem', `${this.label}: ${parsed.error}`);
      return parsed.slot;
    });
  }

  /** The AT channel belongs to the line; nothing to release here. */
  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new SimSwitchError('closed', `${this.label}: SIM switch is closed`);
  }

  private async exec(cmd: string, prefixes: string[]): Promise<string[]> {
    try {
      return await this.opts.channel.exec({ cmd, prefixes, timeoutMs: this.opts.commands.timeoutMs ?? 5000 });
    } catch (err) {
      if (err instanceof AtTimeoutError) throw new SimSwitchError('timeout', `${this.label}: ${err.message}`, { cause: err });
      if (err instanceof AtCommandError) throw new SimSwitchError('modem', `${this.label}: modem refused: ${err.message}`, { cause: err });
      throw new SimSwitchError('io', `${this.label}: ${cmd}: ${errorText(err)}`, { cause: err });
    }
  }
}
