/**
 * What a line shows (status(), docs/api.md) and the events that say it changed. The lifecycle machine
 * (lifecycle.ts) is the only way `lifecycle` and `health` change: both are derived from its phase, with
 * a SIM slot change under way shown as `switching` over the phases it passes through (slot-change.ts).
 */
import type { LineEvents } from '../events.js';
import type { Logger } from '../util/log.js';
import { LineLifecycle, type LinePhase } from './lifecycle.js';
import { SlotChange } from './slot-change.js';
import type { Health, LineStatus } from './types.js';

/** Every status field but the two the machine derives. */
export type StatusPatch = Partial<Omit<LineStatus, 'lifecycle' | 'health'>>;

export type Notify = <K extends keyof LineEvents>(event: K, ...args: LineEvents[K]) => void;

export interface LineStatusOptions {
  initial: LineStatus;
  log: Logger;
  now: () => number;
  /** How long a slot change may show as `switching` before the line shows its own state again. */
  switchGraceMs: number;
  notify: Notify;
}

export class LineStatusBoard {
  readonly st: LineStatus;
  readonly machine: LineLifecycle;
  /** The SIM slot change under way, shown as health `switching` until the new card is ready. */
  private change: SlotChange | null = null;
  /**
   * The watchdog's suspicion (an owed answer is late): a line that shows `ok` shows `unresponsive` with
   * this detail instead, so that nothing new is given to it; the detail it had comes back after.
   */
  private suspicion: { detail: string; detailBefore: string | null } | null = null;

  constructor(private readonly o: LineStatusOptions) {
    this.st = o.initial;
    this.machine = new LineLifecycle(o.initial.enabled ? 'closed' : 'disabled', o.initial.health);
  }

  get phase(): LinePhase {
    return this.machine.phase;
  }

  get switching(): SlotChange | null {
    return this.change;
  }

  /** Moves the machine (lifecycle.ts; an illegal edge throws) and shows the result with `patch`. */
  enter(phase: LinePhase, health?: Health, patch: StatusPatch = {}): void {
    this.machine.enter(phase, health);
    // A closed line keeps what it showed until it reopens; any other phase is a judgement of its own.
    if (this.suspicion && phase !== 'closed') {
      const before = this.suspicion.detailBefore;
      this.suspicion = null;
      if (!('detail' in patch)) patch = { detail: before, ...patch };
    }
    this.show(patch, health !== undefined);
  }

  /** The modem is suspect (`detail` says why), or null: it spoke again. */
  suspect(detail: string | null): void {
    if (detail === null) {
      if (!this.suspicion) return;
      const before = this.suspicion.detailBefore;
      this.suspicion = null;
      this.show({ detail: before }, false);
      return;
    }
    if (this.suspicion) this.suspicion.detail = detail;
    else this.suspicion = { detail, detailBefore: this.st.detail };
    this.show({}, false);
  }

  get isSuspect(): boolean {
    return this.suspicion !== null;
  }

  /** Changes fields other than lifecycle and health. */
  update(patch: StatusPatch): void {
    this.show(patch, false);
  }

  /** A slot change begins (or the one under way goes on); the line shows `switching`. */
  beginSwitch(change: SlotChange): void {
    this.change = change;
    this.show({}, false);
  }

  /** The slot change is over (the new card is ready); returns it, or null when none was under way. */
  endSwitch(): SlotChange | null {
    const c = this.change;
    this.change = null;
    return c;
  }

  /**
   * Applies `patch` and derives lifecycle and health. While a slot change is under way its steps show
   * as `switching`; a health that is a real problem (`judged`: the machine was just given one) or the
   * grace period ends it.
   */
  private show(patch: StatusPatch, judged: boolean): void {
    const healthBefore = this.st.health;
    const lifecycleBefore = this.st.lifecycle;
    const suspicion = this.suspicion;
    if (suspicion && 'detail' in patch) suspicion.detailBefore = patch.detail ?? null;
    Object.assign(this.st, patch);
    let health: Health = this.machine.health;
    const change = this.change;
    if (change) {
      if (this.o.now() - change.since > this.o.switchGraceMs) {
        this.change = null;
        this.o.log.warn({ from: change.from, to: change.to, health }, 'SIM slot change is taking too long; showing the line as it is');
      } else if (judged && !SlotChange.isStep(health, this.st.sim.state)) {
        this.change = null;
      } else {
        health = 'switching';
        this.st.detail = change.detail();
      }
    }
    if (suspicion && health === 'ok') {
      health = 'unresponsive';
      this.st.detail = suspicion.detail;
    }
    this.st.health = health;
    this.st.lifecycle = this.machine.lifecycle;
    if (health !== healthBefore) {
      this.o.log.info({ health, detail: this.st.detail }, 'line health');
      this.o.notify('health', health, healthBefore);
    }
    if (this.st.lifecycle !== lifecycleBefore) this.o.notify('lifecycle', this.st.lifecycle);
    this.o.notify('status');
  }
}

/** What a line shows before it opened its port. */
export function initialStatus(id: number, name: string, enabled: boolean, imei: string | null): LineStatus {
  return {
    id,
    name,
    enabled,
    lifecycle: 'probe',
    health: enabled ? 'starting' : 'disabled',
    detail: null,
    callState: 'IDLE',
    callNumber: null,
    slot: null,
    reg: 'N',
    signal: 99,
    signalDbm: null,
    operator: null,
    plmn: null,
    volte: null,
    idleMinutes: null,
    bindMinutes: null,
    modem: { family: null, manufacturer: null, model: null, firmware: null, imei, port: null, usbPath: null },
    sim: { state: null, iccid: null, imsi: null, number: null },
    resets: 0,
    lastReset: null,
    at: { commands: 0, timeouts: 0, errors: 0, garbageBytes: 0 },
    dataCheck: null,
  };
}
