/** Reading the parameters of a parsed extended command (V.250 §5.4.2). Pure. */
import type { AtArg, AtCommand } from './at-parser.js';
import type { Outcome } from './outcome.js';
import type { ModemCore } from './modem-core.js';

export type ExtendedCommand = Extract<AtCommand, { kind: 'extended' }>;

/** A command handler: undefined when the command is not one of this group's. */
export type Handler = (core: ModemCore, c: AtCommand) => Outcome | Promise<Outcome> | undefined;

/** Integer parameter `i`; `undefined` when omitted, NaN when not a decimal number. */
export function argInt(c: ExtendedCommand, i: number): number | undefined {
  const a: AtArg | null | undefined = c.args[i];
  if (a === null || a === undefined) return undefined;
  return /^\d{1,9}$/.test(a.value.trim()) ? Number(a.value.trim()) : Number.NaN;
}

/** String parameter `i` as given (quotes removed); undefined when omitted. */
export function argStr(c: ExtendedCommand, i: number): string | undefined {
  const a = c.args[i];
  return a === null || a === undefined ? undefined : a.value;
}

/** True when every given parameter is an integer within [min, max] (omitted ones allowed). */
export function intsIn(c: ExtendedCommand, ranges: readonly [number, number][]): boolean {
  if (c.args.length > ranges.length) return false;
  return c.args.every((a, i) => {
    if (a === null) return true;
    const v = argInt(c, i);
    return v !== undefined && !Number.isNaN(v) && v >= ranges[i]![0] && v <= ranges[i]![1];
  });
}
