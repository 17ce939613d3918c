/**
 * What every capability object of a modem shares: the AT channel, the logger, the command timeouts, and
 * two helpers that turn a reply into a value or a ModemCommandError / ModemResponseError. Capabilities
 * receive one AtContext; none of them opens or owns the channel.
 */
import type { AtChannelApi, AtCommand } from '../../src/at/types.js';
import type { Logger } from '../../src/util/log.js';
import { ModemCommandError, ModemResponseError } from './errors.js';
import type { ParseResult } from './parse.js';

/** Command timeouts (ms) where the channel default (a few seconds) is too short. */
export const GENERIC_TIMEOUTS = {
  /** ATD: OK comes once the network accepted the call set-up. */
  dial: 30_000,
  answer: 20_000,
  hangup: 10_000,
  pin: 10_000,
  /** AT+CMGS: the network's RP-ACK can take tens of seconds on a loaded cell. */
  sendSms: 60_000,
  readSms: 10_000,
  listSms: 30_000,
  /** AT+CUSD: some firmware holds OK until the network has answered. */
  ussd: 30_000,
  /** AT+COPS=1/0: a manual selection may scan every band (TS 27.007 §7.3). */
  selectOperator: 120_000,
  cfun: 15_000,
} as const;

export type DriverTimeouts = { -readonly [K in keyof typeof GENERIC_TIMEOUTS]: number };

export class AtContext {
  readonly timeouts: DriverTimeouts = { ...GENERIC_TIMEOUTS };

  constructor(
    readonly channel: AtChannelApi,
    readonly log: Logger,
  ) {}

  /** Sends a command; rejects with ModemCommandError (codes explained, secrets redacted) unless OK. */
  async execOk(command: AtCommand | string): Promise<string[]> {
    const c = typeof command === 'string' ? { cmd: command } : command;
    const r = await this.channel.send(c);
    if (!r.ok) throw new ModemCommandError(c.secret ? redactCmd(c.cmd) : c.cmd, r.final, r.lines);
    return r.lines;
  }

  /** The first line of `lines` that `parse` accepts, else a ModemResponseError naming the command. */
  pick<T>(cmd: string, lines: readonly string[], parse: (line: string) => ParseResult<T>): T {
    let firstError: string | undefined;
    for (const l of lines) {
      const r = parse(l);
      if (r.ok) return r.value;
      firstError ??= r.error;
    }
    throw new ModemResponseError(cmd, firstError ?? 'no information line in the reply', lines);
  }
}

/** The first line `parse` accepts, else undefined. */
export function firstValue<T>(lines: readonly string[], parse: (line: string) => ParseResult<T>): T | undefined {
  for (const l of lines) {
    const r = parse(l);
    if (r.ok) return r.value;
  }
  return undefined;
}

function redactCmd(cmd: string): string {
  const eq = cmd.indexOf('=');
  return eq < 0 ? cmd : `${cmd.slice(0, eq + 1)}<redacted>`;
}
