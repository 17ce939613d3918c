/**
 * 'serial': external SIM-multiplexer boards driven by text (or \xHH binary) commands on a serial port.
 * The command is rendered from a template per selection; with `expect` the board's reply must match
 * within timeoutMs, otherwise the select resolves once the bytes are written and drained.
 * The port is shared with the other lines on the same board (see serial-board.ts).
 */
import type { Logger } from '../../src/util/log.js';
import { SLOTS, SimSwitchError, checkSlot, type SimSwitch, type SlotId } from './types.js';
import { compileReplyPattern, parseCommandTemplate, renderCommand, printable, type TemplatePart } from './template.js';
import type { SerialBoardHandle, SerialBoardRegistry } from './serial-board.js';

export interface SerialCommandSimSwitchOptions {
  /** Serial device of the board, e.g. /dev/serial/by-path/…-port0 (stable across re-plugs). */
  port: string;
  baudRate: number;
  /** Command template; see template.ts for placeholders and escapes. */
  template: string;
  /** Regex source the reply must match (placeholders allowed); absent: write-and-drain only. */
  expect?: string;
  /** Regex source of a refusal reply (placeholders allowed): rejects at once instead of waiting. */
  fail?: string;
  timeoutMs: number;
  /** Line id, for {line} and messages. */
  lineId: string;
  boards: SerialBoardRegistry;
  log?: Logger;
}

export class SerialCommandSimSwitch implements SimSwitch {
  readonly kind = 'serial' as const;
  readonly slots: readonly SlotId[] = SLOTS;
  private readonly parts: TemplatePart[];
  private readonly handle: SerialBoardHandle;
  private readonly label: string;
  private slot: SlotId | null = null;
  private closed = false;

  /** Throws a 'config' SimSwitchError for a bad template or pattern, or a baud-rate clash on the port. */
  constructor(private readonly opts: SerialCommandSimSwitchOptions) {
    this.label = `line ${opts.lineId}: serial SIM switch ${opts.port}`;
    const parsed = parseCommandTemplate(opts.template);
    if (!parsed.ok) throw new SimSwitchError('config', `${this.label}: ${parsed.error}`);
    this.parts = parsed.value;
    for (const [name, src] of [['expect', opts.expect], ['fail', opts.fail]] as const) {
      if (src === undefined) continue;
      const re = compileReplyPattern(src, { line: opts.lineId, slot: 'A' });
      if (!re.ok) throw new SimSwitchError('config', `${this.label}: ${name}: ${re.error}`);
    }
    if (!Number.isFinite(opts.timeoutMs) || opts.timeoutMs <= 0) {
      throw new SimSwitchError('config', `${this.label}: timeoutMs must be a positive number`);
    }
    this.handle = opts.boards.acquire(opts.port, opts.baudRate);
  }

  async select(slot: SlotId): Promise<void> {
    if (this.closed) throw new SimSwitchError('closed', `${this.label}: SIM switch is closed`);
    const bad = checkSlot(slot, this.slots, this.label);
    if (bad) throw bad;
    const values = { line: this.opts.lineId, slot };
    const data = renderCommand(this.parts, values);
    const expect = this.opts.expect === undefined ? undefined : compileReplyPattern(this.opts.expect, values);
    const fail = this.opts.fail === undefined ? undefined : compileReplyPattern(this.opts.fail, values);
    if (expect && !expect.ok) throw new SimSwitchError('config', `${this.label}: expect: ${expect.error}`);
    if (fail && !fail.ok) throw new SimSwitchError('config', `${this.label}: fail: ${fail.error}`);
    this.slot = null;
    const reply = await this.handle.command({
      data,
      expect: expect?.value,
      fail: fail?.value,
      timeoutMs: this.opts.timeoutMs,
      label: this.label,
    });
    this.slot = slot;
    this.opts.log?.info({ slot, backend: this.kind, port: this.opts.port, sent: printable(data), reply: reply ? printable(reply) : undefined }, 'SIM slot selected');
  }

  async current(): Promise<SlotId | null> {
    if (this.closed) throw new SimSwitchError('closed', `${this.label}: SIM switch is closed`);
    return this.slot;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.handle.release();
  }
}
