/**
 * 'gpio': a multiplexer whose select inputs hang on two Linux GPIO lines, driven through the GPIO
 * character device with libgpiod's `gpioset` tool (Debian package `gpiod`; v1.6 in Debian 12).
 *
 * Node cannot issue the GPIO v2 ioctls itself, so each select runs
 *   gpioset --mode=signal [--active-low] <chip> <bit0-offset>=<b0> <bit1-offset>=<b1>
 * Slot index 0..3 (A..D) is written in binary: bit 0 on lines[0], bit 1 on lines[1].
 *
 * Why `--mode=signal` and a long-lived process: gpioset v1 defaults to `--mode=exit`, and its own help
 * warns that a line requested through the character device reverts to its default once the last
 * process holding the file descriptor exits, so the value after exit is undefined. In signal mode it
 * holds the lines until SIGINT/SIGTERM. We keep that process running, kill it before the next select
 * (the lines cannot be requested twice) and on close().
 *
 * gpioset prints nothing on success, so success means "still running after settleMs"; a bad chip,
 * a busy or invalid line offset makes it exit non-zero almost at once, with a message on stderr.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from '../../src/util/log.js';
import { SimSwitchError, checkSlot, slotIndex, SLOTS, type SimSwitch, type SlotId } from './types.js';
import { TaskQueue } from './task-queue.js';

export interface GpioSimSwitchOptions {
  /** GPIO chip name, number or path as gpioset accepts it: 'gpiochip0', '0', '/dev/gpiochip0'. */
  chip: string;
  /** Line offsets on the chip: [bit 0, bit 1] of the slot index. */
  lines: readonly [number, number];
  /** Lines are active-low (gpioset --active-low): a logical 1 drives the pin low. */
  activeLow?: boolean;
  /** How long gpioset must stay up before the select counts as done; the mux's settle time. Default 200 ms. */
  settleMs?: number;
  /** gpioset executable; default 'gpioset' (looked up in PATH). */
  gpiosetPath?: string;
  /** How long to wait for a held gpioset to exit after SIGTERM before SIGKILL. Default 2000 ms. */
  killTimeoutMs?: number;
  lineId?: string;
  log?: Logger;
}

export const DEFAULT_GPIO_SETTLE_MS = 200;

/** The gpioset v1.6 argument list that selects `slot`. Pure; exported for tests and docs. */
export function gpiosetArgs(chip: string, lines: readonly [number, number], slot: SlotId, activeLow = false): string[] {
  const i = slotIndex(slot);
  const args = ['--mode=signal'];
  if (activeLow) args.push('--active-low');
  args.push(chip, `${lines[0]}=${i & 1}`, `${lines[1]}=${(i >> 1) & 1}`);
  return args;
}

export class GpioSimSwitch implements SimSwitch {
  readonly kind = 'gpio' as const;
  readonly slots: readonly SlotId[] = SLOTS;
  private readonly queue = new TaskQueue();
  private readonly label: string;
  private readonly path: string;
  private held: ChildProcess | null = null;
  private slot: SlotId | null = null;
  private closed = false;

  constructor(private readonly opts: GpioSimSwitchOptions) {
    this.path = opts.gpiosetPath ?? 'gpioset';
    this.label = `${opts.lineId ? `line ${opts.lineId}: ` : ''}gpio SIM switch ${opts.chip} lines ${opts.lines[0]},${opts.lines[1]}`;
  }

  /** Process id of the gpioset currently holding the lines, if any (diagnostics and tests). */
  get heldPid(): number | null {
    return this.held?.pid ?? null;
  }

  select(slot: SlotId): Promise<void> {
    return this.queue.run(async () => {
      if (this.closed) throw new SimSwitchError('closed', `${this.label}: SIM switch is closed`);
      const bad = checkSlot(slot, this.slots, this.label);
      if (bad) throw bad;
      // The lines can only be requested by one process: release them first. From here until the new
      // gpioset runs the mux inputs float; the caller has the modem's radio off during the switch.
      await this.stopHeld();
      this.slot = null;
      const args = gpiosetArgs(this.opts.chip, this.opts.lines, slot, this.opts.activeLow);
      this.held = await this.start(args, slot);
      this.slot = slot;
      this.opts.log?.info({ slot, backend: this.kind, chip: this.opts.chip, lines: this.opts.lines }, 'SIM slot selected');
    });
  }

  async current(): Promise<SlotId | null> {
    if (this.closed) throw new SimSwitchError('closed', `${this.label}: SIM switch is closed`);
    return this.slot;
  }

  /** Kills the held gpioset (the lines go back to their default state) and refuses further selects. */
  close(): Promise<void> {
    if (this.closed) return this.queue.run(async () => undefined);
    this.closed = true;
    return this.queue.run(async () => {
      await this.stopHeld();
      this.slot = null;
    });
  }

  private start(args: string[], slot: SlotId): Promise<ChildProcess> {
    const settleMs = this.opts.settleMs ?? DEFAULT_GPIO_SETTLE_MS;
    const cmdline = `${this.path} ${args.join(' ')}`;
    return new Promise((resolve, reject) => {
      let stderr = '';
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      let child: ChildProcess;
      try {
        child = spawn(this.path, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      } catch (err) {
        reject(new SimSwitchError('tool', `${this.label}: cannot run ${cmdline}: ${(err as Error).message}`, { cause: err }));
        return;
      }
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (s: string) => {
        if (stderr.length < 2000) stderr += s;
      });
      const fail = (err: SimSwitchError) => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        reject(err);
      };
      child.once('error', (err: NodeJS.ErrnoException) => {
        const what = err.code === 'ENOENT' ? `${this.path} not found (install the gpiod package or set gpiosetPath)` : err.message;
        fail(new SimSwitchError('tool', `${this.label}: cannot run ${cmdline}: ${what}`, { cause: err }));
      });
      // 'close' comes after stderr is fully read, so the tool's own message makes it into the error.
      child.once('close', (code, signal) => {
        if (settled) return;
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        const msg = stderr.trim() ? `: ${stderr.trim().replace(/\s+/g, ' ')}` : '';
        const hint = code === 0 ? ' (it must keep running to hold the lines; is it libgpiod v1 with --mode=signal?)' : '';
        fail(new SimSwitchError('tool', `${this.label}: ${cmdline} ${how} while selecting slot ${slot}${msg}${hint}`));
      });
      child.once('spawn', () => {
        timer = setTimeout(() => {
          if (settled) return;
          settled = true;
          child.once('exit', (code, signal) => this.onUnexpectedExit(child, code, signal, () => stderr));
          resolve(child);
        }, settleMs);
      });
    });
  }

  private onUnexpectedExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null, stderr: () => string): void {
    if (this.held !== child) return;
    this.held = null;
    this.slot = null;
    this.opts.log?.warn(
      { backend: this.kind, chip: this.opts.chip, lines: this.opts.lines, code, signal, stderr: stderr().trim() || undefined },
      'gpioset holding the SIM switch lines exited; the selected slot is now undefined',
    );
  }

  private async stopHeld(): Promise<void> {
    const child = this.held;
    this.held = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timeoutMs = this.opts.killTimeoutMs ?? 2000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      exited.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), timeoutMs);
      }),
    ]);
    if (timer) clearTimeout(timer);
    if (timedOut) {
      this.opts.log?.warn({ pid: child.pid, chip: this.opts.chip }, 'gpioset ignored SIGTERM; sending SIGKILL');
      child.kill('SIGKILL');
      await exited;
    }
  }
}
