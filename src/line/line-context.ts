/**
 * The parts of one line that its bring-up and monitor work with (the Line builds it once and keeps the
 * parts; bring-up.ts and monitor.ts are functions over it).
 */
import type { Logger } from '../util/log.js';
import type { CallLeg } from './call-leg.js';
import type { SecondCallLeg } from './second-call.js';
import type { LineOptions, LineTiming } from './line-options.js';
import type { LineStatusBoard, Notify } from './line-status.js';
import type { SimReadiness } from './sim-readiness.js';
import type { SlotBinding } from './slot-binding.js';

export interface LineContext {
  readonly id: number;
  readonly opts: LineOptions;
  readonly timing: LineTiming;
  readonly log: Logger;
  readonly now: () => number;
  readonly board: LineStatusBoard;
  readonly slots: SlotBinding;
  readonly sim: SimReadiness;
  readonly calls: CallLeg;
  /** A call that waited while `calls` was up (call waiting, TS 27.007 §7.12). */
  readonly second: SecondCallLeg;
  readonly notify: Notify;
  /**
   * Bring-up attempts since the modem last answered (the one under way included), and whether the last
   * reset of the silent modem could not power-cycle it (no USB device, no reset command).
   */
  readonly attempts: { unanswered: number; notPowerCycled: boolean };
  /** Waits; cut short by stop(), setEnabled() and a lost connection. */
  sleep(ms: number): Promise<void>;
  isRunning(): boolean;
  /** Runs the periodic data check when it is due. */
  checkDataWhenDue(): void;
}

/** Nothing the closed connection or an unregistered modem reported is known any more. */
export function clearRadio(ctx: Pick<LineContext, 'board'>): void {
  ctx.board.update({ reg: 'N', signal: 99, signalDbm: null, operator: null, plmn: null, volte: null });
}
