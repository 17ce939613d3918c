/**
 * Command sequences written as data (after ModemManager's `MMBaseModemAtCommand` tables):
 * each step is a command plus a pure processor that says continue, succeed with a value, or fail.
 * A fallback is simply the next step: its predecessor answers `next` when it did not work.
 */
import type { AtChannelApi, AtCommand, AtResponse } from './types.js';
import { AtTimeoutError, formatFinal } from './types.js';

export type StepOutcome<T> = { next: true } | { done: T } | { fail: string };

export interface SeqStep<T> {
  cmd: AtCommand | string;
  /**
   * Decides what the reply means. Default: OK goes on to the next step, anything else fails the sequence.
   * A step meant as one of several alternatives answers `{ next: true }` on error.
   */
  on?: (r: AtResponse) => StepOutcome<T>;
  /** A timeout goes on to the next step instead of failing the whole sequence. */
  optional?: boolean;
}

export const next = { next: true } as const;
export const done = <T>(value: T): StepOutcome<T> => ({ done: value });
export const fail = (why: string): StepOutcome<never> => ({ fail: why });

/** Processor for "try this, else the next row": OK with a parsed value succeeds, anything else continues. */
export function firstOf<T>(parse: (r: AtResponse) => T | undefined): (r: AtResponse) => StepOutcome<T> {
  return (r) => {
    if (!r.ok) return next;
    const v = parse(r);
    return v === undefined ? next : done(v);
  };
}

export class SequenceError extends Error {
  constructor(message: string, readonly last?: AtResponse) {
    super(message);
    this.name = 'SequenceError';
  }
}

/**
 * Runs steps in order. Resolves with the first `done` value, or with `undefined` when every step went on
 * (a pure setup sequence). Rejects with SequenceError on `fail` or when a non-optional step times out.
 */
export async function runSequence<T = undefined>(ch: AtChannelApi, steps: readonly SeqStep<T>[]): Promise<T | undefined> {
  for (const step of steps) {
    const command: AtCommand = typeof step.cmd === 'string' ? { cmd: step.cmd } : step.cmd;
    let r: AtResponse;
    try {
      r = await ch.send(command);
    } catch (e) {
      if (step.optional && e instanceof AtTimeoutError) continue;
      throw e;
    }
    const outcome: StepOutcome<T> = step.on ? step.on(r) : r.ok ? next : fail(`${command.cmd}: ${formatFinal(r.final)}`);
    if ('done' in outcome) return outcome.done;
    if ('fail' in outcome) throw new SequenceError(outcome.fail, r);
  }
  return undefined;
}

/** Like runSequence but a sequence that ends without `done` is an error: every alternative failed. */
export async function runQuery<T>(ch: AtChannelApi, what: string, steps: readonly SeqStep<T>[]): Promise<T> {
  const v = await runSequence(ch, steps);
  if (v === undefined) throw new SequenceError(`${what}: no command in the sequence gave an answer`);
  return v;
}

